"""Ceasefire ties, security guarantees and sanctions relief in the scenario language, and
the rules a forecast breaks (detente.violations)."""

from __future__ import annotations

import numpy as np
import pytest

from detente import api
from detente.deals import DealProblem, verdict
from detente.scenario import Scenario
from detente.violations import forecast_rules, violations

from ..conftest import assert_load_names


def _war(**issue_extra) -> dict:
    data = {
        "name": "war-language",
        "actors": [{"id": "R"}, {"id": "U"}, {"id": "W"}, {"id": "E"}],
        "issues": [
            {"id": "line", "options": {"keep": 0, "freeze": 50, "cede": 100},
             "status_quo": 50, "no_agreement": "fighting continues",
             "controlled_by": ["R", "U"], "vetoes": ["R", "U"]},
            {"id": "truce", "options": {"none": 0, "on-line": 100}, "status_quo": 0,
             "stops_fighting": ["on-line"], "controlled_by": ["R", "U"],
             "vetoes": ["R", "U"]},
            {"id": "guarantee", "options": {"none": 0, "force": 100}, "status_quo": 0,
             "guarantors": [{"actor": "W", "cost": 0.1, "credibility": 0.5},
                            {"actor": "E", "cost": 0.05, "credibility": 0.2}],
             "beneficiaries": ["U"], **issue_extra},
            {"id": "sanctions", "options": {"kept": 0, "eased": 50, "lifted": 100},
             "status_quo": 0, "lifted_by": {"eased": ["W"], "lifted": ["W", "E"]},
             "vetoes": ["R"]},
        ],
        "stances": [
            {"actor": "R", "issue": "line", "position": 100, "salience": 0.9},
            {"actor": "U", "issue": "line", "position": 0, "salience": 1.0},
            {"actor": "R", "issue": "truce", "position": 0, "salience": 0.3},
            {"actor": "U", "issue": "truce", "position": 100, "salience": 0.8},
            {"actor": "U", "issue": "guarantee", "position": 100, "salience": 0.9},
            {"actor": "R", "issue": "guarantee", "position": 0, "salience": 0.5},
            {"actor": "W", "issue": "guarantee", "position": 100, "salience": 0.2},
            {"actor": "R", "issue": "sanctions", "position": 100, "salience": 0.8},
            {"actor": "W", "issue": "sanctions", "position": 30, "salience": 0.4},
            {"actor": "E", "issue": "sanctions", "position": 0, "salience": 0.6},
        ],
        "linkages": [
            {"actor": "U", "offer": {"issue": "truce", "options": ["on-line"]},
             "requires": {"issue": "line", "options": ["freeze"]}},
        ],
        "pressures": [{"id": "war", "value": 1, "during": "fighting"}],
    }
    data["actors"][0]["batna_pressure"] = {"war": 0.02}
    data["actors"][1]["batna_pressure"] = {"war": -0.05}
    return data


def test_ceasefire_on_a_line_implies_that_line():
    p = DealProblem.from_scenario(Scenario.from_dict(_war()))
    bad = verdict(p, "truce=on-line,line=cede")
    assert not bad.acceptable and any("line freeze" in t for t in bad.linkages)
    tied = verdict(p, "truce=on-line,line=freeze")
    assert not tied.linkages


def test_guarantee_cost_and_credibility_in_the_tables():
    s = Scenario.from_dict(_war())
    p = DealProblem.from_scenario(s)
    i = p.issues.index("guarantee")
    t = p.tables[i]
    names = p.space.option_names[i]
    none, force = names.index("none"), names.index("force")
    w = p.weight
    u, wa, e = (p.actors.index(a) for a in ("U", "W", "E"))
    # U believes the guarantee with C = 1 − 0.5·0.8 = 0.6 of its full value
    full_u = w[u, i] * 1.0  # at its position 100
    assert t[force, u] - t[none, u] == pytest.approx(0.6 * full_u)
    # W pays 0.1 at the top of the scale, beside its own (weighted) liking of it
    assert t[force, wa] - t[none, wa] == pytest.approx(w[wa, i] * 1.0 - 0.1)
    assert t[force, e] - t[none, e] == pytest.approx(-0.05)
    # who delivers: the guarantors
    assert p.rules is not None and set(p.rules.delivered_by(i)) == {"W", "E"}


