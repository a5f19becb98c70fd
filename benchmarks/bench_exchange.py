"""Exchange model: detente vs decide-exchange-model, side by side in one run.

For CoP21 and random scenarios of 20, 50, 100, 200 actors × 10 and 20 issues:
seconds, ratio (decide / detente), peak memory, and whether the results are
identical (every round's voting forecast within 1e-6). decide runs in its own
virtual environment (scripts/setup_decide_venv.sh) with a time limit; when it
runs out, the rounds it finished are compared against detente on the same
number of rounds, and when it finishes none the ratio is a lower bound.

    python benchmarks/bench_exchange.py [--quick] [--decide-timeout 300] [--rounds 10]
    PYTHONPATH=src python benchmarks/bench_exchange.py --sizes 50x20 --before OLD/src

detente's seconds are wall and CPU (``time.process_time``) of a forecast after a warm-up,
on the default path (the compiled step loop from ``COMPILED_CANDIDATES`` candidate slots
on) and, in the same process, on the array code (the reference: ``arrays CPU``, the
ratio and whether forecast and log are the same, bit for bit). ``--no-decide`` skips
decide (for the large sizes, where it does not finish). ``--compile-cost`` first
measures what the compiled loop costs a fresh process: once with numba's on-disk
cache empty (compiling) and once with it filled. ``--monte-carlo DRAWS`` first times
a Monte Carlo run of the bundled scenario with the exchange model alone, on the default
path and on the array code in the same process (draws per CPU-second, their ratio,
whether the summaries are identical). ``--before SRC`` also times the same
scenario on another source tree (e.g. a ``git archive`` of an older commit's ``src``) in
a subprocess, prints its CPU seconds, the ratio
before/now and whether the two forecasts (outcome path and log) are the same. Run it
with ``PYTHONPATH=src`` so that the checkout's code is the one timed.

Needs the ``dev`` extra (it borrows the oracle test's random scenarios, which import
pytest: ``pip install 'pytest>=8'``, or all of it with the README's set-up) and decide's
environment, which it builds on first use (``bash scripts/setup_decide_venv.sh``, or set
``DECIDE_VENV`` to an existing one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "tests" / "models"))

import decide_oracle  # noqa: E402
from test_exchange_oracle import random_scenario  # noqa: E402

import detente  # noqa: E402
from detente.models.exchange import Exchange  # noqa: E402
from detente.models.exchange import round as exchange_round  # noqa: E402

DEFAULT_THRESHOLD = exchange_round.COMPILED_CANDIDATES


def run_arrays(scenario, rounds: int):
    """CPU seconds of the same forecast on the array code (the reference path)."""
    exchange_round.COMPILED_CANDIDATES = 1 << 62
    try:
        model = Exchange(rounds=rounds)
        c = time.process_time()
        fc = model.forecast(scenario)
        return fc, time.process_time() - c
    finally:
        exchange_round.COMPILED_CANDIDATES = DEFAULT_THRESHOLD


COMPILE = r"""
import sys, time
c = time.process_time()
sys.path.insert(0, sys.argv[1])
from test_exchange_oracle import random_scenario
from detente.models.exchange import Exchange
Exchange(rounds=1).forecast(random_scenario(170, 50, 20))
print(time.process_time() - c)
"""


def compile_cost() -> None:
    """A fresh process's CPU seconds for one 50×20 round, compiled, with numba's cache
    empty (it compiles the loop) and then filled (it loads it)."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cold, warm = (float(subprocess.run(
            [sys.executable, "-c", COMPILE, str(REPO / "tests" / "models")], env=env,
            capture_output=True, text=True, check=True).stdout.split()[-1]) for _ in range(2))
    print(f"fresh process, one 50×20 round: {cold:.1f} CPU s with numba's cache empty "
          f"(compiling), {warm:.1f} CPU s with it filled; the difference is the one-time "
          f"compile (load {' '.join(f'{x:.2f}' for x in os.getloadavg())})")


