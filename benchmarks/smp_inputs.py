"""Large random KTAB inputs for the SMP benchmark, generated reproducibly from a seed.

KTAB ships random scenarios up to 200 actors (``shared/data/ktab/rand_a200_d5.csv``);
the 300-, 500- and 1,000-actor files that ``bench_smp.py`` times are made here, in the
same CSV layout and with the same ranges as KTAB's own (power uniform on [10, 200],
positions uniform on [0, 100], five saliences per actor summing to 75-99), from a
``numpy`` generator seeded with ``seed + actors`` so that each file is the same on every
machine. They are written to a cache directory (``$DETENTE_BENCH_CACHE``, else
``<tmp>/detente-bench``), not into the repository.

    python benchmarks/smp_inputs.py [--actors 300 500 1000] [--dims 5] [--seed 32]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np

SEED = 32
SIZES = (300, 500, 1000)


def cache_dir() -> Path:
    """Where generated inputs live: ``$DETENTE_BENCH_CACHE`` or ``<tmp>/detente-bench``."""
    env = os.environ.get("DETENTE_BENCH_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / "detente-bench"


def ktab_csv(actors: int, dims: int, seed: int = SEED) -> str:
    """The text of a random KTAB CSV scenario of ``actors`` × ``dims``."""
    rng = np.random.default_rng(seed + actors)
    power = rng.uniform(10.0, 200.0, actors)
    pos = rng.uniform(0.0, 100.0, (actors, dims))
    share = rng.dirichlet(np.ones(dims), actors)
    sal = share * rng.uniform(75.0, 99.0, actors)[:, None]
    name = f"Rand{actors}x{dims}"
    lines = [f"{name},Random scenario {actors} actors {dims} dims,{actors},{dims},",
             "Actor,Description,Power,"
             + "".join(f"Pstn{k + 1},Sal{k + 1}," for k in range(dims))]
    for a in range(actors):
        cells = "".join(f"{pos[a, k]:.2f},{sal[a, k]:.2f}," for k in range(dims))
        lines.append(f"A{a:03d},Random actor,{power[a]:.3f},{cells}")
    return "\n".join(lines) + "\n"


def ensure(actors: int, dims: int = 5, seed: int = SEED) -> Path:
    """The path of the ``actors`` × ``dims`` file, written (atomically) if missing."""
    path = cache_dir() / f"rand_a{actors:03d}_d{dims}_s{seed}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(ktab_csv(actors, dims, seed))
        tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actors", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--dims", type=int, default=5)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for a in args.actors:
        print(ensure(a, args.dims, args.seed))


if __name__ == "__main__":
    main()
