"""The broker's operations as their request says: logrolls (filtered by actor, ranked by
survival), a deal's phased plans (the Nash deal's by default, ranked by survival), and the
pressure levers with the named shocks' effects.

Each takes the deal problem, the plain scenario behind it (the survival draws vary its
stated uncertainty) and the whole request (:mod:`detente.requests.deals`); the facade
(:mod:`detente.api`) only reads the inputs and builds the problem.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from detente.errors import DetenteError, OptionError
from detente.requests.deals import (
    DealGiven,
    LogrollRequest,
    PhaseRequest,
    PressureRequest,
    survival_draws,
)
from detente.scenario import Scenario

from .analysis import analyse
from .logrolls import Logroll, logrolls
from .phasing import PhaseReport, phase
from .pressures import pressure_levers, shock_effects
from .robust import Survival, by_survival, logroll_survival, plan_order, plan_survival
from .utility import DealProblem


def ranked_logrolls(problem: DealProblem, scenario: Scenario, request: LogrollRequest
                    ) -> tuple[tuple[Logroll, ...], Survival | None]:
    """The logrolls of ``problem`` involving any of ``request.actors`` (all by default) and,
    with survival draws, each trade's share of draws in which it still passes every test
    the finder applies (:func:`detente.deals.logrolls.holds`), both ranked by it, ties in
    the point order (the larger smaller net gain first); without, the point order and
    ``None`` (the facade wraps the pair as a :class:`~detente.results.LogrollSet`)."""
    found = logrolls(problem)
    if request.actors:
        unknown = set(request.actors) - set(problem.actors)
        if unknown:
            raise DetenteError(f"unknown actor(s) {', '.join(sorted(unknown))}; actors are "
                               f"{', '.join(problem.actors)}")
        found = [r for r in found if r.a in request.actors or r.b in request.actors]
    draws = survival_draws(request.robust)
    if not draws:
        return tuple(found), None
    surv = logroll_survival(problem, scenario, found, draws=draws, seed=request.seed)
    order = by_survival(surv.probability)
    return tuple(found[k] for k in order), surv.take(order)


def chosen_deal(problem: DealProblem, deal: DealGiven) -> np.ndarray | None:
    """Option indices of the deal to phase: ``deal`` as given, else the Nash bargaining
    deal (``None``: no deal beats every BATNA)."""
    if deal is not None:
        return problem.parse_deal(deal)
    report = analyse(problem)
    nash = report.solutions["nash"]
    return None if nash is None else report.frontier_options[nash]


def phase_plans(problem: DealProblem, chosen: np.ndarray, request: PhaseRequest
                ) -> PhaseReport:
    """The plans of the deal ``chosen`` (option indices) as ``request`` asks, at the point
    values: what :func:`phased` ranks and :func:`detente.deals.cost.phase_cost` times."""
    return phase(problem, chosen, top=request.top)


def phased(problem: DealProblem, scenario: Scenario, request: PhaseRequest) -> PhaseReport:
    """The deal's issues ordered into self-enforcing phases, the ``top`` plans needing the
    smallest guarantee kept; with survival draws, the share of draws in which the deal is
    acceptable and, per plan, in which it also needs no more guarantee than at the point
    estimate, the plans ranked by that share (point order unless a plan survives more
    beyond noise: :func:`detente.deals.robust.plan_order`)."""
    chosen = chosen_deal(problem, request.deal)
    if chosen is None:
        raise OptionError("no deal beats every BATNA; give one with {deal}")
    report = phase_plans(problem, chosen, request)
    draws = survival_draws(request.robust)
    if not draws or not report.plans:
        return report
    found = plan_survival(problem, scenario, chosen,
                          [p.phases for p in report.plans], [p.guarantee for p in report.plans],
                          draws=draws, seed=request.seed)
    ranked = plan_order(found)
    return replace(report, plans=tuple(report.plans[k] for k in ranked),
                   robust=found.take(ranked))


def pressure_report(problem: DealProblem, scenario: Scenario, request: PressureRequest
                    ) -> dict[str, Any]:
    """``levers``: per pressure, the ZOPA size now and at the ends of its range and the
    smallest change that lets a deal in or pushes one out (with ``request.deal``, also the
    changes over which that deal is acceptable); ``shocks``: the BATNAs, ZOPA size and Nash
    deal after each named shock. See :mod:`detente.deals.pressures`."""
    return {
        "scenario": scenario.name,
        "levers": [lv.to_dict() for lv in pressure_levers(problem, deal=request.deal)],
        "shocks": shock_effects(scenario, request.problem),
    }
