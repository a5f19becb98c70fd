"""What a light request waits for (issue 29, item 5), each wait that load showed, removed:

- signing in read the database once per request (one query a second now signs in all);
- every read of the server's tables was a transaction (BEGIN/COMMIT round trips on
  PostgreSQL, the write lock on SQLite: a read waited for any writer);
- a job's row was read whole (its scenario, result and shown form) on every poll;
- a job submission held the lock that every job look-up takes over its database round
  trips;
- a finished job's result was put in the API's form in the server process (1.1 CPU-s for
  a 2,000-draw simulation, holding the GIL while every light request waited);

and the ``Server-Timing`` phases that tell these waits apart.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.store.server import ServerStore
from detente.web.app import create_app
from detente.web.jobs import JobManager

BUNDLED = "ukraine-2025-11"


def _as(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _phases(header: str) -> dict[str, float]:
    out = {}
    for part in header.split(","):
        name, _, value = part.strip().partition(";dur=")
        out[name] = float(value)
    return out


class Counting:
    """A ServerStore's method, counting its calls."""

    def __init__(self, fn: Any) -> None:
        self.fn, self.calls = fn, 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.fn(*args)


@pytest.fixture
def accounts(db_url: str) -> Iterator[tuple[ServerStore, str]]:
    server = ServerStore(db_url)
    token = server.add_user("alice")
    yield server, token
    server.close()


def test_one_read_of_the_accounts_signs_in_every_request_of_the_second(
        accounts: tuple[ServerStore, str]):
    server, alice = accounts
    roster, single = Counting(server.roster), Counting(server.user_for)
    server.roster, server.user_for = roster, single  # type: ignore[method-assign]
    read_on_loop = server.roster_on_loop

    async def counted_on_loop() -> dict[str, str]:  # PostgreSQL reads it on the event loop
        roster.calls += 1
        return await read_on_loop()

    server.roster_on_loop = counted_on_loop  # type: ignore[method-assign]
    app = create_app(server=server, accounts=True, jobs=JobManager(records=server))
    with TestClient(app) as client:
        start = time.monotonic()
        for _ in range(20):
            assert client.get("/api/models", headers=_as(alice)).status_code == 200
        elapsed = time.monotonic() - start
        # read once, then again in the background each half second
        assert 1 <= roster.calls <= 1 + 2 * math.ceil(elapsed) and roster.calls < 20
        assert single.calls == 0
        # a user added a moment ago signs in at once (looked up on their own)...
        bob = server.add_user("bob")
        assert client.get("/api/models", headers=_as(bob)).status_code == 200
        # ...no one else does, and a removed user's token stops within the second
        assert client.get("/api/models", headers=_as(alice + "x")).status_code == 401
        server.remove_user("alice")
        time.sleep(1.1)
        assert client.get("/api/models", headers=_as(alice)).status_code == 401
        assert client.get("/api/models", headers=_as(bob)).status_code == 200


def test_server_timing_tells_the_phases_apart(accounts: tuple[ServerStore, str],
                                              db_url: str):
    """``auth`` (signing in), ``db`` (the server's tables), ``threads`` (waiting for a
    thread of the pool) beside ``app``, on a request that passes through them (on
    PostgreSQL ``GET /api/jobs`` reads on the event loop: no thread)."""
    server, alice = accounts
    app = create_app(server=server, accounts=True, jobs=JobManager(records=server))
    with TestClient(app) as client:
        res = client.get("/api/jobs", headers=_as(alice))
        assert res.status_code == 200
        phases = _phases(res.headers["server-timing"])
        assert {"app", "auth", "db"} <= set(phases)
        assert ("threads" in phases) == db_url.startswith("sqlite")
        assert all(v >= 0 for v in phases.values())
        assert phases["db"] <= phases["app"] and phases["auth"] <= phases["app"]
        # /api/models needs no thread and no database (signed in from the roster; on a
        # slow machine more than a second may have passed: then it waited for the roster
        # to be read again, counted as auth)
        phases = _phases(client.get("/api/models", headers=_as(alice)).headers["server-timing"])
        assert set(phases) - {"auth"} == {"app"}