def test_sanctions_relief_needs_the_consent_of_whoever_lifts():
    p = DealProblem.from_scenario(Scenario.from_dict(_war()))
    assert set(verdict(p, "sanctions=eased").consent_of) == {"R", "W"}
    assert set(verdict(p, "sanctions=lifted").consent_of) == {"R", "W", "E"}


@pytest.mark.parametrize(("patch", "field", "found"), [
    (lambda d: d["issues"][2]["guarantors"][0].update(actor="NATO"),
     "issues[2].guarantors[0].actor", "unknown actor 'NATO'"),
    (lambda d: d["issues"][3]["lifted_by"].update(ended=["W"]),
     "issues[3].lifted_by.ended", "unknown option 'ended'"),
    (lambda d: d["linkages"][0]["requires"].update(options=["frozen"]),
     "linkages[0].requires.options[0]", "unknown option 'frozen'"),
])
def test_bad_war_input_names_file_line_and_field(tmp_path, patch, field, found):
    data = _war()
    patch(data)
    assert_load_names(tmp_path, data, field, found)


def test_round_trip_yaml_and_csv():
    from detente.formats import scenario_csv

    s = Scenario.from_dict(_war())
    assert Scenario.from_dict(s.to_dict()) == s
    (back,) = scenario_csv.loads(scenario_csv.dumps(s), file="w.csv")
    assert back.linkages == s.linkages


# ---- forecasts report the rules they break ------------------------------------------


def rules_scenario() -> Scenario:
    """One rule of each kind: B's red line below 40 on x, B's linked offer (y above 0
    only if x at least 70), A's sole control of x (A at 50, the status quo); an anchor
    at 40 names the red line's bound (tests/present/test_violation_words.py)."""
    return Scenario.from_dict({
        "name": "rules",
        "actors": [{"id": "A"}, {"id": "B"}],
        "issues": [{"id": "x", "status_quo": 50, "controlled_by": ["A"],
                    "anchors": [{"value": 40, "label": "forty"}]},
                   {"id": "y", "status_quo": 0}],
        "stances": [
            {"actor": "A", "issue": "x", "position": 50, "salience": 1},
            {"actor": "B", "issue": "x", "position": 100, "salience": 1,
             "red_line": {"below": 40}},
            {"actor": "B", "issue": "y", "position": 100, "salience": 1},
        ],
        "linkages": [{"actor": "B", "offer": {"issue": "y", "above": 0},
                      "requires": {"issue": "x", "at_least": 70}}],
    })


def test_rules_broken_by_hand():
    s = rules_scenario()
    rules = forecast_rules(s)
    assert [r.kind for r in rules.rules] == ["red_line", "linkage", "control"]
    x = np.array([[30.0, 10.0], [80.0, 10.0], [51.0, 0.0], [np.nan, 5.0]])
    got = rules.broken(x)
    # 30: below B's line, linkage broken (y>0, x<70), moved away from A (sole control)
    assert got.tolist() == [[True, True, True], [False, False, True], [False, False, False],
                            [False, True, False]]
    found = violations(rules, {"m": x[0]}, {"m": (np.array([0.25, 0.5, 0.0]), 4)})
    assert [(v.rule.kind, v.at_point, v.share) for v in found] == [
        ("red_line", True, 0.25), ("linkage", True, 0.5), ("control", True, 0.0)]


def test_every_forecast_lists_its_violations_with_draw_shares():
    r = api.forecast(None, ["compromise", "eum"], draws=60, seed=2)
    found = r.violations()
    assert found and all(v.share is not None and v.draws == 60 for v in found)
    # the issue's example: EUM moves the Tomahawks far from the US, which alone decides
    eum = [v for v in found if v.model == "eum" and v.rule.kind == "control"]
    assert eum and eum[0].at_point and eum[0].point["tomahawks"] > 60
    data = r.to_dict()
    assert len(data["violations"]) == len(found)
    assert {"model", "kind", "rule", "share", "draws", "at_point"} <= set(data["violations"][0])


