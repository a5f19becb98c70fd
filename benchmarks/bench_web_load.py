"""A team's load on one ``detente serve``, on loopback only: simulated users browsing
pages, dragging what-if sliders, asking forecasts and now and then a heavy job.

Run on demand (not part of the test suite), bounded in users, requests and time:

    nice python benchmarks/bench_web_load.py                     # 200 users, 120 s
    nice python benchmarks/bench_web_load.py --users 50 --seconds 30
    # the team set-up: 2 server processes on PostgreSQL, one account per user
    source scripts/pg_cluster.sh && pg_start
    nice python benchmarks/bench_web_load.py --workers 2 --db "$DETENTE_TEST_PG_URL" --accounts

Needs: detente's dependencies plus ``httpx`` (in the ``dev`` extra: ``pip install -e
'.[dev]'``) and ``psutil`` (``pip install psutil``, for the server's CPU and memory).
With ``--accounts`` each simulated user gets an account of their own (added to ``--db``
before the server starts), so users share no jobs and the per-user limits are per account.

It starts ``detente serve`` on 127.0.0.1 (a free port) in a subprocess, waits until its
job workers are warm, then runs ``--users`` users for ``--seconds`` (each stops at
``--requests-per-user``), each choosing at random (seeded) among:

* page (35 %): ``/``, ``/s/ID?draws=0``, ``/s/ID/whatif``, ``/s/ID/edit``;
* whatif (30 %): ``POST /api/scenarios/ID/whatif`` moving one stance (a slider drag);
* forecast (15 %): ``GET /api/scenarios/ID/forecast`` (points, default models);
* light (15 %): ``GET /api/models``, ``/api/scenarios`` or ``/api/jobs`` (no model runs:
  what shows whether the server itself stays free while the CPU is busy);
* heavy (5 %): ``GET .../simulate?draws=2000&seed=S&wait=0`` then polling the job
  until it is done (few distinct seeds, so users share jobs as a team would).

Printed: per route class (as the simulated users saw it, and as the server itself
timed it: ``Server-Timing``, which leaves out the network and the load generator's own
delays on a busy machine) the count, p50/p95/p99 latency, 5xx answers, timeouts (no
answer within 60 s, or a failed connection) and 429s (a refusal by a limit), heavy jobs
that ended failed or cancelled, the light
routes' p95 while heavy jobs were running, heavy jobs done, and the server's CPU
seconds and peak memory (the server and its worker processes). Think time between a
user's requests is 0.5-2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from detente.web.compute import NICE
from detente.web.work import JOB_NICE

BUNDLED = "ukraine-2025-11"
JOB_FAILED = 1000
"""A heavy job that ended failed or cancelled (counted apart from HTTP errors)."""
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Tally:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    light_while_heavy: list[float] = field(default_factory=list)
    while_heavy: dict[str, list[float]] = field(default_factory=dict)
    heavy_done: int = 0

    timeouts: dict[str, int] = field(default_factory=dict)
    other_4xx: dict[str, int] = field(default_factory=dict)
    in_app: dict[str, list[float]] = field(default_factory=dict)
    phases: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    failed_jobs: int = 0
    polls: int = 0
    lags: list[float] = field(default_factory=list)
    heavy_ticks: list[bool] = field(default_factory=list)
    cpu: float = 0.0
    running: Any = None
    """Heavy jobs being waited for by any generator process (a shared counter)."""

    def merge(self, other: Tally) -> None:
        """Add another generator process's figures to these."""
        for name in ("seconds", "light_while_heavy", "while_heavy", "in_app", "phases",
                     "lags", "heavy_ticks"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, list):
                mine.extend(theirs)
                continue
            for kind, values in theirs.items():
                if isinstance(values, dict):
                    inner = mine.setdefault(kind, {})
                    for phase, v in values.items():
                        inner.setdefault(phase, []).extend(v)
                else:
                    mine.setdefault(kind, []).extend(values)
        for name in ("errors", "refused", "timeouts", "other_4xx"):
            mine = getattr(self, name)
            for kind, n in getattr(other, name).items():
                mine[kind] = mine.get(kind, 0) + n
        self.heavy_done += other.heavy_done
        self.failed_jobs += other.failed_jobs
        self.polls += other.polls
        self.cpu += other.cpu

    @property
    def heavy_running(self) -> int:
        return int(self.running.value) if self.running is not None else 0

    def heavy_started(self, step: int) -> None:
        if self.running is not None:
            with self.running.get_lock():
                self.running.value += step

    def app_time(self, kind: str, response: httpx.Response) -> int:
        """Keep the server's own time for the request and its phases (``Server-Timing:
        app;dur=MS, auth;dur=MS, ...``); the status."""
        found = server_timing(response)
        if "app" in found:
            self.in_app.setdefault(kind, []).append(found.pop("app"))
            mine = self.phases.setdefault(kind, {})
            for name, seconds in found.items():
                mine.setdefault(name, []).append(seconds)
        return response.status_code

    def add(self, kind: str, seconds: float, status: int) -> None:
        self.seconds.setdefault(kind, []).append(seconds)
        if status == 429:
            self.refused[kind] = self.refused.get(kind, 0) + 1
        elif status == JOB_FAILED:
            self.failed_jobs += 1
        elif status <= 0:
            self.timeouts[kind] = self.timeouts.get(kind, 0) + 1
        elif status >= 500:
            self.errors[kind] = self.errors.get(kind, 0) + 1
        elif status >= 400:
            self.other_4xx[kind] = self.other_4xx.get(kind, 0) + 1
        if kind != "heavy" and self.heavy_running > 0:
            self.light_while_heavy.append(seconds)
            self.while_heavy.setdefault(kind, []).append(seconds)


