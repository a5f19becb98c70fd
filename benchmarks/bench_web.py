"""The web app under load, on loopback only: forecasts for 50 concurrent clients, and the
what-if re-forecast behind the sliders.

Run on demand (not part of the test suite):

    python benchmarks/bench_web.py              # 1,000 forecast requests, 200 what-ifs
    python benchmarks/bench_web.py --quick      # 300 and 60

Needs: detente's dependencies (FastAPI, uvicorn, numpy) and ``httpx``, which the ``dev``
extra brings: ``pip install -e '.[dev]'`` (or just ``pip install httpx``).

It starts ``detente serve`` on 127.0.0.1 (a free port) in a subprocess, then:

1. 50 concurrent clients ask ``GET /api/scenarios/ukraine-2025-11/forecast`` (the
   default models) until ``--requests`` answers or ``--seconds`` have passed:
   throughput (requests/s) and latency p50/p95/max;
2. one client drags sliders: ``POST .../whatif`` moving one stance at a time and
   re-forecasting compromise, median, Nash and EUM, as the what-if page does:
   latency p50/p95 against the target of 100 ms p95.

The reference, measured in the same run, is the same forecast in process
(``detente.api.forecast``, no HTTP): the ratio says what the server adds.
Every request must answer 200; a failed one stops the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

HOST = "127.0.0.1"  # loopback only, by design
SCENARIO = "ukraine-2025-11"
CLIENTS = 50
WHATIF_TARGET_MS = 100.0
FAST = ["compromise", "median", "nash", "eum"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen([sys.executable, "-m", "detente", "serve", "--host", HOST,
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/api/models", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start: " + proc.stderr.read().decode()[-2000:])


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


async def load(base: str, total: int, seconds: float) -> tuple[list[float], float]:
    """``CLIENTS`` clients, each sending one request after the other."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    sent = 0
    url = f"{base}/api/scenarios/{SCENARIO}/forecast"

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < total and time.monotonic() < stop:
            sent += 1
            t0 = time.perf_counter()
            res = await http.get(url)
            latencies.append((time.perf_counter() - t0) * 1000)
            if res.status_code != 200:
                raise SystemExit(f"forecast answered {res.status_code}: {res.text[:300]}")

    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(CLIENTS)))
        wall = time.perf_counter() - t0
    return latencies, wall


def slider_moves(count: int, seed: int = 0) -> list[dict[str, object]]:
    """Slider moves: one stance's position or salience at a time, as the page sends them."""
    import detente

    sc = detente.load(SCENARIO)
    rng = np.random.default_rng(seed)
    moves: list[dict[str, object]] = []
    for _ in range(count):
        st = sc.stances[int(rng.integers(len(sc.stances)))]
        issue = sc.issue(st.issue)
        change: dict[str, object] = {"actor": st.actor, "issue": st.issue}
        if rng.random() < 0.5:
            change["position"] = float(rng.uniform(issue.low, issue.high))
        else:
            change["salience"] = float(rng.uniform(0, 1))
        moves.append(change)
    return moves


def whatif(base: str, moves: list[dict[str, object]]) -> list[float]:
    url = f"{base}/api/scenarios/{SCENARIO}/whatif"
    out = []
    with httpx.Client(timeout=30) as http:
        for change in moves:
            t0 = time.perf_counter()
            res = http.post(url, json={"changes": [change], "models": FAST})
            out.append((time.perf_counter() - t0) * 1000)
            if res.status_code != 200:
                raise SystemExit(f"what-if answered {res.status_code}: {res.text[:300]}")
    return out


def in_process(moves: list[dict[str, object]]) -> tuple[float, float]:
    """The reference: the same work without HTTP (median ms): the default forecast, and the
    same slider moves re-forecast with the fast models."""
    import detente
    from detente import api

    sc = detente.load(SCENARIO)
    api.forecast(sc)
    api.forecast(sc, FAST)
    default, fast = [], []
    for change in moves:
        t0 = time.perf_counter()
        api.forecast(sc)
        default.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        api.forecast(api.what_if(sc, [api.StanceChange(**change)]), FAST)  # type: ignore[arg-type]
        fast.append((time.perf_counter() - t0) * 1000)
    return statistics.median(default), statistics.median(fast)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument("--whatifs", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=120.0, help="cap on the load phase")
    args = parser.parse_args()
    total = args.requests or (300 if args.quick else 1000)
    count = args.whatifs or (60 if args.quick else 200)

    port = free_port()
    proc = start_server(port)
    base = f"http://{HOST}:{port}"
    try:
        httpx.get(f"{base}/api/scenarios/{SCENARIO}/forecast", timeout=60)  # warm up
        httpx.post(f"{base}/api/scenarios/{SCENARIO}/whatif", json={"models": FAST}, timeout=60)
        lat, wall = asyncio.run(load(base, total, args.seconds))
        moves = slider_moves(count)
        wi = whatif(base, moves)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    ref_default, ref_fast = in_process(moves)
    print(f"machine: {os.cpu_count()} cores; server: one uvicorn worker on {HOST}")
    print(f"forecast, {CLIENTS} concurrent clients: {len(lat)} requests in {wall:.1f} s = "
          f"{len(lat) / wall:.1f} req/s; latency p50 {pct(lat, 50):.0f} ms, "
          f"p95 {pct(lat, 95):.0f} ms, max {max(lat):.0f} ms")
    print(f"  reference in process (no HTTP, one at a time): {ref_default:.1f} ms per "
          f"forecast; server throughput x per-forecast time = "
          f"{len(lat) / wall * ref_default / 1000:.2f} of one core busy")
    p95 = pct(wi, 95)
    print(f"what-if re-forecast ({', '.join(FAST)}), {len(wi)} slider moves: "
          f"p50 {pct(wi, 50):.1f} ms, p95 {p95:.1f} ms, max {max(wi):.1f} ms; "
          f"target p95 < {WHATIF_TARGET_MS:.0f} ms: {'met' if p95 < WHATIF_TARGET_MS else 'MISSED'}"
          f" (p95 / target = {p95 / WHATIF_TARGET_MS:.2f})")
    print(f"  reference in process: {ref_fast:.1f} ms (median); HTTP and JSON add "
          f"{pct(wi, 50) - ref_fast:.1f} ms at the median")


if __name__ == "__main__":
    main()
