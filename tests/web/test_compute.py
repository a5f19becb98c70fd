"""Interactive CPU work runs in the compute processes, bounded (issue 29, item 1).

The server process answers light requests while forecasts, what-ifs and pages are being
computed: they run in :class:`~detente.web.compute.ComputePool` processes below the
server's priority, and past the pool's bounds a request is refused with 429 at once
instead of waiting behind the others.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest
from fastapi.testclient import TestClient

from detente.web.app import create_app
from detente.web.compute import DEFAULT_COST, NICE, ComputePool, Overloaded, _name
from detente.web.store import NotFound

BUNDLED = "ukraine-2025-11"


def _whoami() -> tuple[int, int]:
    return os.getpid(), os.nice(0)


def _not_found() -> None:
    raise NotFound("no scenario 'x' (test)")


_GATE = threading.Event()


def _blocked() -> str:
    _GATE.wait(timeout=30)
    return "released"


@pytest.mark.slow
def test_work_runs_in_another_process_below_the_servers_priority():
    pool = ComputePool(workers=1)
    try:
        pid, nice = asyncio.run(pool.run("alice", _whoami))
        assert pid != os.getpid()
        assert nice == min(os.nice(0) + NICE, 19) and NICE >= 10
        with pytest.raises(NotFound, match="no scenario 'x'"):  # its kind survives the trip
            asyncio.run(pool.run("alice", _not_found))
    finally:
        pool.close()


def test_past_its_bounds_a_call_is_refused_at_once_not_queued():
    _GATE.clear()
    pool = ComputePool(workers=0, queue=3, per_owner=2)

    async def scenario() -> None:
        held = [asyncio.create_task(pool.run("alice", _blocked)) for _ in range(2)]
        await asyncio.sleep(0.2)
        start = time.monotonic()
        with pytest.raises(Overloaded, match="2 forecasts or pages being computed"):
            await pool.run("alice", _blocked)  # alice's third
        other = asyncio.create_task(pool.run("bob", _blocked))  # the pool's third
        await asyncio.sleep(0.2)
        with pytest.raises(Overloaded, match="the server is busy"):
            await pool.run("carol", _blocked)
        assert time.monotonic() - start < 5  # refused, not made to wait
        _GATE.set()
        assert await asyncio.gather(*held, other) == ["released"] * 3
        assert await pool.run("carol", _whoami)  # room again

    try:
        asyncio.run(scenario())
    finally:
        _GATE.set()
        pool.close()


def test_the_api_answers_429_with_retry_after_when_the_pool_is_full():
    _GATE.clear()
    app = create_app(compute=ComputePool(workers=0, queue=0))
    try:
        res = TestClient(app).post(f"/api/scenarios/{BUNDLED}/whatif", json={"changes": []})
        assert res.status_code == 429
        assert res.headers["retry-after"] == "1"
        assert "busy" in res.json()["error"]
    finally:
        app.state.compute.close()


def test_the_front_and_edit_pages_are_rendered_by_the_compute_processes():
    """Their templates (milliseconds of CPU each) no longer run in the server process: a
    pool that admits nothing refuses them (they were rendered in the server's threads)."""
    app = create_app(compute=ComputePool(workers=0, queue=0))
    try:
        client = TestClient(app)
        for path in ("/", f"/s/{BUNDLED}/edit"):
            res = client.get(path, headers={"accept": "text/html"})
            assert res.status_code == 429, (path, res.status_code)
            assert "busy" in res.text
        ok = TestClient(create_app())
        assert ok.get(f"/s/{BUNDLED}/edit", headers={"accept": "text/html"}).status_code == 200
        assert BUNDLED in ok.get("/", headers={"accept": "text/html"}).text
    finally:
        app.state.compute.close()


def test_a_forecast_is_computed_once_per_key():
    calls: list[int] = []
    pool = ComputePool(workers=0)

    def counted() -> int:
        calls.append(1)
        return len(calls)

    try:
        assert asyncio.run(pool.run("a", counted, key=("k", 1))) == 1
        assert asyncio.run(pool.run("b", counted, key=("k", 1))) == 1
        assert asyncio.run(pool.run("a", counted, key=("k", 2))) == 2
    finally:
        pool.close()


@pytest.mark.slow
def test_every_page_and_interactive_route_works_through_the_processes():
    """Everything sent to the compute processes pickles there and back (a closure or an
    unpicklable result would fail only here), and a user's mistake keeps its 4xx."""
    app = create_app(compute=ComputePool(workers=1))
    with TestClient(app) as client:
        html = {"accept": "text/html"}
        for path in (f"/s/{BUNDLED}?draws=0", f"/s/{BUNDLED}/whatif", f"/s/{BUNDLED}/deals",
                     f"/s/{BUNDLED}/edit", "/"):
            res = client.get(path, headers=html)
            assert res.status_code == 200, (path, res.text[:300])
            # the request's own CSRF token reached the page rendered in the other process
            token = client.cookies.get("detente_csrf")
            assert token and f'name="csrf-token" content="{token}"' in res.text
            assert app.state.compute._executor is not None
        whatif = client.post(f"/api/scenarios/{BUNDLED}/whatif", json={"changes": [
            {"actor": "RUS", "issue": "donetsk", "position": 60}]})
        assert whatif.status_code == 200 and whatif.json()["forecasts"]
        bad = client.post(f"/api/scenarios/{BUNDLED}/whatif", json={"changes": [
            {"actor": "nobody", "issue": "donetsk", "position": 60}]})
        assert bad.status_code == 400 and "nobody" in bad.json()["error"]
        points = client.get(f"/api/scenarios/{BUNDLED}/forecast", params={"model": "nash"})
        assert points.status_code == 200 and "nash" in str(points.json())
        fig = client.get(f"/api/scenarios/{BUNDLED}/figures/scales")
        assert fig.status_code == 200 and fig.json()["data"]
    assert app.state.compute._executor is None  # stopped with the app


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_no_worker_process_outlives_the_server(how: str):
    """The compute and job processes (and their fork server) go with the server, even
    when it is killed outright."""
    import signal
    import socket
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    psutil = pytest.importorskip("psutil")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "DETENTE_TOKEN": ""}
    server = subprocess.Popen([sys.executable, "-m", "detente", "serve", "--port", str(port)],
                              env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/api/models", timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert httpx.post(base + f"/api/scenarios/{BUNDLED}/whatif", json={"changes": []},
                          timeout=120).status_code == 200
        assert httpx.get(base + f"/api/scenarios/{BUNDLED}/simulate?draws=100&model=median"
                         "&wait=120", timeout=150).status_code == 200
        # its compute and job processes are the fork server's children, itself the server's
        helpers = psutil.Process(server.pid).children(recursive=True)
        assert len(helpers) >= 3, "the server started no worker process"
        server.send_signal(getattr(signal, how))
        server.wait(timeout=60)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(p.is_running() and
                                                  p.status() != psutil.STATUS_ZOMBIE
                                                  for p in helpers):
            time.sleep(0.5)
        left = [p.pid for p in helpers if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert not left, f"still running after the server stopped: {left}"
    finally:
        if server.poll() is None:
            server.kill()



def test_every_answer_says_how_long_the_app_took():
    """``Server-Timing: app;dur=MS`` (what bench_web_load reports beside the client's own
    figures), also on an error."""
    client = TestClient(create_app())
    for path, status in (("/api/models", 200), ("/api/scenarios/nope", 404)):
        res = client.get(path)
        assert res.status_code == status
        name, _, value = res.headers["server-timing"].partition(";dur=")
        assert name == "app" and float(value) >= 0


def _cheap() -> str:
    return "cheap"


def test_a_call_that_would_wait_too_long_behind_others_is_refused():
    """When the calls in flight would take more than ``max_wait`` (each its own function's
    recent mean time: a starved machine makes them long), the next is refused at once."""
    _GATE.clear()
    pool = ComputePool(workers=0, per_owner=5, max_wait=2.0)

    async def scenario() -> None:
        pool.costs[_name(_blocked)] = 3.0  # one call ahead, 3 s: 3 s > 2 s
        held = asyncio.create_task(pool.run("alice", _blocked))
        await asyncio.sleep(0.2)
        with pytest.raises(Overloaded, match="would take about 3 s"):
            await pool.run("bob", _whoami)
        _GATE.set()
        assert await held == "released"
        assert pool.cost(_blocked) < 3.0  # the mean follows the calls
        second = await pool.run("bob", _whoami)  # nothing ahead now: admitted
        assert second[0] == os.getpid()  # workers=0: a thread of this process

    try:
        asyncio.run(scenario())
    finally:
        _GATE.set()
        pool.close()


def test_admission_prices_each_function_by_its_own_time():
    """A 35 ms what-if and a 3 s page do not cost the same: cheap calls ahead leave room
    for one more, one expensive call ahead does not (one mean time for every call would
    let both in or refuse both)."""
    _GATE.clear()
    pool = ComputePool(workers=0, per_owner=5, max_wait=2.0)
    assert pool.cost(_cheap) == DEFAULT_COST  # not timed yet

    async def scenario() -> None:
        pool.costs[_name(_blocked)] = 0.04
        cheap = [asyncio.create_task(pool.run(f"u{n}", _blocked)) for n in range(3)]
        await asyncio.sleep(0.2)
        also = asyncio.create_task(pool.run("bob", _cheap))  # 3 x 0.04 s ahead: admitted
        await asyncio.sleep(0.2)
        _GATE.set()
        assert await asyncio.gather(*cheap) == ["released"] * 3
        assert await also == "cheap"
        assert pool.cost(_cheap) < 1.0  # timed in the pool now
        _GATE.clear()
        pool.costs[_name(_blocked)] = 3.0
        page = asyncio.create_task(pool.run("alice", _blocked))
        await asyncio.sleep(0.2)
        with pytest.raises(Overloaded, match="would take about 3 s"):
            await pool.run("bob", _cheap)  # one 3 s call ahead: refused
        _GATE.set()
        assert await page == "released"

    try:
        asyncio.run(scenario())
    finally:
        _GATE.set()
        pool.close()


def test_a_call_not_started_in_time_is_taken_out_of_the_queue():
    """An admitted call that no process takes within ``start_within`` seconds is refused
    (429) and never run, instead of waiting on behind the others."""
    _GATE.clear()
    ran: list[str] = []

    def late() -> None:
        ran.append("late")

    pool = ComputePool(workers=0, per_owner=5, max_wait=60.0, start_within=0.5)

    async def scenario() -> None:
        held = [asyncio.create_task(pool.run(f"u{n}", _blocked)) for n in range(2)]
        await asyncio.sleep(0.2)  # both threads of the pool busy
        start = time.monotonic()
        with pytest.raises(Overloaded, match=r"no process was free for 0\.5 s"):
            await pool.run("bob", late)
        assert time.monotonic() - start < 5
        _GATE.set()
        assert await asyncio.gather(*held) == ["released"] * 2
        await asyncio.sleep(0.2)
        assert ran == []  # taken out: never run
        assert pool._in_flight == 0 and pool._work == 0.0

    try:
        asyncio.run(scenario())
    finally:
        _GATE.set()
        pool.close()
