"""The issue-16 protocol: choices by proposal-grouped CV inside a split's training part.

Forecasts of candidate models (or variants) on every case are a table
``F[N, M]`` (NaN where a candidate gives none). Candidates that have no
fitted parameters can be run on every case once; what must stay inside the
training part is every *choice*: which candidate, which weights, which
penalty. Here:

- :func:`select` picks the candidate with the lowest MAE on given rows,
  compared on the rows where every candidate forecasts;
- :func:`cv_select` is its honest score: in each of K proposal-grouped folds
  of the training rows the choice is made on the other folds and applied to
  the fold;
- :func:`evaluate_choice` runs both on one :class:`~detente.backtest.splits.Split`
  and scores the final choice (made on all training rows) once on the
  held-out rows;
- :func:`gain_interval` is the MAE gain over a baseline with a
  proposal-clustered bootstrap interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detente.backtest.scoring import cluster_weights
from detente.backtest.splits import CV_FOLDS, Split, fold_tests


def mae(forecast: np.ndarray, y: np.ndarray, rows: np.ndarray | None = None) -> float:
    """Mean |forecast − y| over ``rows`` where both are numbers (NaN if none)."""
    ok = ~np.isnan(forecast) & ~np.isnan(y)
    if rows is not None:
        ok &= rows
    return float(np.mean(np.abs(forecast[ok] - y[ok]))) if ok.any() else float("nan")


def select(F: np.ndarray, y: np.ndarray, rows: np.ndarray) -> int:
    """Index of the column of ``F`` with the lowest MAE on ``rows`` (where all columns forecast).

    Ties go to the earlier column, so list the incumbent first.
    """
    common = rows & ~np.isnan(F).any(axis=1) & ~np.isnan(y)
    errors = np.abs(F[common] - y[common, None]).mean(axis=0)
    return int(np.argmin(errors))


def cv_select(F: np.ndarray, y: np.ndarray, groups: np.ndarray, rows: np.ndarray, *,
              folds: int = CV_FOLDS, seed: int = 0) -> tuple[np.ndarray, list[int]]:
    """Grouped-CV forecasts of "choose the best column": per fold, chosen on the other folds.

    Returns the forecasts (NaN off ``rows``) and the column chosen in each fold.
    """
    out = np.full(len(y), np.nan)
    chosen = []
    for test in fold_tests(rows, groups, folds, seed):
        k = select(F, y, rows & ~test)
        chosen.append(k)
        out[test] = F[test, k]
    return out, chosen


@dataclass(frozen=True)
class ChoiceResult:
    """One split: the CV score of the selection, the final choice and its held-out score."""

    seed: int
    chosen: str
    fold_choices: tuple[str, ...]
    cv_mae: float
    cv_baseline_mae: float
    held_out_mae: float
    held_out_baseline_mae: float
    cv_issues: int
    held_out_issues: int


def evaluate_choice(names: Sequence[str], F: np.ndarray, y: np.ndarray, groups: np.ndarray,
                    split: Split, baseline: np.ndarray, *, folds: int = CV_FOLDS,
                    rows: np.ndarray | None = None) -> ChoiceResult:
    """Select among ``names`` by grouped CV on ``split``'s training part; score held out.

    ``rows`` restricts the cases considered (default: all); baseline MAEs are
    on exactly the cases the chosen forecasts cover.
    """
    rows = np.ones(len(y), dtype=bool) if rows is None else rows
    train, test = rows & split.train, rows & split.test
    cv_pred, fold_k = cv_select(F, y, groups, train, folds=folds, seed=split.seed)
    k = select(F, y, train)
    cv_ok = train & ~np.isnan(cv_pred)
    held = F[:, k]
    held_ok = test & ~np.isnan(held)
    return ChoiceResult(
        seed=split.seed,
        chosen=names[k],
        fold_choices=tuple(names[j] for j in fold_k),
        cv_mae=mae(cv_pred, y, cv_ok),
        cv_baseline_mae=mae(baseline, y, cv_ok),
        held_out_mae=mae(held, y, held_ok),
        held_out_baseline_mae=mae(baseline, y, held_ok),
        cv_issues=int(cv_ok.sum()),
        held_out_issues=int(held_ok.sum()),
    )


def gain_interval(forecast: np.ndarray, baseline: np.ndarray, y: np.ndarray,
                  groups: np.ndarray, rows: np.ndarray, *, n_boot: int = 1000,
                  seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """MAE(baseline) − MAE(forecast) on ``rows`` and its proposal-clustered bootstrap interval."""
    ok = rows & ~np.isnan(forecast) & ~np.isnan(baseline) & ~np.isnan(y)
    diff = np.abs(baseline[ok] - y[ok]) - np.abs(forecast[ok] - y[ok])
    point = float(diff.mean())
    if n_boot == 0:
        return point, float("nan"), float("nan")
    w = cluster_weights(groups[ok], n_boot, np.random.default_rng(seed))
    boot = w @ diff / w.sum(axis=1)
    tail = 100 * (1 - level) / 2
    return point, float(np.percentile(boot, tail)), float(np.percentile(boot, 100 - tail))