def server_timing(response: httpx.Response) -> dict[str, float]:
    """``Server-Timing: app;dur=12.5, db;dur=3.1`` -> ``{"app": 0.0125, "db": 0.0031}``."""
    found: dict[str, float] = {}
    for part in response.headers.get("server-timing", "").split(","):
        name, _, rest = part.strip().partition(";dur=")
        with contextlib.suppress(ValueError):
            found[name] = float(rest) / 1e3
    return found


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def user(n: int, base: str, tally: Tally, until: float, max_requests: int,
               token: str | None = None) -> None:
    rng = random.Random(n)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits,
                                 headers=headers) as client:
        for _ in range(max_requests):
            if time.monotonic() >= until:
                return
            kind = rng.choices(["page", "whatif", "forecast", "light", "heavy"],
                               [35, 30, 15, 15, 5])[0]
            start = time.monotonic()
            status = 0
            try:
                if kind == "page":
                    path = rng.choice(["/", f"/s/{BUNDLED}?draws=0", f"/s/{BUNDLED}/whatif",
                                       f"/s/{BUNDLED}/edit"])
                    status = tally.app_time(kind, await client.get(
                        path, headers={"accept": "text/html"}))
                elif kind == "whatif":
                    body = {"changes": [{"actor": "RUS", "issue": "donetsk",
                                         "position": rng.uniform(40, 100)}]}
                    status = tally.app_time(kind, await client.post(
                        f"/api/scenarios/{BUNDLED}/whatif", json=body))
                elif kind == "light":
                    path = rng.choice(["/api/models", "/api/scenarios", "/api/jobs"])
                    status = tally.app_time(kind, await client.get(path))
                elif kind == "forecast":
                    status = tally.app_time(kind, await client.get(
                        f"/api/scenarios/{BUNDLED}/forecast"))
                else:
                    status = await heavy(client, rng, tally, until)
            except httpx.HTTPError:
                status = -1
            tally.add(kind, time.monotonic() - start, status)
            await asyncio.sleep(rng.uniform(0.5, 2.0))


async def heavy(client: httpx.AsyncClient, rng: random.Random, tally: Tally,
                until: float) -> int:
    res = await client.get(f"/api/scenarios/{BUNDLED}/simulate",
                           params={"draws": 2000, "seed": rng.randrange(8), "wait": 0})
    if res.status_code not in (200, 202):
        return res.status_code
    if res.status_code == 200:
        tally.heavy_done += 1
        return 200
    href = res.json()["href"]
    tally.heavy_started(1)
    try:
        while time.monotonic() < until + 60:
            await asyncio.sleep(1.0)
            state = await client.get(href)
            tally.polls += 1
            if state.status_code != 200:
                return state.status_code
            if state.json()["state"] == "done":
                tally.heavy_done += 1
                return 200
            if state.json()["state"] in ("failed", "cancelled"):
                return JOB_FAILED
        return -1
    finally:
        tally.heavy_started(-1)


