"""Benchmark: judging proposals under uncertainty, and amending a blocked one.

Targets (issue 20): 50 proposals x 10 actors x 10 issues with 10^4 draws each
in under 5 s; the amendment of one blocked proposal over a 10^6-package space
(4^10 = 1,048,576 packages) in under 2 s. Prints the measured times and their
ratio to the targets, in wall time and in CPU time of this process (on a shared,
loaded machine the wall time includes waiting for a core; both are printed).
Run: ``PYTHONPATH=src python benchmarks/bench_proposals.py``.
"""

from __future__ import annotations

import time

import numpy as np

from detente.deals import DealProblem, acceptable
from detente.deals.amendments import amend
from detente.deals.proposals import acceptance_probabilities, compile_proposal
from detente.scenario import Scenario


def synthetic(n_actors: int = 10, n_issues: int = 10, n_options: int = 4,
              n_proposals: int = 50, seed: int = 0) -> Scenario:
    rng = np.random.default_rng(seed)
    values = np.linspace(0, 100, n_options)
    actors = [{"id": f"a{k}"} for k in range(n_actors)]
    issues = [{"id": f"i{i}", "status_quo": float(values[0]),
               "options": {f"o{o}": float(v) for o, v in enumerate(values)},
               "vetoes": [f"a{i % n_actors}", f"a{(i + 1) % n_actors}"]}
              for i in range(n_issues)]
    stances = []
    for a in range(n_actors):
        for i in range(n_issues):
            p = float(rng.uniform(0, 100))
            s = float(rng.uniform(0.2, 1.0))
            stances.append({"actor": f"a{a}", "issue": f"i{i}", "position": p, "salience": s,
                            "uncertainty": {"position": [max(p - 20, 0), min(p + 20, 100)],
                                            "salience": [s * 0.7, min(s * 1.3, 1.0)]}})
    proposals = [{"id": f"p{k}", "proposer": f"a{k % n_actors}",
                  "package": {f"i{i}": f"o{int(rng.integers(n_options))}"
                              for i in range(n_issues)}}
                 for k in range(n_proposals)]
    return Scenario.from_dict({"name": "bench", "actors": actors, "issues": issues,
                               "stances": stances, "proposals": proposals})


def timed(fn):
    """``(result, wall seconds, CPU seconds)`` of ``fn()``."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def line(what: str, wall: float, cpu: float, target: float, extra: str = "") -> None:
    print(f"{what}: wall {wall:.2f} s (ratio {wall / target:.2f}), CPU {cpu:.2f} s "
          f"(ratio {cpu / target:.2f}) against {target:g} s{extra}")


def main() -> None:
    sc = synthetic()
    problem = DealProblem.from_scenario(sc)
    packages = np.stack([compile_proposal(problem, sc, p).options for p in sc.proposals])
    (_, agreed), w, c = timed(lambda: acceptance_probabilities(problem, sc, packages,
                                                                 draws=10_000, seed=0))
    line("judge 50 proposals x 10 actors x 10 issues x 10^4 draws", w, c, 5,
         f"; mean P(agreed) {agreed.mean():.3f}")
    ok = acceptable(problem, packages)
    k = int(np.flatnonzero(~ok)[0])
    proposer = problem.actors.index(sc.proposals[k].proposer)
    a, w, c = timed(lambda: amend(problem, packages[k], proposer))
    found = "none found" if a is None else f"{len(a.changed)} issue(s) changed"
    line(f"amend 1 blocked proposal over {problem.space.size:,} packages (fewest)", w, c, 2,
         f"; {found}")
    _, w, c = timed(lambda: amend(problem, packages[k], proposer, rule="nash"))
    line("amend by the Nash rule (a full scan of the space)", w, c, 2)
    # worst cases: nothing acceptable, so every layer or every block is visited. First
    # trivially (no-deal values of 1 that no package reaches); then with each actor's
    # no-deal value at its 90th percentile over the space, which each actor alone can
    # beat but no package beats for all
    strict = DealProblem.from_scenario(sc, batna={a_.id: 1.0 for a_ in sc.actors})
    none, w, c = timed(lambda: amend(strict, packages[k], proposer))
    line("amend, nothing acceptable (no-deal values of 1)", w, c, 2,
         f"; found: {none is not None}")
    u = problem.utilities_of(problem.space.decode(np.arange(problem.space.size)))
    q90 = np.quantile(u, 0.9, axis=0)
    tight = DealProblem.from_scenario(sc, batna={a_.id: float(b)
                                                 for a_, b in zip(sc.actors, q90, strict=True)})
    n_ok = int(acceptable(tight, problem.space.decode(np.arange(problem.space.size))).sum())
    del u
    for rule in ("fewest", "nash"):
        none, w, c = timed(lambda rule=rule: amend(tight, packages[k], proposer, rule=rule))
        line(f"amend ({rule}), nothing acceptable ({n_ok} packages pass the 90th-percentile "
             "no-deal values)", w, c, 2, f"; found: {none is not None}")


if __name__ == "__main__":
    main()
