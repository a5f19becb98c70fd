"""Choosing and calibrating residual intervals (:mod:`detente.uncertainty.residual`) on DEU.

Candidates are (construction, floor) pairs (:data:`CANDIDATES`). For one model
with forecasts ``f[N]`` on cases with outcomes ``y[N]``, ``S[N, C]`` holds each
case's scale under each candidate. The protocol of ``docs/accuracy.md``:

- :func:`choose` picks the candidate with the lowest mean interval score at
  50% and 80% (Gneiting & Raftery 2007: width + (2/α) × the distance by which
  the outcome falls outside, α = 1 − level; it rewards coverage and
  narrowness at once) in proposal-grouped K-fold CV on the given rows: in each
  fold the scores are calibrated on the other folds and the intervals scored
  on the fold;
- :func:`evaluate_split` makes that choice on a split's training part,
  calibrates on all of it and reports coverage and width on the held-out
  proposals;
- :func:`calibration_entry` is what ships: the choice and the scores on all
  given rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.backtest.splits import CV_FOLDS, Split, fold_tests
from detente.errors import ModelInputError
from detente.uncertainty.residual import conformal_quantile, dispersion

#: (construction, floor as a share of the scale) candidates
CANDIDATES: tuple[tuple[str, float], ...] = (
    ("span", 1.0),
    *((c, f) for c in ("spread", "range", "deviation") for f in (0.05, 0.1, 0.2, 0.4)),
)
LEVELS: tuple[float, ...] = (0.5, 0.8)


def candidate_name(c: tuple[str, float]) -> str:
    return c[0] if c[0] == "span" else f"{c[0]}+{c[1]:g}"


def scales(inputs: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]], f: np.ndarray,
           spans: np.ndarray) -> np.ndarray:
    """``S[N, C]``: each case's scale under each candidate (NaN where ``f`` is NaN)."""
    S = np.full((len(f), len(CANDIDATES)), np.nan)
    for k, (pos, sal, cap) in enumerate(inputs):
        if np.isnan(f[k]):
            continue
        for j, (construction, floor) in enumerate(CANDIDATES):
            S[k, j] = spans[k] * floor + dispersion(pos, sal, cap, float(f[k]), construction)
    return S


def intervals(f: np.ndarray, s: np.ndarray, y: np.ndarray, fit: np.ndarray, apply: np.ndarray,
              level: float, low: float = 0.0, high: float = 100.0
              ) -> tuple[np.ndarray, np.ndarray]:
    """Intervals at ``level`` on ``apply`` rows, calibrated on the ``fit`` rows (NaN elsewhere)."""
    ok = fit & ~np.isnan(f) & ~np.isnan(y)
    q = conformal_quantile(np.sort(np.abs(y[ok] - f[ok]) / s[ok]), level)
    lo = np.full(len(f), np.nan)
    hi = np.full(len(f), np.nan)
    rows = apply & ~np.isnan(f)
    lo[rows] = np.maximum(low, f[rows] - q * s[rows])
    hi[rows] = np.minimum(high, f[rows] + q * s[rows])
    return lo, hi


def interval_score(lo: np.ndarray, hi: np.ndarray, y: np.ndarray, level: float) -> np.ndarray:
    """Per case: (hi − lo) + (2/α)(lo − y)₊ + (2/α)(y − hi)₊ with α = 1 − level."""
    a = 1.0 - level
    return (hi - lo) + (2 / a) * np.maximum(lo - y, 0) + (2 / a) * np.maximum(y - hi, 0)


def cv_scores(f: np.ndarray, S: np.ndarray, y: np.ndarray, groups: np.ndarray,
              rows: np.ndarray, seed: int, folds: int = CV_FOLDS) -> np.ndarray:
    """Mean interval score (summed over :data:`LEVELS`) per candidate in grouped CV on rows."""
    rows = rows & ~np.isnan(f) & ~np.isnan(y)
    total = np.zeros(S.shape[1])
    for te in fold_tests(rows, groups, folds, seed):
        for j in range(S.shape[1]):
            for level in LEVELS:
                lo, hi = intervals(f, S[:, j], y, rows & ~te, te, level)
                total[j] += interval_score(lo[te], hi[te], y[te], level).sum()
    return total / rows.sum()


def choose(f: np.ndarray, S: np.ndarray, y: np.ndarray, groups: np.ndarray,
           rows: np.ndarray, seed: int) -> int:
    """The candidate with the lowest CV interval score on ``rows`` (ties: the earlier)."""
    return int(np.argmin(cv_scores(f, S, y, groups, rows, seed)))


@dataclass(frozen=True)
class SplitIntervals:
    """One model on one split: the choice made on training, and held-out coverage and width."""

    seed: int
    chosen: str
    coverage: tuple[float, ...]  # per level, on held-out issues
    width: tuple[float, ...]  # mean width per level (clipped to the scale)
    span_coverage: tuple[float, ...]  # the plain construction ("span"), for comparison
    span_width: tuple[float, ...]
    issues: int


def coverage_and_width(lo: np.ndarray, hi: np.ndarray, y: np.ndarray, rows: np.ndarray
                       ) -> tuple[float, float]:
    ok = rows & ~np.isnan(lo) & ~np.isnan(y)
    inside = (lo[ok] <= y[ok]) & (y[ok] <= hi[ok])
    return float(inside.mean()), float((hi[ok] - lo[ok]).mean())


