"""Accuracy measures and the clustered bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from detente.backtest.scoring import cluster_weights, score


def test_point_values_by_hand():
    outcome = np.array([0.0, 50.0, 100.0, 20.0])
    forecast = np.array([10.0, 50.0, 70.0, np.nan])
    base = np.array([5.0, 40.0, 70.0, 0.0])
    s = score("m", forecast, outcome, np.array(["a", "a", "b", "c"]), baseline=base, n_boot=0)
    assert s.n == 3
    assert s.values["mae"] == pytest.approx(40 / 3)
    assert s.values["median_ae"] == pytest.approx(10.0)
    assert s.values["rmse"] == pytest.approx(np.sqrt((100 + 0 + 900) / 3))
    assert s.values["within_10"] == pytest.approx(2 / 3)
    assert s.values["within_20"] == pytest.approx(2 / 3)
    # lost (10 vs 5), won (0 vs 10), tied (30 vs 30)
    assert s.values["win_rate"] == pytest.approx(0.5)


def test_median_of_even_count_is_the_mean_of_the_middles():
    s = score("m", np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4), np.arange(4), n_boot=0)
    assert s.values["median_ae"] == pytest.approx(2.5)


def test_bootstrap_is_seeded_and_brackets_the_point():
    rng = np.random.default_rng(1)
    outcome = rng.uniform(0, 100, 80)
    forecast = outcome + rng.normal(0, 15, 80)
    groups = np.repeat(np.arange(20), 4)
    a = score("m", forecast, outcome, groups, n_boot=300, rng=np.random.default_rng(5))
    b = score("m", forecast, outcome, groups, n_boot=300, rng=np.random.default_rng(5))
    assert a.intervals["mae"] == b.intervals["mae"]
    assert a.intervals["median_ae"] == b.intervals["median_ae"]
    low, high = a.intervals["mae"]
    assert low < a.values["mae"] < high


def test_cluster_weights_keep_proposals_together():
    groups = np.array(["x", "x", "y", "z", "z", "z"])
    w = cluster_weights(groups, 50, np.random.default_rng(0))
    assert w.shape == (50, 6)
    np.testing.assert_array_equal(w[:, 0], w[:, 1])
    np.testing.assert_array_equal(w[:, 3], w[:, 5])
    # each replicate draws as many proposals as there are
    np.testing.assert_array_equal(w[:, [0, 2, 3]].sum(axis=1), 3)


def test_no_forecast_at_all():
    s = score("m", np.full(3, np.nan), np.zeros(3), np.arange(3), n_boot=10)
    assert s.n == 0 and np.isnan(s.values["mae"])
