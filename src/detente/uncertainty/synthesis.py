"""One synthesis across models per issue, weighted by each model's held-out record.

The brief's bottom line needs one number per issue, not seven. This module pools the
models' forecasts into one distribution and reads its median and central interval:

- **weights**: ``w_m ∝ 1 / S_m``, where ``S_m`` is model ``m``'s mean interval score on
  EU legislative decisions it did not see (proposal-grouped 5-fold cross-validation,
  DEU I/II; ``cv_interval_score`` in ``residual_calibration.json``, written by
  ``tools/accuracy_study.py intervals``). A lower score (narrower intervals that still
  hold the outcomes) earns more weight. A model without such a record (another parameter
  set, a model never scored) gets weight 0 and is named as left out.
- **pooled distribution**: the mixture ``F(x) = Σ_m w_m F_m(x)``, where ``F_m`` is
  piecewise linear through the model's central interval and median,
  ``(low, (1−L)/2), (median, ½), (high, (1+L)/2)``, with tails of the same slope reaching
  0 and 1 (clipped to the scale); a model with a point only is a step at the point.
- **synthesis** = ``F⁻¹(½)`` and **band** = ``[F⁻¹((1−L)/2), F⁻¹((1+L)/2)]``. The
  synthesis lies inside its own band by construction (F is monotone), so it is never a
  point in its own tail. **spread** = the range of the models' medians: how far they
  agree.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from detente.uncertainty.residual import RESIDUAL_FILE

GRID = 4001
"""Points on each issue's scale at which the pooled CDF is evaluated."""

WEIGHT_RULE = ("weights ∝ 1 / held-out interval score of each model on EU legislative "
               "decisions (DEU I/II, proposal-grouped 5-fold cross-validation; "
               "residual_calibration.json)")


@cache
def held_out_scores() -> dict[str, float]:
    """Model → mean held-out interval score (lower is better), as shipped."""
    data = json.loads(RESIDUAL_FILE.read_text(encoding="utf-8"))
    return {m: float(v["cv_interval_score"]) for m, v in data["models"].items()}


def model_weights(models: Sequence[str],
                  scores: Mapping[str, float] | None = None) -> dict[str, float]:
    """Normalised weights of ``models`` (0 for a model without a record)."""
    scores = held_out_scores() if scores is None else scores
    raw = {m: (1.0 / scores[m] if m in scores and scores[m] > 0 else 0.0) for m in models}
    total = sum(raw.values())
    return {m: (w / total if total else 0.0) for m, w in raw.items()}


@dataclass(frozen=True)
class ModelView:
    """One model's forecast on one issue as the synthesis reads it."""

    model: str
    point: float
    median: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class IssueSynthesis:
    """The pooled view of one issue."""

    issue: str
    value: float
    low: float
    high: float
    level: float
    spread_low: float
    spread_high: float
    weights: Mapping[str, float]
    left_out: tuple[str, ...]

    @property
    def spread(self) -> float:
        return self.spread_high - self.spread_low

    def to_dict(self) -> dict[str, Any]:
        return {"issue": self.issue, "value": self.value, "low": self.low, "high": self.high,
                "level": self.level, "models_span": [self.spread_low, self.spread_high],
                "weights": dict(self.weights), "left_out": list(self.left_out),
                "rule": WEIGHT_RULE}


def _cdf(view: ModelView, x: np.ndarray, level: float, lo: float, hi: float) -> np.ndarray:
    """The piecewise-linear CDF of one model on the grid ``x``."""
    if view.low is None or view.high is None or not view.high > view.low:
        return (x >= view.median).astype(float)
    tail = (1 - level) / 2
    a, m, b = view.low, view.median, view.high
    m = min(max(m, a), b)
    # tails of the same slope as the neighbouring central segment, clipped to the scale
    stretch = tail / max(0.5 - tail, 1e-9)
    left, right = a - (m - a) * stretch, b + (b - m) * stretch
    xs = [max(lo, left), a, m, b, min(hi, right)]
    ps = [0.0, tail, 0.5, 1 - tail, 1.0]
    eps = 1e-9 * max(hi - lo, 1.0)
    xs_arr = np.asarray(xs, dtype=float)
    for k in range(1, len(xs_arr)):  # strictly increasing knots for np.interp
        xs_arr[k] = max(xs_arr[k], xs_arr[k - 1] + eps)
    return np.interp(x, xs_arr, ps, left=0.0, right=1.0)


def _quantile(x: np.ndarray, cdf: np.ndarray, q: float) -> float:
    """The smallest ``x`` with ``F(x) >= q`` (a plateau's left end, exact for steps)."""
    k = int(np.searchsorted(cdf, q - 1e-12, side="left"))
    return float(x[min(k, len(x) - 1)])


