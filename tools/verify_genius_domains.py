"""Check detente's GENIUS reading and deal frontier against the exact referee, folder by folder.

Usage::

    PYTHONPATH=src python tools/verify_genius_domains.py FOLDER [--max-outcomes N]

``FOLDER`` holds GENIUS negotiations, one sub-folder each (a domain file,
root ``<negotiation_template>``, and one utility-space file per party).
Nothing is downloaded: the script reads what is on disk.

For every negotiation it reads the folder with detente
(:func:`detente.api.deal_problem`, then :func:`detente.deals.analyse`) and
with the independent referee of the tests (``tests/formats/genius_referee.py``:
standard-library XML, exact :class:`fractions.Fraction` utilities, one
outcome at a time), and prints the parties, the number of outcomes, the size
of detente's frontier and of the referee's exact frontier, whether the two are
equal as sets of outcomes (ties included), and the largest difference between
detente's float utilities and the exact ones; or the reason detente refused
the folder. A summary line counts the folders checked, equal, different and
refused. The exit status is 1 when any frontier differs.

The referee's own frontier compares every pair of acceptable outcomes; above
``--pairwise`` acceptable outcomes the script finds the exact frontier from
the referee's exact utilities by a sort-and-sweep instead (the outcomes in
decreasing lexicographic order of their utility vectors, each kept unless a
kept outcome weakly dominates it with a different vector), still in exact
arithmetic. Negotiations with more than ``--max-outcomes`` outcomes are
skipped (the Fraction referee takes about a minute per 10^5 outcomes and
party).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import numpy as np

from detente import api, deals
from detente.errors import DetenteError

REFEREE = Path(__file__).resolve().parents[1] / "tests" / "formats" / "genius_referee.py"


def _referee() -> ModuleType:
    spec = importlib.util.spec_from_file_location("genius_referee", REFEREE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exact_frontier(outs: list[tuple[str, ...]], utils: list[list[Fraction]],
                   reservations: list[Fraction]) -> set[tuple[str, ...]]:
    """The acceptable outcomes (every utility at least its reservation value) that no
    acceptable outcome weakly dominates with a different utility vector, by sort and sweep.

    Utilities become integers per party (times the least common multiple of the
    denominators), so every comparison is exact. In decreasing lexicographic order
    a dominator always comes before what it dominates, and dominance is transitive,
    so comparing each outcome with the kept ones suffices."""
    n_a = len(reservations)
    scale = [1] * n_a
    for row in utils:
        for a, x in enumerate(row):
            scale[a] = math.lcm(scale[a], x.denominator)
    for a, r in enumerate(reservations):
        scale[a] = math.lcm(scale[a], r.denominator)
    res = [int(r * s) for r, s in zip(reservations, scale, strict=True)]
    rows = [(tuple(int(x * s) for x, s in zip(u, scale, strict=True)), o)
            for u, o in zip(utils, outs, strict=True)]
    rows = [(k, o) for k, o in rows if all(x >= r for x, r in zip(k, res, strict=True))]
    rows.sort(key=lambda r: r[0], reverse=True)
    kept: list[tuple[int, ...]] = []
    front = set()
    for k, o in rows:
        if any(c != k and all(x >= y for x, y in zip(c, k, strict=True)) for c in kept):
            continue
        if not kept or kept[-1] != k:
            kept.append(k)
        front.add(o)
    return front


def _outcomes(problem, rows) -> set[tuple[str, ...]]:
    return {tuple(problem.space.option_names[i][int(o)] for i, o in enumerate(row))
            for row in rows}


def check(folder: Path, referee: ModuleType, *, max_outcomes: int, pairwise: int
          ) -> tuple[str, str]:
    """``(status, line)`` for one negotiation folder; status ``equal``, ``differs``,
    ``refused``, ``skipped`` or ``referee-failed``."""
    try:
        problem = api.deal_problem(folder)
    except DetenteError as exc:
        return "refused", f"{folder.name}: refused by detente: {exc}"
    size = problem.space.size
    head = f"{folder.name}: {len(problem.actors)} parties, {size} outcomes"
    if size > max_outcomes:
        return "skipped", f"{head}: skipped (more than {max_outcomes} outcomes)"
    try:
        report = deals.analyse(problem)
    except DetenteError as exc:
        return "refused", f"{head}: deals refused by detente: {exc}"
    ours = _outcomes(problem, report.frontier_options)
    try:
        outs, names, utils, res = referee.table(folder)
    except Exception as exc:  # the referee reads only what GENIUS 10.4 reads
        return "referee-failed", f"{head}: referee failed ({type(exc).__name__}: {exc})"
    acceptable = sum(all(x >= r for x, r in zip(u, res, strict=True)) for u in utils)
    if acceptable <= pairwise:
        theirs = referee.frontier(folder)
    else:
        theirs = exact_frontier(outs, utils, res)
    # detente's actors follow the profile files in name order, as the referee's names do
    ours_u = problem.utilities(np.arange(size))
    names_of = problem.space.option_names
    index = {tuple(names_of[i][int(x)] for i, x in enumerate(row)): k
             for k, row in enumerate(problem.space.decode(np.arange(size)))}
    gap = max((abs(float(utils[k][a]) - float(ours_u[index[o], a]))
               for k, o in enumerate(outs) for a in range(len(names))), default=0.0)
    equal = ours == theirs
    line = (f"{head}, frontier {len(ours)} (referee {len(theirs)}): "
            f"{'equal' if equal else 'DIFFERENT'}; largest utility gap {gap:.1e}")
    if not equal:
        only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
        line += (f"\n    only in detente's ({len(only_ours)}): {only_ours[:3]}"
                 f"\n    only in the referee's ({len(only_theirs)}): {only_theirs[:3]}")
    return ("equal" if equal else "differs"), line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of GENIUS negotiation folders")
    parser.add_argument("--max-outcomes", type=int, default=400_000,
                        help="skip negotiations with more outcomes (default 400000)")
    parser.add_argument("--pairwise", type=int, default=3000,
                        help="use the referee's pairwise frontier up to this many acceptable "
                             "outcomes, the exact sweep above (default 3000)")
    args = parser.parse_args(argv)
    referee = _referee()
    folders = sorted(p for p in args.folder.iterdir() if p.is_dir())
    counts: dict[str, int] = {}
    for folder in folders:
        status, line = check(folder, referee, max_outcomes=args.max_outcomes,
                             pairwise=args.pairwise)
        counts[status] = counts.get(status, 0) + 1
        print(line, flush=True)
    order = ["equal", "differs", "refused", "referee-failed", "skipped"]
    print(f"{len(folders)} negotiations: " + ", ".join(
        f"{counts.get(k, 0)} {k}" for k in order))
    return 1 if counts.get("differs") else 0


if __name__ == "__main__":
    sys.exit(main())
