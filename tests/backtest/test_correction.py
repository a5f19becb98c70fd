"""The learned correction and the split protocol's helpers on synthetic data."""

from __future__ import annotations

import numpy as np

from detente.backtest.correction import design, evaluate_correction, fit_ridge
from detente.backtest.protocol import evaluate_choice, gain_interval, select
from detente.backtest.splits import make_split


def synthetic(n: int = 240, noise: float = 1.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    base = rng.uniform(20, 80, n)
    other = base + rng.normal(0, 10, n)
    mod = rng.integers(0, 2, n).astype(float)
    y = base + 0.5 * (other - base) * mod + rng.normal(0, noise, n)
    groups = np.array([f"p{k // 3}" for k in range(n)])
    return base, other, mod, y, groups


def test_ridge_recovers_an_interaction_and_beats_the_base_held_out():
    base, other, mod, y, groups = synthetic()
    d = design(base, {"other": other}, {"m": mod})
    beta, scale = fit_ridge(d.Z, y - base, 1e-6)
    np.testing.assert_allclose(beta / scale, [0.0, 0.5], atol=0.05)
    split = make_split(groups, 1601)
    res = evaluate_correction(d, y, groups, split.train, split.test, seed=1601)
    assert np.isnan(res.held_pred[split.train]).all()
    gain, lo, _ = gain_interval(res.held_pred, base, y, groups, split.test)
    assert gain > 1.0 and lo > 0  # a real signal is found and clears the noise


def test_pure_noise_features_gain_nothing_beyond_noise():
    base, other, _, _, groups = synthetic()
    y = base + np.random.default_rng(5).normal(0, 3, len(base))  # the base is right
    d = design(base, {"other": other}, {})
    split = make_split(groups, 1602)
    res = evaluate_correction(d, y, groups, split.train, split.test, seed=1602)
    gain, lo, hi = gain_interval(res.held_pred, base, y, groups, split.test)
    assert abs(gain) < 0.3 and lo < 0 < hi  # within noise: nothing to ship


def test_selection_compares_on_common_rows_and_is_scored_held_out():
    base, _, _, y, groups = synthetic(noise=0.1)
    worse = base + 5.0
    partial = np.where(np.arange(len(y)) % 2 == 0, y, np.nan)  # perfect where it forecasts
    F = np.column_stack([worse, base, partial])
    assert select(F, y, np.ones(len(y), dtype=bool)) == 2
    split = make_split(groups, 1603)
    res = evaluate_choice(["worse", "base", "partial"], F[:, :2], y, groups, split, base)
    assert res.chosen == "base" and set(res.fold_choices) == {"base"}
    assert res.held_out_mae == res.held_out_baseline_mae