def test_violation_lines_fit_80_columns_and_csv_names_them():
    from rich.console import Console

    from detente.present.tables import forecast_view
    from detente.present.text import forecast_csv

    r = api.forecast(None, ["compromise", "median", "nash", "eum", "exchange"], draws=40)
    console = Console(width=80, record=True)
    for part in forecast_view(r):
        console.print(part)
    text = console.export_text()
    # one row per rule broken, starting at the model's name; wrapped lines indented
    # beneath the text (issue 31, words: each says by how much, so may take two lines)
    models = tuple(f"  {m} " for m in r.models)
    listing = text.split("at its drawn bound):\n")[1]
    starts = [ln for ln in listing.splitlines() if ln.startswith(models)]
    assert len(starts) == len(r.violations())
    assert all(len(ln.rstrip()) <= 80 for ln in text.splitlines())
    assert all(ln.startswith(models) or ln.startswith(" " * 6) for ln in listing.splitlines())
    csv = forecast_csv(r)
    assert "eum_breaks" in csv.splitlines()[0] and "control:tomahawks" in csv


def test_no_rules_no_violation_keys(tmp_path):
    s = Scenario.from_dict({"name": "plain", "actors": [{"id": "A"}, {"id": "B"}],
                            "issues": [{"id": "x", "status_quo": 0}],
                            "stances": [{"actor": "A", "issue": "x", "position": 10,
                                         "salience": 1},
                                        {"actor": "B", "issue": "x", "position": 90,
                                         "salience": 1}]})
    r = api.forecast(s, ["compromise"])
    assert "violations" not in r.to_dict() and r.violations() == []


# ---- red lines known as a range; capability per issue ---------------------------------


def _floor(uncertainty=(50, 100), clout=None) -> Scenario:
    return Scenario.from_dict({
        "name": "floor",
        "actors": [{"id": "R", "capability": 3, "capability_by_issue": clout or {}},
                   {"id": "U"}],
        "issues": [{"id": "x", "options": {"a": 0, "b": 50, "c": 75, "d": 100},
                    "status_quo": 50, "no_agreement": "fighting",
                    "vetoes": ["R", "U"]},
                   {"id": "y", "options": {"n": 0, "s": 100}, "status_quo": 0}],
        "stances": [
            {"actor": "R", "issue": "x", "position": 100, "salience": 0.5,
             "red_line": {"below": 50, "uncertainty": list(uncertainty)}},
            {"actor": "U", "issue": "x", "position": 0, "salience": 0.5},
            {"actor": "R", "issue": "y", "position": 100, "salience": 0.5},
            {"actor": "U", "issue": "y", "position": 100, "salience": 0.5},
        ],
    })


def test_red_line_range_is_drawn_by_robust_deals_and_simulate():
    from detente.deals.robust import survival
    from detente.uncertainty.simulate import simulate

    s = _floor()
    p = DealProblem.from_scenario(s)
    deal = p.parse_deal("x=c,y=s")  # 75: acceptable while Moscow's floor is at most 75
    surv = survival(p, s, deal[None], draws=400, seed=1)
    assert "red line" in surv.varied
    assert 0.35 < surv.probability[0] < 0.65  # P(U(50, 100) <= 75) = 0.5
    sim = simulate(s, ["compromise"], draws=400, seed=1)
    shares = sim.rule_shares()["compromise"]
    point = float(sim.dataset["point"].values[0, 0])
    assert 50 < point < 100  # crossed in the share of draws whose floor lies above it
    assert 0 < shares[0] < 1


def test_capability_by_issue_moves_the_capability_weighted_forecast():
    r = api.forecast(_floor(clout={"x": 1}), ["compromise"])
    r0 = api.forecast(_floor(), ["compromise"])
    x, x0 = r["compromise"].outcome[0], r0["compromise"].outcome[0]
    assert x[0] < x0[0]  # R has less clout on x: the compromise moves towards U
    assert x[1] == pytest.approx(x0[1])


@pytest.mark.parametrize(("patch", "field", "found"), [
    (lambda d: d["stances"][0]["red_line"].update(uncertainty=[50, 140]),
     "stances[0].red_lines[0].uncertainty", "red line at 140 outside the scale"),
    (lambda d: d["actors"][0].update(capability_by_issue={"z": 5}),
     "actors[0].capability_by_issue.z", "unknown issue 'z'"),
])
def test_bad_range_or_capability_names_file_line_and_field(tmp_path, patch, field, found):
    data = _floor(clout={"x": 1}).to_dict()
    data["stances"][0]["red_line"] = data["stances"][0].pop("red_lines")[0]
    patch(data)
    assert_load_names(tmp_path, data, field, found)
