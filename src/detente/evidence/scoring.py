"""Scores of probability forecasts of a binary outcome, with intervals clustered by conflict.

For forecasts p_i of outcomes y_i in {0, 1}:

- Brier score  B = mean (p_i - y_i)^2            (0 best; 0.25 for a constant 0.5)
- log score    L = mean log(p_i if y_i else 1 - p_i)   (0 best; higher is better),
  with p clipped to [1e-6, 1 - 1e-6] so one confident miss is finite;
- calibration: in each of ``bins`` equal-width bins of p, the count, the mean forecast and
  the observed frequency (a reliability table).

Intervals come from a bootstrap that resamples whole conflicts (clusters) with replacement,
since the years of one conflict are not independent: each replicate's score is
sum_c w_c S_c / sum_c w_c n_c, with w the multinomial counts of the clusters drawn and S_c,
n_c each cluster's summed score and size. Differences between two forecasters use the
same replicates, so their interval accounts for the pairing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

EPS = 1e-6


def brier(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-forecast squared error (p - y)^2."""
    return (np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2


def log_score(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-forecast log of the probability given to what happened (clipped)."""
    q = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return np.where(np.asarray(y) == 1, np.log(q), np.log1p(-q))


def calibration(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """The reliability table: per bin [k/bins, (k+1)/bins), n, mean p, observed rate."""
    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    k = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        sel = k == b
        n = int(sel.sum())
        out.append({"bin": f"{b / bins:.1f}–{(b + 1) / bins:.1f}", "n": n,
                    "predicted": float(p[sel].mean()) if n else None,
                    "observed": float(y[sel].mean()) if n else None})
    return out


@dataclass(frozen=True)
class Replicates:
    """Cluster counts of each bootstrap replicate (``weights[r, c]``) and each
    forecast's cluster index."""

    weights: np.ndarray
    cluster: np.ndarray
    sizes: np.ndarray


def replicates(groups: np.ndarray, n_boot: int, rng: np.random.Generator) -> Replicates:
    """``n_boot`` cluster-bootstrap replicates over the distinct values of ``groups``."""
    _, cluster = np.unique(np.asarray(groups), return_inverse=True)
    n_clusters = int(cluster.max()) + 1 if cluster.size else 0
    draws = rng.integers(0, max(n_clusters, 1), size=(n_boot, n_clusters))
    weights = np.zeros((n_boot, n_clusters))
    for r in range(n_boot):
        weights[r] = np.bincount(draws[r], minlength=n_clusters)
    sizes = np.bincount(cluster, minlength=n_clusters).astype(float)
    return Replicates(weights, cluster, sizes)


def boot_means(values: np.ndarray, reps: Replicates) -> np.ndarray:
    """The mean of ``values`` in every replicate (clusters weighted by their draws)."""
    sums = np.bincount(reps.cluster, weights=values, minlength=reps.sizes.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (reps.weights @ sums) / (reps.weights @ reps.sizes)


def interval(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The percentile interval of bootstrap ``samples``."""
    finite = samples[np.isfinite(samples)]
    if finite.size == 0:
        return (float("nan"), float("nan"))
    a = (1 - level) / 2
    return (float(np.quantile(finite, a)), float(np.quantile(finite, 1 - a)))
