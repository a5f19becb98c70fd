"""Pareto frontier of 10^6 deals, 4 parties: detente vs negmas, side by side in one run.

Domains: 6 issues × 10 options (10^6 deals), additive utilities. "random":
uniform option values and random weights; "high-conflict": each option's
values are 90% a Dirichlet split of one unit among the parties (what one
gains another loses) plus 10% noise. Timed, for the same utility points:

- detente ``deal_frontier`` (from the per-issue tables: additive merge);
- detente ``pareto_mask`` on the 10^6 enumerated points (grid + Kung);
- negmas ``pareto_frontier_numpy`` on the same points (run in a child
  process with a time limit, ``--timeout``, default 300 s).

Run: ``python benchmarks/bench_deals.py [--timeout S]``. Prints times, ratios
and whether the frontiers agree (same size, same set of utility vectors). negmas is
in the ``dev`` extra, not in the runtime dependencies: install it first with
``pip install 'negmas>=0.11'`` (or the README's development set-up).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

import numpy as np

from detente.deals import DealProblem, deal_frontier, pareto_mask


def domain(rng: np.random.Generator, conflict: float, issues: int = 6, values: int = 10,
           parties: int = 4) -> list[np.ndarray]:
    w = rng.dirichlet(np.ones(issues), parties)
    out = []
    for i in range(issues):
        noise = rng.random((values, parties))
        split = rng.dirichlet(np.ones(parties), values)
        out.append(((1 - conflict) * noise + conflict * split) * w[:, i])
    return out


def _vectors(points: np.ndarray) -> set[tuple[float, ...]]:
    """A frontier as a set of utility vectors (rounded to 12 places)."""
    return {tuple(r) for r in np.round(points, 12)}


def _negmas(points: np.ndarray, queue: mp.Queue) -> None:
    from negmas.preferences.ops import pareto_frontier_numpy

    t = time.perf_counter()
    idx = pareto_frontier_numpy(points, sort_by_welfare=False)
    queue.put((time.perf_counter() - t, np.asarray(idx)))


def run(name: str, conflict: float, timeout: float) -> None:
    tables = domain(np.random.default_rng(2025), conflict)
    p = DealProblem.from_tables(tables)
    t = time.perf_counter()
    _, fu = deal_frontier(tables)
    t_add = time.perf_counter() - t
    t = time.perf_counter()
    u = p.utilities(np.arange(p.space.size))
    t_enum = time.perf_counter() - t
    t = time.perf_counter()
    mask = pareto_mask(u)
    t_pts = time.perf_counter() - t
    queue: mp.Queue = mp.Queue()
    proc = mp.Process(target=_negmas, args=(u, queue))
    t = time.perf_counter()
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        t_neg, agree = None, "n/a"
    else:
        t_neg, idx = queue.get()
        agree = _vectors(u[idx]) == _vectors(u[mask])
    merged = len(fu) == int(mask.sum()) and _vectors(fu) == _vectors(u[mask])
    print(f"{name}: {p.space.size} deals, 4 parties, frontier {int(mask.sum())} "
          f"(additive merge agrees: {merged})")
    print(f"  detente deal_frontier (tables)      {t_add:8.3f} s")
    print(f"  detente pareto_mask (points)        {t_pts:8.3f} s  (+ {t_enum:.3f} s to enumerate)")
    if t_neg is None:
        print(f"  negmas pareto_frontier_numpy        > {timeout:.0f} s (stopped)")
        print(f"  ratio negmas/detente: > {timeout / t_add:.0f}x (tables), "
              f"> {timeout / t_pts:.0f}x (points)")
    else:
        print(f"  negmas pareto_frontier_numpy        {t_neg:8.3f} s  same frontier: {agree}")
        print(f"  ratio negmas/detente: {t_neg / t_add:.0f}x (tables), {t_neg / t_pts:.0f}x "
              "(points)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args()
    run("random", 0.0, args.timeout)
    run("high-conflict", 0.9, args.timeout)


if __name__ == "__main__":
    main()
