"""``detente history``: every command on a fresh SQLite file; clear errors, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import detente
from detente.cli.main import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "history.sqlite")


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["history", *args], env={"COLUMNS": "200", **(env or {})})


def test_import_log_timeline_diff_of_the_bundled_talks(db):
    res = invoke("import", "ukraine-2025-11", "--db", db)
    assert res.exit_code == 0, res.output
    assert "read 3 versions, 3 new" in res.output
    assert "0 new" in invoke("import", "ukraine-2025-11", "--db", db).output

    log = json.loads(invoke("log", "--db", db, "-f", "json").output)
    assert [v["as_of"] for v in log] == ["2025-10-28", "2025-10-31", "2025-11-05"]

    res = invoke("timeline", "--db", db)
    assert res.exit_code == 0, res.output
    assert "Timeline of ukraine-2025-11" in res.output
    assert "2025-10-31" in res.output
    assert "not predictions of fact" in " ".join(res.output.split())

    data = json.loads(invoke("timeline", "--db", db, "-m", "median", "-f", "json").output)
    rows = {(r["as_of"], r["issue"]): r["forecast"] for r in data["rows"]}
    scenario = detente.load("ukraine-2025-11")
    assert rows[("2025-11-05", "donetsk")] == \
        detente.get_model("median").forecast(scenario).point["donetsk"]
    assert rows[("2025-10-28", "drones")] is None  # not on the table before the meeting

    csv_out = invoke("timeline", "--db", db, "-f", "csv").output.splitlines()
    assert csv_out[0].startswith("version,as_of,model,issue,forecast,low,high")
    # a header, then one row per version, default model and issue of the talks (an issue
    # not yet on the table gets an empty forecast, not a missing row)
    # (3 versions, the 3 default models, every issue of the talks)
    assert len(csv_out) == 1 + 3 * 3 * len(scenario.issues)

    res = invoke("diff", "@1", "@2", "--db", db)
    assert res.exit_code == 0, res.output
    assert "RUS/donetsk" in res.output and "what moved the forecast" in res.output
    data = json.loads(invoke("diff", "@1", "@3", "--db", db, "-f", "json").output)
    for move in data["attribution"]["moves"]:
        assert sum(move["contributions"].values()) == pytest.approx(move["move"], abs=1e-9)
    assert data["attribution"]["exact"] is True


def test_add_show_and_export(db, tmp_path):
    scenario = tmp_path / "talks.yaml"
    detente.save(detente.load("ukraine-2025-11"), scenario)
    res = invoke("add", str(scenario), "--as-of", "2025-11-07", "--note", "two days on",
                 "--db", db)
    assert res.exit_code == 0, res.output
    assert "added as version ukraine-2025-11@1" in res.output
    again = invoke("add", str(scenario), "--as-of", "2025-11-07", "--db", db)
    assert "already stored as version ukraine-2025-11@1" in again.output
    shown = json.loads(invoke("show", "1", "--db", db, "-f", "json").output)
    assert shown["note"] == "two days on" and shown["as_of"] == "2025-11-07"
    assert shown["scenario"]["name"] == "ukraine-2025-11"
    res = invoke("show", "1", "--db", db, "--save", str(tmp_path / "back.yaml"))
    assert res.exit_code == 0 and "Donetsk" in res.output
    assert detente.load(tmp_path / "back.yaml").hash == detente.load(scenario).hash

    out = tmp_path / "export.json"
    assert invoke("export", str(out), "--db", db).exit_code == 0
    res = invoke("export", str(out), "--db", db)
    assert res.exit_code == 1 and "--force" in res.output
    other = str(tmp_path / "other.sqlite")
    assert "1 new" in invoke("import", str(out), "--db", other).output


def test_db_from_the_environment(tmp_path):
    path = tmp_path / "env.sqlite"
    res = invoke("import", "ukraine-2025-11", env={"DETENTE_DB": str(path)})
    assert res.exit_code == 0, res.output
    assert path.is_file()
    assert "2025-10-28" in invoke("log", env={"DETENTE_DB": str(path)}).output


@pytest.mark.parametrize("args, message", [
    (("show", "42"), "no such version"),
    (("diff", "@1", "@9"), "versions 1..3"),
    (("timeline", "nosuch"), "no history named"),
    (("add", "no-such-file.yaml"), "no such file"),
    (("timeline", "-m", "nosuchmodel"), "unknown model"),
    (("timeline", "-p", "eum.q=1"), "--param given for model(s) not run"),
])
def test_errors_are_clear(db, args, message):
    assert invoke("import", "ukraine-2025-11", "--db", db).exit_code == 0
    res = invoke(*args, "--db", db)
    assert res.exit_code == 1, res.output
    assert message in " ".join(res.output.split())
    assert "Traceback" not in res.output


def test_python_api(tmp_path):
    with detente.open_history(tmp_path / "h.sqlite") as h:
        assert isinstance(h, detente.History)
        h.import_file("ukraine-2025-11")
        frame = h.timeline(models=["compromise"]).to_frame()
        assert frame.loc[(3, "compromise", "donetsk"), "forecast"] == pytest.approx(
            detente.forecast("ukraine-2025-11", models=["compromise"])["compromise"]
            .point["donetsk"])


def test_diff_against_a_file_not_stored(db, tmp_path):
    assert invoke("import", "ukraine-2025-11", "--db", db).exit_code == 0
    data = detente.load("ukraine-2025-11").to_dict()
    data["stances"] = [dict(s, position=40, position_uncertainty={"low": 30, "high": 60})
                       if (s["actor"], s["issue"]) == ("USA", "tomahawks") else s
                       for s in data["stances"]]
    edited = tmp_path / "edited.yaml"
    detente.save(detente.Scenario.from_dict(data), edited)
    res = invoke("diff", "@-1", str(edited), "--db", db, "-m", "median", "-f", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["b"]["id"] is None and out["a"]["as_of"] == "2025-11-05"
    assert [c["key"] for c in out["changes"]] == ["USA/tomahawks"]
    move = next(m for m in out["attribution"]["moves"] if m["issue"] == "tomahawks")
    assert move["move"] == pytest.approx(move["contributions"]["stance USA/tomahawks"])
    assert "not stored" in " ".join(invoke("diff", "@-1", str(edited), "--db", db,
                                           "-m", "median").output.split())
    assert len(json.loads(invoke("log", "--db", db, "-f", "json").output)) == 3  # nothing added


def test_rm(db):
    assert invoke("import", "ukraine-2025-11", "--db", db).exit_code == 0
    res = invoke("rm", "@1", "--db", db)
    assert res.exit_code == 0 and "removed version ukraine-2025-11@1" in res.output
    assert [v["id"] for v in json.loads(invoke("log", "--db", db, "-f", "json").output)] == [2, 3]
    assert invoke("rm", "1", "--db", db).exit_code == 1


def test_one_reference_scheme_shown_by_log_and_taken_everywhere(db):
    """Issue 31 item 8: `log` lists each version by the reference show/diff/rm take (its
    place in the history, oldest first), and every output names versions that way."""
    assert invoke("import", "ukraine-2025-11", "--db", db).exit_code == 0
    log = invoke("log", "--db", db).output
    rows = json.loads(invoke("log", "--db", db, "-f", "json").output)
    assert [r["ref"] for r in rows] == [f"ukraine-2025-11@{n}" for n in (1, 2, 3)]
    for r in rows:
        n = r["ref"].split("@")[1]
        assert f"@{n}" in log
        shown = invoke("show", f"@{n}", "--db", db)
        assert shown.exit_code == 0 and f"Version {r['ref']}" in shown.output
        assert r["as_of"] in shown.output
        assert json.loads(invoke("show", r["ref"], "--db", db, "-f", "json").output)["id"] == \
            r["id"]
    res = invoke("diff", "@1", "@2", "--db", db, "-m", "compromise")
    assert "ukraine-2025-11@1 (2025-10-28)" in res.output
    assert "ukraine-2025-11@2 (2025-10-31)" in res.output
    timeline = invoke("timeline", "--db", db, "-m", "compromise").output
    assert "@3" in timeline and "#3" not in timeline
    # every — has its reason
    assert "— drones at @1 (2025-10-28): the issue is not in that version's scenario" in \
        " ".join(timeline.split())
