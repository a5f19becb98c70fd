"""Time detente's SMP on KTAB's inputs and on 300-, 500- and 1,000-actor random ones.

Run on demand (the project's own environment is enough, no peer or extra needed):

    python benchmarks/bench_smp.py                      # KTAB's files and 300, 500 actors
    python benchmarks/bench_smp.py --large 300 500 1000 # the 1,000-actor run too (minutes)
    python benchmarks/bench_smp.py --before /path/to/old/src   # ratio against older code

Every input runs in a fresh Python process (so that its peak resident memory is its
own) with ``PYTHONPATH`` set to this checkout's ``src``; the figures are wall and CPU
seconds of the forecast alone (reading the file and importing detente excluded; from 64
actors on the first forecast includes loading numba and the cached compiled loops, about
0.6 CPU s once per process, and compiling them on the very first run after an install),
"warm CPU" that of a second forecast in the same process (up to 200 actors), and the peak
RSS of the process. ``--before SRC`` runs the same inputs in the same way on another source
tree (e.g. ``/work/main/src``, or a ``git worktree`` of an older commit) up to
``--before-max-actors`` actors, prints the ratio before/now of wall and CPU time and
whether the two runs give the same numbers (a hash of every turn's records and
read-outs). KTAB's own times are those measured on the 2-core machine with its -O2 build
and no database (``shared/docs/models/smp.md``); for 200 × 5 KTAB took about 7 minutes
per turn and never finished. The 300/500/1,000-actor files are made by
``benchmarks/smp_inputs.py`` (seeded) into a cache directory.

Targets: 100 × 5 under 1 s; 500 × 5 to convergence under 60 s and 1 GiB; 1,000 × 5
completes; judged on the CPU seconds of the first forecast in a fresh process. The
machine's load average is printed: on a shared machine the wall-clock figures are only as
good as the cores the run got (CPU seconds are steadier).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import smp_inputs

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "ktab"

# file -> KTAB's time in seconds (None: not measured or never finished)
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
TARGETS = {100: ("100 × 5 under 1 s", 1.0, None), 500: ("500 × 5 under 60 s, 1 GiB", 60.0, 1024)}

CHILD = r"""
import hashlib, json, resource, sys, time
from detente.extras import extras_of
from detente.formats import read
from detente.models.smp import SpatialModelOfPolitics
scenario = read(sys.argv[1])
model = SpatialModelOfPolitics().bind(extras_of(scenario))
def timed():
    wall, cpu = time.perf_counter(), time.process_time()
    forecast = model.forecast(scenario)
    return forecast, time.perf_counter() - wall, time.process_time() - cpu
forecast, wall, cpu = timed()
warm = timed()[2] if len(scenario.actors) <= int(sys.argv[2]) else None
digest = hashlib.sha256(json.dumps(forecast.details.to_dict(), sort_keys=True).encode())
digest.update(forecast.trajectory.outcome.tobytes())
print(json.dumps({"turns": forecast.details.turns[0], "wall": wall, "cpu": cpu, "warm": warm,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "actors": len(scenario.actors), "issues": len(scenario.issues),
                  "numba": "numba" in sys.modules, "hash": digest.hexdigest()}))
"""
#: inputs up to this many actors are forecast a second time in the same process ("warm":
#: the compiled loops already loaded), beside the first forecast of a fresh process
WARM_MAX_ACTORS = 200


def run(path: Path, src: Path) -> dict:
    """One forecast of ``path`` in a fresh process importing detente from ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(WARM_MAX_ACTORS)],
                          env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{path.name} on {src}: failed\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", type=int, nargs="*", default=[300, 500],
                        help="actors of the generated 5-dimension inputs (default 300 500)")
    parser.add_argument("--skip-ktab", action="store_true", help="leave out KTAB's files")
    parser.add_argument("--before", type=Path, default=None,
                        help="another source tree (its src/) to time the same inputs on")
    parser.add_argument("--before-max-actors", type=int, default=300,
                        help="largest input run on --before (older code needs A³ memory)")
    args = parser.parse_args()
    inputs: list[tuple[Path, float | None]] = []
    if not args.skip_ktab:
        inputs += [(DATA / name, ktab) for name, ktab in KTAB_SECONDS.items()]
    inputs += [(smp_inputs.ensure(a), None) for a in args.large]
    ours = REPO / "src"
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{len(os.sched_getaffinity(0))} cores")
    head = (f"{'input':24} {'A×I':>8} {'turns':>5} {'wall s':>8} {'CPU s':>8} {'warm CPU':>8} "
            f"{'MiB':>6} {'KTAB s':>8} {'KTAB/us':>8}")
    if args.before:
        head += f" {'before wall':>11} {'before CPU':>10} {'× wall':>7} {'× CPU':>6} same"
    print(head)
    for path, ktab in inputs:
        now = run(path, ours)
        shape = f"{now['actors']}×{now['issues']}"
        if ktab is None and path.name == "rand_a200_d5.csv":
            ktab = KTAB_SECONDS_PER_TURN_200 * now["turns"]  # never finished: a lower bound
        ref = f"{ktab:8.1f} {ktab / now['wall']:8.0f}" if ktab else f"{'-':>8} {'-':>8}"
        warm = f"{now['warm']:8.2f}" if now["warm"] is not None else f"{'-':>8}"
        line = (f"{path.name:24} {shape:>8} {now['turns']:5d} {now['wall']:8.2f} "
                f"{now['cpu']:8.2f} {warm} {now['rss_mib']:6.0f} {ref}")
        if args.before and now["actors"] <= args.before_max_actors:
            old = run(path, args.before)
            same = "yes" if old["hash"] == now["hash"] else "NO"
            line += (f" {old['wall']:11.2f} {old['cpu']:10.2f} {old['wall'] / now['wall']:7.1f}"
                     f" {old['cpu'] / now['cpu']:6.1f} {same}")
        target = TARGETS.get(now["actors"])
        if target:
            label, seconds, mib = target
            met = now["cpu"] < seconds and (mib is None or now["rss_mib"] < mib)
            line += f"   target {label} (CPU s, fresh process): {'met' if met else 'missed'}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
