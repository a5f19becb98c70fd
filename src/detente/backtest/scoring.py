"""Accuracy measures with proposal-clustered bootstrap confidence intervals.

For a model's forecasts f_k and the realised outcomes y_k over the issues it
could forecast, with errors e_k = |f_k − y_k|:

- MAE = mean(e); median absolute error = median(e); RMSE = sqrt(mean(e²));
- within 10 / within 20 = share of issues with e ≤ 10 (≤ 20);
- paired win rate against a baseline b (the compromise model) over the
  issues both forecast: mean of 1[e_k < e_bk] + ½·1[e_k = e_bk].

Confidence intervals: percentile bootstrap that resamples whole *proposals*
(issues of one proposal share negotiators and a date, so they are not
independent), B replicates drawn with a seeded ``numpy.random.Generator``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METRICS: tuple[str, ...] = ("mae", "median_ae", "rmse", "within_10", "within_20", "win_rate")


@dataclass(frozen=True)
class Score:
    """One model's accuracy: point values and (low, high) bootstrap intervals."""

    model: str
    n: int
    values: dict[str, float]
    intervals: dict[str, tuple[float, float]]


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Median of ``values[N]`` under each row of ``weights[B, N]`` (mean of the two middles)."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    w = weights[:, order]
    cum = np.cumsum(w, axis=1)
    total = cum[:, -1:]
    lo = np.argmax(cum >= 0.5 * total, axis=1)
    hi = np.argmax(cum > 0.5 * total, axis=1)
    return 0.5 * (v[lo] + v[hi])


def metric_matrix(
    error: np.ndarray, win: np.ndarray | None, weights: np.ndarray
) -> dict[str, np.ndarray]:
    """Every metric under each row of issue ``weights[B, N]`` (a row of ones: the point value)."""
    total = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "mae": weights @ error / total,
            "median_ae": _weighted_median(error, weights),
            "rmse": np.sqrt(weights @ error**2 / total),
            "within_10": weights @ (error <= 10).astype(float) / total,
            "within_20": weights @ (error <= 20).astype(float) / total,
        }
        if win is not None:
            ok = ~np.isnan(win)
            out["win_rate"] = (weights[:, ok] @ win[ok]) / weights[:, ok].sum(axis=1)
    return out


def cluster_weights(groups: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``[B, N]`` issue weights: how often each issue's proposal was drawn in each replicate."""
    labels, inverse = np.unique(groups, return_inverse=True)
    draws = rng.multinomial(len(labels), np.full(len(labels), 1.0 / len(labels)), size=n_boot)
    return draws[:, inverse].astype(float)


def score(
    model: str,
    forecast: np.ndarray,
    outcome: np.ndarray,
    groups: np.ndarray,
    *,
    baseline: np.ndarray | None = None,
    n_boot: int = 1000,
    rng: np.random.Generator | None = None,
    level: float = 0.95,
) -> Score:
    """Score ``forecast[N]`` (NaN = no forecast) against ``outcome[N]``.

    ``groups[N]`` are the proposal ids for the clustered bootstrap;
    ``baseline[N]`` the forecasts the win rate is paired against.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    ok = ~np.isnan(forecast) & ~np.isnan(outcome)
    error = np.abs(forecast[ok] - outcome[ok])
    win = None
    if baseline is not None:
        e_base = np.abs(baseline[ok] - outcome[ok])
        win = np.where(np.isnan(e_base), np.nan,
                       np.where(error < e_base, 1.0, np.where(error == e_base, 0.5, 0.0)))
    n = int(ok.sum())
    if n == 0:
        nan = float("nan")
        return Score(model, 0, dict.fromkeys(METRICS, nan), {m: (nan, nan) for m in METRICS})
    point = {k: float(v[0]) for k, v in metric_matrix(error, win, np.ones((1, n))).items()}
    boot = metric_matrix(error, win, cluster_weights(groups[ok], n_boot, rng)) if n_boot else {}
    tail = 100 * (1 - level) / 2
    intervals = {
        k: (float(np.nanpercentile(v, tail)), float(np.nanpercentile(v, 100 - tail)))
        for k, v in boot.items()
    }
    point.setdefault("win_rate", float("nan"))
    intervals.setdefault("win_rate", (float("nan"), float("nan")))
    return Score(model, n, point, intervals)
