"""The reads of the light routes (issue 29, item 5): one query for ``GET /api/scenarios``
(the workspace's uploads and those shared with it), no pre-ping round trip before each
read (a connection the database closed is found by the read itself and the read run
again), an upload parsed once while its text is unchanged, and no write for a poll of
a job this server process runs itself."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from detente import api
from detente.scenarios import bundled_names, bundled_path
from detente.store.server import ServerStore
from detente.web.jobs import JobManager
from detente.web.store import ScenarioStore

BUNDLED = "ukraine-2025-11"


def _body(name: str) -> dict[str, Any]:
    path = bundled_path(BUNDLED)
    assert path is not None
    return {**api.load(path).to_dict(), "name": name}


@pytest.fixture
def team_store(db_url: str) -> Iterator[ServerStore]:
    """alice with two uploads; bob with one, shared with the team both are in."""
    server = ServerStore(db_url)
    for user in ("alice", "bob"):
        server.add_user(user)
    server.add_team("analysts")
    server.add_members("analysts", ["alice", "bob"])
    assert server.put_upload("alice", "u-00000000000a", "a.yaml", _body("first"))
    assert server.put_upload("alice", "u-00000000000b", "b.yaml", _body("second"))
    assert server.put_upload("bob", "u-00000000000c", "c.yaml", _body("bobs"))
    assert server.share("bob", "u-00000000000c", "analysts")
    yield server
    server.close()


class Statements:
    """The SQL statements run on a store's engines (BEGIN/ROLLBACK/PRAGMA left out)."""

    def __init__(self, server: ServerStore) -> None:
        self.seen: list[str] = []
        self.engines = [server._engine]  # and the readers' own pool, if it has one
        if server._reader.pool is not server._engine.pool:
            self.engines.append(server._reader)
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._saw)
            event.listen(engine, "engine_connect", self._connected)

    def _saw(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        word = statement.strip().split(None, 1)[0].upper()
        if word not in ("BEGIN", "ROLLBACK", "COMMIT", "PRAGMA"):
            self.seen.append(statement)

    def _connected(self, *_: Any) -> None:
        pass

    def close(self) -> None:
        for engine in self.engines:
            event.remove(engine, "before_cursor_execute", self._saw)
            event.remove(engine, "engine_connect", self._connected)


def test_listing_the_scenarios_is_one_query(team_store: ServerStore, db_url: str):
    store = ScenarioStore(server=team_store)
    store.entries("alice")  # the pool's first connection is made here, not counted
    counted = Statements(team_store)
    try:
        entries = store.entries("alice")
    finally:
        counted.close()
    assert len(counted.seen) == 1, counted.seen  # was two queries (and a ping on PostgreSQL)
    kinds = [(e.ref, e.kind, e.scenario.name) for e in entries
             if e.ref not in bundled_names()]
    assert kinds == [("u-00000000000a", "uploaded", "first"),
                     ("u-00000000000b", "uploaded", "second"),
                     ("u-00000000000c", "shared", "bobs")]
    assert [e.shared_by for e in entries if e.kind == "shared"] == ["bob"]
    # bob sees his own upload as his, and nothing of alice's (not shared)
    assert [(e.ref, e.kind) for e in store.entries("bob") if e.ref not in bundled_names()] \
        == [("u-00000000000c", "uploaded")]


def test_an_upload_is_parsed_once_while_its_text_is_unchanged(team_store: ServerStore):
    store = ScenarioStore(server=team_store)
    first = {e.ref: e.scenario for e in store.entries("alice")}
    again = {e.ref: e.scenario for e in store.entries("alice")}
    assert again["u-00000000000a"] is first["u-00000000000a"]
    assert team_store.put_upload("alice", "u-00000000000a", "a.yaml", _body("renamed"))
    changed = {e.ref: e.scenario for e in store.entries("alice")}
    assert changed["u-00000000000a"].name == "renamed"
    assert changed["u-00000000000b"] is first["u-00000000000b"]


def test_a_read_runs_again_on_a_connection_the_database_closed(team_store: ServerStore,
                                                                db_url: str):
    if not db_url.startswith("postgresql"):
        pytest.skip("a server that closes connections: PostgreSQL")
    assert team_store.roster()
    team_store.jobs(workspace="alice")  # two pooled connections, at least one idle now
    counted = Statements(team_store)
    try:
        assert len(team_store.roster()) == 2
    finally:
        counted.close()
    assert counted.seen == ['SELECT users.token_hash, users.name \nFROM users'], \
        "a read is one query: no ping before it"
    from sqlalchemy import create_engine, text

    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # what a database restart does to the pooled connections
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    admin.dispose()
    assert killed and killed >= 1
    assert len(team_store.roster()) == 2  # no error: found closed, read again
    assert team_store.job("nope") is None
    assert [u for u, _, _ in team_store.uploads("alice")] == ["u-00000000000a",
                                                              "u-00000000000b"]


class _Held:
    """A job runner whose jobs run until released."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def run(self, job: Any, kind: str, scenario: Any, params: Any) -> None:
        self.release.wait(30)
        job.state = "cancelled"

    def warm(self) -> None:
        pass

    def close(self) -> None:
        self.release.set()


def test_polling_this_processs_own_job_writes_nothing(db_url: str):
    """Each poll of a job wrote its ``seen`` time (a write transaction a second per
    waiting user); only a poll through another server process needs to, so that the
    process running the job hears of it."""
    server = ServerStore(db_url)
    runner = _Held()
    mine, other = JobManager(runner=runner, records=server), JobManager(records=server)
    path = bundled_path(BUNDLED)
    assert path is not None
    writes: list[dict[str, Any]] = []
    update = server.update_job

    def counted(job_id: str, **values: Any) -> bool:
        writes.append(values)
        return update(job_id, **values)

    try:
        job = mine.submit("simulate", api.load(path), {"draws": 10}, owner="a", label="t")
        server.update_job = counted  # type: ignore[method-assign]
        for _ in range(6):
            assert mine.get(job.id).id == job.id
            time.sleep(0.25)
        assert not [w for w in writes if "seen" in w]
        seen = other.get(job.id)  # another process's poll: written for the one running it
        assert seen.remote and [w for w in writes if "seen" in w]
    finally:
        runner.release.set()
        mine.close()
        other.close()
        server.close()


def test_the_server_parses_http_with_httptools_on_uvloop():
    """``detente serve`` leaves uvicorn its automatic choice, which takes httptools and
    uvloop when installed (dependencies): the HTTP parsing and event loop of every answer
    in C (``GET /api/models`` cost 1.7 ms of the server's CPU with h11 and asyncio's loop,
    0.7 with these)."""
    import importlib.util
    import sys

    from uvicorn.config import Config

    from detente.web.app import create_app

    config = Config(create_app())
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    if sys.platform != "win32":
        assert importlib.util.find_spec("uvloop") is not None


def test_a_poll_of_this_processs_own_job_takes_no_thread(db_url: str):
    """``GET /api/jobs/ID`` of a job this server process runs is answered from memory on
    the event loop (no thread of the pool, no database: ``Server-Timing`` has only
    ``app``); another's job still comes from the database."""
    from fastapi.testclient import TestClient

    from detente.web.app import create_app

    server = ServerStore(db_url)
    runner, runs_theirs = _Held(), _Held()
    jobs = JobManager(runner=runner, records=server)
    other = JobManager(runner=runs_theirs, records=server)
    path = bundled_path(BUNDLED)
    assert path is not None
    try:
        app = create_app(server=server, jobs=jobs)
        with TestClient(app) as client:
            job = jobs.submit("simulate", api.load(path), {"draws": 10}, owner="a", label="t")
            res = client.get(f"/api/jobs/{job.id}")
            assert res.status_code == 200 and res.json()["id"] == job.id
            assert [p.split(";")[0] for p in res.headers["server-timing"].split(", ")] \
                == ["app"]
            theirs = other.submit("simulate", api.load(path), {"draws": 11}, owner="b",
                                  label="u")
            res = client.get(f"/api/jobs/{theirs.id}")  # not this process's: the database
            assert res.status_code == 200 and "db" in res.headers["server-timing"]
            assert client.get("/api/jobs/0123456789abcdef").status_code == 404
    finally:
        runner.release.set()
        runs_theirs.release.set()
        other.close()
        server.close()


def _kill_connections(db_url: str) -> int:
    from sqlalchemy import create_engine, text

    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # what a database restart does to pooled connections
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    admin.dispose()
    return int(killed or 0)


def test_on_postgresql_the_lists_are_read_on_the_event_loop(team_store: ServerStore,
                                                             db_url: str):
    """``GET /api/scenarios`` and ``GET /api/jobs`` read PostgreSQL on the event loop
    (``Server-Timing`` has ``db`` but no ``threads``: no thread of the pool), with the
    same answers as the threaded reads; SQLite reads in a thread."""
    from fastapi.testclient import TestClient

    from detente.web.app import create_app

    runner = _Held()
    jobs = JobManager(runner=runner, records=team_store)
    carol = team_store.add_user("carol")
    team_store.add_members("analysts", ["carol"])
    path = bundled_path(BUNDLED)
    assert path is not None
    try:
        app = create_app(server=team_store, jobs=jobs, accounts=True)
        with TestClient(app) as client:
            client.get("/api/models", headers={"authorization": f"Bearer {carol}"})
            job = jobs.submit("simulate", api.load(path), {"draws": 10}, owner="user:carol",
                              label="t", workspace="carol")
            for _ in range(2):  # the second after the connections were closed under it
                listed = client.get("/api/jobs", headers={"authorization": f"Bearer {carol}"})
                scenarios = client.get("/api/scenarios",
                                       headers={"authorization": f"Bearer {carol}"})
                assert listed.status_code == 200 and scenarios.status_code == 200
                assert [j["id"] for j in listed.json()] == [job.id]
                assert [s["id"] for s in scenarios.json() if s["kind"] == "shared"] == \
                    ["u-00000000000c"]
                for res in (listed, scenarios):
                    phases = {p.split(";")[0] for p in res.headers["server-timing"].split(", ")}
                    on_loop = db_url.startswith("postgresql")
                    assert "db" in phases and ("threads" not in phases) == on_loop, phases
                if on_loop:
                    assert _kill_connections(db_url) >= 1
        if db_url.startswith("postgresql"):
            import asyncio

            async def both() -> Any:
                return (await team_store.jobs_on_loop(workspace="carol", since=0.0),
                        await team_store.visible_uploads_on_loop("alice"))

            on_loop_jobs, on_loop_uploads = asyncio.run(both())
            assert on_loop_jobs == team_store.jobs(workspace="carol", since=0.0)
            assert on_loop_uploads == team_store.visible_uploads("alice")
    finally:
        runner.release.set()
        jobs.close()


def test_a_bundled_scenario_and_the_roster_take_no_thread(team_store: ServerStore,
                                                          db_url: str):
    """A request on a bundled scenario finds it in memory (no thread of the pool: under
    load every page, what-if and forecast waited for one first, ~250 ms at 200 users), and
    on PostgreSQL the accounts' roster is read on the event loop."""
    from fastapi.testclient import TestClient

    from detente.web.app import create_app
    from detente.web.compute import ComputePool

    token = team_store.add_user("dave")
    app = create_app(server=team_store, accounts=True, compute=ComputePool(workers=0))
    threads: list[str] = []
    import detente.web.timing as timing

    real = timing.run_in_threadpool

    async def watched(fn: Any, *args: Any) -> Any:
        threads.append(getattr(fn, "__qualname__", repr(fn)))
        return await real(fn, *args)

    timing.run_in_threadpool = watched  # type: ignore[assignment]
    try:
        with TestClient(app) as client:
            res = client.post(f"/api/scenarios/{BUNDLED}/whatif", json={"changes": []},
                              headers={"authorization": f"Bearer {token}"})
            assert res.status_code == 200
    finally:
        timing.run_in_threadpool = real  # type: ignore[assignment]
        app.state.compute.close()
    assert threads == ([] if db_url.startswith("postgresql") else ["in_thread.<locals>.run"])
