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

from .acceptability import acceptable, verdict
from .analysis import DealReport, analyse, frontier, with_survival
from .logrolls import Logroll, logrolls
from .pareto import deal_frontier, pareto_indices, pareto_mask
from .phasing import PhaseReport, Plan, phase
from .pressures import PressureLever, pressure_levers, shock_effects
from .rules import Rules, Verdict
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

_PROBLEM_KEYS = frozenset({"utility", "grid", "tables", "batna", "spaces", "acceptance",
                           "shocks", "pressures"})


def _split(scenario: Scenario | DealProblem,
           kwargs: dict[str, Any]) -> tuple[DealProblem, dict[str, Any]]:
    """The deal problem (``kwargs`` of :meth:`DealProblem.from_scenario` build it from a
    scenario) and the remaining keyword arguments."""
    rest = {k: v for k, v in kwargs.items() if k not in _PROBLEM_KEYS}
    if isinstance(scenario, DealProblem):
        return scenario, rest
    own = {k: v for k, v in kwargs.items() if k in _PROBLEM_KEYS}
    return DealProblem.from_scenario(scenario, **own), rest


def find_logrolls(scenario: Scenario | DealProblem, **kwargs: Any) -> list[Logroll]:
    """Logrolls of a scenario (``utility=``, ``grid=`` go to :class:`DealProblem`)."""
    problem, rest = _split(scenario, kwargs)
    return logrolls(problem, **rest)


def phase_deal(scenario: Scenario | DealProblem, deal: Any, **kwargs: Any) -> PhaseReport:
    """Phased plans for one deal of a scenario (``"issue=option,..."`` or a mapping)."""
    problem, rest = _split(scenario, kwargs)
    return phase(problem, deal, **rest)


__all__ = [
    "DEFAULT_GRID",
    "SOLUTIONS",
    "DealProblem",
    "DealReport",
    "Logroll",
    "OutcomeSpace",
    "PhaseReport",
    "Plan",
    "PressureLever",
    "Rules",
    "Verdict",
    "Zopa",
    "acceptable",
    "analyse",
    "asymmetric_nash",
    "deal_frontier",
    "egalitarian",
    "find_logrolls",
    "frontier",
    "kalai_smorodinsky",
    "logrolls",
    "nash",
    "pareto_indices",
    "pareto_mask",
    "phase",
    "phase_deal",
    "pressure_levers",
    "shock_effects",
    "utilitarian",
    "verdict",
    "with_survival",
    "zopa",
]
