"""Kaplan–Meier and P(ending by month t | lasted T): against hand computation."""

from __future__ import annotations

import numpy as np
import pytest

from detente.evidence.survival import ending_by_month, kaplan_meier


def test_product_limit_by_hand() -> None:
    d = np.array([1, 2, 3, 4, 5, 8, 9], dtype=float)
    e = np.array([1, 0, 1, 1, 0, 1, 1], dtype=bool)
    km = kaplan_meier(d, e)
    # at risk 7,5,4,2,1 at the event times 1,3,4,8,9
    expected = np.cumprod([6 / 7, 4 / 5, 3 / 4, 1 / 2, 0 / 1])
    assert km.times.tolist() == [1, 3, 4, 8, 9]
    assert km.survival == pytest.approx(expected)
    assert km.at_risk.tolist() == [7, 5, 4, 2, 1]
    assert (km.n, km.n_events) == (7, 5)
    assert np.all(km.low <= km.survival) and np.all(km.survival <= km.high)
    s, _, _ = km.at([0.5, 1, 2.5, 100])
    assert s.tolist() == pytest.approx([1, 6 / 7, 6 / 7, 0])


def test_conditional_ending_is_one_minus_survival_ratio() -> None:
    rng = np.random.default_rng(3)
    d = rng.exponential(20, size=300)
    e = rng.random(300) < 0.8
    km = kaplan_meier(d, e)
    lasted = 12.0
    curve = ending_by_month(d, e, lasted=lasted, months=24)
    s_t = km.at(lasted)[0]
    for h in (6, 12, 24):
        p = 1 - km.at(lasted + h)[0] / s_t
        assert curve.within(h)[0] == pytest.approx(p)
        lo, hi = curve.within(h)[1:]
        assert lo <= p <= hi
    assert curve.at_risk == int((d > lasted).sum())
    assert np.all(np.diff(curve.probability) >= 0)


def test_nothing_lasted_that_long() -> None:
    curve = ending_by_month(np.array([1.0, 2.0]), np.array([True, True]), lasted=5, months=3)
    assert curve.at_risk == 0 and np.isnan(curve.probability).all()
