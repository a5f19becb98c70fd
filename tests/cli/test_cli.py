"""The CLI: commands, output formats and exit codes (0 ok, 1 bad input, 2 usage)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import detente
from detente.cli.main import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "240"})


def test_forecast_bundled_table():
    res = invoke("forecast")
    assert res.exit_code == 0, res.output
    assert "Donetsk territory" in res.output
    assert "Status quo" in res.output
    assert "not predictions of fact" in res.output.replace("\n", " ").replace("  ", " ")


def test_forecast_json_and_csv(ukraine):
    res = invoke("forecast", "ukraine-2025-11", "-m", "compromise", "-m", "nash", "-f", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [f["model"] for f in data["forecasts"]] == ["compromise", "nash"]
    expected = detente.get_model("compromise").forecast(ukraine).point["donetsk"]
    assert data["forecasts"][0]["outcome"]["donetsk"] == expected
    res = invoke("forecast", "-f", "csv", "-m", "median")
    assert res.exit_code == 0
    lines = res.output.strip().splitlines()
    assert lines[0].startswith("issue,name,status_quo,median,median_anchor")
    assert len(lines) == 1 + len(ukraine.issues)


def test_forecast_rounds_and_params():
    res = invoke("forecast", "--rounds", "-m", "nash", "-p", "nash.iterations=80")
    assert res.exit_code == 0, res.output
    assert "outcome by round" in res.output
    res = invoke("forecast", "-m", "nash", "-p", "nash.nonsense=1")
    assert res.exit_code == 1
    res = invoke("forecast", "-p", "bad")
    assert res.exit_code == 1 and "MODEL.NAME=VALUE" in res.output


def test_unknown_model_and_missing_file():
    res = invoke("forecast", "-m", "astrology")
    assert res.exit_code == 1 and "unknown model" in res.output
    res = invoke("forecast", "nowhere.yaml")
    assert res.exit_code == 1 and "no such file" in res.output


def test_usage_error_exit_code():
    assert invoke("forecast", "--no-such-flag").exit_code == 2
    assert invoke("convert").exit_code == 2


def test_table_shows_labels_and_numbers():
    res = invoke("table", "--evidence")
    assert res.exit_code == 0, res.output
    assert "Russia" in res.output and "Ukraine" in res.output
    assert "s=0.95" in res.output


def test_check_good_and_bad(tmp_path):
    assert invoke("check", "ukraine-2025-11").exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: b\nactors:\n  - id: A\nissues:\n  - id: x\n"
        "stances:\n  - actor: Z\n    issue: x\n    position: 500\n    salience: 3\n"
    )
    res = invoke("check", str(bad))
    assert res.exit_code == 1
    out = res.output.replace("\n", " ")
    assert "3 problems" in out
    assert "bad.yaml:7" in out and "unknown actor 'Z'" in out
    assert "bad.yaml:9" in out and "stances[0].position" in out
    assert "Traceback" not in res.output


def test_check_model_needs(tmp_path):
    f = tmp_path / "nosq.yaml"
    f.write_text("name: n\nactors: [{id: A}]\nissues: [{id: x}]\n"
                 "stances: [{actor: A, issue: x, position: 5, salience: 1}]\n")
    assert invoke("check", str(f)).exit_code == 0
    res = invoke("check", str(f), "--model", "procedural")
    assert res.exit_code == 1 and "status quo" in res.output
    assert invoke("check", str(f), "--model", "nash").exit_code == 0  # default form needs none


def test_convert_round_trip_and_no_clobber(tmp_path, ukraine):
    out = tmp_path / "u.csv"
    assert invoke("convert", "ukraine-2025-11", str(out)).exit_code == 0
    assert detente.load(out) == ukraine
    res = invoke("convert", "ukraine-2025-11", str(out))
    assert res.exit_code == 1 and "--force" in res.output
    back = tmp_path / "u.yaml"
    assert invoke("convert", str(out), str(back)).exit_code == 0
    assert detente.load(back) == ukraine
    res = invoke("convert", "ukraine-2025-11", str(tmp_path / "u.docx"))
    assert res.exit_code == 1 and "extension" in res.output
    # .xml: GENIUS is read only, so the one writable XML format (KTAB) is meant (issue 17)
    res = invoke("convert", "ukraine-2025-11", str(tmp_path / "u.xml"))
    assert res.exit_code == 0 and detente.load(tmp_path / "u.xml").actors


def test_an_unwritable_target_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    for args in (("convert", "ukraine-2025-11", str(blocker / "u.yaml")),
                 ("convert", "ukraine-2025-11", str(folder), "--force"),
                 ("new", "talks", "-o", str(blocker / "talks.yaml"))):
        res = invoke(*args)
        assert res.exit_code == 1, res.output
        assert "cannot write" in res.output and "Traceback" not in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "folder.yaml"]
    assert not any(folder.iterdir())


def test_a_file_of_many_scenarios_where_one_is_needed(data_dir, tmp_path):
    deu = str(data_dir / "deu" / "deu_i_ii.tsv")
    res = invoke("forecast", deu)
    assert res.exit_code == 1 and "214 scenarios where one is needed" in res.output
    assert "detente check" in res.output and "read_all()" not in res.output
    res = invoke("check", deu)
    assert res.exit_code == 0 and res.output.count("ok ") == 214


def test_new_writes_a_valid_template(tmp_path):
    path = tmp_path / "talks.yaml"
    res = invoke("new", "talks", "-o", str(path))
    assert res.exit_code == 0, res.output
    sc = detente.load(path)
    assert sc.name == "talks" and sc.stances
    assert invoke("new", "talks", "-o", str(path)).exit_code == 1  # no overwrite
    # names with spaces are read from files, so new accepts them too (issue 17); slashes not
    assert invoke("new", "bad/name", "-o", str(tmp_path / "x.yaml")).exit_code == 1


def test_help_everywhere():
    for cmd in ("forecast", "table", "check", "convert", "new", "models"):
        res = invoke(cmd, "--help")
        assert res.exit_code == 0 and "Usage" in res.output


def test_forecast_rounds_with_the_exchange_model():
    # the exchange model's 'rounds' detail is a count, not per-round records (was a TypeError)
    res = invoke("forecast", "-m", "exchange", "-m", "smp", "--rounds", "--exchanges")
    assert res.exit_code == 0, res.output
    assert "Exchange (Stokman–Van Oosten): outcome by round" in res.output
    assert "smp: round 1" in res.output
    assert "exchange: exchanges" in res.output