def monte_carlo(draws: int) -> None:
    """Exchange draws per CPU-second in a Monte Carlo run of the bundled scenario
    (``simulate(..., ["exchange"], draws, workers=1)``), on the default path and on the
    array code, in this process; the two summaries must be identical (hash)."""
    from detente.uncertainty import simulate

    scenario = detente.load("ukraine-2025-11")
    simulate(scenario, ["exchange"], draws=64, seed=2, workers=1)  # imports, numba's load
    cpu: dict[str, float] = {}
    for label, threshold in (("default", DEFAULT_THRESHOLD), ("arrays", 1 << 62)):
        exchange_round.COMPILED_CANDIDATES = threshold
        try:
            t, c = time.perf_counter(), time.process_time()
            sim = simulate(scenario, ["exchange"], draws=draws, seed=1, workers=1,
                           keep_draws=False)
            wall, cpu[label] = time.perf_counter() - t, time.process_time() - c
        finally:
            exchange_round.COMPILED_CANDIDATES = DEFAULT_THRESHOLD
        h = hashlib.sha256(sim.dataset.to_netcdf()).hexdigest()[:12]
        print(f"monte carlo, bundled scenario, {draws} draws, {label:<7}: {wall:7.2f} s wall "
              f"{cpu[label]:7.2f} CPU s {draws / cpu[label]:8,.0f} draws/CPU-s  summary {h}",
              flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"draws per CPU-second, default / arrays: {cpu['arrays'] / cpu['default']:.2f}×; "
          f"peak RSS {rss:.0f} MiB; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def run_detente(scenario, rounds: int):
    model = Exchange(rounds=rounds)
    model.forecast(scenario)  # warm-up (imports, caches)
    t, c = time.perf_counter(), time.process_time()
    fc = model.forecast(scenario)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    tracemalloc.start()  # a separate run: tracing slows the timed one down
    model.forecast(scenario)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return fc, seconds, cpu, peak


BEFORE = r"""
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[1])
from test_exchange_oracle import random_scenario
from detente.models.exchange import Exchange
seed, a, i, rounds = (int(v) for v in sys.argv[2:6])
scenario = random_scenario(seed, a, i)
model = Exchange(rounds=rounds)
model.forecast(scenario)
c = time.process_time()
fc = model.forecast(scenario)
cpu = time.process_time() - c
h = hashlib.sha256(json.dumps(fc.details.to_dict(), sort_keys=True).encode())
h.update(fc.trajectory.outcome.tobytes())
print(json.dumps({"cpu": cpu, "hash": h.hexdigest()}))
"""


def digest(fc) -> str:
    h = hashlib.sha256(json.dumps(fc.details.to_dict(), sort_keys=True).encode())
    h.update(fc.trajectory.outcome.tobytes())
    return h.hexdigest()


def run_before(src: Path, seed: int, a: int, i: int, rounds: int) -> dict:
    """CPU seconds and hash of the same forecast on the source tree ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run([sys.executable, "-c", BEFORE, str(REPO / "tests" / "models"),
                           str(seed), str(a), str(i), str(rounds)],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_decide(scenario, rounds: int, timeout: float):
    spec = decide_oracle.spec_from_scenario(scenario, rounds=rounds, timeout=timeout)
    t = time.perf_counter()
    try:
        out = decide_oracle.run(spec, timeout=timeout * 3 + 60)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t
    return out, out["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="CoP21 and 20×10, 50×10 only")
    ap.add_argument("--decide-timeout", type=float, default=300.0,
                    help="seconds after which decide stops at the end of its current round")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--sizes", default=None,
                    help="comma-separated AxI sizes instead of the default list, e.g. 100x20")
    ap.add_argument("--no-cop21", action="store_true", help="skip the CoP21 case")
    ap.add_argument("--before", type=Path, default=None,
                    help="another source tree (its src/) to time the random cases on")
    ap.add_argument("--no-decide", action="store_true",
                    help="detente alone (its two paths), without decide")
    ap.add_argument("--compile-cost", action="store_true",
                    help="first: a fresh process's cost of compiling the loop once")
    ap.add_argument("--monte-carlo", type=int, default=0, metavar="DRAWS",
                    help="first: exchange draws per CPU-second in a Monte Carlo run of the "
                         "bundled scenario, default path against the array code")
    args = ap.parse_args()
    if args.compile_cost:
        compile_cost()
    if args.monte_carlo:
        monte_carlo(args.monte_carlo)
    if not args.no_decide:
        decide_oracle.ensure()
    cases = [] if args.no_cop21 else [
        ("cop21 (15×13)", detente.load(REPO.parent / "shared" / "data" / "decide" / "cop21.csv"))]
    sizes = [(20, 10), (50, 10)] if args.quick else [
        (20, 10), (20, 20), (50, 10), (50, 20), (100, 10), (100, 20), (200, 10), (200, 20)]
    if args.sizes:
        sizes = [tuple(int(v) for v in item.lower().split("x")) for item in args.sizes.split(",")]
    cases += [(f"random {a}×{i}", random_scenario(100 + a + i, a, i)) for a, i in sizes]
    keys = {f"random {a}×{i}": (100 + a + i, a, i) for a, i in sizes}
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    head = (f"{'case':<16} {'rounds':>6} {'detente s':>10} {'det CPU':>8} {'arrays CPU':>10} "
            f"{'× CPU':>6} same {'decide s':>10} "
            f"{'ratio':>9} {'det MiB':>8} {'dec MiB':>8}  identical")
    if args.before:
        head += f" {'before CPU':>10} {'× CPU':>6} same"
    print(head)
    print("-" * len(head))
    for label, scenario in cases:
        if args.no_decide:
            out, dec_s = None, float("nan")
        else:
            out, dec_s = run_decide(scenario, args.rounds, args.decide_timeout)
        done = len(out["rounds"]) if out else 0
        rounds = args.rounds if args.no_decide else (done or 1)
        fc, det_s, det_cpu, det_mib = run_detente(scenario, rounds)
        ref, ref_cpu = run_arrays(scenario, rounds)
        ref_same = "yes" if digest(ref) == digest(fc) else "NO"
        if out and done:
            ours = fc.trajectory.outcome[0, 1:]
            theirs = np.array([[rd["forecast_scaled"][i] for i in fc.issues]
                               for rd in out["rounds"]])
            same = "yes" if np.allclose(ours, theirs, atol=1e-6, rtol=0) else "NO"
            ratio = f"{dec_s / det_s:8.0f}×"
            dec = f"{dec_s:10.1f}"
            dec_mib = f"{out.get('peak_rss_mib', float('nan')):8.0f}"
        else:
            same, ratio, dec, dec_mib = "-", f">{dec_s / det_s:7.0f}×", f">{dec_s:9.0f}", "-"
        line = (f"{label:<16} {rounds:>6} {det_s:10.2f} {det_cpu:8.2f} {ref_cpu:10.2f} "
                f"{ref_cpu / det_cpu:6.2f} {ref_same:>4} {dec} {ratio} "
                f"{det_mib:8.0f} {dec_mib}  {same:>9}")
        if args.before and label in keys:
            old = run_before(args.before, *keys[label], rounds)
            line += (f" {old['cpu']:10.2f} {old['cpu'] / det_cpu:6.2f} "
                     f"{'yes' if old['hash'] == digest(fc) else 'NO'}")
        print(line, flush=True)
    print("\nratio = decide seconds / detente seconds on the same rounds; detente memory is "
          "tracemalloc's peak (Python allocations), decide's is the runner process's peak RSS.")
    print("arrays CPU: the same forecast on the array code (the reference path), × CPU its "
          "ratio to the default path's, same: outcomes and log identical (hash).")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"this process's peak RSS: {rss:.0f} MiB; load average at the end: {load}")


if __name__ == "__main__":
    main()
