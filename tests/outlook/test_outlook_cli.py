"""``detente outlook`` and ``api.outlook``: outputs and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.present.outlook import outlook_summary, outlook_view

from .conftest import war

runner = CliRunner()


def _file(tmp_path, scenario) -> str:
    path = tmp_path / "war.yaml"
    api.save(scenario, path)
    return str(path)


def test_json_csv_and_table(tmp_path):
    path = _file(tmp_path, war(volatility=0.5, expects_a=0.2, convergence_a=0.3))
    res = runner.invoke(app, ["outlook", path, "--months", "12", "--paths", "200",
                              "--format", "json", "--driver-paths", "100"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert "not predictions of fact" in data["note"]
    assert len(data["by_month"]) == 13
    assert data["drivers"] and {"input", "median_month_low"} <= set(data["drivers"][0])
    res = runner.invoke(app, ["outlook", path, "--months", "12", "--paths", "200",
                              "--format", "csv", "--no-drivers"])
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0].startswith("month,p_open,p_exists_by,p_agreed_by,batna_A")
    assert len(lines) == 14
    res = runner.invoke(app, ["outlook", path, "--months", "12", "--paths", "200",
                              "--no-drivers"], terminal_width=80)
    assert res.exit_code == 0
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    flat = " ".join(res.stdout.split())
    assert "P(agreed by)" in flat and "not predictions of fact" in flat


def test_bad_options_exit_with_a_message(tmp_path):
    path = _file(tmp_path, war())
    for args, code, text in (
            (["--months", "0"], 2, "--months"),
            (["--months", "1000000"], 1, "months must be 1 to 600"),
            (["--months", "3", "--rule", "consecutive:9"], 1, "larger than the horizon"),
            (["--rule", "hazard:2"], 1, "h must lie in (0, 1]"),
            (["--rule", "often"], 1, "consecutive:K or hazard:H"),
            (["--solution", "best"], 1, "solution 'best'"),
            (["--coverage", "0"], 1, "coverage"),
            (["--paths", "0"], 2, "--paths")):
        res = runner.invoke(app, ["outlook", path, "--no-drivers", *args])
        assert res.exit_code == code, (args, res.output)
        assert text in res.output, (args, res.output)
        assert "Traceback" not in res.output


def test_a_bad_scenario_names_file_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    text = Path(_file(tmp_path, war())).read_text().replace("volatility: 0.0",
                                                             "volatility: -1.0")
    path.write_text(text)
    res = runner.invoke(app, ["outlook", str(path), "--no-drivers", "--paths", "10"])
    assert res.exit_code == 1
    assert "bad.yaml:" in res.output and "volatility" in res.output


def test_bundled_outlook_runs_and_summarises():
    out = api.outlook(months=6, paths=200, drivers=False)
    s = outlook_summary(out)
    assert s["months"] == 6 and 0 <= s["p_agreed_by_horizon"] <= 1
    assert "not predictions of fact" in s["note"]
    assert outlook_view(out)


def test_parties_restrict_the_outlook_to_settlements_between_them():
    out = api.outlook(months=6, paths=100, drivers=False, parties=("RUS", "UKR"))
    assert out.parties == ("RUS", "UKR")
    assert all({"RUS", "UKR"} <= set(p["consent_of"]) for p in out.packages)
    res = runner.invoke(app, ["outlook", "--party", "XX", "--no-drivers", "--paths", "10"])
    assert res.exit_code == 1 and "unknown actor(s) XX" in res.output
