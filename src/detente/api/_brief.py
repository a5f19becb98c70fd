"""The one-page brief (``detente report``) and the models the web app re-runs live.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from detente.api._deals import analyse_deals
from detente.api._evidence import outside_view
from detente.api._forecast import forecast
from detente.api._outlook import outlook
from detente.api._proposals import proposals, proposals_cost
from detente.api._scenarios import ScenarioLike, _scenario
from detente.api._uncertainty import sensitivity, simulate, simulation_cost
from detente.errors import DetenteError
from detente.models.registry import available_models
from detente.results import BriefData, ForecastSet
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.estimate import CostModel


FAST_MODELS: tuple[str, ...] = ("compromise", "median", "nash", "eum")
"""Models quick enough to re-run on every slider move in the what-if view."""


BRIEF_DRAWS = 200
"""Draws per model for the intervals of the brief and the web forecast page: compact, so
that ``detente report`` on the bundled scenario stays quick (14.6 s against 12.0 s without
intervals, three runs each on the loaded 2-core machine), while the 80% interval's ends
lie on average 0.9 points (largest 5.6) from those of 2,000 draws there. A scenario that
states no uncertainty gets the models' residual intervals instead, at no cost."""


def brief_simulated(models: Iterable[str] | None = None,
                    simulated: Iterable[str] = FAST_MODELS) -> list[str]:
    """The models :func:`brief` runs a Monte Carlo of: the ``simulated`` ones among
    ``models`` (default every model but the ensemble)."""
    chosen = list(models) if models else [m for m in available_models() if m != "ensemble"]
    return [m for m in simulated if m in chosen]


def brief(scenario: ScenarioLike = None, *, models: Iterable[str] | None = None,
          simulated: Iterable[str] = FAST_MODELS, draws: int = 1000, seed: int = 0,
          sensitivity_model: str = "compromise", sensitivity_samples: int = 8,
          top_deals: int = 5, interval_draws: int = BRIEF_DRAWS,
          interval: float = 0.8) -> BriefData:
    """Everything the one-page brief shows, computed once: every model's forecast
    (``models``, default every model but the ensemble) with its median and central
    ``interval`` (default 0.8) from ``interval_draws`` draws per model (default
    :data:`BRIEF_DRAWS`; 0 for points only; a scenario that states no uncertainty gets
    the models' residual intervals, see :func:`forecast`), the Monte Carlo
    distributions of the ``simulated`` ones for the histograms (``draws``, 0 for
    none), what moves each issue (Morris elementary effects and tornado swings of
    ``sensitivity_model``) and the ``top_deals`` packages every party prefers to no
    deal; with proposals in the scenario, the plans on the table judged over the same
    ``draws``."""
    from detente.uncertainty.sampling import input_space

    if interval_draws < 0:
        raise DetenteError(f"interval draws must be 0 or more (got {interval_draws})")
    sc = _scenario(scenario)
    chosen = list(models) if models else [m for m in available_models() if m != "ensemble"]
    result = forecast(sc, chosen, seed=seed, draws=interval_draws, interval=interval)
    sim = simulate(sc, brief_simulated(chosen, simulated), draws=draws,
                   seed=seed) if draws else None
    sens = sensitivity(sc, sensitivity_model, method="morris", samples=sensitivity_samples,
                       seed=seed) if input_space(sc).size else None  # nothing stated to vary
    deals_report = analyse_deals(sc, seed=seed, robust=BRIEF_ROBUST)
    plans = proposals(sc, draws=draws, seed=seed, models=[]) if sc.proposals else None
    return BriefData(scenario=sc, result=result, simulation=sim, sensitivity=sens,
                     deals=deals_report.to_dict(top=top_deals), seed=seed, proposals=plans,
                     **_brief_page_one(result, sens, sc))


BRIEF_ROBUST = 200
"""Draws of the stated uncertainty behind the brief's survival of each package."""


def _brief_page_one(result: ForecastSet, sens: Any, sc: Scenario) -> dict[str, Any]:
    """What page 1 of the brief adds: the weighted synthesis per issue and the inputs
    that could change the answer (:mod:`detente.uncertainty.synthesis`)."""
    from detente.uncertainty.synthesis import synthesis_of, turning_inputs

    return {"synthesis": synthesis_of(result), "turning": turning_inputs(sens, sc),
            "outlook": _brief_outlook(sc), "outside_view": _brief_outside_view(sc)}


def _brief_outside_view(sc: Scenario) -> Any:
    """The reference class for page 1 of the brief (:func:`outside_view`; ``None`` without
    a ``conflict:`` block or the war data)."""
    return outside_view(sc)


BRIEF_OUTLOOK_PATHS = 2000
"""Paths of the pressures behind the brief's outlook (``detente outlook`` runs 10,000)."""


def _brief_outlook(sc: Scenario) -> Any:
    """The outlook for page 1 of the brief, where the scenario states pressures to run it
    on (``None`` otherwise, or when it cannot run on this scenario). Where the scenario
    marks costs of fighting, only settlements count as agreements (a package that leaves
    the war going on is not the agreement page 1 speaks of)."""
    from detente.deals.fighting import declares_fighting

    if not sc.pressures:
        return None
    try:
        return outlook(sc, paths=BRIEF_OUTLOOK_PATHS, drivers=False, seed=0,
                       settlements_only=declares_fighting(sc))
    except DetenteError:
        return None


def report_cost(scenario: ScenarioLike = None, *, models: Iterable[str] | None = None,
                draws: int = 1000, interval_draws: int | None = None,
                format: str | None = None) -> CostModel:
    """The cost of :func:`brief` here as ``fixed + per_draw · draws``: its Monte Carlo of
    the fast models (:func:`simulation_cost`), the plans judged over the same draws
    (:func:`proposals_cost`, its cost per draw), and the rest (the forecasts with their
    ``interval_draws``, default :data:`BRIEF_DRAWS`, the sensitivity, the deals and the
    plans on the point values) timed once as a fixed cost."""
    from detente.estimate import CostModel

    sc = _scenario(scenario, format)
    chosen = list(models) if models else [m for m in available_models() if m != "ensemble"]
    cost = simulation_cost(sc, brief_simulated(chosen), draws=draws) if draws else \
        CostModel(0.0, 0.0)
    if sc.proposals and draws:
        cost = cost + CostModel(0.0, proposals_cost(sc, draws=draws, models=[]).per_unit)
    start = time.perf_counter()
    brief(sc, models=chosen, draws=0,
          interval_draws=BRIEF_DRAWS if interval_draws is None else interval_draws)
    return cost + CostModel(time.perf_counter() - start, 0.0)
