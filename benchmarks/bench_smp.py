"""Time detente's SMP on KTAB's inputs against KTAB's own timings (the reference).

Run on demand: ``python benchmarks/bench_smp.py [--repeat N]``. KTAB's numbers
are those measured on the 2-core machine with its -O2 build and no database
(``shared/docs/models/smp.md``); for 200 × 5 KTAB took about 7 minutes per turn
and never finished, so its reference is 420 s times the number of turns we need.
Targets: 100 × 5 under 2 s, 200 × 5 to convergence under 30 s.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from detente.extras import extras_of
from detente.formats import read
from detente.models.smp import SpatialModelOfPolitics

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ktab"

# file -> KTAB's time in seconds (None: per-turn figure, see below)
KTAB_SECONDS: dict[str, float | None] = {
    "dummyData_3Dim.csv": 0.18,
    "SOE-Pol-Comp.csv": 0.41,
    "SOE-Policy.csv": 0.8,
    "dummyData_6Dim.csv": 1.3,
    "SOE-Competitive.csv": 3.1,
    "dummyData-a040.csv": 3.0,
    "rand_a050_d5.csv": 9.4,
    "dummyData-a080.csv": 32.8,
    "rand_a100_d5.csv": 194.0,
    "rand_a200_d5.csv": None,
}
KTAB_SECONDS_PER_TURN_200 = 420.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1, help="runs per file (best is kept)")
    parser.add_argument("--skip-200", action="store_true", help="leave out the 200-actor run")
    args = parser.parse_args()
    model = SpatialModelOfPolitics()
    print(f"{'input':22} {'actors×dims':>11} {'turns':>5} {'detente s':>10} {'KTAB s':>9} "
          f"{'KTAB/detente':>12}")
    for name, ktab in KTAB_SECONDS.items():
        if args.skip_200 and "a200" in name:
            continue
        scenario = read(DATA / name)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            forecast = model.bind(extras_of(scenario)).forecast(scenario)
            best = min(best, time.perf_counter() - start)
        turns = forecast.details.turns[0]
        ref = ktab if ktab is not None else KTAB_SECONDS_PER_TURN_200 * turns
        shape = f"{len(scenario.actors)}×{len(scenario.issues)}"
        note = "" if ktab is not None else "  (KTAB: 420 s/turn × turns, never finished)"
        print(f"{name:22} {shape:>11} {turns:5d} {best:10.3f} {ref:9.1f} {ref / best:12.0f}{note}")


if __name__ == "__main__":
    main()