def synthesise(issue: str, views: Sequence[ModelView], *, low: float, high: float,
               level: float = 0.8, scores: Mapping[str, float] | None = None
               ) -> IssueSynthesis | None:
    """The pooled forecast of one issue on the scale ``[low, high]`` (``None`` when no
    model with a record has a value)."""
    views = [v for v in views if not math.isnan(v.median)]
    weights = model_weights([v.model for v in views], scores)
    used = [v for v in views if weights[v.model] > 0]
    if not used:
        return None
    x = np.linspace(low, high, GRID)
    cdf = sum(weights[v.model] * _cdf(v, x, level, low, high) for v in used)
    cdf = np.clip(np.maximum.accumulate(np.asarray(cdf, dtype=float)), 0.0, 1.0)
    tail = (1 - level) / 2
    value = _quantile(x, cdf, 0.5)
    band_low, band_high = _quantile(x, cdf, tail), _quantile(x, cdf, 1 - tail)
    medians = [v.median for v in used]
    return IssueSynthesis(issue=issue, value=value, low=min(band_low, value),
                          high=max(band_high, value), level=level,
                          spread_low=min(medians), spread_high=max(medians),
                          weights={v.model: weights[v.model] for v in used},
                          left_out=tuple(v.model for v in views if weights[v.model] == 0))


def synthesis_of(result: Any) -> list[IssueSynthesis | None]:
    """One :class:`IssueSynthesis` per issue of a :class:`~detente.results.ForecastSet`
    (medians and intervals where the result carries distributions, points otherwise)."""
    out: list[IssueSynthesis | None] = []
    level = result.interval or 0.8
    for k, issue in enumerate(result.scenario.issues):
        views = []
        for f in result:
            point = float(f.outcome[0, k])
            d = result.distribution(f.model, issue.id)
            if d is None:
                views.append(ModelView(f.model.split("@")[0], point, point, None, None))
            else:
                views.append(ModelView(f.model.split("@")[0], point, float(d.median),
                                       float(d.low), float(d.high)))
        out.append(synthesise(issue.id, views, low=issue.low, high=issue.high, level=level))
    return out


__all__ = [
    "WEIGHT_RULE",
    "IssueSynthesis",
    "ModelView",
    "coverage_note",
    "held_out_scores",
    "measured_coverage",
    "model_weights",
    "synthesis_of",
    "synthesise",
    "turning_inputs",
]


def turning_inputs(sensitivity: Any, scenario: Any, top: int = 2) -> list[dict[str, Any]]:
    """The inputs that could change the answer: those whose stated range alone carries an
    issue's forecast across to another labelled point of its scale (the nearest anchor at
    the lowest and at the highest forecast over the range differ) or that move it up and
    down across the range (non-monotone: a knife-edge the ends hide); the ``top`` of them
    by the distance they move the forecast (``outcome_max − outcome_min``). Inputs that
    cross no labelled point are left out: within their ranges the answer stays."""
    if sensitivity is None:
        return []
    found = []
    for row in sensitivity.tornado.to_dict(orient="records"):
        issue = scenario.issue(row["issue"])
        lo, hi = float(row["outcome_min"]), float(row["outcome_max"])
        if math.isnan(lo) or math.isnan(hi):
            continue
        a, b = issue.nearest_anchor(lo), issue.nearest_anchor(hi)
        crosses = a is not None and b is not None and a.label != b.label
        if not (crosses or bool(row["non_monotone"])):
            continue
        found.append({"issue": row["issue"], "input": row["input"], "kind": row["kind"],
                      "range": [float(row["low"]), float(row["high"])],
                      "outcome_low": float(row["outcome_low"]),
                      "outcome_high": float(row["outcome_high"]),
                      "outcome_min": lo, "outcome_max": hi,
                      "from_label": a.label if a else "", "to_label": b.label if b else "",
                      "non_monotone": bool(row["non_monotone"]), "moves": hi - lo})
    found.sort(key=lambda r: (-r["moves"], r["issue"], r["input"]))
    return found[:top]


COVERAGE_FILE = RESIDUAL_FILE.with_name("interval_coverage.json")


@cache
def _coverage() -> dict[str, Any]:
    return dict(json.loads(COVERAGE_FILE.read_text(encoding="utf-8")))


def measured_coverage(model: str, source: str | None, level: float) -> float | None:
    """The share of held-out real outcomes that ``model``'s central ``level`` interval of
    this ``source`` ("residual" or "simulation") held, where one was measured
    (``interval_coverage.json``, from ``docs/accuracy.md``); ``None`` otherwise."""
    if source != "residual":
        return None
    table = _coverage()["residual"].get(f"{level:g}", {})
    value = table.get(model.split("@")[0])
    return None if value is None else float(value)


def coverage_note() -> str:
    """Where the measured coverages come from, and what a simulated interval lacks."""
    data = _coverage()
    return f"{data['source']}; {data['simulation_note']}"
