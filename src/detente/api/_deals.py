"""Deals: the deal problem, its analysis (and its cost), logrolls, phasing, pressures,
GENIUS negotiations.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente import formats
from detente.api._scenarios import ScenarioLike, _scenario
from detente.errors import DetenteError
from detente.requests import (
    DealProblemRequest,
    DealRequest,
    LogrollRequest,
    PhaseRequest,
    PressureRequest,
)
from detente.requests.deals import survival_draws
from detente.results import DealWork, LogrollSet
from detente.scenario import Scenario
from detente.scenarios import DEFAULT, resolve

if TYPE_CHECKING:
    from detente.deals import DealProblem, DealReport, PhaseReport
    from detente.deals.pair import PairView
    from detente.estimate import CostModel
    from detente.formats.genius import GeniusDomain


def parse_pairs(items: Iterable[str] | None, what: str) -> dict[str, float]:
    """``["russia=0.2"]`` -> ``{"russia": 0.2}`` (``what`` names the option in errors)."""
    out: dict[str, float] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise DetenteError(f"{what} {item!r}: expected ACTOR=NUMBER") from None
    return out


def _is_genius(path: Path) -> bool:
    return path.is_dir() or formats.detect_format(path) == "genius"


def deal_problem(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    request: DealProblemRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> DealProblem:
    """The deal problem of a scenario, a GENIUS negotiation, or a file / folder / bundled
    name: options per issue, every actor's utilities and BATNA, as ``request`` says
    (:class:`~detente.requests.DealProblemRequest`; keyword ``options`` are its fields).

    GENIUS files (a folder, or an ``.xml`` domain or profile) are analysed with
    the utilities they state, as GENIUS computes them, and GENIUS's acceptance
    rule (at least the reservation value); other scenarios with distance
    utilities (``utility``: ``linear``, the default, or ``quadratic``; ``grid``
    points on an issue without named options, default the deals package's) and
    acceptance above the BATNA. ``acceptance`` (``"above"`` or ``"at_least"``,
    also spelled ``"at-least"``) overrides either default; ``batna`` overrides
    BATNAs by actor (0..1); ``shocks`` applies named shocks of the scenario to its
    pressure variables (see :func:`pressures`).
    """
    from detente.deals import problem_of

    req = DealProblemRequest.of(request, **options)
    source = load_deal_source(scenario, format)
    if not isinstance(source, Scenario):  # GENIUS: the stated utilities; no distance rule
        return problem_of(source.scenario, DealProblemRequest(
            spaces=source.spaces, batna=req.batna, acceptance=req.acceptance, grid=req.grid))
    return problem_of(source, req)


def analyse_deals(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    request: DealRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> DealReport:
    """Pareto frontier above the BATNAs, ZOPA and bargaining solutions, as ``request``
    says (:class:`~detente.requests.DealRequest`; keyword ``options`` are its fields and
    its problem's: ``utility``, ``batna``, ``acceptance``, ``shocks`` as in
    :func:`deal_problem`).

    ``drops`` (actor -> D) asks which deals open if that actor's BATNA fell by
    D; ``draws > 0`` samples uncertain BATNAs with ``seed``. ``robust`` (default ``None``:
    :data:`~detente.requests.deals.DEFAULT_ROBUST_DRAWS`, 500, as ``detente deals``; 0 for
    none) gives every frontier deal its survival probability: the share of ``robust``
    draws (``seed``) of the stated uncertainty (positions, saliences, capabilities,
    BATNAs and the pressures on them) in which it stays acceptable
    (:mod:`detente.deals.robust`), and ranks the deals by it (``DealReport.robust``).
    About 5 s of CPU on the bundled scenario (62,208 packages, 500 draws).
    """
    from detente.deals import analyse, with_survival

    req = DealRequest.of(request, **options)
    source = load_deal_source(scenario, format)
    problem = deal_problem(source, request=req.problem, format=format)
    report = analyse(problem, drops=dict(req.drops or {}), draws=req.draws, seed=req.seed)
    robust = survival_draws(req.robust)
    if robust:
        report = with_survival(report, _plain_scenario(source), draws=robust, seed=req.seed)
    return report


DEAL_PILOT = 4096
"""Deals whose utilities :func:`estimate_deals` times."""


def estimate_deals(scenario: ScenarioLike | GeniusDomain = None, *, utility: str = "linear",
                   draws: int = 0, deal_space: bool = True, packages: int = 0,
                   package_draws: int = 0, format: str | None = None) -> DealWork:
    """How long a pass over the deal space would take here, before it starts.

    Every deal's utility for every actor once (``deal_space``: deals, phase without a
    deal, amendments and the brief do it), plus once per BATNA draw (``draws``), plus
    ``packages`` judged in each of ``package_draws`` draws (proposals); timed on a pilot
    of :data:`DEAL_PILOT` deals and scaled linearly (a lower bound, see
    :class:`~detente.results.DealWork`). The space is counted, never enumerated.
    """
    import numpy as np

    source = load_deal_source(scenario, format)
    problem = deal_problem(source, utility=utility, format=format)
    space = problem.space
    size = space.size if deal_space else 0
    pilot = min(space.size, DEAL_PILOT)
    start = time.perf_counter()
    problem.utilities_of(space.decode(np.arange(pilot, dtype=np.int64)))
    per_deal = (time.perf_counter() - start) / max(pilot, 1)
    passes = 1 + max(draws, 0)
    return DealWork(deals=size, actors=problem.n_actors, passes=passes,
                    seconds=per_deal * (size * passes + packages * package_draws),
                    packages=packages, package_draws=package_draws)


def deals_cost(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    request: DealRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> CostModel:
    """The cost of :func:`analyse_deals` with the same ``request`` here, as ``fixed +
    per_draw · robust`` (:func:`detente.deals.cost.deals_cost`: the analysis timed once,
    the survival draws fitted on pilots); what ``detente deals`` guards with."""
    from detente.deals.cost import deals_cost as cost

    req = DealRequest.of(request, **options)
    source = load_deal_source(scenario, format)
    problem = deal_problem(source, request=req.problem, format=format)
    return cost(problem, _plain_scenario(source), robust=survival_draws(req.robust),
                draws=req.draws, drops=dict(req.drops or {}), seed=req.seed)


def phase_cost(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    request: PhaseRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> CostModel:
    """The cost of :func:`phase` with the same ``request`` here, as ``fixed + per_draw ·
    robust`` (:func:`detente.deals.cost.phase_cost`); what ``detente phase`` guards with."""
    from detente.deals.cost import phase_cost as cost

    req = PhaseRequest.of(request, **options)
    source = load_deal_source(scenario, format)
    problem = deal_problem(source, request=req.problem, format=format)
    return cost(problem, _plain_scenario(source), req)


def load_deal_source(scenario: ScenarioLike | GeniusDomain = None,
                     format: str | None = None) -> Scenario | GeniusDomain:
    """The scenario or GENIUS negotiation a deal analysis reads: a loaded one as it is,
    a path or name read once (so a caller estimating first and analysing next reads the
    file once, passing the result to both)."""
    if isinstance(scenario, Scenario) or not isinstance(scenario, str | os.PathLike | None):
        return scenario  # a loaded scenario or GENIUS negotiation
    path = resolve(scenario or DEFAULT)
    genius = format == "genius" or (format is None and _is_genius(path))
    if genius:  # its reader imported here: `detente forecast` never needs it (0.04 CPU s)
        from detente.formats.genius import read_genius_domain

        return read_genius_domain(path)
    return formats.read(path, format=format)



def _plain_scenario(source: Scenario | GeniusDomain) -> Scenario:
    return source if isinstance(source, Scenario) else source.scenario


def logrolls(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    request: LogrollRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> LogrollSet:
    """Pairs of actors and issues where each side gains more than it gives, as ``request``
    says (:class:`~detente.requests.LogrollRequest`; keyword ``options`` are its fields and
    its problem's, ``utility`` as in :func:`deal_problem`): ``actors`` keeps the trades
    involving any of them (default: all).

    ``robust`` (default ``None``: :data:`~detente.requests.deals.DEFAULT_ROBUST_DRAWS`,
    500, as ``detente logrolls``) adds each trade's survival: the share of ``robust`` draws
    (``seed``) of the stated uncertainty in which the trade still passes every test the
    logroll finder applies (:func:`detente.deals.logrolls.holds`), and ranks the trades
    by it, ties in the point order (the larger smaller net gain first). ``robust=0``:
    the point order only, no survival. See :func:`detente.deals.operations.ranked_logrolls`.
    """
    from detente.deals.operations import ranked_logrolls

    req = LogrollRequest.of(request, **options)
    source = load_deal_source(scenario, format)
    problem = deal_problem(source, request=req.problem, format=format)
    return LogrollSet(*ranked_logrolls(problem, _plain_scenario(source), req))


def phase(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    request: PhaseRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> PhaseReport:
    """Order a deal's issues into self-enforcing phases, or price the guarantee needed, as
    ``request`` says (:class:`~detente.requests.PhaseRequest`; keyword ``options`` are its
    fields and its problem's: ``utility``, ``batna`` as in :func:`deal_problem`).

    ``deal``: ``"issue=option,..."`` or a mapping (other issues at the status
    quo); default the Nash bargaining deal. ``top``: plans to keep (default 5), those
    needing the smallest guarantee. ``robust`` (default ``None``:
    :data:`~detente.requests.deals.DEFAULT_ROBUST_DRAWS`, 500, as ``detente phase``; 0
    for none) adds, over ``robust`` draws (``seed``) of the stated uncertainty, the share
    in which the deal is acceptable and, per plan, the share in which it also needs no
    more guarantee than at the point estimate, and ranks the kept plans by that share,
    ties in the point order (smallest guarantee first). See
    :func:`detente.deals.operations.phased`.
    """
    from detente.deals.operations import phased

    req = PhaseRequest.of(request, **options)
    source = load_deal_source(scenario, format)
    problem = deal_problem(source, request=req.problem, format=format)
    return phased(problem, _plain_scenario(source), req)


def deal_pair(scenario: ScenarioLike | GeniusDomain, pair: tuple[str, str], *,
              utility: str = "linear") -> PairView:
    """Two parties' (``pair``: two actor ids) utilities over the deal space (at most 5,000
    deals, drawn when the space is larger), their two-party Pareto frontier and ZOPA
    (``utility`` as in :func:`deal_problem`)."""
    from detente.deals.pair import pair_view

    a, b = pair
    return pair_view(deal_problem(scenario, utility=utility), a, b)


def load_genius(path: str | os.PathLike[str]) -> GeniusDomain:
    """A GENIUS negotiation (a folder, or its domain or one profile file): the scenario and
    every party's stated utility (``.scenario``, ``.spaces``)."""
    from detente.formats.genius import read_genius_domain

    return read_genius_domain(resolve(path))


def pressures(
    scenario: ScenarioLike = None,
    *,
    request: PressureRequest | None = None,
    **options: Any,
) -> dict[str, Any]:
    """How the scenario's pressure variables and named shocks move the deals, as
    ``request`` says (:class:`~detente.requests.PressureRequest`; keyword ``options`` are
    its fields and its problem's, ``utility`` as in :func:`deal_problem`).

    ``levers``: per pressure, the ZOPA size now and at the ends of its range, and
    the smallest rise or fall that lets a deal in or pushes one out (and, with
    ``deal``, the changes over which that deal is acceptable);
    ``shocks``: the BATNAs, ZOPA size and Nash deal after each named shock.
    See :mod:`detente.deals.pressures`.
    """
    from detente.deals.operations import pressure_report

    req = PressureRequest.of(request, **options)
    sc = _scenario(scenario)
    return pressure_report(deal_problem(sc, request=req.problem), sc, req)
