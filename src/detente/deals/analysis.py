"""One call for the whole picture: frontier, solutions, top deals and ZOPA, labelled."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.scenario import Scenario

from .pareto import deal_frontier
from .solutions import SOLUTIONS, all_solutions
from .space import DEFAULT_GRID
from .structured import acceptable_frontier, party_scores, structured_solutions
from .utility import DealProblem, Tables, UtilityKind
from .zopa import Zopa, describe_deal, zopa

NOTE = ("Deals and utilities derived from the scenario's stated, sourced assumptions "
        "(positions, saliences, BATNAs); not predictions of fact.")


@dataclass(frozen=True, eq=False)
class DealReport:
    """Frontier (above the BATNAs), bargaining solutions, top deals and ZOPA."""

    problem: DealProblem
    frontier_options: np.ndarray
    frontier_utility: np.ndarray
    solutions: Mapping[str, int | None]
    zopa: Zopa

    @property
    def frontier_size(self) -> int:
        return len(self.frontier_options)

    def deal(self, row: int) -> dict[str, Any]:
        return describe_deal(self.problem, self.frontier_options[row])

    def solution(self, name: str) -> dict[str, Any] | None:
        row = self.solutions[name]
        return None if row is None else self.deal(row)

    def top(self, n: int = 5) -> list[dict[str, Any]]:
        """The ``n`` frontier deals with the largest Nash product of gains over BATNA
        (with structure: the parties' weighted geometric mean gain, see ``structured``)."""
        if self.problem.rules is not None:
            score = party_scores(self.problem, self.frontier_options,
                                 self.frontier_utility)["nash"]
        else:
            gain = self.frontier_utility - self.problem.batna
            score = np.log(np.clip(gain, 1e-300, None)).sum(axis=1)
        order = np.lexsort((np.arange(len(score)), -score))[:n]
        return [self.deal(int(r)) for r in order]

    def to_dict(self, top: int = 5) -> dict[str, Any]:
        p = self.problem
        return {
            "note": NOTE,
            "actors": list(p.actors),
            "issues": list(p.issues),
            "utility": p.utility,
            "batna": {a: {"value": float(p.batna[k]), "source": p.batna_source[k]}
                      for k, a in enumerate(p.actors)},
            **({"structure": _structure_summary(p)} if p.rules is not None else {}),
            "deals": p.space.size,
            "frontier_size": self.frontier_size,
            "solutions": {name: self.solution(name) for name in SOLUTIONS},
            "top": self.top(top),
            "zopa": self.zopa.to_dict(),
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(**kwargs), indent=2)


def analyse(
    scenario: Scenario | DealProblem,
    *,
    utility: UtilityKind = "linear",
    grid: int = DEFAULT_GRID,
    tables: Tables | None = None,
    batna: Mapping[str, float] | None = None,
    shocks: tuple[str, ...] = (),
    drops: Mapping[str, float] | None = None,
    draws: int = 0,
    seed: int | None = 0,
) -> DealReport:
    """Analyse the deals of a scenario.

    The frontier is that of the deals every actor strictly prefers to its
    BATNA (pruned by BATNA before the frontier); in a scenario with structure,
    that of the acceptable deals (:mod:`detente.deals.rules`). ``shocks`` applies
    named shocks to the pressures; ``drops`` asks which deals open if an actor's
    BATNA fell; ``draws > 0`` samples uncertain BATNAs (and pressures).
    """
    problem = scenario if isinstance(scenario, DealProblem) else DealProblem.from_scenario(
        scenario, utility=utility, grid=grid, tables=tables, batna=batna, shocks=shocks)
    if problem.rules is not None:
        opts, util = acceptable_frontier(problem)
        sols = structured_solutions(problem, opts, util)
    else:
        opts, util = deal_frontier(problem.tables, problem.batna)
        sols = all_solutions(util, problem.batna, problem.capability) if len(
            util) else dict.fromkeys(SOLUTIONS)
    bd = problem.sample_batna(np.random.default_rng(seed), draws) if draws else None
    z = zopa(problem, drops=dict(drops or {}), batna_draws=bd)
    return DealReport(problem, opts, util, sols, z)


def _structure_summary(p: DealProblem) -> dict[str, Any]:
    """What the rules are, for readers of the JSON: vetoes, red lines, linkages, pressures."""
    r = p.rules
    assert r is not None
    return {
        "rule": ("a deal counts only if it moves something, crosses no red line, breaks no "
                 "linkage, and every actor holding a veto on a moved issue prefers it to its "
                 "no-deal value"),
        "vetoes": {i: [a for k, a in enumerate(p.actors) if r.veto[n, k]]
                   for n, i in enumerate(p.issues)},
        "controlled_by": {i: list(r.delivered_by(n)) for n, i in enumerate(p.issues)},
        "red_lines": {f"{p.actors[a]} on {p.issues[i]}": text
                      for (a, i), text in sorted(r.red_line_text.items())},
        "linkages": [link.text for link in r.links],
        "pressures": ({name: float(v) for name, v in zip(p.pressures, p.pressure_value,
                                                          strict=True)}
                      if p.pressure_value is not None else {}),
    }
