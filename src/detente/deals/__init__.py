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

from detente.requests.deals import DealProblemRequest
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


def problem_of(scenario: Scenario | DealProblem,
               request: DealProblemRequest | None = None) -> DealProblem:
    """The deal problem of a scenario as ``request`` says (a problem stays as it is)."""
    if isinstance(scenario, DealProblem):
        return scenario
    return DealProblem.from_scenario(scenario, **(request or DealProblemRequest()).given())


def find_logrolls(scenario: Scenario | DealProblem, **options: Any) -> list[Logroll]:
    """Logrolls of a scenario: the options of :class:`DealProblemRequest` (``utility=``,
    ``grid=``, ...) build its problem, the rest go to :func:`logrolls`."""
    request, rest = DealProblemRequest.take(options)
    return logrolls(problem_of(scenario, request), **rest)


def phase_deal(scenario: Scenario | DealProblem, deal: Any, **options: Any) -> PhaseReport:
    """Phased plans for one deal of a scenario (``"issue=option,..."`` or a mapping); the
    options as in :func:`find_logrolls`, the rest go to :func:`phase`."""
    request, rest = DealProblemRequest.take(options)
    return phase(problem_of(scenario, request), deal, **rest)


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
    "problem_of",
    "shock_effects",
    "utilitarian",
    "verdict",
    "with_survival",
    "zopa",
]
