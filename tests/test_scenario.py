"""Scenario validation: every problem at once, each naming the field and line."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from detente.errors import ScenarioError
from detente.scenario import Scenario


def minimal() -> dict:
    return {
        "name": "t",
        "sources": [{"id": "s1", "title": "A report"}],
        "actors": [{"id": "A", "capability": 2}, {"id": "B", "capability": 1}],
        "issues": [{"id": "x", "anchors": {0: "none", 100: "all"}, "status_quo": 50}],
        "stances": [
            {"actor": "A", "issue": "x", "position": 20, "salience": 0.5, "sources": ["s1"]},
            {"actor": "B", "issue": "x", "position": 80, "salience": 1.0},
        ],
    }


def problems_of(data: dict) -> list:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data)
    return list(info.value.problems)


def test_minimal_builds_and_is_immutable():
    sc = Scenario.from_dict(minimal())
    assert sc.actor("A").capability == 2
    assert sc.actor("A").name == "A"  # name defaults to the id
    assert sc.issue("x").low == 0 and sc.issue("x").high == 100
    assert sc.stance("B", "x").position == 80
    assert sc.stance("A", "nope") is None
    with pytest.raises(ValidationError):
        sc.name = "other"  # type: ignore[misc]


def test_round_trip_through_dict_keeps_everything():
    sc = Scenario.from_dict(minimal())
    again = Scenario.from_dict(sc.to_dict())
    assert again == sc
    assert again.hash == sc.hash


def test_hash_changes_with_content():
    data = minimal()
    other = copy.deepcopy(data)
    other["stances"][0]["position"] = 21
    assert Scenario.from_dict(data).hash != Scenario.from_dict(other).hash


def test_every_problem_is_reported_at_once():
    data = minimal()
    data["actors"].append({"id": "A", "capability": -1})  # duplicate id and negative
    data["stances"][0]["salience"] = 1.5
    data["stances"][1]["position"] = 120
    data["stances"].append({"actor": "Z", "issue": "y", "position": 1, "salience": 0.1})
    data["stances"].append({"actor": "B", "issue": "x", "position": 10, "salience": 0.1})
    data["stances"][1]["sources"] = ["nope"]
    probs = problems_of(data)
    fields = {p.field for p in probs}
    assert "actors[2].capability" in fields
    assert "actors[2].id" not in fields  # the invalid actor is not also a duplicate
    assert "stances[0].salience" in fields
    assert "stances[1].position" in fields
    assert "stances[1].sources[0]" in fields
    assert "stances[2].actor" in fields and "stances[2].issue" in fields
    assert "stances[3]" in fields  # second stance of B on x
    by_field = {p.field: p for p in probs}
    assert "1.5" in by_field["stances[0].salience"].found
    assert "<= 1" in by_field["stances[0].salience"].expected
    assert "0..100" in by_field["stances[1].position"].expected


def test_duplicate_ids_and_bad_scale():
    data = minimal()
    data["actors"].append({"id": "B"})
    data["issues"].append({"id": "y", "low": 5, "high": 5})
    fields = {p.field for p in problems_of(data)}
    assert "actors[2].id" in fields
    assert "issues[1].high" in fields


def test_empty_scenario_is_an_error():
    probs = problems_of({"name": "empty"})
    fields = {p.field for p in probs}
    assert {"actors", "issues"} <= fields


def test_not_a_mapping():
    probs = problems_of(["a", "list"])  # type: ignore[arg-type]
    assert probs[0].field == "(scenario)"


def test_unknown_key_and_field_are_named():
    data = minimal()
    data["actor"] = []
    data["issues"][0]["stauts_quo"] = 3
    fields = {p.field for p in problems_of(data)}
    assert "actor" in fields
    assert "issues[0].stauts_quo" in fields


def test_uncertainty_shorthands_and_checks():
    data = minimal()
    data["stances"][0]["uncertainty"] = {"position": [10, 30], "salience": [0.4, 0.6]}
    sc = Scenario.from_dict(data)
    st = sc.stance("A", "x")
    assert st.position_uncertainty.kind == "uniform"
    assert (st.position_uncertainty.low, st.position_uncertainty.high) == (10, 30)
    data["stances"][0]["uncertainty"] = {
        "position": {"kind": "triangular", "low": 30, "mode": 40, "high": 50},
        "salience": [0.6, 1.2],
    }
    fields = {p.field for p in problems_of(data)}
    assert "stances[0].uncertainty.position" in fields  # excludes the stated position
    assert "stances[0].uncertainty.salience" in fields  # outside 0..1


def test_triangular_needs_mode_and_normal_needs_sd():
    data = minimal()
    data["stances"][0]["uncertainty"] = {"position": {"kind": "triangular", "low": 0, "high": 30}}
    data["stances"][1]["uncertainty"] = {"position": {"kind": "normal", "low": 60, "high": 90}}
    probs = problems_of(data)
    assert any("mode" in p.expected for p in probs)
    assert any("sd" in p.expected for p in probs)


def test_nearest_anchor_and_describe():
    sc = Scenario.from_dict(minimal())
    issue = sc.issue("x")
    assert issue.nearest_anchor(30).label == "none"
    assert issue.nearest_anchor(50).label == "none"  # tie goes to the lower anchor
    assert issue.describe(90) == "90.0 (≈ all)"


def test_replace_revalidates():
    sc = Scenario.from_dict(minimal())
    assert sc.replace(title="New").title == "New"
    with pytest.raises(ScenarioError):
        sc.replace(name="")


def test_an_infinite_position_is_reported_once():
    data = {"name": "n", "actors": [{"id": "a"}], "issues": [{"id": "i"}],
            "stances": [{"actor": "a", "issue": "i", "position": float("inf"), "salience": 2}]}
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data)
    found = [(p.field, p.expected) for p in info.value.problems]
    assert found == [("stances[0].position", "a finite number"),
                     ("stances[0].salience", "a number <= 1.0")]


@pytest.mark.parametrize("bad", [".nan", "-nan", ".inf", "-.inf"])
def test_a_pressure_coefficient_must_be_finite(bad):
    """Found by tools/fuzz.py (final run, seed 43 case 30,641): ``infrastructure: -nan`` in an
    actor's batna_pressure was read as NaN without a word (the YAML round trip then
    differed, NaN never equalling itself); now refused with its line."""
    import detente
    from detente import api

    text = api.dumps(detente.load("ukraine-2025-11"), "yaml")
    assert "infrastructure: -0.03" in text
    with pytest.raises(ScenarioError, match=r"batna_pressure\.infrastructure.*finite"):
        api.loads(text.replace("infrastructure: -0.03", f"infrastructure: {bad}"),
                  name="s.yaml")
