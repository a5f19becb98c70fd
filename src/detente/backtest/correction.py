"""A learned correction on top of the models, fitted and scored by the split protocol.

The correction predicts the compromise model's error from what the data hold
and adds it back:

    ŷ_k = c_k + Σ_j β_j z_kj,     c = the compromise forecast,

with features z that are *directional* (a signed pull away from c, in scale
points: another model's forecast minus c, the reference point minus c, the
Commission's and the Parliament's positions minus c; 0 where missing), each
also multiplied by *modifiers* that say when the pull matters (1, unanimity,
the spread of positions / 100, the number of actors / 30, has a reference
point). β minimises the ridge objective

    Σ_k (y_k − c_k − z_k β)² + λ ‖β‖²

(features scaled to unit variance on the fitting rows; no intercept: with
none, β = 0 is the compromise model, where a large λ pulls). λ is chosen
from :data:`LAMBDAS` by proposal-grouped CV MAE on the fitting rows only
(the larger λ on ties), so every choice stays inside a split's training part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.backtest.protocol import mae
from detente.backtest.splits import CV_FOLDS, fold_tests

LAMBDAS: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 1e4, 1e5)


@dataclass(frozen=True)
class Design:
    """Features ``Z[N, J]`` (named) and the base forecast ``c[N]``."""

    names: tuple[str, ...]
    Z: np.ndarray
    base: np.ndarray


def design(base: np.ndarray, pulls: Mapping[str, np.ndarray],
           modifiers: Mapping[str, np.ndarray]) -> Design:
    """Every pull (NaN → 0) times every modifier (and alone)."""
    names, cols = [], []
    for p, value in pulls.items():
        d = np.nan_to_num(value - base)
        names.append(p)
        cols.append(d)
        for m, mod in modifiers.items():
            names.append(f"{p}×{m}")
            cols.append(d * mod)
    return Design(tuple(names), np.column_stack(cols), base)


def fit_ridge(Z: np.ndarray, r: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients on standardised columns and the column scales (ridge, no intercept)."""
    scale = np.sqrt((Z**2).mean(axis=0))
    scale = np.where(scale > 0, scale, 1.0)
    X = Z / scale
    beta = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ r)
    return beta, scale


def predict(d: Design, beta: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return d.base + (d.Z / scale) @ beta


def _fit_predict(d: Design, y: np.ndarray, train: np.ndarray, test: np.ndarray,
                 lam: float) -> np.ndarray:
    beta, scale = fit_ridge(d.Z[train], y[train] - d.base[train], lam)
    out = np.full(len(y), np.nan)
    out[test] = predict(d, beta, scale)[test]
    return out


def choose_lambda(d: Design, y: np.ndarray, groups: np.ndarray, rows: np.ndarray, *,
                  folds: int = CV_FOLDS, seed: int = 0,
                  lambdas: Sequence[float] = LAMBDAS) -> float:
    """λ with the lowest grouped-CV MAE on ``rows`` (ties: the larger λ)."""
    tests = fold_tests(rows, groups, folds, seed)
    best, best_mae = lambdas[-1], np.inf
    for lam in sorted(lambdas, reverse=True):
        pred = np.full(len(y), np.nan)
        for test in tests:
            pred[test] = _fit_predict(d, y, rows & ~test, test, lam)[test]
        score = mae(pred, y, rows)
        if score < best_mae - 1e-9:
            best, best_mae = lam, score
    return best


@dataclass(frozen=True)
class CorrectionResult:
    seed: int
    cv_pred: np.ndarray
    held_pred: np.ndarray
    lam: float
    fold_lambdas: tuple[float, ...]
    beta: np.ndarray
    scale: np.ndarray


def evaluate_correction(d: Design, y: np.ndarray, groups: np.ndarray, train: np.ndarray,
                        test: np.ndarray, *, seed: int, folds: int = CV_FOLDS
                        ) -> CorrectionResult:
    """Nested grouped CV on ``train`` (λ chosen inside each fold), final fit, held-out forecasts."""
    cv = np.full(len(y), np.nan)
    lams = []
    for inner_test in fold_tests(train, groups, folds, seed):
        inner_train = train & ~inner_test
        lam = choose_lambda(d, y, groups, inner_train, folds=folds, seed=seed + 1)
        lams.append(lam)
        cv[inner_test] = _fit_predict(d, y, inner_train, inner_test, lam)[inner_test]
    lam = choose_lambda(d, y, groups, train, folds=folds, seed=seed + 1)
    beta, scale = fit_ridge(d.Z[train], y[train] - d.base[train], lam)
    held = np.full(len(y), np.nan)
    held[test] = predict(d, beta, scale)[test]
    return CorrectionResult(seed, cv, held, lam, tuple(lams), beta, scale)
