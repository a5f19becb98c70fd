"""Issue 12 part 2: knife-edge, non-monotone and interaction warnings in sensitivity and
levers, on the issue's own examples and on cases with known answers."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import detente
from detente import api
from detente.cli.main import app
from detente.scenario import Scenario
from detente.uncertainty.levers import _against_intuition
from detente.uncertainty.sensitivity import INTERACTION_GAP, non_monotone

runner = CliRunner()


def linear_pair() -> Scenario:
    return Scenario.from_dict({
        "name": "two",
        "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "x", "status_quo": 50,
                    "anchors": {0: "none", 50: "half", 100: "all"}}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 0, "salience": 0.5,
             "uncertainty": {"position": [0, 40]}},
            {"actor": "b", "issue": "x", "position": 100, "salience": 0.5,
             "uncertainty": {"position": [90, 100]}},
        ],
    })


def test_non_monotone_rule():
    assert non_monotone([55, 55, 25, 55, 55], 1.0)
    assert not non_monotone([25, 25, 55, 75], 1.0)
    assert not non_monotone([50, 50.5, 50, 50.5], 1.0)  # wiggles within the tolerance


def test_eum_donetsk_knife_edge_is_flagged(ukraine):
    res = api.sensitivity(ukraine, "eum", issues=["donetsk"], samples=64)
    row = res.ranked("donetsk").loc["position[UKR, donetsk]"]
    # the issue's example: equal outcomes at both ends, the point (25) in between
    assert row["outcome_low"] == row["outcome_high"] and row["swing"] == 0
    assert row["outcome_min"] <= res.point["donetsk"] < row["outcome_max"]
    assert row["non_monotone"]
    idx = res.indices.set_index("input")
    gap = idx["ST"] - idx["S1"]
    assert (idx["interaction"] == (gap >= INTERACTION_GAP)).all()
    assert idx.loc["position[UKR, donetsk]", "interaction"]


def test_linear_model_is_not_flagged():
    res = api.sensitivity(linear_pair(), "compromise", samples=64)
    ranked = res.ranked("x")
    assert not ranked["non_monotone"].any() and not ranked["interaction"].any()
    a = ranked.loc["position[a, x]"]
    assert (a["outcome_min"], a["outcome_max"]) == pytest.approx((50.0, 70.0))
    assert a["curve"] == pytest.approx([50 + 2.5 * k for k in range(9)])


def test_sensitivity_cli_shows_flags_and_bars():
    res = runner.invoke(app, ["sensitivity", "-m", "eum", "-i", "donetsk", "-n", "64"],
                        env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "position[UKR, donetsk]: non-monotone" in out and "knife-edge" in out
    assert "interaction-dominated" in out and "█" in out


def test_eum_levers_against_intuition_are_flagged(ukraine):
    res = api.levers(ukraine, issue="donetsk", target="partial-withdrawal", model="eum")
    usa = next(lv for lv in res.levers if lv.actor == "USA" and lv.kind == "position")
    # the issue's example: moving the US towards Ukraine's position to get cession
    assert usa.reachable and usa.change < 0 and res.current < res.interval[0]
    assert usa.counter_intuitive and usa.non_monotone and len(usa.curve) == 9
    assert any(lv.counter_intuitive for lv in res.levers if lv.kind == "capability")
    res = runner.invoke(app, ["levers", "-m", "eum", "--issue", "donetsk", "--target",
                              "partial-withdrawal"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "against the intuitive direction" in " ".join(res.output.split())


def test_linear_levers_are_intuitive():
    res = detente.api.levers(linear_pair(), issue="x", target=80, model="compromise")
    assert res.levers
    for lv in res.levers:
        assert not lv.non_monotone
        assert not lv.counter_intuitive, lv


def test_intuitive_direction_rule():
    # target above the forecast (t = +1)
    assert not _against_intuition("position", +5, 1.0, -10)
    assert _against_intuition("position", -5, 1.0, -10)
    assert _against_intuition("capability", +5, 1.0, -10)  # more weight, other side
    assert not _against_intuition("salience", -0.1, 1.0, -10)  # less weight, other side
    assert not _against_intuition("salience", +0.1, 1.0, 10)
