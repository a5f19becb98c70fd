"""Fitting and honestly scoring the ensemble (:mod:`detente.models.ensemble`).

Protocol (all randomness from one seeded generator):

1. Hold out a share of the *proposals* (default 25%): their issues are never
   used to fit weights or choose the penalty; they give the held-out score.
2. On the remaining (training) proposals, K-fold cross-validation grouped by
   proposal (the issues of one proposal are never split across folds). Inside
   each fold the penalty λ is chosen by an inner grouped CV on that fold's
   training part only, then weights are fitted on it and the fold is
   predicted. The CV MAE is compared with the compromise model on exactly the
   same issues.
3. Final weights: λ by grouped CV on all training proposals, weights fitted
   on all of them; scored once on the held-out proposals.

Weights of one member set minimise, over its training issues with every
member available,

    (1/N) Σ_k |Σ_m w_m f_mk − y_k| + λ Σ_m |w_m − w⁰_m|,   w ≥ 0, Σ w = 1,

with w⁰ all on the compromise model: least absolute deviations (the MAE
itself) pulled toward the baseline, so with little evidence the ensemble
stays the compromise model. Solved exactly as a linear programme (HiGHS via
``scipy.optimize.linprog``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linprog

from detente.arrays import compile_scenario
from detente.atomic import write_text_atomic
from detente.backtest.deu import Case
from detente.backtest.splits import fold_tests
from detente.models.ensemble import (
    SETS,
    combine,
    member_forecasts,
    needs_status_quo,
    set_members,
)

BASELINE = "compromise"
#: the members of the shipped weights: the compromise model under each reading of
#: capability, and the reference point (see docs/accuracy.md for why not every model)
SHIPPED_MEMBERS: tuple[str, ...] = ("compromise", "reference-point", "compromise@council-votes",
                                    "compromise@shapley-shubik", "compromise@banzhaf")
LAMBDAS: tuple[float, ...] = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0)


@dataclass(frozen=True)
class MemberTable:
    """Member forecasts on the cases: ``F[N, M]`` with NaN where a member cannot run."""

    members: tuple[str, ...]
    F: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    has_sq: np.ndarray
    council: np.ndarray

    def column(self, member: str) -> np.ndarray:
        return self.F[:, self.members.index(member)]


def member_table(cases: Sequence[Case], members: Sequence[str], *, seed: int = 0,
                 progress: Callable[[int, int], None] | None = None) -> MemberTable:
    """Run every member on every case."""
    rng = np.random.default_rng(seed)
    F = np.full((len(cases), len(members)), np.nan)
    council = np.zeros(len(cases), dtype=bool)
    for k, case in enumerate(cases):
        arrays = compile_scenario(case.scenario)
        fc = member_forecasts(arrays, list(members), rng, council=case.council,
                              extras=case.extras)
        F[k] = [fc[m][0, 0] for m in members]
        council[k] = True  # every case is a DEU issue: the Council's rules are known
        if progress is not None:
            progress(k + 1, len(cases))
    y = np.array([np.nan if c.outcome is None else c.outcome for c in cases])
    has_sq = np.array([c.reference_point is not None for c in cases])
    groups = np.array([c.proposal for c in cases])
    return MemberTable(tuple(members), F, y, groups, has_sq, council)


def fit_lad(F: np.ndarray, y: np.ndarray, lam: float, prior: np.ndarray) -> np.ndarray:
    """Convex weights minimising mean |F w − y| + λ Σ |w − prior| (a linear programme)."""
    n, m = F.shape
    if n == 0:
        return prior.copy()
    # variables: w (m), u (n) absolute residuals, v (m) absolute deviations from the prior
    c = np.r_[np.zeros(m), np.full(n, 1.0 / n), np.full(m, lam)]
    zn, zm = np.zeros((n, m)), np.zeros((m, n))
    a_ub = np.block([
        [F, -np.eye(n), zn],
        [-F, -np.eye(n), zn],
        [np.eye(m), zm, -np.eye(m)],
        [-np.eye(m), zm, -np.eye(m)],
    ])
    b_ub = np.r_[y, -y, prior, -prior]
    a_eq = np.r_[np.ones(m), np.zeros(n + m)][None]
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                  bounds=[(0, None)] * (2 * m + n), method="highs")
    if not res.success:  # pragma: no cover - the problem is always feasible and bounded
        return prior.copy()
    w = np.clip(res.x[:m], 0.0, None)
    return w / w.sum()


def fit_spec(table: MemberTable, rows: np.ndarray, lam: float) -> dict[str, dict[str, float]]:
    """Weights for every member set, fitted on the issues ``rows`` (boolean mask)."""
    weights: dict[str, dict[str, float]] = {}
    for which in SETS:
        names = set_members(table.members, which)
        cols = [table.members.index(m) for m in names]
        F = table.F[:, cols]
        ok = rows & ~np.isnan(F).any(axis=1) & ~np.isnan(table.y)
        prior = np.array([1.0 if m == BASELINE else 0.0 for m in names])
        if prior.sum() == 0:
            prior[:] = 1.0 / len(names)
        w = fit_lad(F[ok], table.y[ok], lam, prior)
        weights[which] = {m: round(float(v), 6) for m, v in zip(names, w, strict=True)}
    return weights


def predict(table: MemberTable, weights: dict[str, dict[str, float]],
            rows: np.ndarray) -> np.ndarray:
    """Ensemble forecasts on the issues ``rows`` (NaN elsewhere)."""
    out = np.full(len(table.y), np.nan)
    spec = {"weights": weights}
    for k in np.flatnonzero(rows):
        fc = {m: table.F[k:k + 1, j:j + 1] for j, m in enumerate(table.members)}
        value, _ = combine(fc, spec, table.has_sq[k:k + 1], bool(table.council[k]))
        out[k] = value[0, 0]
    return out


def choose_lambda(table: MemberTable, rows: np.ndarray, k: int,
                  rng: np.random.Generator) -> float:
    """λ with the lowest grouped-CV MAE on ``rows`` (ties: the larger λ)."""
    tests = fold_tests(rows, table.groups, k, rng)
    best, best_mae = LAMBDAS[-1], np.inf
    for lam in reversed(LAMBDAS):
        pred = np.full(len(table.y), np.nan)
        for test in tests:
            train = rows & ~test
            pred[test] = predict(table, fit_spec(table, train, lam), test)[test]
        mae = float(np.nanmean(np.abs(pred[rows] - table.y[rows])))
        if mae < best_mae - 1e-9:
            best, best_mae = lam, mae
    return best


def _mae(a: np.ndarray, y: np.ndarray, rows: np.ndarray) -> float:
    ok = rows & ~np.isnan(a) & ~np.isnan(y)
    return float(np.mean(np.abs(a[ok] - y[ok])))


def _win_rate(a: np.ndarray, b: np.ndarray, y: np.ndarray, rows: np.ndarray) -> float:
    ok = rows & ~np.isnan(a) & ~np.isnan(b)
    ea, eb = np.abs(a[ok] - y[ok]), np.abs(b[ok] - y[ok])
    return float(np.mean(np.where(ea < eb, 1.0, np.where(ea == eb, 0.5, 0.0))))


def evaluate(table: MemberTable, *, folds: int = 5, held_out_share: float = 0.25,
             seed: int = 0) -> dict[str, Any]:
    """Held-out split, grouped CV and the final fit (see the module docstring)."""
    rng = np.random.default_rng(seed)
    labels = np.unique(table.groups)
    n_test = round(held_out_share * len(labels))
    test_labels = set(rng.choice(labels, size=n_test, replace=False).tolist()) if n_test else set()
    test = np.array([g in test_labels for g in table.groups])
    train = ~test & ~np.isnan(table.y)
    base = table.column(BASELINE)

    cv_pred = np.full(len(table.y), np.nan)
    lambdas = []
    for fold_test in fold_tests(train, table.groups, folds, rng):
        fold_train = train & ~fold_test
        lam = choose_lambda(table, fold_train, folds, rng)
        lambdas.append(lam)
        cv_pred[fold_test] = predict(table, fit_spec(table, fold_train, lam), fold_test)[fold_test]

    lam = choose_lambda(table, train, folds, rng)
    weights = fit_spec(table, train, lam)
    held_pred = predict(table, weights, test)
    per_member = {m: _mae(table.column(m), table.y, train) for m in table.members}
    return {
        "weights": weights,
        "lambda": lam,
        "cv": {
            "folds": folds,
            "lambdas": lambdas,
            "issues": int(train.sum()),
            "proposals": len(set(table.groups[train])),
            "ensemble_mae": _mae(cv_pred, table.y, train),
            "compromise_mae": _mae(base, table.y, train),
            "win_rate_vs_compromise": _win_rate(cv_pred, base, table.y, train),
        },
        "held_out": {
            "issues": int(test.sum()),
            "proposals": sorted(test_labels),
            "ensemble_mae": _mae(held_pred, table.y, test) if test.any() else None,
            "compromise_mae": _mae(base, table.y, test) if test.any() else None,
            "win_rate_vs_compromise": (_win_rate(held_pred, base, table.y, test)
                                       if test.any() else None),
        },
        "training_member_mae": per_member,
        "training_proposals": sorted(set(table.groups[train])),
        "cv_predictions": cv_pred,
        "held_out_predictions": held_pred,
    }


def weights_document(report: dict[str, Any], *, dataset: str | Path, capability: str,
                     members: Sequence[str], seed: int, command: str) -> dict[str, Any]:
    """The JSON shipped as ``ensemble_weights.json``: weights and their provenance."""
    path = Path(dataset)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return {
        "weights": report["weights"],
        "provenance": {
            "fitted_on": path.name,
            "sha256": digest,
            "date": dt.date.today().isoformat(),
            "command": command,
            "capability": capability,
            "seed": seed,
            "members": list(members),
            "needs_status_quo": [m for m in members if needs_status_quo(m)],
            "method": "least absolute deviations, convex weights, L1 pull toward the "
                      "compromise model with penalty lambda chosen by proposal-grouped CV "
                      "on the training proposals (detente.backtest.ensemble_fit)",
            "lambda": report["lambda"],
            "training_proposals": report["training_proposals"],
            "held_out_proposals": report["held_out"]["proposals"],
            "cv": report["cv"],
            "held_out": {k: v for k, v in report["held_out"].items() if k != "proposals"},
            "training_member_mae": report["training_member_mae"],
        },
    }


def write_weights(document: dict[str, Any], path: str | Path) -> Path:
    return write_text_atomic(path, json.dumps(document, indent=2) + "\n")
