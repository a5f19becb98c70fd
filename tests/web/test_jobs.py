"""Heavy work as jobs (issue 29): off the request path in worker processes, 202 and
polling, server-sent events, cancel on request and when nobody waits, limits per user,
a dead worker reported as a failed job, and light requests answered while heavy ones run.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detente.cli.main import app as cli
from detente.web.app import create_app
from detente.web.jobs import CANCELLED, FINISHED, RUNNING, Job, JobManager

BUNDLED = "ukraine-2025-11"
SRC = Path(__file__).resolve().parents[2] / "src"


def _until(check, seconds: float = 120.0, step: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def _worker(job_id: str):
    return next((p for p in multiprocessing.active_children()
                 if p.name == f"detente-job-{job_id}"), None)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def test_202_poll_and_result_is_the_cli_json(client: TestClient):
    res = client.get(f"/api/scenarios/{BUNDLED}/simulate?draws=200&model=median&seed=3&wait=0")
    assert res.status_code == 202 and res.headers["location"] == res.json()["href"]
    job = res.json()
    done = _until(lambda: (j := client.get(job["href"]).json())["state"] == "done" and j)
    assert done["running_s"] > 0 and done["result"] == f"/api/jobs/{job['id']}/result"
    out = CliRunner().invoke(cli, ["simulate", BUNDLED, "-n", "200", "-m", "median",
                                   "--seed", "3", "-f", "json"])
    assert client.get(done["result"]).json() == json.loads(out.stdout)
    # the same work again joins the finished job: same answer, no new job
    again = client.get(f"/api/scenarios/{BUNDLED}/simulate?draws=200&model=median&seed=3")
    assert again.status_code == 200 and again.json() == json.loads(out.stdout)
    assert [j["id"] for j in client.get("/api/jobs").json()].count(job["id"]) == 1


def test_events_stream_each_state_until_done(client: TestClient):
    job = client.get(f"/api/scenarios/{BUNDLED}/simulate?draws=150&model=median&seed=4&wait=0"
                     ).json()
    states = []
    with client.stream("GET", job["events"]) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("data: "):
                states.append(json.loads(line[6:])["state"])
    assert states[-1] == "done" and len(states) == len(set(states))


def test_cancel_stops_the_worker(client: TestClient):
    job = client.get(f"/api/scenarios/{BUNDLED}/simulate?draws=20000&seed=5&wait=0").json()
    _until(lambda: _worker(job["id"]) is not None)
    assert client.delete(job["href"]).status_code == 200
    assert _until(lambda: client.get(job["href"]).json()["state"] == "cancelled")
    assert _until(lambda: _worker(job["id"]) is None, 20)
    gone = client.get(f"{job['href']}/result")
    assert gone.status_code == 400 and "cancelled" in gone.json()["error"]


def test_a_killed_worker_fails_its_job_with_words(client: TestClient):
    job = client.get(f"/api/scenarios/{BUNDLED}/simulate?draws=20000&seed=6&wait=0").json()
    proc = _until(lambda: _worker(job["id"]))
    os.kill(proc.pid, signal.SIGKILL)
    failed = _until(lambda: (j := client.get(job["href"]).json())["state"] == "failed" and j)
    assert "exit code -9" in failed["error"]
    assert client.get(f"{job['href']}/result").status_code == 500


def test_limits_per_user_and_unknown_jobs():
    with TestClient(create_app()) as c:
        ids = [c.get(f"/api/scenarios/{BUNDLED}/simulate?draws=20000&seed={s}&wait=0"
                     ).json()["id"] for s in range(4)]
        busy = c.get(f"/api/scenarios/{BUNDLED}/simulate?draws=20000&seed=9&wait=0")
        assert busy.status_code == 429 and "--max-jobs-per-user" in busy.json()["error"]
        for job_id in ids:
            c.delete(f"/api/jobs/{job_id}")
        missing = c.get("/api/jobs/0123456789abcdef")
        assert missing.status_code == 404 and "restarted" in missing.json()["error"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "DETENTE_TOKEN": ""}
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "detente", "serve", "--port",
                                 str(port)], stderr=err, stdout=err, env=env)
    try:
        _until(lambda: proc.poll() is None and _connects(port), 90, 0.2)
        # warm: the first job starts the workers' fork server (detente imported once)
        assert _get(port, f"/api/scenarios/{BUNDLED}/simulate?draws=10&model=median&wait=120",
                    timeout=120)[0] == 200
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _get(port: int, path: str, timeout: float = 60,
         method: str = "GET") -> tuple[int, bytes, float]:
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path)
        res = conn.getresponse()
        return res.status, res.read(), time.monotonic() - start
    finally:
        conn.close()


def test_light_requests_are_not_queued_behind_heavy_ones(live: int):
    """The finding: 45 concurrent deals requests made GET /api/models wait 56 s."""
    statuses: list[int] = []
    handed_out: list[str] = []

    def heavy(i: int) -> None:
        try:
            status, body, _ = _get(live, f"/api/scenarios/{BUNDLED}/deals?robust={500 + i}"
                                   "&wait=5", timeout=30)
        except OSError:
            status, body = -1, b""
        statuses.append(status)
        if status == 202:
            handed_out.append(json.loads(body)["href"])

    threads = [threading.Thread(target=heavy, args=(i,)) for i in range(45)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    light = [_get(live, "/api/models", timeout=10) for _ in range(5)]
    for t in threads:
        t.join(timeout=60)
    assert all(status == 200 for status, _, _ in light)
    assert max(seconds for _, _, seconds in light) < 3.0, light
    # at most 4 jobs per user: the rest refused at once, none a server error
    assert statuses.count(429) >= 30 and all(0 < s < 500 for s in statuses), statuses
    for href in handed_out:  # free this user's job slots for the next test
        assert _get(live, href, method="DELETE")[0] == 200


@pytest.fixture
def served() -> Iterator[tuple[int, JobManager]]:
    """A real HTTP server (uvicorn) in this process, so the test sees the app's jobs and
    their worker processes (children of this process) and can hold a worker still."""
    import uvicorn

    app = create_app()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, name="test-uvicorn", daemon=True)
    thread.start()
    try:
        _until(lambda: server.started or not thread.is_alive(), 90)
        assert server.started, "uvicorn did not start"
        yield port, app.state.jobs
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def _held_job(port: int, jobs: JobManager, seed: int) -> tuple[socket.socket, Job, Any]:
    """Ask for a simulation on a raw connection (the default wait: the request waits for
    the result) and stop its worker with SIGSTOP as soon as it exists, so the job cannot
    finish on its own, however fast the machine: only a cancel ends it."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET /api/scenarios/{BUNDLED}/simulate?draws=20000&seed={seed} HTTP/1.1\r\n"
                 f"Host: 127.0.0.1:{port}\r\n\r\n".encode())
    job = _until(lambda: next((j for j in jobs.jobs() if f"seed={seed}" in j.label), None),
                 60, 0.01)
    proc = _until(lambda: _worker(job.id), 60, 0.01)
    os.kill(proc.pid, signal.SIGSTOP)
    return sock, job, proc


