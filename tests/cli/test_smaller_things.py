"""Issue 31 item 10: the smaller things a new user trips on."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

import detente
from detente.cli.main import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_convert_to_xml_is_what_help_says(tmp_path):
    res = invoke("convert", "ukraine-2025-11", str(tmp_path / "out.xml"))
    assert res.exit_code == 0, res.output
    assert "KTAB XML" in " ".join(invoke("convert", "--help").output.split())
    assert detente.load(str(tmp_path / "out.xml")).actor_ids
    assert invoke("convert", "ukraine-2025-11", str(tmp_path / "out.tsv")).exit_code == 1


def test_forecast_exchanges_without_the_model_fails_before_printing():
    res = invoke("forecast", "--exchanges")
    assert res.exit_code == 1
    assert "add --model exchange" in res.output and "Status quo" not in res.output


def test_forecast_exchanges_takes_top_and_keeps_the_control_star():
    res = invoke("forecast", "-m", "exchange", "--exchanges", "--draws", "0", "--top", "4")
    assert res.exit_code == 0, res.output
    assert "more (use --top)" in res.output and " * " in res.output.replace("*│", "* │")
    assert "neither delivers nor holds a veto" in res.output


def test_missing_status_quo_has_its_reason():
    data = detente.load("ukraine-2025-11").to_dict()
    data["issues"][0].pop("status_quo", None)
    data["issues"][0].pop("no_agreement", None)
    sc = detente.Scenario.from_dict(data)
    from detente.present.tables import forecast_notes

    result = detente.forecast(sc, models=["compromise"])
    lines = [t.plain for t in forecast_notes(result)]
    assert any(line.startswith(f"— status quo of {sc.issues[0].name}: the scenario states none")
               for line in lines), lines


def test_new_template_agrees_with_models_on_nash(tmp_path):
    assert invoke("new", "talks", "-o", str(tmp_path / "t.yaml")).exit_code == 0
    text = (tmp_path / "t.yaml").read_text()
    assert "the Nash model needs it" not in text
    models = json.loads(invoke("models", "-f", "json").stdout)
    nash = next(m for m in models if m["name"] == "nash")
    assert nash["needs_status_quo"] is False
    assert "the default Nash model does not need it" in " ".join(
        line.lstrip("# ") for line in text.splitlines())


def test_models_table_check_speak_json():
    models = json.loads(invoke("models", "-f", "json").stdout)
    assert {m["name"] for m in models} >= {"compromise", "median", "nash"}
    table = json.loads(invoke("table", "ukraine-2025-11", "-f", "json").stdout)
    assert table["issues"][0]["stances"]["RUS"]["position"] == 100.0
    check = json.loads(invoke("check", "ukraine-2025-11", "-f", "json").stdout)
    stances = len(detente.load("ukraine-2025-11").stances)
    assert check["ok"] and check["scenarios"][0]["stances"] == stances
    assert invoke("models", "-f", "csv").exit_code == 2


def test_h_is_help_on_subcommands():
    assert "Usage" in invoke("history", "log", "-h").output
    assert invoke("deals", "-h").exit_code == 0


def test_csv_numbers_carry_no_float_noise():
    res = invoke("forecast", "-f", "csv")
    assert res.exit_code == 0
    for row in csv.reader(io.StringIO(res.stdout)):
        for cell in row:
            try:
                float(cell)
            except ValueError:
                continue
            digits = cell.replace("-", "").replace(".", "").lstrip("0")
            assert len(digits) <= 12, cell
