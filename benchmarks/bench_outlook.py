"""The outlook's speed and memory: the bundled scenario over 24 months × 10^4 paths on 2
workers, and 10^5 paths on a local Dask cluster against the local run (identical).

Run on demand (not part of the test suite):

    python benchmarks/bench_outlook.py              # both parts
    python benchmarks/bench_outlook.py --quick      # 10^4 paths only
    python benchmarks/bench_outlook.py --paths 50000 --big 200000
    python benchmarks/bench_outlook.py --scenario my.yaml --agreement any

Each configuration runs in a fresh subprocess so that its peak resident memory
(``ru_maxrss``, MB) is its own. The timed figures are wall-clock of the outlook alone
(drivers off, after a warm-up run of 200 paths: imports excluded) and the CPU seconds
of the process (its threads; Dask workers are separate processes, not counted). The
claim checked: 24 months × 10^4 paths in under 10 s on 2 cores; 10^5 paths on Dask
identical to the local run (every per-path array equal). The machine's load average is
printed beside the results: on a shared machine wall-clock is only as good as the
cores the run got; the ratio of the target to the measured time is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = "ukraine-2025-11"
TARGET_SECONDS = 10.0
MONTHS = 24

CHILD = r"""
import json, resource, sys, time
import numpy as np
import detente
from detente.outlook import make_job, run_job

def main():
    months, paths, engine, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    sc = detente.load(sys.argv[5])
    settle = sys.argv[6] == "settlements"
    run_job(make_job(sc, months=months, paths=200, settlements_only=settle), workers=2)
    wall, cpu = time.perf_counter(), time.process_time()
    job = make_job(sc, months=months, paths=paths, settlements_only=settle)
    r = run_job(job, engine=engine, workers=2)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    np.savez(out, first_open=r.first_open, agreed=r.agreed, package=r.package,
             renege=r.renege, batna=r.batna_at_agreement, open_count=r.open_count,
             hist=r.hist)
    print(json.dumps({"wall": wall, "cpu": cpu, "candidates": len(job.candidates),
                      "p_agreed": float((r.agreed >= 0).mean()),
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))

if __name__ == "__main__":
    main()
"""


def run(months: int, paths: int, engine: str, tmp: Path, scenario: str = SCENARIO,
        agreement: str = "settlements") -> tuple[dict, Path]:
    script = tmp / "child.py"
    script.write_text(CHILD)
    out = tmp / f"{engine}-{paths}.npz"
    env = {**os.environ}
    done = subprocess.run([sys.executable, str(script), str(months), str(paths), engine,
                           str(out), scenario, agreement], capture_output=True, text=True,
                          env=env,
                          check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1]), out


def same(a: Path, b: Path) -> bool:
    import numpy as np

    x, y = np.load(a), np.load(b)
    return all(np.array_equal(x[k], y[k], equal_nan=True) for k in x.files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=MONTHS)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--scenario", default=SCENARIO, help="a scenario name or file")
    ap.add_argument("--agreement", choices=("settlements", "any"), default="settlements",
                    help="what counts as an agreement (the command's default: settlements)")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2-core machine)")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        r, _ = run(args.months, args.paths, "local", t, args.scenario, args.agreement)
        print(f"{args.scenario} ({args.agreement}): {args.months} months × {args.paths:,} "
              f"paths, local, 2 workers: "
              f"{r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, peak RSS {r['rss_mb']:.0f} MB, "
              f"{r['candidates']} candidate packages, P(agreed by month {args.months}) "
              f"{r['p_agreed']:.3f}")
        met = "met" if r["wall"] < TARGET_SECONDS else "NOT met"
        print(f"  target {TARGET_SECONDS:.0f} s: {met} "
              f"(target/measured {TARGET_SECONDS / r['wall']:.1f}x)")
        if not args.quick:
            loc, a = run(args.months, args.big, "local", t, args.scenario, args.agreement)
            dsk, b = run(args.months, args.big, "dask", t, args.scenario, args.agreement)
            print(f"{args.big:,} paths, local 2 threads: {loc['wall']:.2f} s wall, "
                  f"{loc['cpu']:.2f} s CPU, peak RSS {loc['rss_mb']:.0f} MB")
            print(f"{args.big:,} paths, local Dask cluster (2 workers): {dsk['wall']:.2f} s "
                  f"wall, caller's peak RSS {dsk['rss_mb']:.0f} MB")
            print(f"  Dask identical to local: {same(a, b)}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"finished {time.strftime('%H:%M:%S')}")


if __name__ == "__main__":
    main()
