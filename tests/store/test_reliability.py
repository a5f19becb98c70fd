"""Concurrent writers, a writer killed mid-write, bad files, schema upgrades: on each database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from detente.errors import DetenteError
from detente.store import History
from detente.store import db as dbmod
from detente.store.schema import Base, ScenarioRow, VersionRow

SRC = str(Path(__file__).resolve().parents[2] / "src")

# A writer: adds N versions; version k is shared by every writer when k is even (the same
# scenario on the same date), its own otherwise. Prints each committed count.
WRITER = """
import sys, datetime as dt, detente
url, who, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
base = detente.load("ukraine-2025-11").to_dict()
h = detente.History(url)
for k in range(n):
    tag = f"shared {k}" if k % 2 == 0 else f"writer {who} version {k}"
    data = dict(base, description=tag)
    s = detente.Scenario.from_dict(data)
    h.add(s, as_of=dt.date(2025, 1, 1) + dt.timedelta(days=k), note=tag)
    print(k + 1, flush=True)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _spawn(url: str, who: int, n: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, url, str(who), str(n)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env())


def _check_consistent(url: str) -> None:
    """Every version points at a stored scenario that reads back to its own hash."""
    with History(url) as h:
        with h._write() as s:
            versions = list(s.scalars(select(VersionRow)))
            hashes = set(s.scalars(select(ScenarioRow.hash)))
            assert {v.scenario_hash for v in versions} <= hashes
            keys = [(v.history, v.scenario_hash, v.as_of) for v in versions]
            assert len(keys) == len(set(keys))
        for hsh in hashes:
            assert h._scenarios([hsh])[hsh].hash == hsh
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_concurrent_writers_lose_nothing_and_duplicate_nothing(db_url):
    writers, per = 4, 250
    procs = [_spawn(db_url, who, per) for who in range(writers)]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
        assert out.split()[-1] == str(per)
    shared = (per + 1) // 2
    own = per // 2
    with History(db_url) as h:
        versions = h.versions()
        assert len(versions) == shared + writers * own
        notes = [v.note for v in versions]
        assert len(set(notes)) == len(notes)
        for who in range(writers):
            assert sum(n.startswith(f"writer {who} ") for n in notes) == own
        assert h.counts()["scenarios"] == shared + writers * own
    _check_consistent(db_url)


@pytest.mark.slow
def test_writer_killed_mid_write_leaves_a_consistent_database(db_url, tmp_path):
    """Three writers in turn, each killed with SIGKILL at a different moment after some
    commits (most of a writer's time is inside a transaction); after each, the database is
    consistent and holds everything committed."""
    with History(db_url):
        pass  # the schema exists before the writer starts, as after any first command
    total = 0
    for round_, pause in enumerate((0.0, 0.004, 0.011)):
        proc = _spawn(db_url, round_, 100_000)
        assert proc.stdout is not None
        committed = 0
        deadline = time.monotonic() + 120
        while committed < 20 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed = int(line)
        time.sleep(pause)  # land somewhere inside a later write
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert committed >= 20, proc.stderr.read() if proc.stderr else ""
        _check_consistent(db_url)
        with History(db_url) as h:
            mine = [v for v in h.versions() if v.note.startswith(f"writer {round_} ")]
            assert len(mine) >= committed // 2  # every committed own version is there
        total += committed
    # the next command, in a fresh process, opens it without repair
    res = subprocess.run([sys.executable, "-m", "detente", "history", "log", "--db", db_url,
                          "-f", "json"], capture_output=True, text=True, env=_env(), timeout=120)
    assert res.returncode == 0, res.stderr
    assert len(json.loads(res.stdout)) >= total // 2


class _Result:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _cli(*args: str) -> _Result:
    """``detente history ARGS`` in process (the kill test runs the CLI in a fresh process)."""
    from typer.testing import CliRunner

    from detente.cli.main import app

    res = CliRunner().invoke(app, ["history", *args], env={"COLUMNS": "300"})
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception  # a traceback: fail loudly
    out = " ".join(res.output.split())
    return _Result(res.exit_code, out, out)


