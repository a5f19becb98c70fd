"""detente's sectioned CSV: round trip and line-numbered errors."""

from __future__ import annotations

import pytest

import detente
from detente.errors import ScenarioError
from detente.formats import scenario_csv


def test_round_trip_bundled(tmp_path, ukraine):
    path = detente.save(ukraine, tmp_path / "u.csv")
    assert detente.load(path) == ukraine
    assert scenario_csv.sniff(path.read_text())


def test_yaml_csv_yaml_keeps_numbers(tmp_path, ukraine):
    a = detente.save(ukraine, tmp_path / "a.csv")
    b = detente.save(detente.load(a), tmp_path / "b.yaml")
    assert detente.load(b).to_dict() == ukraine.to_dict()


TEXT = """\
#scenario
key,value
name,t
#actors
id,capability
A,1
B,2
#issues
id,low,high,status_quo
x,0,100,50
#anchors
issue,value,label
x,0,none
y,100,all
#stances
actor,issue,position,salience
A,x,10,0.5
B,x,140,0.5
C,x,10,1.5
"""


def test_errors_name_lines():
    with pytest.raises(ScenarioError) as info:
        scenario_csv.loads(TEXT, file="t.csv")
    assert [p.line for p in info.value.problems] == [14]  # anchors for unknown issue y
    fixed = TEXT.replace("y,100,all", "x,100,all")
    with pytest.raises(ScenarioError) as info:
        scenario_csv.loads(fixed, file="t.csv")
    by_field = {p.field: p.line for p in info.value.problems}
    assert by_field["stances[1].position"] == 18
    assert by_field["stances[2].actor"] == 19
    assert by_field["stances[2].salience"] == 19


def test_structure_errors():
    with pytest.raises(ScenarioError) as info:
        scenario_csv.loads("#scenario\nkey,value\nname,t\n#bogus\nA,1\n", file="t.csv")
    assert info.value.problems[0].line == 4
    with pytest.raises(ScenarioError) as info:
        scenario_csv.loads("#actors\nid,power\nA,1\n", file="t.csv")
    assert "power" in info.value.problems[0].found


def test_metadata_values_are_json_else_text():
    good = TEXT.replace("y,100,all", "x,100,all").replace("B,x,140,0.5\nC,x,10,1.5\n", "")
    deep = "[" * 5000 + "]" * 5000
    text = good + f'#metadata\nkey,value\nn,"{{""a"": [1, 2]}}"\nwords,plain text\ndeep,{deep}\n'
    (sc,) = scenario_csv.loads(text, file="m.csv")
    assert sc.metadata == {"n": {"a": [1, 2]}, "words": "plain text", "deep": deep}


def test_a_column_given_twice_is_an_error_at_the_header():
    text = "#scenario\nkey,value\nname,t\n#actors\nid,capability,Capability\nA,1,2\n"
    with pytest.raises(ScenarioError) as info:
        scenario_csv.loads(text, file="t.csv")
    (problem,) = info.value.problems
    assert (problem.line, problem.field) == (5, "actors")
    assert "capability twice" in problem.found


def test_actor_extras_round_trip(ukraine):
    data = ukraine.to_dict()
    data["actors"][0].update(batna=0.4, batna_uncertainty=[0.3, 0.5], salience_correlation=0.6,
                             position_correlation=0.2)
    sc = type(ukraine).from_dict(data)
    (back,) = scenario_csv.loads(scenario_csv.dumps(sc), file="x.csv")
    assert back == sc
    assert back.actors[0].batna_uncertainty.high == 0.5


def test_processes_expectations_and_timed_shocks_round_trip(tmp_path, ukraine):
    """The outlook's inputs (a pressure's process, an actor's expectations, a shock's
    monthly chance) survive YAML -> CSV -> scenario."""
    assert any(p.process is not None for p in ukraine.pressures)  # the bundled one has them
    back = detente.load(detente.save(ukraine, tmp_path / "u.csv"))
    assert [p.process for p in back.pressures] == [p.process for p in ukraine.pressures]
    assert [a.expectations for a in back.actors] == [a.expectations for a in ukraine.actors]
    assert [(k.monthly_probability, k.recurring) for k in back.shocks] == \
        [(k.monthly_probability, k.recurring) for k in ukraine.shocks]


def test_a_process_that_is_not_json_names_its_line(ukraine):
    text = scenario_csv.dumps(ukraine)
    rows = text.splitlines()
    at = next(n for n, r in enumerate(rows) if r.startswith("battlefield,"))
    rows[at] = rows[at].replace('{""trend""', '{trend', 1)
    assert rows[at] != text.splitlines()[at]
    with pytest.raises(ScenarioError) as info:
        scenario_csv.loads("\n".join(rows) + "\n", file="u.csv")
    problem = next(p for p in info.value.problems if p.field == "pressures[0].process")
    assert problem.line == at + 1 and "JSON object" in problem.expected
