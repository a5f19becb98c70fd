"""Uncertainty: Monte Carlo (and its cost), sensitivity, levers.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from detente.api._models import Params, _models_option, _one_model
from detente.api._scenarios import ScenarioLike, _scenario
from detente.models.base import Model
from detente.requests import SimulationRequest

if TYPE_CHECKING:
    from detente.estimate import CostModel
    from detente.uncertainty.levers import LeverResult
    from detente.uncertainty.sensitivity import Sensitivity
    from detente.uncertainty.simulate import Simulation


def simulate(
    scenario: ScenarioLike = None,
    models: Iterable[str | Model] | None = None,
    *,
    request: SimulationRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> Simulation:
    """Monte Carlo over the scenario's declared uncertainty, as ``request`` says
    (:class:`~detente.requests.SimulationRequest`: draws, seed, models, parameters,
    summaries, and its :class:`~detente.engines.execution.Execution`: engine, scheduler,
    workers, chunk size, progress); keyword ``options`` are the request's fields and
    change it (``simulate(scenario, draws=1000, workers=2)``), as ``models`` does.

    ``draws`` (default 10,000) and ``seed`` (default 0) fix the result; the execution only
    decides where and how fast it runs. ``calibrated_uncertainty`` (default False) first
    gives every input without a stated distribution the default uncertainty calibrated on
    EU decisions (:mod:`detente.uncertainty.defaults`); the result then says so
    (``dataset.attrs["uncertainty_defaults"]``, shown in tables and JSON). See
    :func:`detente.uncertainty.simulate.simulate`.
    """
    from detente.uncertainty.simulate import simulate as run

    req = SimulationRequest.of(request, **_models_option(models), **options)
    sc, note = _run_scenario(_scenario(scenario, format), req)
    sim = run(sc, request=req)
    if note is not None:
        sim.dataset.attrs["uncertainty_defaults"] = note
    return sim


def _run_scenario(sc: Any, req: SimulationRequest) -> tuple[Any, str | None]:
    """The scenario a run of ``req`` draws from (with the calibrated default uncertainty
    when the request asks for it) and the note saying so."""
    if not req.calibrated_uncertainty:
        return sc, None
    from detente.uncertainty.defaults import CALIBRATED, calibration_note

    sc, added = CALIBRATED.apply(sc)
    return sc, calibration_note(CALIBRATED, added)


def simulation_cost(scenario: ScenarioLike = None,
                    models: Iterable[str | Model] | None = None, *,
                    request: SimulationRequest | None = None, format: str | None = None,
                    **options: Any) -> CostModel:
    """The cost of a :func:`simulate` run of ``request`` (options as there) here, timed on
    the path the run will take (:mod:`detente.uncertainty.cost`: the run's own blocks,
    compiled kernels where the run uses them, each model's cost per block, on the
    request's engine), given as ``fixed + per_draw · draws`` (:mod:`detente.estimate`;
    exact at the request's draws; ``pilots`` holds each model's pilot round)."""
    from detente.estimate import CostModel
    from detente.uncertainty.cost import simulation_seconds_here

    req = SimulationRequest.of(request, **_models_option(models), **options)
    sc, _ = _run_scenario(_scenario(scenario, format), req)
    seconds, costs = simulation_seconds_here(
        sc, SimulationRequest.of(req, keep_draws=False, progress=None))
    return CostModel(costs.fixed, max(seconds - costs.fixed, 0.0) / max(req.draws, 1),
                     tuple((r.draws, r.seconds) for r in costs.models), warm=costs.warm)


def estimate_simulation(scenario: ScenarioLike = None,
                        models: Iterable[str | Model] | None = None, *,
                        request: SimulationRequest | None = None, format: str | None = None,
                        **options: Any) -> float:
    """Seconds a :func:`simulate` run of ``request`` (options as there) would take here
    (:func:`simulation_cost`; before issue 31 one pilot was scaled linearly, counting its
    fixed costs once per 256 draws; until its second round a small pilot timed the array
    code where a large run takes the compiled kernels)."""
    req = SimulationRequest.of(request, **_models_option(models), **options)
    return simulation_cost(scenario, request=req, format=format).seconds(req.draws)


def load_simulation(path: str | os.PathLike[str]) -> Simulation:
    """A simulation saved with :meth:`Simulation.save` (netCDF)."""
    from detente.uncertainty.simulate import Simulation

    return Simulation.load(path)


def sensitivity(
    scenario: ScenarioLike = None,
    model: str | Model = "compromise",
    *,
    params: Params | None = None,
    method: Literal["sobol", "morris"] = "sobol",
    samples: int = 1024,
    seed: int = 0,
    by: Literal["input", "actor"] = "input",
    issues: Sequence[str] | None = None,
    format: str | None = None,
) -> Sensitivity:
    """Which uncertain inputs move each issue's forecast most (SALib).

    ``method``: ``sobol`` (variance shares; default) or ``morris`` (elementary
    effects); ``samples``: the base sample size N (default 1024); ``by``:
    rank single inputs (default) or whole actors; ``issues``: default all.
    """
    from detente.uncertainty.sensitivity import sensitivity as analyse

    sc = _scenario(scenario, format)
    return analyse(sc, _one_model(model, params), method=method, samples=samples, seed=seed,
                   by=by, issues=issues or None)


def levers(
    scenario: ScenarioLike = None,
    *,
    issue: str,
    target: str | float,
    model: str | Model = "compromise",
    params: Params | None = None,
    actors: Sequence[str] | None = None,
    seed: int = 0,
    format: str | None = None,
) -> LeverResult:
    """The smallest change to one actor's position, salience or capability that moves
    ``model``'s forecast on ``issue`` to ``target`` (an anchor label or a unique part
    of one, an option name, or a number); ``actors`` limits the search (default all)."""
    from detente.uncertainty.levers import find_levers

    sc = _scenario(scenario, format)
    return find_levers(sc, _one_model(model, params), issue, target, actors=actors or None,
                       seed=seed)
