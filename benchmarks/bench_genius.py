"""A GENIUS negotiation of 390,625 deals, 3 parties: exact frontier vs floating point, one run.

Writes a random GENIUS folder (8 discrete issues × 5 items, integer
evaluations 0..10, reservation value 0.3; weights with two decimals, then
weights with 16–17 digits as GENIUS writes them, whose keys are Python
integers) into a temporary folder, reads it with ``detente.deal_problem``
and times, for the same problem:

- the exact route (what ``detente deals`` does on GENIUS files): the merge on
  scaled-integer keys, acceptance at least the reservation value, the
  frontier ordered by exact total, the five bargaining solutions scored in
  exact arithmetic;
- the floating-point route (what detente did before issue 21): the merge on
  the float tables, the float solutions;
- the ZOPA's pass over every deal (acceptance on the keys).

Prints both times, their ratio, both frontier sizes and how the frontiers
differ (deals only floating point keeps: exactly weakly dominated; deals only
the exact route keeps: exact ties floating point drops). Run: ``python
benchmarks/bench_genius.py [--seed N]``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np

import detente
import detente.deals
from detente.deals import deal_frontier, frontier
from detente.deals.solutions import all_solutions

ISSUES, ITEMS, PARTIES = 8, 5, 3


def write_folder(folder: Path, seed: int, *, long: bool = False) -> None:
    """Weights with two decimals, or (``long``) as GENIUS writes them: 16–17 digits."""
    rng = random.Random(seed)
    dom = ['<negotiation_template><utility_space><objective index="0" name="bench">']
    for i in range(ISSUES):
        dom.append(f'<issue index="{i + 1}" name="issue{i}" type="discrete">')
        dom += [f'<item index="{j + 1}" value="v{j}"/>' for j in range(ITEMS)]
        dom.append("</issue>")
    dom.append("</objective></utility_space></negotiation_template>")
    (folder / "bench-domain.xml").write_text("\n".join(dom))
    for p in range(PARTIES):
        raw = [rng.randint(1, 20) for _ in range(ISSUES)]
        cents = [round(100 * w / sum(raw)) for w in raw]
        cents[int(np.argmax(cents))] += 100 - sum(cents)
        weights = [repr(w / sum(raw)) if long else str(c / 100) for w, c in zip(raw, cents,
                                                                                  strict=True)]
        out = ['<utility_space><objective index="0" name="bench">']
        for i in range(ISSUES):
            out.append(f'<issue index="{i + 1}" name="issue{i}" type="discrete">')
            out += [f'<item index="{j + 1}" value="v{j}" evaluation="{rng.randint(0, 10)}"/>'
                    for j in range(ITEMS)]
            out.append(f'</issue><weight index="{i + 1}" value="{weights[i]}"/>')
        out.append('</objective><reservation value="0.3"/></utility_space>')
        (folder / f"bench-party{p}.xml").write_text("\n".join(out))


def run(seed: int, long: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_folder(Path(tmp), seed, long=long)
        t = time.perf_counter()
        problem = detente.deal_problem(tmp)
        t_read = time.perf_counter() - t
    t = time.perf_counter()
    exact = frontier(problem)
    all_solutions(problem.keys_of(exact), problem.key_batna, problem.capability,
                  strict=False, scale=problem.key_scale)
    t_exact = time.perf_counter() - t
    t = time.perf_counter()
    floats, fu = deal_frontier(problem.tables, problem.batna, strict=False)
    all_solutions(fu, problem.batna, problem.capability, strict=False)
    t_float = time.perf_counter() - t
    t = time.perf_counter()
    detente.deals.zopa(problem)
    t_zopa = time.perf_counter() - t
    a = {tuple(r) for r in exact.tolist()}
    b = {tuple(r) for r in floats.tolist()}
    kind = "Python-int keys" if problem.keys.big else "float64 keys"
    print(f"{'GENIUS-style 17-digit' if long else 'two-decimal'} weights: {problem.space.size} "
          f"deals, {problem.n_actors} parties, {kind} (read and compile {t_read:.3f} s)")
    print(f"  exact keys (frontier + solutions)     {t_exact:8.3f} s  frontier {len(a)}")
    print(f"  floating point (the former route)     {t_float:8.3f} s  frontier {len(b)}")
    print(f"  ZOPA pass over every deal             {t_zopa:8.3f} s")
    print(f"  ratio exact/float: {t_exact / t_float:.2f}x; only in the float frontier "
          f"(exactly weakly dominated): {len(b - a)}; only in the exact one (exact ties "
          f"dropped by floats): {len(a - b)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    run(args.seed, long=False)
    run(args.seed, long=True)


if __name__ == "__main__":
    main()
