"""The structure's schema: formats, JSON Schema, errors by file/line/field, sampling, and the
rules path agreeing with the plain path when the structure constrains nothing."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import detente
from detente import deals
from detente.cli.main import app
from detente.errors import ScenarioError
from detente.formats import scenario_csv, scenario_yaml
from detente.scenario import Scenario
from detente.templates import scenario_template
from detente.uncertainty.sampling import input_space

runner = CliRunner()

BAD = """\
name: bad
sources:
  - id: s1
actors:
  - id: A
  - id: B
issues:
  - id: x
    status_quo: 50
    vetoes: [A, Z]
  - id: y
    status_quo: 0
stances:
  - actor: A
    issue: x
    position: 20
    salience: 0.5
    red_line: {above: 150, sources: [s1]}
  - actor: B
    issue: y
    position: 80
    salience: 0.5
linkages:
  - actor: A
    offer: {issue: x, above: 0}
    requires: {issue: y, at_least: 50}
  - actor: B
    offer: {issue: y, above: 0}
    requires: {issue: x, at_least: 50}
  - actor: B
    offer: {issue: y, above: 0}
    requires: {issue: w, at_least: 50}
"""


def _problems(text: str, file: str = "bad.yaml"):
    with pytest.raises(ScenarioError) as info:
        scenario_yaml.loads(text, file=file)
    return {p.field: p for p in info.value.problems}


def test_bad_structure_names_file_line_and_field():
    probs = _problems(BAD)
    veto = probs["issues[0].vetoes[1]"]
    assert (veto.file, veto.line) == ("bad.yaml", 10) and "unknown actor 'Z'" in veto.found
    red = probs["stances[0].red_lines[0].above"]
    assert red.line == 18 and "outside the scale" in red.found
    assert "circular linkage x → y → x" in probs["linkages[0]"].found
    assert probs["linkages[0]"].line == 24
    assert "unknown issue 'w'" in probs["linkages[2].requires.issue"].found
    assert len(probs) == 5


def test_more_bad_structure(tmp_path):
    text = """\
name: b2
actors:
  - {id: A, bloc: Eur, batna_pressure: {war: -0.1}}
  - {id: B, bloc: Eur}
issues:
  - {id: x, no_agreement: nothing agreed, options: {lo: 0, hi: 100}}
  - {id: y, status_quo: 0, no_agreement: none, options: {no-agreement: 0, hi: 100}}
stances:
  - actor: A
    issue: x
    position: 0
    salience: 0.5
    red_lines: [{options: [mid]}, {above: 5, below: 3}]
blocs:
  - {id: Europe, sources: [nope]}
shocks:
  - {id: s, changes: {oil: 1}}
