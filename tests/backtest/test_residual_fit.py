"""Residual-interval calibration on DEU: the choice machinery, and the shipped file recomputed."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detente.backtest.residual_fit import (
    CANDIDATES,
    build_calibration,
    choose,
    interval_score,
    intervals,
)
from detente.backtest.splits import make_split
from detente.uncertainty.residual import RESIDUAL_FILE


def test_interval_score_rewards_narrow_covering_intervals():
    y = np.array([5.0])
    inside = interval_score(np.array([4.0]), np.array([6.0]), y, 0.8)
    assert inside[0] == 2.0
    outside = interval_score(np.array([6.0]), np.array([8.0]), y, 0.8)
    assert outside[0] == pytest.approx(2.0 + 10.0)  # width 2 + (2 / 0.2) × 1


def test_choice_follows_the_errors_that_scale_with_dispersion():
    """Errors proportional to a case's dispersion: a dispersion-scaled candidate must beat the
    plain one, and its conformal intervals must hold about the nominal share held out."""
    rng = np.random.default_rng(3)
    n = 400
    groups = np.array([f"p{k // 2}" for k in range(n)])
    d = rng.uniform(1, 40, n)
    f = np.full(n, 50.0)
    y = f + d * rng.normal(0, 1, n)
    S = np.column_stack([np.full(n, 100.0), d, d + 5, d + 10])
    split = make_split(groups, 1)
    j = choose(f, S, y, groups, split.train, seed=0)
    assert j != 0
    lo, hi = intervals(f, S[:, j], y, split.train, split.test, 0.8, low=-1e9, high=1e9)
    inside = (lo <= y) & (y <= hi)
    assert abs(inside[split.test].mean() - 0.8) < 0.1


@pytest.mark.slow
def test_shipped_calibration_is_recomputed_from_the_data(data_dir):
    """The shipped file is what the tool computes from DEU I/II now (about a minute)."""
    shipped = json.loads(RESIDUAL_FILE.read_text())
    fresh = build_calibration(data_dir / "deu" / "deu_i_ii.tsv")
    assert fresh["data_sha256"] == shipped["data_sha256"]
    assert (fresh["issues"], fresh["proposals"]) == (shipped["issues"], shipped["proposals"])
    assert set(fresh["models"]) == set(shipped["models"])
    for name, entry in fresh["models"].items():
        old = shipped["models"][name]
        assert (entry["construction"], entry["floor"]) == (old["construction"], old["floor"])
        assert entry["params"] == old["params"]
        np.testing.assert_allclose(entry["scores"], old["scores"], atol=1e-6)
    assert len(CANDIDATES) >= 2
