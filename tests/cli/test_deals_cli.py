"""The deals, logrolls and phase commands."""

import json
import re

import numpy as np
from typer.testing import CliRunner

import detente
from detente.cli.main import app
from detente.deals.phasing import fubini

runner = CliRunner()


def test_deals_json():
    res = runner.invoke(app, ["deals", "--format", "json", "--drop", "RUS=0.1"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    sizes = [len(i.options) + (i.no_agreement is not None)
             for i in detente.load("ukraine-2025-11").issues]
    assert data["deals"] == int(np.prod(sizes)) and data["frontier_size"] > 0
    assert data["zopa"]["openings"][0]["actor"] == "RUS"


def test_logrolls_and_phase_tables():
    res = runner.invoke(app, ["logrolls", "--actor", "UKR"])
    assert res.exit_code == 0 and "UKR" in res.output
    res = runner.invoke(app, ["phase", "--deal", "tomahawks=conditional,drones=full",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    # the two moved issues have fubini(2) = 3 orderings; drones before Tomahawks breaks
    # Ukraine's linked offer, leaving 2
    assert data["plans_examined"] == fubini(2) == 3
    assert data["deliverable_plans"] == 2
    assert all(p["phases"][0] != ["drones"] for p in data["plans"])
    res = runner.invoke(app, ["phase"])
    assert res.exit_code == 0 and "plans examined" in res.output
    # counts with thousands separators, and what the deliverable count means (issue 31)
    text = " ".join(res.stdout.split())
    assert re.search(r"\d,\d{3} plans examined", text), text[:300]
    assert re.search(r"\d,\d{3} of them deliver no linked offer before its condition is met "
                     r"\(only these are ranked\)", text), text[:400]


def test_bad_input_exit_1():
    assert runner.invoke(app, ["phase", "--deal", "nowhere=1"]).exit_code == 1
    assert runner.invoke(app, ["deals", "--batna", "RUS"]).exit_code == 1
    assert runner.invoke(app, ["deals", "--utility", "cubic"]).exit_code == 1


def test_deals_on_a_genius_folder_and_file_states_the_acceptance_rule(tmp_path):
    (tmp_path / "t-domain.xml").write_text(
        '<negotiation_template><utility_space><objective index="0" name="t">'
        '<issue index="1" name="price" type="integer" lowerbound="10" upperbound="12"/>'
        "</objective></utility_space></negotiation_template>")
    for name, slope, offset in (("buyer", "-0.5", "1"), ("seller", "0.5", "0")):
        (tmp_path / f"t-{name}.xml").write_text(
            '<utility_space><objective index="0" name="t">'
            '<issue index="1" name="price" type="integer"><evaluator ftype="linear" '
            f'slope="{slope}" offset="{offset}"/></issue><weight index="1" value="1"/>'
            '</objective><reservation value="0.5"/></utility_space>')
    for target in (tmp_path, tmp_path / "t-domain.xml"):
        res = runner.invoke(app, ["deals", str(target), "--format", "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert data["acceptance"]["rule"] == "at_least"
        # price 11 is worth exactly 0.5 to both: at least the reservation value of each
        assert data["zopa"]["size"] == 1 and data["frontier_size"] == 1
    res = runner.invoke(app, ["deals", str(tmp_path), "--acceptance", "above"])
    assert res.exit_code == 0 and "above its BATNA" in res.output
    assert "0 in the ZOPA" in res.output
    assert runner.invoke(app, ["deals", str(tmp_path), "--acceptance", "never"]).exit_code == 1


def test_logrolls_json_is_strict_json(tmp_path):
    # an infinite salience ratio was written as the non-JSON token Infinity; the bundled
    # scenario without its structure (control, red lines, ...) has such trades (Russia,
    # which takes no stance on drones, "paying" with them)
    data = detente.load("ukraine-2025-11").to_dict()
    for key in ("blocs", "linkages", "pressures", "shocks"):
        data.pop(key, None)
    for issue in data["issues"]:
        for key in ("controlled_by", "vetoes", "no_agreement", "stops_fighting", "fronts",
                    "no_agreement_band", "lifted_by", "guarantors", "beneficiaries"):
            issue.pop(key, None)
    for st in data["stances"]:
        st.pop("red_lines", None)
    for actor in data["actors"]:
        actor.pop("batna_pressure", None)
        actor.pop("expectations", None)  # of the pressures left out
    plain = tmp_path / "plain.yaml"
    detente.save(detente.Scenario.from_dict(data), plain)
    res = CliRunner().invoke(app, ["logrolls", str(plain), "-f", "json", "--top", "500"],
                             env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output

    def refuse(token):
        raise ValueError(f"not JSON: {token}")

    data = json.loads(res.output, parse_constant=refuse)
    assert data["total"] >= len(data["logrolls"]) > 0
    assert any(r["salience_ratio_a"] is None or r["salience_ratio_b"] is None
               for r in data["logrolls"])
