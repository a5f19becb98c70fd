"""``detente serve --workers N`` (issue 29): several server processes on one database
(PostgreSQL, or an SQLite file) answer any request: a user's upload and job made through
one process are seen, polled and fetched through the others; another user sees neither."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pytest

from detente.store.server import ServerStore

from .test_accounts import retitle
from .test_jobs_survive import Server

pytestmark = pytest.mark.slow


@pytest.fixture
def team(db_url: str) -> Iterator[tuple[Server, str, str]]:
    with ServerStore(db_url) as store:
        alice, bob = store.add_user("alice"), store.add_user("bob")
    server = Server(db_url, "--workers", "2", "--accounts")
    try:
        yield server, alice, bob
    finally:
        server.stop()


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


def test_any_worker_answers_for_any_upload_and_job(team: tuple[Server, str, str]):
    server, alice, bob = team
    as_alice = {"authorization": f"Bearer {alice}"}
    as_bob = {"authorization": f"Bearer {bob}"}
    assert len(_children(server.proc.pid)) >= 2  # uvicorn's worker processes
    text = server.get("/api/scenarios/ukraine-2025-11/yaml", headers=as_alice).text
    text = retitle(text, "shared by processes")
    ref = httpx.post(server.url + "/api/scenarios/text", headers=as_alice, timeout=60,
                     json={"text": text}).json()["id"]
    # each request on a new connection: the kernel hands them to either process
    for _ in range(12):
        assert server.get(f"/api/scenarios/{ref}", headers=as_alice).status_code == 200
        assert server.get(f"/api/scenarios/{ref}", headers=as_bob).status_code == 404
    job = server.get(f"/api/scenarios/{ref}/simulate?draws=300&model=median&wait=0",
                     headers=as_alice).json()
    for _ in range(600):
        state = server.get(f"/api/jobs/{job['id']}", headers=as_alice).json()["state"]
        if state == "done":
            break
    assert state == "done"
    results = [server.get(f"/api/jobs/{job['id']}/result", headers=as_alice).json()
               for _ in range(6)]
    assert all(r == results[0] for r in results) and results[0]["draws"] == 300
    assert server.get(f"/api/jobs/{job['id']}", headers=as_bob).status_code == 404
