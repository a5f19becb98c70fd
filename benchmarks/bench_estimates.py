"""Benchmark: the guards' time estimates against the actual time (issue 31, item 2).

Target: every estimate within 2× of the actual time (0.5 ≤ estimate/actual ≤ 2), for
``simulate``, ``deals``, ``phase``, ``proposals``, ``report`` and ``outlook``, on the
bundled scenario and on the KTAB example at three sizes (``dummyData-a040/a080/a160``: 40,
80 and 160 actors). For each, the estimator the command's guard uses (``api.simulation_cost``,
``deals_cost``, ``phase_cost``, ``proposals_cost``, ``report_cost``, ``outlook_cost``) runs
first, then
the work itself in the same process (so both see the same imports and warm caches, as
a guarded command does: estimate, then run), and the estimate, the actual seconds and
their ratio are printed with the load average (the machine is shared; both are wall
times). A scenario without proposals has no ``proposals`` row, one without pressures no
``outlook`` row.

Run: ``PYTHONPATH=src python benchmarks/bench_estimates.py [--draws 100000]
[--ktab-draws 20000] [--paths 20000] [--only simulate,deals]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from detente import api
from detente.errors import DetenteError
from detente.present.brief import render_html

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ktab"
SHORT = 2.0
REPEAT = 5
SCENARIOS = ["ukraine-2025-11", *(str(DATA / f"dummyData-a{n:03d}.csv") for n in (40, 80, 160))]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=100_000,
                        help="simulate's draws on the bundled scenario (the README's example)")
    parser.add_argument("--ktab-draws", type=int, default=20_000,
                        help="simulate's draws on the KTAB files")
    parser.add_argument("--paths", type=int, default=20_000,
                        help="outlook's paths (with its default 1,000 driver paths)")
    parser.add_argument("--only", default="simulate,deals,phase,proposals,report,outlook")
    ns = parser.parse_args()
    only = set(ns.only.split(","))
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'scenario':<18} {'command':<24} {'estimate s':>10} {'actual s':>9} "
          f"{'ratio':>6}  within 2x")
    for name in SCENARIOS:
        sc = api.load(name)
        label = Path(name).stem
        draws = ns.draws if name == SCENARIOS[0] else ns.ktab_draws
        if "simulate" in only:
            _row(label, f"simulate {draws:,}",
                 lambda: api.estimate_simulation(sc, draws=draws),  # noqa: B023
                 lambda: api.simulate(sc, draws=draws))  # noqa: B023
        if "deals" in only:
            _row(label, "deals (robust 500)", lambda: api.deals_cost(sc).seconds(500),  # noqa: B023
                 lambda: api.analyse_deals(sc))  # noqa: B023
        if "phase" in only:
            _row(label, "phase (robust 500)", lambda: api.phase_cost(sc).seconds(500),  # noqa: B023
                 lambda: api.phase(sc))  # noqa: B023
        if "proposals" in only and sc.proposals:
            _row(label, "proposals --draws 2000",
                 lambda: api.proposals_cost(sc, draws=2000).seconds(2000),  # noqa: B023
                 lambda: api.proposals(sc, draws=2000))  # noqa: B023
        if "report" in only:
            _row(label, "report", lambda: api.report_cost(sc).seconds(1000),  # noqa: B023
                 lambda: render_html(api.brief(sc)))  # noqa: B023
        if "outlook" in only and sc.pressures:
            _row(label, f"outlook {ns.paths:,}",
                 lambda: api.outlook_cost(sc, paths=ns.paths).seconds(ns.paths),  # noqa: B023
                 lambda: api.outlook(sc, paths=ns.paths))  # noqa: B023
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _row(label: str, command: str, estimate: Callable[[], float],
         run: Callable[[], object]) -> float:
    """One estimate against one run; a run under :data:`SHORT` seconds is repeated
    (:data:`REPEAT` pairs, medians kept): on a loaded machine one sub-second timing can be
    off by seconds."""
    try:
        pairs = [(estimate(), timed(run))]
    except DetenteError as exc:  # e.g. no deal to phase on a one-issue file
        print(f"{label:<18} {command:<24} not applicable: {exc}", flush=True)
        return 1.0
    while pairs[-1][1] < SHORT and len(pairs) < REPEAT:
        pairs.append((estimate(), timed(run)))
    est = statistics.median(e for e, _ in pairs)
    actual = statistics.median(a for _, a in pairs)
    ratio = est / actual if actual > 0 else float("inf")
    ok = 0.5 <= ratio <= 2.0
    print(f"{label:<18} {command:<24} {est:10.2f} {actual:9.2f} {ratio:6.2f}  "
          f"{'yes' if ok else 'NO'}{f'  (median of {len(pairs)})' if len(pairs) > 1 else ''}",
          flush=True)
    return max(ratio, 1 / ratio) if ratio > 0 else float("inf")


if __name__ == "__main__":
    main()
