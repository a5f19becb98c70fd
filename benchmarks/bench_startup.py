"""Benchmark: start-up of the ``detente`` command (issue 31, item 3).

Targets: ``detente --version`` and ``detente --help`` under 0.3 s, ``detente forecast``
on the bundled scenario under 1 s of CPU. Each command runs ``--repeat`` times (default
5) in a fresh interpreter; the best wall time and the best CPU time (user + system of
the child) are printed with their ratio to the target, beside a bare ``python -c pass``
(the interpreter's own start-up, which no change to detente can remove) and the load
average (on a shared, loaded machine the wall time includes waiting for a core).
``--src DIR`` times another checkout's ``src`` (e.g. main's) in the same run.

Run: ``PYTHONPATH=src python benchmarks/bench_startup.py [--src ../main/src]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
RUNS = [
    ("python -c pass", ["-c", "pass"], None),
    ("detente --version", ["-m", "detente", "--version"], 0.3),
    ("detente --help", ["-m", "detente", "--help"], 0.3),
    ("detente forecast", ["-m", "detente", "forecast"], 1.0),
]


def best_of(args: list[str], src: Path, repeat: int) -> tuple[float, float]:
    """Best wall and best CPU seconds of ``python args`` over ``repeat`` runs."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "80"}
    wall = cpu = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        wall = min(wall, time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = min(cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--src", type=Path, action="append", default=None,
                        help="a src directory to time (repeatable; default: this checkout's)")
    ns = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"best of {ns.repeat}")
    for src in ns.src or [SRC]:
        print(f"\n{src}")
        print(f"{'command':<20} {'wall s':>8} {'cpu s':>8} {'target':>7} {'cpu/target':>11}")
        for label, args, target in RUNS:
            wall, cpu = best_of(args, src, ns.repeat)
            tgt = f"{target:.1f}" if target else ""
            ratio = f"{cpu / target:.2f}" if target else ""
            print(f"{label:<20} {wall:8.3f} {cpu:8.3f} {tgt:>7} {ratio:>11}")


if __name__ == "__main__":
    main()
