"""Benchmark: start-up of the ``detente`` command (issue 31, item 3).

Targets: ``detente --version`` and ``detente --help`` under 0.3 s, ``detente forecast``
on the bundled scenario under 1 s of CPU. Each command runs ``--repeat`` times (default
5) in a fresh interpreter, with its output to a pipe; the best wall time and the best (and
median) CPU time (user + system of the child) are printed with their ratio to the target,
also through a console script as pip writes it (``detente --help (script)``), beside a
bare ``python -c pass``
(the interpreter's own start-up, which no change to detente can remove), the *floor*
(importing only the libraries ``forecast`` cannot do without: numpy, pydantic for the
scenario model, Typer and Rich for the command line; SciPy's ``ndtr``/``ndtri`` are
ported bit for bit in :mod:`detente.uncertainty.normal`, so a small run no longer needs
SciPy) and the load average (on a shared, loaded machine the wall time includes waiting
for a core). Then ``python -X importtime`` of ``forecast`` and ``--help`` once each: the
self time summed per top-level package (detente per subpackage) and the slowest single
imports, cumulative, as evidence of where the rest goes.

``--src DIR`` (repeatable) times other checkouts' ``src`` (e.g. main's) in the same run,
**interleaved**: each repetition runs every ``src`` in turn, so a change of load touches
them alike; each row gives the best and the median CPU, and a last table the ratio of
each ``src`` to the first (best and median CPU): the before/after of a change.

Run: ``PYTHONPATH=src python benchmarks/bench_startup.py [--src BEFORE/src --src src]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
SCRIPT = Path(tempfile.gettempdir()) / f"detente-bench-script-{os.getpid()}.py"
"""A console script as pip writes it for ``[project.scripts] detente``."""
SCRIPT_TEXT = """import re
import sys
from detente.cli.entry import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""
RUNS = [
    ("python -c pass", ["-c", "pass"], None),
    ("detente --version", ["-m", "detente", "--version"], 0.3),
    ("detente --help", ["-m", "detente", "--help"], 0.3),
    ("detente --help (script)", [str(SCRIPT), "--help"], 0.3),
    ("detente forecast", ["-m", "detente", "forecast"], 1.0),
]
FLOOR = ("floor: libraries", ["-c", "import numpy, pydantic, typer, rich.console"])


def importtime(args: list[str], src: Path) -> list[tuple[int, int, str]]:
    """``(self µs, cumulative µs, module)`` of every import of ``python -X importtime args``."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "80"}
    run = subprocess.run([sys.executable, "-X", "importtime", *args], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         check=True)
    out = []
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, cumulative, name = line[len("import time:"):].split("|")
            out.append((int(own), int(cumulative), name.rstrip()))
    return out


def print_importtime(src: Path, args: list[str], top: int = 12) -> None:
    """Where a command's imports go: self time per package, slowest imports."""
    rows = importtime(args, src)
    per: dict[str, int] = {}
    for own, _, name in rows:
        parts = name.strip().split(".")
        key = ".".join(parts[:2]) if parts[0] == "detente" else parts[0]
        per[key] = per.get(key, 0) + own
    total = sum(per.values())
    print(f"\npython -X importtime {' '.join(args)}: {total / 1e6:.3f} s of imports "
          f"({len(rows)} modules); self time per package:")
    for key, us in sorted(per.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {key:<32} {us / 1e6:7.3f}")
    print("slowest imports (cumulative, with what they import; indent = depth):")
    for _, cumulative, name in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"  {name:<56} {cumulative / 1e6:7.3f}")


def one_run(args: list[str], src: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one ``python args``."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "80"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, stdout=subprocess.PIPE,
                   stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-importtime", action="store_true",
                        help="skip the -X importtime breakdowns")
    parser.add_argument("--src", type=Path, action="append", default=None,
                        help="a src directory to time (repeatable; default: this checkout's)")
    ns = parser.parse_args()
    srcs = ns.src or [SRC]
    SCRIPT.write_text(SCRIPT_TEXT)
    try:
        run(srcs, ns.repeat, not ns.no_importtime)
    finally:
        SCRIPT.unlink(missing_ok=True)


def run(srcs: list[Path], repeat: int, imports: bool) -> None:
    """Time every command of every ``src``, interleaved, and print the tables."""
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{repeat} runs of each, sources interleaved")
    rows: dict[Path, list[str]] = {src: [] for src in srcs}
    cpu: dict[tuple[str, Path], tuple[float, float]] = {}
    commands = [*RUNS[:1], (*FLOOR, None), *RUNS[1:]]
    for label, args, target in commands:
        times: dict[Path, list[tuple[float, float]]] = {src: [] for src in srcs}
        for _ in range(repeat):
            for src in srcs:
                times[src].append(one_run(args, src))
        for src in srcs:
            walls = sorted(w for w, _ in times[src])
            cpus = sorted(c for _, c in times[src])
            cpu[label, src] = (cpus[0], statistics.median(cpus))
            tgt = f"{target:.1f}" if target else ""
            ratio = f"{cpus[0] / target:.2f}" if target else ""
            rows[src].append(f"{label:<24} {walls[0]:8.3f} {cpus[0]:8.3f} "
                             f"{statistics.median(cpus):8.3f} {tgt:>7} {ratio:>11}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for src in srcs:
        print(f"\n{src}")
        print(f"{'command':<24} {'wall s':>8} {'cpu s':>8} {'median':>8} {'target':>7} "
              f"{'cpu/target':>11}")
        print("\n".join(rows[src]))
    if len(srcs) > 1:
        print(f"\nCPU of each src / the first's ({srcs[0]}): best, median")
        for n, src in enumerate(srcs[1:], 2):
            print(f"  src {n}: {src}")
        print(f"{'command':<24} " + " ".join(f"{f'src {n}':>17}" for n in range(2, len(srcs) + 1)))
        for label, _, _ in commands:
            first = cpu[label, srcs[0]]
            print(f"{label:<24} " + " ".join(
                f"{cpu[label, s][0] / first[0]:8.2f} {cpu[label, s][1] / first[1]:8.2f}"
                for s in srcs[1:]))
    if imports:
        for src in srcs:
            print(f"\n== {src}")
            print_importtime(src, ["-m", "detente", "forecast"])
            print_importtime(src, ["-m", "detente", "--help"])


if __name__ == "__main__":
    main()
