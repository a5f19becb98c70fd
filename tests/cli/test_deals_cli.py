"""The deals, logrolls and phase commands."""

import json

from typer.testing import CliRunner

from detente.cli.main import app

runner = CliRunner()


def test_deals_json():
    res = runner.invoke(app, ["deals", "--format", "json", "--drop", "RUS=0.1"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["deals"] == 900 and data["frontier_size"] > 0
    assert data["zopa"]["openings"][0]["actor"] == "RUS"


def test_logrolls_and_phase_tables():
    res = runner.invoke(app, ["logrolls", "--actor", "UKR"])
    assert res.exit_code == 0 and "UKR" in res.output
    res = runner.invoke(app, ["phase", "--deal", "tomahawks=conditional,drones=full",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["plans_examined"] == 13
    res = runner.invoke(app, ["phase"])
    assert res.exit_code == 0 and "plans examined" in res.output


def test_bad_input_exit_1():
    assert runner.invoke(app, ["phase", "--deal", "nowhere=1"]).exit_code == 1
    assert runner.invoke(app, ["deals", "--batna", "RUS"]).exit_code == 1
    assert runner.invoke(app, ["deals", "--utility", "cubic"]).exit_code == 1
