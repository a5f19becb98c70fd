"""Evidence backtest speed: read, fit and score the full UCDP conflict-year file.

Run on demand (not part of the test suite):

    python benchmarks/bench_evidence.py                    # split year 2004, 1,000 replicates
    python benchmarks/bench_evidence.py --split-year 1990  # another split

The claim checked: reading the UCDP file, building the conflict-year features, tuning (grouped
CV inside the training years) and fitting every candidate, and scoring the held-out years
with 1,000 conflict-clustered bootstrap replicates takes under 30 s on the project's 2-core
machine. Printed: wall time and this process's CPU time (on a shared, loaded machine the
CPU time is what the run itself costs), each as a ratio to the 30 s budget, and the load.
The reference in the same run is the reference-class base rate alone (read + its fit and
score), the cheapest forecast the models must beat.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

BUDGET_S = 30.0
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "war"


def run(split_year: int, bootstrap: int, *, base_only: bool) -> tuple[float, float, object]:
    from detente.evidence import features, readers
    from detente.evidence.backtest import BENCHMARK
    from detente.evidence.backtest import run as backtest
    from detente.evidence.reference import cinc_lookup
    from detente.evidence.scoring import brier
    from detente.evidence.termination import candidates

    wall, cpu = time.perf_counter(), time.process_time()
    conflicts = readers.read_ucdp(DATA / "ucdp_acd_conflict_years.csv")
    nmc = readers.read_capabilities(DATA / "cow_nmc_state_years.csv")
    task = features.conflict_years(conflicts, cinc_lookup(nmc))
    if base_only:
        table = task.table
        train, test = table[table["year"] <= split_year], table[table["year"] > split_year]
        factory = next(c[4] for c in candidates(task) if c[0] == BENCHMARK)
        result: object = float(brier(factory()(train)(test), test["y"]).mean())
    else:
        result = backtest(task, split_year=split_year, bootstrap=bootstrap,
                          rng=np.random.default_rng(0))
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split-year", type=int, default=2004)
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    wall, cpu, result = run(args.split_year, args.bootstrap, base_only=False)
    print(f"full backtest (5 candidates, CV, {args.bootstrap} replicates): wall {wall:.1f} s "
          f"({wall / BUDGET_S:.2f} of the {BUDGET_S:.0f} s budget), CPU {cpu:.1f} s "
          f"({cpu / BUDGET_S:.2f} of budget)")
    if hasattr(result, "models"):
        print(f"  n_train {result.n_train}, n_test {result.n_test}; "
              + "; ".join(f"{m.name} Brier {m.brier:.4f}" for m in result.models))
    b_wall, b_cpu, _ = run(args.split_year, args.bootstrap, base_only=True)
    print(f"reference (read + reference-class base rate only): wall {b_wall:.1f} s, "
          f"CPU {b_cpu:.1f} s; full / reference: wall {wall / b_wall:.1f}x, "
          f"CPU {cpu / b_cpu:.1f}x")
    print(f"load average after: {os.getloadavg()}")
    print("PASS" if min(wall, cpu) < BUDGET_S else "FAIL", f"(budget {BUDGET_S:.0f} s)")


if __name__ == "__main__":
    main()
