"""`detente exchanges` and `detente forecast --model exchange --exchanges`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import detente
from detente.cli.main import app

runner = CliRunner()


def test_exchanges_table_and_json():
    result = runner.invoke(app, ["exchanges", "ukraine-2025-11", "--rounds", "2"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Exchanges in ukraine-2025-11" in result.output
    assert "tunnel" in result.output and "drones" in result.output
    result = runner.invoke(app, ["exchanges", "--rounds", "2", "--format", "json",
                                 "--candidates"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {e["round"] for e in data["exchanges"]} == {1, 2}
    assert data["candidates"][0]["admissible"]
    # an outcome for every issue of the bundled scenario the command ran on
    assert set(data["outcome"]) == set(detente.load("ukraine-2025-11").issue_ids)


def test_exchanges_bad_input_and_usage():
    result = runner.invoke(app, ["exchanges", "no-such-file.yaml"])
    assert result.exit_code == 1
    result = runner.invoke(app, ["exchanges", "--variant", "nope"])
    assert result.exit_code == 1
    result = runner.invoke(app, ["exchanges", "--rounds", "0"])
    assert result.exit_code == 2


@pytest.mark.slow
def test_forecast_with_exchanges(data_dir):
    path = str(data_dir / "decide" / "copenhagen.csv")
    result = runner.invoke(app, ["forecast", path, "--model", "exchange", "--exchanges"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "exchange: exchanges" in result.output
    result = runner.invoke(app, ["forecast", path, "-m", "exchange", "--exchanges",
                                 "-f", "json"])
    assert result.exit_code == 0, result.output
    [fc] = json.loads(result.stdout)["forecasts"]
    assert len(fc["details"]["exchanges"]) > 400
    result = runner.invoke(app, ["forecast", path, "--exchanges"])
    assert result.exit_code == 1


def test_forecast_rounds_shows_each_models_round_records():
    """``--rounds`` lists each round's records from the typed details of every model (the
    exchange model's executed exchanges; it failed with a TypeError before)."""
    result = runner.invoke(app, ["forecast", "-m", "exchange", "-m", "eum", "-m", "smp",
                                 "-p", "exchange.rounds=2", "--rounds"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for title in ("exchange: round 1", "exchange: round 2", "eum: round 1", "smp: round 1"):
        assert title in result.output
    assert "partner gives on" in result.output
