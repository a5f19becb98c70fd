"""What a deal command will cost here, as a :class:`~detente.estimate.CostModel` in the
draws of the stated uncertainty: ``seconds(n) = fixed + per_draw · n`` (issue 31).

The guards of ``deals``, ``phase`` and ``proposals`` used to time the utilities of a
4,096-deal pilot and scale them to the whole space: a lower bound that left out the
frontier search, the solutions and, above all, the survival draws (500 by default), so
the bundled ``deals`` was "estimated" at a few ten-thousandths of a second and ran in
over a second. Here each command's cost is split the way it is spent:

- **fixed**: the work done once: the deal analysis (frontier, solutions, ZOPA, with its
  BATNA draws), the phasing of a deal, or the proposals judged at the point values
  with their amendments; timed by running it once (its result is thrown away: the
  command runs it again, so a guard costs that part twice; it is the fast part);
- **per draw**: one draw of the stated uncertainty (the survival of the frontier and
  of the solutions, of each phased plan, or each proposal's acceptance), fitted by
  :func:`detente.estimate.measure` on a warm-up and two pilots of :data:`PILOTS` draws.

Each pilot runs the same function the command runs, on the same inputs, so what the
estimate counts is what the run does; :func:`detente.estimate.fit` is the arithmetic
(tested on recorded timings in ``tests/test_estimate.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from detente.estimate import CostModel, measure
from detente.requests.deals import PhaseRequest, survival_draws
from detente.requests.proposals import ProposalRequest
from detente.scenario import Scenario

from .utility import DealProblem

PILOTS = (16, 64)
"""Robust draws of the two timed pilots of ``deals`` and ``phase`` (after a one-draw
warm-up): 81 draws, 16% of the default 500."""
PACKAGE_PILOTS = (64, 512)
"""Draws of the two timed pilots of ``proposals``: a draw there is a few hundredths of a
millisecond against a setup of a few hundredths of a second, so the pilots need more
draws for the slope to show above the setup (about 0.1 s in all on the bundled scenario)."""
WARM = 1
BUDGET = 2.0
"""A first pilot slower than this (seconds) ends the timing (:func:`measure`'s
``budget``): the guard of a run of many minutes costs seconds, not a sixth of the run."""


def _timed(run: Callable[[], object], clock: Callable[[], float]) -> tuple[object, float]:
    start = clock()
    out = run()
    return out, clock() - start


def _per_draw(run: Callable[[int], object], draws: int, clock: Callable[[], float],
              pilots: tuple[int, int] = PILOTS) -> CostModel:
    """The draws' part: ``fixed`` (setting the draws up) plus ``per_unit`` per draw."""
    if draws <= 0:
        return CostModel(0.0, 0.0)
    return measure(run, units=draws, pilots=pilots, warm=WARM, budget=BUDGET, clock=clock)


def deals_cost(problem: DealProblem, scenario: Scenario, *, robust: int, draws: int = 0,
               drops: dict[str, float] | None = None, seed: int = 0,
               clock: Callable[[], float] = time.perf_counter) -> CostModel:
    """The cost of ``detente deals``: :func:`~detente.deals.analysis.analyse` (with its
    ``draws`` of uncertain BATNAs) timed once, plus :func:`with_survival` over ``robust``
    draws fitted on pilots (``per_unit`` per robust draw)."""
    from .analysis import analyse, with_survival

    report, seconds = _timed(lambda: analyse(problem, drops=drops, draws=draws, seed=seed),
                             clock)
    return CostModel(seconds, 0.0) + _per_draw(
        lambda n: with_survival(report, scenario, draws=n, seed=seed),  # type: ignore[arg-type]
        robust, clock)


def phase_cost(problem: DealProblem, scenario: Scenario, request: PhaseRequest, *,
               clock: Callable[[], float] = time.perf_counter) -> CostModel:
    """The cost of ``detente phase`` as ``request`` says: the Nash deal's analysis (when
    the request gives no deal) and the phasing timed once, plus :func:`plan_survival` of
    the kept plans over the request's survival draws fitted on pilots."""
    from .operations import chosen_deal, phase_plans
    from .phasing import PhaseReport
    from .robust import plan_survival

    def fixed() -> tuple[np.ndarray | None, PhaseReport | None]:
        chosen = chosen_deal(problem, request.deal)
        return chosen, None if chosen is None else phase_plans(problem, chosen, request)

    start = clock()
    chosen, report = fixed()
    cost = CostModel(clock() - start, 0.0)
    if chosen is None or report is None or not report.plans:
        return cost
    plans = report.plans
    phases = [p.phases for p in plans]
    guarantees = [p.guarantee for p in plans]
    return cost + _per_draw(lambda n: plan_survival(problem, scenario, chosen, phases,
                                                    guarantees, draws=n, seed=request.seed),
                            survival_draws(request.robust), clock)


def proposals_cost(problem: DealProblem, scenario: Scenario, *,
                   request: ProposalRequest | None = None,
                   forecasts: Callable[[], object] | None = None,
                   clock: Callable[[], float] = time.perf_counter,
                   **options: Any) -> CostModel:
    """The cost of ``detente proposals``: the models' ``forecasts`` (a callable: the
    caller knows the models) and the proposals judged at the point values with their
    amendments (:func:`evaluate_proposals` without draws) timed once, plus every
    proposal's acceptance over ``draws`` draws (:func:`acceptance_probabilities`, as
    :func:`judge_with_draws` runs it) fitted on pilots."""
    req = ProposalRequest.of(request, **options)
    draws, seed = req.draws, req.seed
    from .proposal_report import evaluate_proposals
    from .proposals import acceptance_probabilities, compile_proposal, with_points

    def fixed() -> None:
        if forecasts is not None:
            forecasts()
        evaluate_proposals(problem, scenario, request=ProposalRequest.of(req, draws=0))

    _, seconds = _timed(fixed, clock)
    cost = CostModel(seconds, 0.0)
    if not scenario.proposals:
        return cost
    points, base = with_points(problem, scenario)
    packages = np.stack([compile_proposal(points, scenario, p, base=base).options
                         for p in scenario.proposals])
    return cost + _per_draw(
        lambda n: acceptance_probabilities(points, scenario, packages, draws=n, seed=seed,
                                           base=base),
        draws, clock, PACKAGE_PILOTS)
