"""Scores and the conflict-clustered bootstrap, against hand computation."""

from __future__ import annotations

import numpy as np
import pytest

from detente.evidence.scoring import (
    boot_means,
    brier,
    calibration,
    interval,
    log_score,
    replicates,
)


def test_brier_and_log_by_hand() -> None:
    p = np.array([0.9, 0.2, 0.5])
    y = np.array([1, 1, 0])
    assert brier(p, y).tolist() == pytest.approx([0.01, 0.64, 0.25])
    assert log_score(p, y).tolist() == pytest.approx([np.log(0.9), np.log(0.2), np.log(0.5)])
    assert np.isfinite(log_score(np.array([0.0]), np.array([1]))).all()


def test_calibration_bins() -> None:
    p = np.array([0.05, 0.07, 0.55, 0.95, 1.0])
    y = np.array([0, 1, 1, 1, 0])
    rows = {r["bin"]: r for r in calibration(p, y)}
    assert rows["0.0–0.1"]["n"] == 2 and rows["0.0–0.1"]["observed"] == 0.5
    assert rows["0.9–1.0"]["n"] == 2 and rows["0.9–1.0"]["predicted"] == pytest.approx(0.975)
    assert sum(r["n"] for r in rows.values()) == 5


def test_cluster_bootstrap_resamples_whole_clusters() -> None:
    groups = np.array([7, 7, 7, 3, 3, 9])
    reps = replicates(groups, 500, np.random.default_rng(1))
    assert reps.weights.shape == (500, 3)
    assert (reps.weights.sum(axis=1) == 3).all()  # as many clusters drawn as there are
    values = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.5])
    means = boot_means(values, reps)
    # a replicate drawing only cluster 7 has mean 1, only cluster 3 has 0
    assert means.min() >= 0 and means.max() <= 1
    lo, hi = interval(means)
    assert lo < values.mean() < hi
    one = replicates(np.zeros(4), 50, np.random.default_rng(0))
    assert np.allclose(boot_means(np.array([0.0, 1, 1, 0]), one), 0.5)