def test_a_read_does_not_wait_for_a_writer_on_sqlite(tmp_path: Path):
    """Reads took SQLite's write lock (``BEGIN IMMEDIATE``): signing in waited for any
    transaction writing a job's heartbeat. A WAL reader needs no lock."""
    path = tmp_path / "server.sqlite"
    with ServerStore(str(path)) as server:
        token = server.add_user("alice")
        writer = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another process writing, for a while
        try:
            found: list[Any] = []
            reading = threading.Thread(target=lambda: found.append(
                (server.user_for(token), server.roster(), server.jobs(), server.uploads(""))),
                daemon=True)
            reading.start()
            reading.join(timeout=5)
            assert found, "a read waited for the writer"
            user, roster, jobs, uploads = found[0]
            assert user == "alice" and list(roster.values()) == ["alice"]
            assert jobs == [] and uploads == []
        finally:
            writer.execute("ROLLBACK")
            writer.close()


def test_a_job_row_is_read_without_its_large_columns(db_url: str):
    with ServerStore(db_url) as server:
        server.insert_job({
            "id": "j1", "workspace": "", "owner": "o", "kind": "simulate", "key": "k",
            "label": "l", "state": "done", "params": "{}", "scenario": "x" * 30_000,
            "created": 1.0, "heartbeat": 1.0, "seen": 1.0, "grace": 2.0, "instance": "i",
            "restarts": 0, "cancel": False, "user_error": False, "shown_html": False,
            "result": b"r" * 100_000, "shown": "{}"})
        row = server.job("j1")
        assert row is not None and row["state"] == "done"
        assert not {"scenario", "params", "result", "shown"} & set(row)
        full = server.job("j1", large=("result", "scenario"))
        assert full is not None and full["result"] == b"r" * 100_000
        assert full["scenario"] == "x" * 30_000 and "shown" not in full
        with pytest.raises(ValueError, match="not a large column"):
            server.job("j1", large=("state",))


class SlowRecords:
    """A ServerStore whose look-up of an existing job takes a while (a starved database)."""

    def __init__(self, server: ServerStore, held: threading.Event) -> None:
        self.server, self.held = server, held

    def find_job(self, *args: Any) -> Any:
        self.held.wait(10)
        return self.server.find_job(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)


def test_looking_up_jobs_does_not_wait_for_a_submission(tmp_path: Path):
    """A submission's database round trips were made under the lock every look-up of a
    job takes: ``GET /api/jobs`` waited for the slowest submit."""
    from detente.web.store import _bundled

    held = threading.Event()
    with ServerStore(str(tmp_path / "s.sqlite")) as server:
        jobs = JobManager(records=SlowRecords(server, held))
        scenario = _bundled(BUNDLED)
        submitting = threading.Thread(target=lambda: jobs.submit(
            "simulate", scenario, {"draws": 10, "seed": 0}, owner="o", label="l"),
            daemon=True)
        submitting.start()
        time.sleep(0.3)  # the submission is inside find_job now
        looked: list[Any] = []
        looking = threading.Thread(target=lambda: looked.append(jobs.jobs()), daemon=True)
        looking.start()
        looking.join(timeout=3)
        try:
            assert looked == [[]], "the look-up waited for the submission"
        finally:
            held.set()
            submitting.join(timeout=30)
            jobs.close()


def test_the_job_process_makes_the_default_form_not_the_server(
        monkeypatch: pytest.MonkeyPatch):
    """The simulate API's answer comes from the job's process: the server process could
    not make it here (``to_dict`` raises in this process), and it equals the form made
    here without the patch."""
    from detente.uncertainty.simulate import Simulation
    from detente.web.store import _bundled
    from detente.web.work import compute, shown

    expected, html = shown("simulate", compute(
        "simulate", _bundled(BUNDLED).to_dict(),
        {"models": ["median"], "draws": 50, "seed": 3}))
    assert not html

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the server process presented a job's result")

    monkeypatch.setattr(Simulation, "to_dict", refuse)
    with TestClient(create_app()) as client:
        res = client.get(f"/api/scenarios/{BUNDLED}/simulate",
                         params={"model": "median", "draws": 50, "seed": 3, "wait": 120})
        assert res.status_code == 200, res.text
        assert res.text == expected
        job = client.get("/api/jobs").json()[0]
        again = client.get(job["result"])
        assert again.status_code == 200 and again.text == expected