"""
    probs = _problems(text, "b2.yaml")
    assert "unknown pressure 'war'" in probs["actors[0].batna_pressure.war"].found
    assert "without a status quo" in probs["issues[0].no_agreement"].found
    assert "'no-agreement'" in probs["issues[1].options"].found
    assert "exactly one of above, below" in probs["stances[0].red_lines[1]"].expected
    assert "unknown source 'nope'" in probs["blocs[0].sources[0]"].found
    assert "unknown pressure 'oil'" in probs["shocks[0].changes.oil"].found
    # an undeclared bloc label stays a label; a declared bloc may have no member yet
    assert "actors[0].bloc" not in probs and "blocs[0]" not in probs
    path = tmp_path / "b2.yaml"
    path.write_text(text)
    res = runner.invoke(app, ["check", str(path)])
    assert res.exit_code == 1 and "b2.yaml:3: actors[0].batna_pressure.war" in " ".join(
        res.output.split())


def test_csv_structure_round_trip_and_lines(ukraine):
    text = scenario_csv.dumps(ukraine)
    for section in ("#redlines", "#blocs", "#linkages", "#pressures", "#shocks"):
        assert section in text
    (back,) = scenario_csv.loads(text, file="u.csv")
    assert back == ukraine and back.hash == ukraine.hash
    bad = text.replace("UKR,drones,above,0,tomahawks,at_least,60",
                       "UKR,drones,above,0,tomahawks,at_least,600")
    assert bad != text
    with pytest.raises(ScenarioError) as info:
        scenario_csv.loads(bad, file="u.csv")
    (p,) = info.value.problems
    line = bad.splitlines().index(next(x for x in bad.splitlines() if ",600" in x)) + 1
    assert (p.file, p.line, p.field) == ("u.csv", line, "linkages[0].requires.at_least")


def test_yaml_round_trip_keeps_the_structure(ukraine):
    back = scenario_yaml.loads(scenario_yaml.dumps(ukraine))[0]
    assert back == ukraine


def test_json_schema_accepts_files_and_rejects_unknown_keys(ukraine):
    schema = detente.scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    plain = json.loads(json.dumps(ukraine.to_dict(), default=str))
    jsonschema.validate(plain, schema)
    raw = yaml.safe_load(scenario_template("x"))
    jsonschema.validate(json.loads(json.dumps(raw, default=str)), schema)
    plain["issues"][0]["veto"] = ["RUS"]  # a misspelt field
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(plain, schema)
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0 and json.loads(res.output)["title"] == "detente scenario"


def test_template_checks_and_runs(tmp_path):
    path = tmp_path / "t.yaml"
    assert runner.invoke(app, ["new", "t", "-o", str(path)]).exit_code == 0
    sc = detente.load(path)
    assert sc.has_structure and sc.pressures and sc.shocks and sc.issues[0].vetoes
    assert sc.stance("A", "issue1").red_lines
    assert runner.invoke(app, ["deals", str(path)]).exit_code == 0
    assert runner.invoke(app, ["pressures", str(path)]).exit_code == 0


def test_bloc_members_share_one_draw(ukraine):
    space = input_space(ukraine)
    u = space.sample_unit(3, 0, 500)
    col = {n: k for k, n in enumerate(space.names)}
    for issue in ("donetsk", "tomahawks", "tunnel"):
        for kind in ("position", "salience"):
            a, b = col[f"{kind}[EU, {issue}]"], col[f"{kind}[GBR, {issue}]"]
            np.testing.assert_array_equal(u[:, a], u[:, b])
    # the other inputs draw what they drew without the bloc
    data = ukraine.to_dict()
    data.pop("blocs")
    plain = input_space(Scenario.from_dict(data))
    assert plain.names == space.names
    v = plain.sample_unit(3, 0, 500)
    others = [k for n, k in col.items() if "EU" not in n and "GBR" not in n]
    np.testing.assert_array_equal(u[:, others], v[:, others])
    assert not np.array_equal(v[:, col["position[EU, donetsk]"]],
                              v[:, col["position[GBR, donetsk]"]])


def test_rules_path_equals_plain_path_when_nothing_is_constrained(data_dir):
    """A structure that constrains nothing (a pressure no BATNA depends on) takes the rules
    path and gives the plain path's ZOPA, frontier and Nash deal."""
    ran = 0
    for rel in ("ktab/dummyData_3Dim.csv", "eum/minimalgeek__WW1.csv",
                "eum/dmasad__HondurasCrisisData.csv", "ktab/smpExample_fixed.xml"):
        sc = detente.load(data_dir / rel)
        p0 = deals.DealProblem.from_scenario(sc)
        assert p0.space.size <= 5000 and p0.n_actors <= 12
        ran += 1
        data = sc.to_dict()
        data["pressures"] = [{"id": "idle", "value": 1}]
        st = Scenario.from_dict(data)
        p1 = deals.DealProblem.from_scenario(st)
        assert p0.rules is None and p1.rules is not None
        r0, r1 = deals.analyse(p0), deals.analyse(p1)
        assert r1.zopa.size == r0.zopa.size
        assert {tuple(r) for r in r1.frontier_options} == {tuple(r) for r in r0.frontier_options}
        for name in ("nash", "egalitarian", "utilitarian", "kalai_smorodinsky"):
            s0, s1 = r0.solution(name), r1.solution(name)
            assert (s0 is None) == (s1 is None)
            if s1 is not None:
                assert s1.pop("consent_of") == list(p1.actors)  # everyone holds a veto
                assert s1 == s0
    assert ran == 4
