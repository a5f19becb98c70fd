"""Issue 31 item 8: ``panel delphi`` says before it writes into a history store, and never
writes into the default store unasked."""

from __future__ import annotations

from typer.testing import CliRunner

from detente.cli.main import app

runner = CliRunner()


def test_delphi_leaves_the_default_store_alone(tmp_path, panel_files, monkeypatch):
    monkeypatch.delenv("DETENTE_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    res = runner.invoke(app, ["panel", "delphi", str(tmp_path / "rounds"),
                              *map(str, panel_files)])
    assert res.exit_code == 0, res.output
    assert "history store" not in res.output
    assert not list(tmp_path.rglob("history.sqlite"))  # nothing written to the default store
    assert (tmp_path / "rounds" / "round-2").is_dir()  # the rounds are files as before


def test_delphi_says_where_it_keeps_the_round(tmp_path, panel_files, _own_store):
    res = runner.invoke(app, ["panel", "delphi", str(tmp_path / "rounds"),
                              *map(str, panel_files)])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert f"keeping the closed round in the history store sqlite:///{_own_store}" in said
    assert "rounds:panel" in said and _own_store.is_file()


def test_delphi_store_flag_and_no_store(tmp_path, panel_files, _own_store, monkeypatch):
    monkeypatch.delenv("DETENTE_DB", raising=False)
    db = tmp_path / "chosen.sqlite"
    res = runner.invoke(app, ["panel", "delphi", str(tmp_path / "a"), *map(str, panel_files),
                              "--db", str(db)])
    assert res.exit_code == 0 and db.is_file() and "history store" in res.output
    res = runner.invoke(app, ["panel", "delphi", str(tmp_path / "b"), *map(str, panel_files),
                              "--db", str(tmp_path / "never.sqlite"), "--no-store"])
    assert res.exit_code == 0 and not (tmp_path / "never.sqlite").exists()
