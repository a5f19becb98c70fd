"""Sensitivity indices and levers on cases with known answers."""

from __future__ import annotations

import pytest

import detente
from detente.errors import DetenteError
from detente.scenario import Scenario
from detente.uncertainty.levers import find_levers
from detente.uncertainty.sensitivity import sensitivity


def two_actors(**unc: object) -> Scenario:
    return Scenario.from_dict({
        "name": "two",
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "x", "status_quo": 50,
                    "anchors": {0: "none", 50: "half", 100: "all"}}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 0, "salience": 0.5,
             "uncertainty": {"position": [0, 40], "salience": unc.get("sal_a", [0.5, 0.5])}},
            {"actor": "b", "issue": "x", "position": 100, "salience": 0.5,
             "uncertainty": {"position": [90, 100]}},
        ],
    })


def test_sobol_finds_the_one_input_that_matters():
    sc = two_actors()
    res = sensitivity(sc, detente.get_model("compromise"), samples=512, seed=1)
    idx = res.indices.set_index("input")
    # outcome = (p_a + p_b) / 2: variance shares 40² : 10² = 16 : 1
    assert idx.loc["position[a, x]", "S1"] == pytest.approx(16 / 17, abs=0.05)
    assert idx.loc["position[b, x]", "S1"] == pytest.approx(1 / 17, abs=0.03)
    ranked = res.ranked("x")
    assert list(ranked.index) == ["position[a, x]", "position[b, x]"]
    # tornado bars exact: a at 0 and 40 with b at 100
    assert ranked.loc["position[a, x]", "outcome_low"] == pytest.approx(50.0)
    assert ranked.loc["position[a, x]", "outcome_high"] == pytest.approx(70.0)
    assert ranked.loc["position[a, x]", "swing"] == pytest.approx(20.0)


def test_morris_and_constant_outcomes():
    sc = two_actors(sal_a=[0.2, 0.9])
    res = sensitivity(sc, detente.get_model("compromise"), method="morris", samples=40, seed=2)
    idx = res.indices.set_index("input")
    # a's salience (0.2..0.9) swings the mean by ~27, a's position by ~20, b's by ~6
    assert list(idx["mu_star"].sort_values(ascending=False).index) == [
        "salience[a, x]", "position[a, x]", "position[b, x]"]
    # Nash (unanimity form): a and b stand on opposite sides of the status quo,
    # nothing moves it
    nash = sensitivity(sc, detente.get_model("nash", disagreement="status-quo"), samples=64,
                       seed=2)
    assert (nash.indices["ST"] == 0).all() and (nash.tornado["swing"] == 0).all()


def test_seed_zero_is_reproducible_too(ukraine):
    # SALib takes seed 0 as "no seed" for its Sobol bootstrap; ours must not
    runs = [sensitivity(ukraine, detente.get_model("median"), samples=16, seed=0).to_dict()
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert any(row["ST_conf"] for row in runs[0]["indices"])


def test_sensitivity_needs_uncertainty():
    sc = Scenario.from_dict({"name": "fixed", "actors": [{"id": "a"}], "issues": [{"id": "x"}],
                             "stances": [{"actor": "a", "issue": "x", "position": 3,
                                          "salience": 1}]})
    with pytest.raises(DetenteError, match="no uncertainty"):
        sensitivity(sc, detente.get_model("compromise"))


def test_levers_match_the_algebra_of_the_weighted_mean():
    sc = two_actors()
    res = find_levers(sc, detente.get_model("compromise"), "x", 60)
    assert res.current == pytest.approx(50.0) and res.interval == (60.0, float("inf"))
    got = {(lv.actor, lv.kind): lv for lv in res.levers}
    assert got[("a", "position")].needed == pytest.approx(20.0, abs=1e-6)
    assert got[("a", "position")].within_uncertainty is True
    assert got[("b", "salience")].needed == pytest.approx(0.75, abs=1e-6)
    assert got[("a", "salience")].needed == pytest.approx(1 / 3, abs=1e-6)
    assert got[("b", "capability")].needed == pytest.approx(1.5, abs=1e-6)
    assert not got[("b", "position")].reachable  # b is already at the top of the scale
    assert res.levers[0].share <= res.levers[1].share  # easiest first
    for lv in res.levers:
        if lv.reachable:
            assert lv.outcome >= 60 - 1e-9


def test_levers_to_an_anchor_band_and_when_already_there():
    sc = two_actors()
    res = find_levers(sc, detente.get_model("compromise"), "x", "all")
    assert res.interval == (75.0, float("inf"))
    pos = next(lv for lv in res.levers if (lv.actor, lv.kind) == ("a", "position"))
    assert pos.needed == pytest.approx(50.0, abs=1e-6)
    # the band of 'none' is (-inf, 25]: the lower anchor wins at the midpoint
    low = find_levers(sc, detente.get_model("compromise"), "x", "none")
    assert low.interval == (float("-inf"), 25.0)
    b_pos = next(lv for lv in low.levers if (lv.actor, lv.kind) == ("b", "position"))
    assert b_pos.needed == pytest.approx(50.0, abs=1e-6)
    here = find_levers(sc, detente.get_model("compromise"), "x", "half")
    assert here.already and here.levers == ()
    with pytest.raises(DetenteError, match="no issue"):
        find_levers(sc, detente.get_model("compromise"), "y", 3)
    with pytest.raises(DetenteError, match="outside"):
        find_levers(sc, detente.get_model("compromise"), "x", 300)


def test_what_would_it_take_for_ukraine_to_keep_donetsk(ukraine):
    res = find_levers(ukraine, detente.get_model("median"), "donetsk", "no land ceded")
    assert res.interval == (12.5, 37.5) and not res.already
    best = res.levers[0]
    assert best.reachable and 12.5 < best.outcome <= 37.5
    # Ukraine's own position cannot do it under the median: it already stands below 37.5
    ukr = next(lv for lv in res.levers if (lv.actor, lv.kind) == ("UKR", "position"))
    assert not ukr.reachable
