"""Benchmark: the guards' time estimates against the actual time (issue 31, item 2).

Target: every estimate within 2× of the actual time (0.5 ≤ estimate/actual ≤ 2), for
``simulate``, ``deals``, ``proposals``, ``report`` and ``outlook`` (and ``phase``), each at
three sizes, on the bundled scenario and on a large KTAB file (``rand_a200_d5``: 200
actors, 5 issues; a KTAB file states no proposals and no pressures, so it has no
``proposals`` or ``outlook`` rows).

Each row runs in a **fresh Python process**, as a guarded command does: load the scenario,
run the estimator the command's guard uses (``api.simulation_cost``, ``deals_cost``,
``phase_cost``, ``proposals_cost``, ``report_cost``, ``outlook_cost``; its own wall time is
the *pilot* column: the guard adds it to the command), then run the work itself in the same
process. ``estimate`` is the estimator's figure for the work, ``actual`` the work's wall
time after it, ``ratio`` their quotient; the load average (``os.getloadavg``) is printed
before and after every row (the machine is shared; all are wall times). Rows run one after
the other under the caller's ``nice``.

Run: ``PYTHONPATH=src nice python benchmarks/bench_estimates.py [--only simulate,deals]
[--scenarios bundled,ktab] [--quick]`` (``--quick``: the smallest size of each command
only). ``--row JSON`` is the child's entry (one row).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ktab"
SCENARIOS = {"bundled": "ukraine-2025-11", "ktab": str(DATA / "rand_a200_d5.csv")}
SEVEN = ("compromise", "median", "nash", "ensemble", "eum", "exchange", "smp")

# (command, size, options): three sizes of each command on each scenario
ROWS: dict[str, list[tuple[str, int, dict[str, Any]]]] = {
    "bundled": [
        ("simulate", 100_000, {}), ("simulate", 300_000, {}), ("simulate", 1_000_000, {}),
        ("simulate", 10_000, {"models": SEVEN}), ("simulate", 30_000, {"models": SEVEN}),
        ("simulate", 100_000, {"models": SEVEN}),
        ("deals", 100, {}), ("deals", 500, {}), ("deals", 2_000, {}),
        ("phase", 100, {}), ("phase", 500, {}), ("phase", 2_000, {}),
        ("proposals", 2_000, {}), ("proposals", 20_000, {}), ("proposals", 200_000, {}),
        ("outlook", 5_000, {}), ("outlook", 20_000, {}), ("outlook", 40_000, {}),
        ("report", 1_000, {}), ("report", 10_000, {}), ("report", 60_000, {}),
    ],
    "ktab": [
        ("simulate", 5_000, {}), ("simulate", 20_000, {}), ("simulate", 60_000, {}),
        ("deals", 100, {}), ("deals", 500, {}), ("deals", 2_000, {}),
        ("report", 100, {}), ("report", 300, {}), ("report", 1_000, {}),
    ],
}


def _guarded(api: Any) -> dict[str, tuple[Callable[[int], Any], Any, Any]]:
    """The commands timed as ``cost(scenario, request=r).seconds(n)`` against
    ``work(scenario, request=r)``: ``(request of size n, cost, work)``."""
    return {
        "deals": (lambda n: api.DealRequest.of(robust=n), api.deals_cost, api.analyse_deals),
        "phase": (lambda n: api.PhaseRequest.of(robust=n), api.phase_cost, api.phase),
        "proposals": (lambda n: api.ProposalRequest.of(draws=n), api.proposals_cost,
                      api.proposals),
        "outlook": (lambda n: api.OutlookRequest.of(paths=n), api.outlook_cost, api.outlook),
    }


def _row(spec: dict[str, Any]) -> dict[str, Any]:
    """One row, in this (fresh) process: the estimate, then the work."""
    t0 = time.perf_counter()
    from detente import api
    from detente.present.brief import render_html

    sc = api.load(spec["scenario"])
    loaded = time.perf_counter() - t0
    command, n = spec["command"], spec["size"]
    models = spec.get("models")
    lanes = _guarded(api)
    estimate: Callable[[], float]
    run: Callable[[], object]
    if command == "simulate":
        request = api.SimulationRequest.of(models=list(models) if models else None, draws=n,
                                           keep_draws=False)
        def estimate() -> float:
            return float(api.estimate_simulation(sc, request=request))
        def run() -> object:
            return api.simulate(sc, request=request)
    elif command == "report":
        def estimate() -> float:
            return float(api.report_cost(sc, draws=n).seconds(n))
        def run() -> object:
            return render_html(api.brief(sc, draws=n))
    elif command in lanes:
        make, cost, work = lanes[command]
        guarded = make(n)
        def estimate() -> float:
            return float(cost(sc, request=guarded).seconds(n))
        def run() -> object:
            return work(sc, request=guarded)
    else:
        raise SystemExit(f"unknown command {command!r}")
    start = time.perf_counter()
    est = estimate()
    pilot = time.perf_counter() - start
    start = time.perf_counter()
    run()
    actual = time.perf_counter() - start
    return {"estimate": est, "pilot": pilot, "actual": actual, "load": loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="simulate,deals,phase,proposals,report,outlook")
    parser.add_argument("--scenarios", default="bundled,ktab")
    parser.add_argument("--quick", action="store_true",
                        help="the smallest size of each command only")
    parser.add_argument("--max-size", type=int, default=None,
                        help="leave out rows larger than this")
    parser.add_argument("--row", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.row:
        print(json.dumps(_row(json.loads(ns.row))))
        return
    only = set(ns.only.split(","))
    print(f"{'scenario':<8} {'command':<28} {'estimate s':>10} {'actual s':>9} "
          f"{'ratio':>6} {'within 2x':>9} {'pilot s':>8}  load before/after", flush=True)
    worst = 1.0
    for key in ns.scenarios.split(","):
        seen: set[str] = set()
        for command, size, options in ROWS[key]:
            if command not in only or (ns.max_size and size > ns.max_size):
                continue
            tag = command + ("+7" if options.get("models") else "")
            if ns.quick and tag in seen:
                continue
            seen.add(tag)
            spec = {"scenario": SCENARIOS[key], "command": command, "size": size, **options}
            label = f"{command}{' (7 models)' if options.get('models') else ''} {size:,}"
            before = os.getloadavg()[0]
            done = subprocess.run([sys.executable, __file__, "--row", json.dumps(spec)],
                                  capture_output=True, text=True, check=False)
            after = os.getloadavg()[0]
            if done.returncode != 0:
                tail = (done.stderr.strip().splitlines() or ["?"])[-1]
                print(f"{key:<8} {label:<28} failed: {tail}", flush=True)
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            ratio = r["estimate"] / r["actual"] if r["actual"] > 0 else float("inf")
            ok = 0.5 <= ratio <= 2.0
            worst = max(worst, ratio, 1 / ratio if ratio > 0 else float("inf"))
            print(f"{key:<8} {label:<28} {r['estimate']:10.2f} {r['actual']:9.2f} "
                  f"{ratio:6.2f} {'yes' if ok else 'NO':>9} {r['pilot']:8.2f}  "
                  f"{before:.1f}/{after:.1f}", flush=True)
    print(f"worst factor: {worst:.2f}")


if __name__ == "__main__":
    main()
