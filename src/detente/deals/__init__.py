"""Package deals: outcome space, utilities, Pareto frontier, bargaining solutions,
ZOPA, logrolls and phased plans. See ``docs/deals.md``.

    from detente import deals, load
    report = deals.analyse(load("ukraine-2025-11"))
    report.to_dict()                 # frontier size, solutions, top deals, ZOPA
    deals.find_logrolls(load("ukraine-2025-11"))
    deals.phase_deal(load("ukraine-2025-11"), "tomahawks=conditional,drones=full")
"""

from __future__ import annotations

from typing import Any

from detente.scenario import Scenario

from .analysis import DealReport, analyse
from .logrolls import Logroll, logrolls
from .pareto import deal_frontier, pareto_indices, pareto_mask
from .phasing import PhaseReport, Plan, phase
from .solutions import (
    SOLUTIONS,
    asymmetric_nash,
    egalitarian,
    kalai_smorodinsky,
    nash,
    utilitarian,
)
from .space import DEFAULT_GRID, OutcomeSpace
from .utility import DealProblem
from .zopa import Zopa, zopa


def find_logrolls(scenario: Scenario | DealProblem, **kwargs: Any) -> list[Logroll]:
    """Logrolls of a scenario (``utility=``, ``grid=`` go to :class:`DealProblem`)."""
    keys = {"utility", "grid", "tables", "batna"}
    problem = scenario if isinstance(scenario, DealProblem) else DealProblem.from_scenario(
        scenario, **{k: v for k, v in kwargs.items() if k in keys})
    return logrolls(problem, **{k: v for k, v in kwargs.items() if k not in keys})


def phase_deal(scenario: Scenario | DealProblem, deal: Any, **kwargs: Any) -> PhaseReport:
    """Phased plans for one deal of a scenario (``"issue=option,..."`` or a mapping)."""
    keys = {"utility", "grid", "tables", "batna"}
    problem = scenario if isinstance(scenario, DealProblem) else DealProblem.from_scenario(
        scenario, **{k: v for k, v in kwargs.items() if k in keys})
    return phase(problem, deal, **{k: v for k, v in kwargs.items() if k not in keys})


__all__ = [
    "DEFAULT_GRID",
    "SOLUTIONS",
    "DealProblem",
    "DealReport",
    "Logroll",
    "OutcomeSpace",
    "PhaseReport",
    "Plan",
    "Zopa",
    "analyse",
    "asymmetric_nash",
    "deal_frontier",
    "egalitarian",
    "find_logrolls",
    "kalai_smorodinsky",
    "logrolls",
    "nash",
    "pareto_indices",
    "pareto_mask",
    "phase",
    "phase_deal",
    "utilitarian",
    "zopa",
]
