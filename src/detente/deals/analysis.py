"""One call for the whole picture: frontier, solutions, top deals and ZOPA, labelled."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.notes import neutral_note
from detente.scenario import Scenario

from .pareto import deal_frontier
from .solutions import SOLUTIONS, all_solutions
from .space import DEFAULT_GRID
from .utility import DealProblem, Tables, UtilityKind
from .zopa import Zopa, describe_deal, zopa

NOTE = neutral_note("Deals and utilities", basis=" (positions, saliences, BATNAs)")


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
        """The ``n`` frontier deals with the largest Nash product of gains over BATNA."""
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
    drops: Mapping[str, float] | None = None,
    draws: int = 0,
    seed: int | None = 0,
) -> DealReport:
    """Analyse the deals of a scenario.

    The frontier is that of the deals every actor strictly prefers to its
    BATNA (pruned by BATNA before the frontier). ``drops`` asks which deals
    open if an actor's BATNA fell; ``draws > 0`` samples uncertain BATNAs.
    """
    problem = scenario if isinstance(scenario, DealProblem) else DealProblem.from_scenario(
        scenario, utility=utility, grid=grid, tables=tables, batna=batna)
    opts, util = deal_frontier(problem.tables, problem.batna)
    sols = all_solutions(util, problem.batna, problem.capability) if len(util) else dict.fromkeys(
        SOLUTIONS)
    bd = problem.sample_batna(np.random.default_rng(seed), draws) if draws else None
    z = zopa(problem, drops=dict(drops or {}), batna_draws=bd)
    return DealReport(problem, opts, util, sols, z)