def test_a_job_nobody_waits_for_is_cancelled(served: tuple[int, JobManager]):
    port, jobs = served
    for seed in (77, 78, 79):  # a worker done within ms of starting is retried, not passed
        sock, job, proc = _held_job(port, jobs, seed)
        if job.state == RUNNING:
            break
        sock.close()
    try:
        assert job.state == RUNNING, job.public()
        _until(lambda: job.watchers == 1, 60, 0.01)  # the request waits for it
        sock.close()  # the client goes away: nobody waits for the job any more
        try:
            _until(lambda: job.state in FINISHED, 60, 0.05)
        except AssertionError:
            raise AssertionError(f"still {job.state}: {job.public()}") from None
        assert job.state == CANCELLED, job.public()
        assert _until(lambda: not proc.is_alive(), 30), "the worker still runs"
        assert proc.exitcode == -signal.SIGKILL
    finally:
        if proc.is_alive():
            proc.kill()


@pytest.mark.slow
def test_jobs_on_a_dask_cluster():
    """``--dask ADDRESS``: the same answers from a Dask worker; a user's mistake is a 400."""
    from distributed import LocalCluster

    from detente.web.jobs import JobManager

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster, \
            TestClient(create_app(jobs=JobManager(dask=cluster.scheduler_address))) as c:
        res = c.get(f"/api/scenarios/{BUNDLED}/simulate?draws=100&model=median&wait=120")
        out = CliRunner().invoke(cli, ["simulate", BUNDLED, "-n", "100", "-m", "median",
                                       "-f", "json"])
        assert res.status_code == 200 and res.json() == json.loads(out.stdout)
        bad = c.get(f"/api/scenarios/{BUNDLED}/simulate?draws=100&model=nope&wait=120")
        assert bad.status_code == 400 and "unknown model 'nope'" in bad.json()["error"]
        job = c.get(f"/api/scenarios/{BUNDLED}/simulate?draws=20000&wait=0").json()
        c.delete(job["href"])
        assert _until(lambda: c.get(job["href"]).json()["state"] == "cancelled", 30)
