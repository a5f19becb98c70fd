"""Jobs kept in the database survive the server (issue 29): a job of a server that
stops is taken over by another server process on the same database and finishes there;
one whose servers keep dying is failed with the reason; none is lost silently.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from detente.cli.main import app as cli
from detente.store.server import ServerStore
from detente.web.jobs import FAILED, JobLimits, JobManager

SRC = Path(__file__).resolve().parents[2] / "src"
WORK = "/api/scenarios/ukraine-2025-11/simulate?draws=20000&model=median&seed=11"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``detente serve --db`` in a process of its own."""

    def __init__(self, db: str, *extra: str, env: dict[str, str] | None = None):
        self.port = _free_port()
        env = {**os.environ, **(env or {}),
               "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "detente", "serve", "--db", db, "--port", str(self.port),
             *extra], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/models", timeout=5).status_code in (200, 401):
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.stderr.read().decode() if self.proc.stderr
                                     else "the server stopped")
        raise AssertionError("the server did not start")

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(self.url + path, timeout=60, **kwargs)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop(signal.SIGKILL)


def _until_state(server: Server, job_id: str, states: set[str], seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = server.get(f"/api/jobs/{job_id}").json()
        if job.get("state") in states:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} never reached {states}: {job}")


def _cli_json() -> Any:
    out = CliRunner().invoke(cli, ["simulate", "-n", "20000", "-m", "median", "--seed", "11",
                                   "-f", "json"])
    return json.loads(out.stdout)


def _survives(db: str, servers: list[Server], sig: int, seconds: float) -> None:
    first = Server(db)
    servers.append(first)
    job = first.get(WORK + "&wait=0").json()
    _until_state(first, job["id"], {"running"}, 60)
    first.stop(sig)
    second = Server(db)
    servers.append(second)
    done = _until_state(second, job["id"], {"done"}, seconds)
    assert done["restarts"] == 1 and "stopped" in done["note"]
    assert second.get(done["result"]).json() == _cli_json()
    assert [j["id"] for j in second.get("/api/jobs").json()] == [job["id"]]


@pytest.mark.slow
def test_a_job_of_a_stopped_server_finishes_on_the_next(db_url: str,
                                                         servers: list[Server]):
    """SIGTERM: the stopping server hands its running job back; the next one started on
    the same database takes it at once and finishes it."""
    _survives(db_url, servers, signal.SIGTERM, 120)


@pytest.mark.slow
def test_a_job_of_a_killed_server_finishes_on_the_next(tmp_path: Path, servers: list[Server]):
    """SIGKILL: nothing is handed back; the job's heartbeat stops, and after ``stale``
    seconds of silence the next server takes it over."""
    _survives(f"sqlite:///{tmp_path / 'h.sqlite'}", servers, signal.SIGKILL, 180)


def test_a_job_whose_servers_keep_stopping_fails_saying_why(db_url: str):
    with ServerStore(db_url) as store:
        now = time.time()
        store.insert_job({
            "id": "a" * 16, "workspace": "", "owner": "x", "kind": "simulate", "key": "k",
            "label": "simulate ukraine", "state": "running", "params": "{}",
            "scenario": "{}", "created": now - 100, "heartbeat": now - 60, "seen": now,
            "grace": 60.0, "instance": "gone", "restarts": 2, "cancel": False,
            "user_error": False, "shown_html": False})
        jobs = JobManager(JobLimits(max_restarts=2), records=store)
        jobs._beat()
        job = jobs.get("a" * 16)
        assert job.state == FAILED and "stopped 3 times" in (job.error or "")
        assert "submit it again" in (job.error or "")
        jobs.close()
