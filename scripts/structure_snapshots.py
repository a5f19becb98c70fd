"""Snapshot the numbers of every scenario in shared/data (issue 11's "no change" pin).

Run with main's code (``PYTHONPATH=/path/to/main/src``: main without the
scenario structure of issue 11 — control, vetoes, red lines, linkages, blocs,
pressures — or, after the merge, the commit before it; re-run after merging a
main whose other changes move these numbers on purpose) to write
``tests/structure/snapshots.json``; ``tests/structure/test_old_files_unchanged.py``
recomputes every number with the current code and compares them exactly.

    PYTHONPATH=src python scripts/structure_snapshots.py [--out FILE]

Recorded per scenario: the point forecast of compromise, weighted median and
Nash; for deal spaces of at most 5,000 deals and 12 actors the ZOPA size, frontier size,
each bargaining solution, the BATNAs and the number of logrolls and the best
one; and the first Monte Carlo draws of the uncertain inputs (when any).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import detente
from detente import deals
from detente.errors import DetenteError
from detente.uncertainty.sampling import input_space

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
SKIP = {"README.md", "ktab/ktab-china-2014.json", "decide/copenhagen_with_errors.csv",
        "ktab/smpExample.xml"}
MAX_DEALS = 5_000
MAX_ACTORS = 12


def files() -> list[str]:
    out = []
    for path in sorted(DATA.rglob("*")):
        rel = path.relative_to(DATA).as_posix()
        if path.is_file() and rel not in SKIP and not rel.startswith(("ktab/reference/", "war/")):
            out.append(rel)
    return out


def snapshot(sc: detente.Scenario) -> dict:
    out: dict = {"forecast": {}}
    for model in ("compromise", "median", "nash"):
        try:
            f = detente.forecast(sc, [model])[model]
        except DetenteError as exc:  # e.g. Nash without a status quo: the message is pinned
            out["forecast"][model] = f"error: {exc}"
            continue
        out["forecast"][model] = [float(x) for x in f.outcome[0]]
    problem = deals.DealProblem.from_scenario(sc)
    if problem.space.size <= MAX_DEALS and problem.n_actors <= MAX_ACTORS:
        rep = deals.analyse(problem)
        rolls = deals.logrolls(problem)
        out["deals"] = {
            "batna": [float(b) for b in problem.batna],
            "zopa": rep.zopa.size,
            "frontier": rep.frontier_size,
            "solutions": {k: rep.solution(k) for k in deals.SOLUTIONS},
            "logrolls": len(rolls),
            "best_logroll": rolls[0].to_dict() if rolls else None,
        }
    space = input_space(sc)
    if space.size:
        u = space.sample_unit(0, 0, 8)
        out["draws"] = u.tolist()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(REPO / "tests" / "structure" / "snapshots.json"))
    args = parser.parse_args()
    result = {}
    for rel in files():
        for k, sc in enumerate(detente.load_all(DATA / rel)):
            result[f"{rel}#{k}"] = snapshot(sc)
    Path(args.out).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.out}: {len(result)} scenarios")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
