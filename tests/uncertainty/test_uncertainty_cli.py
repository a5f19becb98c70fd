"""``detente simulate``, ``sensitivity`` and ``levers`` through the real CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from detente.cli.main import app
from detente.uncertainty import Simulation

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_simulate_table_save_and_reload(tmp_path):
    out = tmp_path / "run.nc"
    res = invoke("simulate", "-n", "3000", "--seed", "5", "--save", str(out))
    assert res.exit_code == 0, res.output
    assert "Donetsk territory" in res.output and "P(nearest anchor)" in res.output
    assert "models land on different anchors" in res.output
    sim = Simulation.load(out)
    assert sim.draws == 3000 and sim.seed == 5 and sim.models == ["compromise", "median", "nash"]
    again = invoke("simulate", str(out))
    assert again.exit_code == 0, again.output
    assert "3,000 draws, seed 5" in again.output
    # the file keeps the issues' names: the reloaded table is titled as the first was
    assert "Donetsk territory (donetsk)" in again.output


def test_simulate_json_is_reproducible_and_engine_independent():
    a = invoke("simulate", "-n", "2000", "-m", "median", "-f", "json", "--seed", "3")
    b = invoke("simulate", "-n", "2000", "-m", "median", "-f", "json", "--seed", "3",
               "--workers", "1", "--chunk-size", "1")
    assert a.exit_code == 0, a.output
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    assert da == db
    row = da["summary"][0]
    assert row["model"] == "median" and row["issue"] == "donetsk"
    assert sum(row["bands"].values()) == pytest.approx(1.0)


def test_simulate_bad_input_exit_codes(tmp_path):
    assert invoke("simulate", "-n", "10", "-m", "nope").exit_code == 1
    assert invoke("simulate", "no-such-file.yaml").exit_code == 1
    assert invoke("simulate", "-n", "0").exit_code == 2
    assert invoke("simulate", "--engine", "spark").exit_code == 2
    bad = tmp_path / "x.nc"
    bad.write_text("nonsense")
    res = invoke("simulate", str(bad))
    assert res.exit_code == 1 and "not a detente simulation" in res.output


def test_sensitivity_table_and_json():
    res = invoke("sensitivity", "-m", "compromise", "-n", "64", "-i", "donetsk")
    assert res.exit_code == 0, res.output
    assert "position[UKR, donetsk]" in res.output and "ST" in res.output
    res = invoke("sensitivity", "-m", "median", "--method", "morris", "-n", "10",
                 "--by", "actor", "-f", "json", "-i", "tomahawks")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["method"] == "morris"
    assert {r["input"] for r in data["indices"]} == {"RUS", "UKR", "USA", "EU", "GBR"}
    assert invoke("sensitivity", "-i", "nowhere").exit_code == 1


def test_levers_table_json_and_errors():
    res = invoke("levers", "-i", "donetsk", "-t", "no land ceded", "-m", "median")
    assert res.exit_code == 0, res.output
    assert "capability" in res.output and "cannot reach it alone" in res.output
    res = invoke("levers", "-i", "tomahawks", "-t", "60", "-a", "USA", "-f", "json")
    data = json.loads(res.stdout)
    assert data["interval"] == [60.0, None]
    assert {lv["actor"] for lv in data["levers"]} == {"USA"}
    assert invoke("levers", "-i", "donetsk").exit_code == 2
    assert invoke("levers", "-i", "donetsk", "-t", "Ukraine").exit_code == 1  # ambiguous
    assert invoke("levers", "-i", "donetsk", "-t", "150").exit_code == 1
