"""Sampling noise is not shown as a finding (issue 31, item 6).

A band, or a ⚠, is claimed only when it holds beyond sampling error at the draws used
(docs/uncertainty.md: 95% Wilson interval). The case that prompted it: Nash on the
bundled scenario's Tomahawks issue, 51% against 49% at 1,000 draws, was shown as a
definite band with "⚠ likeliest band differs".
"""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from detente import api
from detente.present.intervals import _interval_cell
from detente.present.tables import _with_distribution
from detente.uncertainty.distribution import OutcomeDistribution, beyond_noise, wilson


@pytest.mark.parametrize(("k", "n"), [(514, 1000), (0, 10), (10, 10), (57, 200), (5072, 10000)])
def test_wilson_matches_scipy(k, n):
    want = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert wilson(k, n) == pytest.approx((want.low, want.high), abs=1e-9)


def test_beyond_noise_by_hand():
    # 514 of 1,000 against 486: Wilson lower bound of 0.514 at n = 1,000 is 0.483 < 0.5
    assert not beyond_noise(0.514, 0.486, 1000)
    # 596 against 404 of 1,000: lower bound 0.565 > 0.5
    assert beyond_noise(0.596, 0.404, 1000)
    # the same 51/49 split at 100,000 draws is a finding
    assert beyond_noise(0.514, 0.486, 100_000)
    # shares of a three-band split: 40% vs 35% of 1,000 (n = 750): lower bound 0.498
    assert not beyond_noise(0.40, 0.35, 1000)
    assert not beyond_noise(0.3, 0.3, 10**6)  # a tie is never a lead
    assert beyond_noise(0.3, 0.2, 0)  # no draws (a residual interval): as estimated


def _dist(**kw) -> OutcomeDistribution:
    base = {"model": "m", "issue": "i", "draws": 1000, "level": 0.8, "point": 40.0,
            "median": 44.0, "low": 36.0, "high": 51.0, "point_band": "held",
            "point_band_p": 0.486, "likeliest": "limited", "likeliest_p": 0.514,
            "runner_up": "held", "runner_up_p": 0.486, "tail_p": 0.3}
    return OutcomeDistribution(**{**base, **kw})


def test_band_and_flags_need_more_than_noise():
    d = _dist()
    assert not d.likeliest_clear and not d.band_differs and not d.flagged
    clear = _dist(likeliest_p=0.6, point_band_p=0.4, runner_up_p=0.4)
    assert clear.likeliest_clear and clear.band_differs
    # outside the 80% interval by the estimate, but 9% beyond the point at 1,000 draws
    # (Wilson [0.074, 0.109]) is within noise of the 10% tail; 2% is not
    near = _dist(point=35.5, tail_p=0.09, likeliest="held", likeliest_p=0.6, runner_up_p=0.4,
                 point_band_p=0.6)
    assert near.outside_interval and not near.point_outside
    far = _dist(point=35.5, tail_p=0.02, likeliest="held", likeliest_p=0.6, runner_up_p=0.4,
                point_band_p=0.6)
    assert far.point_outside


def test_nash_tomahawks_is_a_tie_not_a_finding():
    """forecast (1,000 draws), the brief's 200 and simulate's 10,000 all call it a tie."""
    for draws in (None, api.BRIEF_DRAWS):
        result = api.forecast("ukraine-2025-11", draws=draws)
        (d,) = [x for x in result.distributions if (x.model, x.issue) == ("nash", "tomahawks")]
        assert not d.likeliest_clear, (draws, d.likeliest_p, d.runner_up_p)
        assert not d.band_differs and not d.flagged
        issue = result.scenario.issue("tomahawks")
        cell = _with_distribution(issue, d.point, d).plain
        assert "⚠" not in cell and "tie:" in cell
        assert _interval_cell(d)["likeliest"].startswith("tie: ")
        assert _interval_cell(d)["flag"] is None
    sim = api.simulate("ukraine-2025-11", ["nash"], draws=10_000)
    (row,) = [r for r in sim.summary_rows() if r["issue"] == "tomahawks"]
    assert row["likeliest_clear"] is False


def test_a_clear_band_is_still_flagged():
    """Compromise on Tomahawks: 60% against 40% at 1,000 draws is beyond noise."""
    result = api.forecast("ukraine-2025-11", ["compromise"], draws=None)
    (d,) = [x for x in result.distributions if x.issue == "tomahawks"]
    assert d.likeliest_clear and d.band_differs