def tree(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


async def watch(proc: psutil.Process, stop: asyncio.Event, peak: list[float]) -> None:
    while not stop.is_set():
        rss = 0.0
        for p in tree(proc):
            with contextlib.suppress(psutil.NoSuchProcess):
                rss += p.memory_info().rss
        peak[0] = max(peak[0], rss)
        await asyncio.sleep(0.5)


def cpu_seconds(proc: psutil.Process) -> float:
    total = 0.0
    for p in tree(proc):
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def cpu_by_group(proc: psutil.Process, server_nice: int) -> dict[str, float]:
    """CPU seconds of the server's processes by what they do, told apart by priority: the
    server processes themselves (and their fork servers), the compute processes
    (+ NICE) and the job processes (+ JOB_NICE, capped at 19; a finished one's time is in
    its parent's children's times)."""
    groups = {"server": 0.0, "compute": 0.0, "jobs": 0.0}
    for p in tree(proc):
        try:
            t, nice = p.cpu_times(), p.nice()
        except psutil.NoSuchProcess:
            continue
        group = "jobs" if nice >= min(server_nice + JOB_NICE, 19) else (
            "compute" if nice >= min(server_nice + NICE, 19) else "server")
        groups[group] += t.user + t.system
        groups["jobs"] += t.children_user + t.children_system
    return groups


def postmaster(db: str | None) -> psutil.Process | None:
    """The PostgreSQL server of ``db`` when it runs here on a unix socket (the throwaway
    cluster of scripts/pg_cluster.sh), to count its CPU."""
    if not db or "host=/" not in db:
        return None
    folder = db.split("host=", 1)[1].split("&", 1)[0]
    for p in psutil.process_iter(["cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if "postgres" in cmd and folder in cmd and " -D " in cmd:
            return p
    return None


def sample_backends(db: str, stop: threading.Event, out: list[tuple[int, int, int]]) -> None:
    """Sample the database's ``pg_stat_activity`` every half second until ``stop``:
    ``(active, of which waiting (a lock, I/O, the client), idle in a transaction)``
    backends, this sampler's own not counted."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    query = text("SELECT count(*) FILTER (WHERE state = 'active'), "
                 "count(*) FILTER (WHERE state = 'active' AND wait_event IS NOT NULL), "
                 "count(*) FILTER (WHERE state LIKE 'idle in transaction%') "
                 "FROM pg_stat_activity WHERE backend_type = 'client backend' "
                 "AND pid <> pg_backend_pid()")
    try:
        with engine.connect() as conn:
            while not stop.wait(0.5):
                row = conn.execute(query).one()
                out.append((int(row[0]), int(row[1]), int(row[2])))
                conn.rollback()
    finally:
        engine.dispose()


def probe(base: str, token: str | None, seconds: float, every: float, nice: int | None,
          conn: Any) -> None:
    """A light client of its own, in its own process (at the server's priority): one
    keep-alive connection asking a light route every ``every`` seconds, as one more user's
    browser would; sends back ``(path, client seconds, Server-Timing phases, status)``."""
    if nice is not None:
        with contextlib.suppress(OSError):
            os.nice(nice - os.nice(0))
    headers = {"authorization": f"Bearer {token}"} if token else {}
    out: list[tuple[str, float, dict[str, float], int]] = []
    paths = ["/api/models", "/api/scenarios", "/api/jobs"]
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        until = time.monotonic() + seconds
        n = 0
        while time.monotonic() < until:
            path = paths[n % len(paths)]
            n += 1
            start = time.monotonic()
            try:
                res = client.get(path)
                out.append((path, time.monotonic() - start, server_timing(res),
                            res.status_code))
            except httpx.HTTPError:
                out.append((path, time.monotonic() - start, {}, -1))
            time.sleep(max(0.0, every - (time.monotonic() - start)))
    conn.send(out)
    conn.close()


async def lag(stop: asyncio.Event, tally: Tally) -> None:
    """The load generator's own delay: how late a 50 ms sleep wakes (its event loop is
    late for every user when the machine gives it little CPU); and whether heavy jobs
    were running at each tick."""
    while not stop.is_set():
        start = time.monotonic()
        await asyncio.sleep(0.05)
        tally.lags.append(time.monotonic() - start - 0.05)
        tally.heavy_ticks.append(tally.heavy_running > 0)


def generate(users: list[tuple[int, str | None]], base: str, until: Any, go: Any,
             max_requests: int, running: Any, nice: int | None, conn: Any) -> None:
    """One load generator process: once ``go`` is set, ``users`` (their numbers and
    tokens) on an event loop of its own until ``until.value`` (``time.monotonic()``, the
    same clock in every process); sends its :class:`Tally` back. Several of these share
    the users, so that no one process's event loop, starved of CPU, delays all 200 users
    (one process got 0.1 of a core and woke up to 48 s late)."""
    if nice is not None:
        with contextlib.suppress(OSError):
            os.nice(nice - os.nice(0))
    tally = Tally(running=running)
    conn.send("ready")
    go.wait()
    own0 = time.process_time()

    async def main() -> None:
        stop = asyncio.Event()
        lagger = asyncio.create_task(lag(stop, tally))
        await asyncio.gather(*(user(n, base, tally, until.value, max_requests, token)
                               for n, token in users))
        stop.set()
        await lagger

    asyncio.run(main())
    tally.cpu = time.process_time() - own0
    tally.running = None
    conn.send(tally)
    conn.close()


async def run(args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DETENTE_TOKEN": ""}
    tokens: list[str | None] = [None] * args.users
    extra: list[str] = []
    if args.db:
        extra += ["--db", args.db, "--workers", str(args.workers)]
    if args.accounts:
        from detente.store.server import ServerStore

        with ServerStore(args.db) as store:
            taken = {u.name for u in store.users()}
            run_id = f"{os.getpid()}x{int(time.time())}"
            tokens = [store.add_user(f"load{run_id}u{n}") for n in range(args.users)]
            assert not taken & {f"load{run_id}u{n}" for n in range(args.users)}
        extra.append("--accounts")
    # the server at the priority the benchmark was started with, or (--server-nice) at
    # that one: `nice` the load generator, not necessarily what it measures
    renice = None if args.server_nice is None else (
        lambda: os.nice(args.server_nice - os.nice(0)))
    server = subprocess.Popen([sys.executable, "-m", "detente", "serve", "--port", str(port),
                               "--job-workers", str(args.job_workers),
                               "--compute-workers", str(args.compute_workers),
                               "--max-jobs-per-user", str(args.users), *extra],
                              env=env, stderr=subprocess.DEVNULL, preexec_fn=renice)
    proc = psutil.Process(server.pid)
    first = {"authorization": f"Bearer {tokens[0]}"} if tokens[0] else {}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=300, headers=first) as client:
            for _ in range(1200):
                try:
                    await client.get("/api/models")
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
            warm = await client.get(f"/api/scenarios/{BUNDLED}/simulate",
                                    params={"draws": 10, "model": "median", "wait": 120})
            assert warm.status_code == 200, warm.text
        stop, peak = asyncio.Event(), [0.0]
        server_nice = proc.nice()
        ctx = multiprocessing.get_context("spawn")
        running = ctx.Value("i", 0)
        tally = Tally(running=running)
        receiving, sending = ctx.Pipe(duplex=False)
        prober = ctx.Process(target=probe, args=(base, tokens[0], args.seconds,
                                                 args.probe_every, args.server_nice,
                                                 sending), daemon=True)
        pg = postmaster(args.db)
        pg0 = cpu_seconds(pg) if pg else 0.0
        backends: list[tuple[int, int, int]] = []
        sampling = threading.Event()
        sampler = (threading.Thread(target=sample_backends, args=(args.db, sampling, backends),
                                    daemon=True) if pg else None)
        if sampler:
            sampler.start()
        processes = max(1, min(args.generators, args.users))
        gens = []
        until, go = ctx.Value("d", 0.0), ctx.Event()
        for g in range(processes):  # started (and their imports done) before the clock
            mine = [(n, tokens[n]) for n in range(g, args.users, processes)]
            r, w = ctx.Pipe(duplex=False)
            gen = ctx.Process(target=generate, args=(mine, base, until, go,
                                                     args.requests_per_user, running,
                                                     args.generator_nice, w), daemon=True)
            gen.start()
            w.close()
            gens.append((gen, r))
        for _, r in gens:
            assert await asyncio.to_thread(r.recv) == "ready"
        load0 = os.getloadavg()[0]
        groups0 = cpu_by_group(proc, server_nice)
        cpu0, t0 = cpu_seconds(proc), time.monotonic()
        watcher = asyncio.create_task(watch(proc, stop, peak))
        until.value = t0 + args.seconds
        go.set()
        prober.start()
        for gen, r in gens:
            tally.merge(await asyncio.to_thread(r.recv))
            gen.join(timeout=30)
        wall = time.monotonic() - t0
        stop.set()
        await watcher
        cpu = cpu_seconds(proc) - cpu0
        groups = {k: v - groups0.get(k, 0.0) for k, v in cpu_by_group(proc, server_nice).items()}
        own = tally.cpu
        lags, heavy_ticks = tally.lags, tally.heavy_ticks
        pg_cpu = cpu_seconds(pg) - pg0 if pg else float("nan")
        sampling.set()
        probed = await asyncio.to_thread(receiving.recv)
        prober.join(timeout=10)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    setup = (f"{args.workers} server process(es) on {args.db.split('://')[0]}"
             if args.db else "1 server process, no database")
    print(f"{args.users} users{' with accounts' if args.accounts else ''}, {setup}, "
          f"{wall:.0f} s wall, load average {load0:.1f} at the start and "
          f"{os.getloadavg()[0]:.1f} at the end ({os.cpu_count()} cores, shared)")
    print(f"{'class':<10}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'5xx':>6}{'timeout':>8}{'429':>6}{'4xx':>6}")
    for kind in ("light", "page", "whatif", "forecast", "heavy"):
        s = tally.seconds.get(kind, [])
        print(f"{kind:<10}{len(s):>9}{pct(s, .5) * 1e3:>9.0f}{pct(s, .95) * 1e3:>9.0f}"
              f"{pct(s, .99) * 1e3:>9.0f}{tally.errors.get(kind, 0):>6}"
              f"{tally.timeouts.get(kind, 0):>8}{tally.refused.get(kind, 0):>6}"
              f"{tally.other_4xx.get(kind, 0):>6}")
    print("(4xx: refusals other than 429; timeout: no answer within the client's 60 s, or "
          "the connection failed; "
          f"heavy jobs that ended failed or cancelled: {tally.failed_jobs})")
    print("in the server (Server-Timing: from the request reaching the app to its answer; "
          "without the load generator's own delays):")
    for kind in ("light", "page", "whatif", "forecast"):
        s = tally.in_app.get(kind, [])
        print(f"  {kind:<10}{len(s):>7} p50 {pct(s, .5) * 1e3:>7.0f} ms  p95 "
              f"{pct(s, .95) * 1e3:>7.0f} ms  p99 {pct(s, .99) * 1e3:>7.0f} ms")
    light = tally.light_while_heavy
    print(f"requests but heavy while heavy jobs ran: {len(light)}, p95 "
          f"{pct(light, .95) * 1e3:.0f} ms (target 100 ms); by class: " + ", ".join(
              f"{k} p50 {pct(v, .5) * 1e3:.0f} / p95 {pct(v, .95) * 1e3:.0f} ms"
              for k, v in sorted(tally.while_heavy.items())))
    print(f"heavy jobs done: {tally.heavy_done} (heavy rows time submit + polling to done)")
    print(f"server CPU: {cpu:.0f} s over {wall:.0f} s ({cpu / wall:.2f} cores): "
          + ", ".join(f"{k} {v:.0f} s" for k, v in groups.items())
          + f"; PostgreSQL {pg_cpu:.0f} s; the load generator ({processes} processes) "
          f"{own:.0f} s ({own / wall:.2f} cores); peak memory (server and workers): "
          f"{peak[0] / 2**20:.0f} MiB")
    answered = sum(len(v) for v in tally.seconds.values()) + tally.polls + len(probed)
    per_request = groups["server"] / max(answered, 1) * 1e3
    print(f"server processes' CPU per answer: {per_request:.1f} ms ({answered} answers: the "
          "users', their job polls and the probe's)")
    print(f"load generator's lateness (a 50 ms sleep): p50 {pct(lags, .5) * 1e3:.0f} ms, "
          f"p95 {pct(lags, .95) * 1e3:.0f} ms, max {max(lags, default=0) * 1e3:.0f} ms; "
          f"heavy jobs running {100 * sum(heavy_ticks) / max(len(heavy_ticks), 1):.0f} % "
          "of the run")
    if backends:
        n = len(backends)
        print(f"PostgreSQL backends (pg_stat_activity, {n} samples): active mean "
              f"{sum(b[0] for b in backends) / n:.1f} (max {max(b[0] for b in backends)}), "
              f"of them waiting {sum(b[1] for b in backends) / n:.1f}, idle in a transaction "
              f"{sum(b[2] for b in backends) / n:.1f}")
    print("phases in the server (Server-Timing; ms, p50 / p95 over the requests that had "
          "the phase, and how many had it):")
    for kind in ("light", "page", "whatif", "forecast"):
        phases = tally.phases.get(kind, {})
        print(f"  {kind:<10}" + "; ".join(
            f"{name} {pct(v, .5) * 1e3:.0f} / {pct(v, .95) * 1e3:.0f} (n={len(v)})"
            for name, v in sorted(phases.items())))
    report_probe(probed, args.probe_every)


def report_probe(probed: list[tuple[str, float, dict[str, float], int]],
                 every: float) -> None:
    """The light probe's figures: the client's own time (a process of its own at the
    server's priority, so the load generator's delays are not in it) and the server's."""
    client = [c for _, c, _, status in probed if status == 200]
    app = [t["app"] for _, _, t, _ in probed if "app" in t]
    bad = sum(status != 200 for *_, status in probed)
    print(f"light probe (one client every {every:.2f} s, its own process): {len(probed)} "
          f"requests, {bad} not 200; client p50 {pct(client, .5) * 1e3:.0f} / p95 "
          f"{pct(client, .95) * 1e3:.0f} / p99 {pct(client, .99) * 1e3:.0f} ms; in the "
          f"server p50 {pct(app, .5) * 1e3:.0f} / p95 {pct(app, .95) * 1e3:.0f} / p99 "
          f"{pct(app, .99) * 1e3:.0f} ms")
    for path in sorted({p for p, *_ in probed}):
        c = [c for p, c, _, s in probed if p == path and s == 200]
        a = [t["app"] for p, _, t, _ in probed if p == path and "app" in t]
        print(f"  {path:<16} client p50 {pct(c, .5) * 1e3:.0f} / p95 {pct(c, .95) * 1e3:.0f}"
              f" ms; server p50 {pct(a, .5) * 1e3:.0f} / p95 {pct(a, .95) * 1e3:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--generators", type=int, default=4,
                        help="load generator processes sharing the users (each an event "
                        "loop of its own)")
    parser.add_argument("--generator-nice", type=int, default=None,
                        help="run the generator processes at this nice value (default: "
                        "the benchmark's own)")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--requests-per-user", type=int, default=200)
    parser.add_argument("--job-workers", type=int, default=2)
    parser.add_argument("--compute-workers", type=int, default=2)
    parser.add_argument("--probe-every", type=float, default=0.2,
                        help="seconds between the light probe's requests")
    parser.add_argument("--server-nice", type=int, default=None,
                        help="run the server at this nice value (lowering it needs root); "
                        "default: the benchmark's own")
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes (detente serve --workers; needs --db)")
    parser.add_argument("--db", help="the server's database (a PostgreSQL URL for a team)")
    parser.add_argument("--accounts", action="store_true",
                        help="an account per simulated user (needs --db)")
    args = parser.parse_args()
    if (args.workers > 1 or args.accounts) and not args.db:
        parser.error("--workers > 1 and --accounts need --db")
    if not (1 <= args.users <= 500 and 1 <= args.seconds <= 600):
        parser.error("at most 500 users and 600 s")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