def evaluate_split(f: np.ndarray, S: np.ndarray, y: np.ndarray, groups: np.ndarray,
                   split: Split) -> SplitIntervals:
    """Choose on ``split``'s training part (grouped CV), calibrate on it, score held out."""
    train = split.train & ~np.isnan(f)
    j = choose(f, S, y, groups, train, split.seed)
    cov, wid, span_cov, span_wid = [], [], [], []
    for level in LEVELS:
        lo, hi = intervals(f, S[:, j], y, train, split.test, level)
        c, w = coverage_and_width(lo, hi, y, split.test)
        cov.append(c)
        wid.append(w)
        lo0, hi0 = intervals(f, S[:, 0], y, train, split.test, level)
        c0, w0 = coverage_and_width(lo0, hi0, y, split.test)
        span_cov.append(c0)
        span_wid.append(w0)
    return SplitIntervals(split.seed, candidate_name(CANDIDATES[j]), tuple(cov), tuple(wid),
                          tuple(span_cov), tuple(span_wid),
                          int((split.test & ~np.isnan(f)).sum()))


def calibration_entry(f: np.ndarray, S: np.ndarray, y: np.ndarray, groups: np.ndarray,
                      rows: np.ndarray, params: dict[str, Any], seed: int) -> dict[str, Any]:
    """What ships for one model: the construction chosen by grouped CV on ``rows``, and the
    standardised errors |y − f| / s on all of them (sorted, 6 decimals)."""
    rows = rows & ~np.isnan(f) & ~np.isnan(y)
    cv = cv_scores(f, S, y, groups, rows, seed)
    j = int(np.argmin(cv))
    construction, floor = CANDIDATES[j]
    scores = np.sort(np.abs(y[rows] - f[rows]) / S[rows, j])
    return {"params": params, "construction": construction, "floor": floor,
            "cv_interval_score": round(float(cv[j]), 4),
            "scores": [round(float(v), 6) for v in scores]}


#: the models whose intervals ship: (name, runs on the proposal-level scenarios)
CALIBRATED_MODELS: tuple[tuple[str, bool], ...] = (
    ("nash", False), ("compromise", False), ("median", False), ("smp", False), ("eum", False),
    ("exchange", True),
)
#: seed of the grouped folds in which the shipped constructions are chosen
SHIP_SEED = 16


def model_column(name: str, cases: Sequence[Any], *, proposals: bool = False,
                 every: Sequence[Any] = ()) -> np.ndarray:
    """The default ``name`` model's forecast on every scored case: on its own issue scenario,
    or (``proposals``) on its proposal's multi-issue scenario built from ``every`` issue."""
    from detente.backtest.proposals import proposal_cases
    from detente.models.registry import get_model

    model = get_model(name)
    out = np.full(len(cases), np.nan)
    if proposals:
        for pc in proposal_cases(every, cases):
            point = model.forecast(pc.scenario, seed=0).point
            for issue, k in pc.scored:
                out[k] = point[issue]
        return out
    for k, case in enumerate(cases):
        with suppress(ModelInputError):  # a case the model cannot run stays NaN
            out[k] = float(model.forecast(case.scenario, seed=0).outcome[0, 0])
    return out


def build_calibration(path: Any, columns: dict[str, np.ndarray] | None = None
                      ) -> dict[str, Any]:
    """The content of ``residual_calibration.json`` from the DEU file at ``path``.

    ``columns`` (model -> forecasts per scored case, as :func:`model_column`
    computes them) may be passed in when already at hand.
    """
    import hashlib
    from pathlib import Path

    from detente.backtest.deu import load_cases
    from detente.json_values import json_ready
    from detente.models.registry import get_model
    from detente.uncertainty.residual import issue_inputs

    path = Path(path)
    cases = load_cases(path, capability="equal")
    every = load_cases(path, capability="equal", scoreable_only=False)
    y = np.array([c.outcome for c in cases], dtype=float)
    groups = np.array([c.proposal for c in cases])
    inputs = [issue_inputs(c.scenario, c.issue) for c in cases]
    spans = np.array([c.scenario.issue(c.issue).high - c.scenario.issue(c.issue).low
                      for c in cases], dtype=float)
    rows = np.ones(len(cases), dtype=bool)
    models = {}
    for name, on_proposals in CALIBRATED_MODELS:
        f = (columns or {}).get(name)
        if f is None:
            f = model_column(name, cases, proposals=on_proposals, every=every)
        S = scales(inputs, f, spans)
        models[name] = calibration_entry(f, S, y, groups, rows,
                                         json_ready(get_model(name).get_params()), SHIP_SEED)
    return {
        "source": "DEU I/II",
        "data_file": path.name,
        "data_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "command": "python tools/accuracy_study.py intervals --write",
        "method": "split-conformal: sorted |outcome - forecast| / scale per model; the "
                  "construction chosen by proposal-grouped 5-fold CV (interval score at 50% "
                  f"and 80%, fold seed {SHIP_SEED}) on all scored issues",
        "issues": len(cases),
        "proposals": len(set(groups)),
        "models": models,
    }