@pytest.mark.parametrize("content", [b"hello, this is not a database\n" * 40,
                                     os.urandom(8192), b"SQLite format 3\x00" + b"\xff" * 4000],
                         ids=["text", "random-bytes", "sqlite-header-then-garbage"])
def test_corrupt_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(content)
    with pytest.raises(DetenteError, match=r"not a detente history database|damaged"):
        History(path)
    res = _cli("log", "--db", str(path))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr + res.stdout
    assert "bad.sqlite" in res.stderr and "not a detente history database" in res.stderr
    assert path.read_bytes() == content  # never written into


def test_damaged_history_is_a_clear_error(tmp_path, ukraine):
    path = tmp_path / "h.sqlite"
    with History(path) as h:
        for k in range(30):
            h.add(ukraine.replace(description=f"v{k}" * 200), note=str(k))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page):  # every page but the header's
        data[start:start + page] = os.urandom(page)
    path.write_bytes(bytes(data))
    res = _cli("log", "--db", str(path))
    assert res.returncode == 1, res.stdout
    assert "Traceback" not in res.stderr
    assert str(path) in res.stderr


def test_foreign_databases_are_refused(tmp_path, db_url):
    foreign = tmp_path / "other-app.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(DetenteError, match="other tables: invoices"):
        History(foreign)
    res = _cli("log", "--db", str(foreign))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    with sqlite3.connect(foreign) as conn:  # untouched
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["invoices"]
    # a schema revision this detente does not know (a newer one)
    with History(db_url) as h, h._write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DetenteError, match="'9999' is not one this detente knows"):
        History(db_url)


@pytest.mark.parametrize("where", ["folder", "missing-parent", "bad-url", "no-server"])
def test_unusable_locations_are_clear_errors(tmp_path, where):
    db = {"folder": str(tmp_path),
          "missing-parent": str(tmp_path / "no" / "such" / "h.sqlite"),
          "bad-url": "nosuchdriver://x/y",
          "no-server": f"postgresql+psycopg://nobody@/x?host={tmp_path}&connect_timeout=2"}[where]
    with pytest.raises(DetenteError):
        History(db)
    res = _cli("log", "--db", db)
    assert res.returncode == 1, res.stdout
    assert "Traceback" not in res.stderr and "error:" in res.stderr


def test_upgrade_from_the_first_schema(db_url, ukraine):
    """A database made at revision 0001 (before version sources and simulations) upgrades
    on open, keeps its versions and cached forecasts, and fills in their sources."""
    engine = dbmod.connect(db_url)
    dbmod.migrate(engine, "0001")
    body = json.dumps(ukraine.to_dict(), sort_keys=True, default=str)
    with engine.begin() as conn:
        assert "simulations" not in inspect(conn).get_table_names()
        assert "sources" not in {c["name"] for c in inspect(conn).get_columns("versions")}
        now = "2025-11-05 12:00:00"
        conn.execute(text("INSERT INTO scenarios (hash, name, body, stored_at) "
                          "VALUES (:h, :n, :b, :t)"),
                     {"h": ukraine.hash, "n": ukraine.name, "b": body, "t": now})
        conn.execute(text("INSERT INTO versions (history, scenario_hash, as_of, note, added_at) "
                          "VALUES ('talks', :h, '2025-11-05', 'made at 0001', :t)"),
                     {"h": ukraine.hash, "t": now})
    engine.dispose()
    with History(db_url) as h:
        [v] = h.versions()
        assert v.note == "made at 0001" and v.history == "talks"
        assert [s.id for s in v.sources] == [s.id for s in ukraine.sources]
        assert h.scenario(v).hash == ukraine.hash
        h.timeline(draws=200, models=["compromise"])
        assert h.counts()["simulations"] == 1
        with h._write() as s:
            assert s.scalar(text("SELECT version_num FROM alembic_version")) == dbmod.HEAD


def test_models_match_the_newest_migration(db_url):
    """The ORM classes describe exactly the schema the migrations build."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with History(db_url) as h, h._engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
    assert dbmod.REVISIONS[-1] == dbmod.HEAD


def test_head_revision_is_the_scripts_head():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(dbmod._alembic_config())
    assert script.get_current_head() == dbmod.HEAD
    assert [r.revision for r in reversed(list(script.walk_revisions()))] == \
        list(dbmod.REVISIONS)
