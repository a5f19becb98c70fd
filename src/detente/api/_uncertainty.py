"""Uncertainty: Monte Carlo (and its cost), sensitivity, levers.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from detente.api._models import Params, _one_model
from detente.api._scenarios import ScenarioLike, _scenario
from detente.models.base import Model

if TYPE_CHECKING:
    from detente.engines import Engine
    from detente.estimate import CostModel
    from detente.uncertainty.levers import LeverResult
    from detente.uncertainty.sensitivity import Sensitivity
    from detente.uncertainty.simulate import Simulation


def simulate(
    scenario: ScenarioLike = None,
    models: Iterable[str | Model] | None = None,
    *,
    draws: int = 10_000,
    seed: int | None = 0,
    params: Params | None = None,
    engine: str | Engine = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    block_size: int | None = None,
    bins: int | None = None,
    quantiles: Sequence[float] | None = None,
    keep_draws: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
    format: str | None = None,
    calibrated_uncertainty: bool = False,
) -> Simulation:
    """Monte Carlo over the scenario's declared uncertainty (see
    :func:`detente.uncertainty.simulate.simulate`).

    ``draws`` (default 10,000) and ``seed`` (default 0) fix the result;
    ``engine`` (``local`` or ``dask``; a ``scheduler`` address implies dask),
    ``workers`` and ``chunk_size`` only decide where and how fast it runs.
    ``block_size``, ``bins`` and ``quantiles`` (default: the simulation
    module's) shape the summaries; ``keep_draws`` keeps every outcome (default:
    for runs up to 100,000 draws). ``progress`` is called with (draws done,
    draws in all). ``calibrated_uncertainty`` (default False) first gives every
    input without a stated distribution the default uncertainty calibrated on
    EU decisions (:mod:`detente.uncertainty.defaults`); the result then says so
    (``dataset.attrs["uncertainty_defaults"]``, shown in tables and JSON).
    """
    from detente.uncertainty.simulate import (
        DEFAULT_BINS,
        DEFAULT_BLOCK_SIZE,
        DEFAULT_QUANTILES,
    )
    from detente.uncertainty.simulate import simulate as run

    sc = _scenario(scenario, format)
    note = None
    if calibrated_uncertainty:
        from detente.uncertainty.defaults import CALIBRATED, calibration_note

        sc, added = CALIBRATED.apply(sc)
        note = calibration_note(CALIBRATED, added)
    sim = run(sc, models, draws=draws, seed=seed, engine=engine, scheduler=scheduler,
              workers=workers, chunk_size=chunk_size,
              block_size=DEFAULT_BLOCK_SIZE if block_size is None else block_size,
              bins=DEFAULT_BINS if bins is None else bins,
              quantiles=DEFAULT_QUANTILES if quantiles is None else quantiles,
              keep_draws=keep_draws, params=params, progress=progress)
    if note is not None:
        sim.dataset.attrs["uncertainty_defaults"] = note
    return sim


SIMULATE_PILOTS = (128, 1024)
"""Draws of the two timed pilots of :func:`simulation_cost` (after a 32-draw warm-up)."""


def simulation_cost(scenario: ScenarioLike = None,
                    models: Iterable[str | Model] | None = None, *, draws: int,
                    params: Params | None = None, format: str | None = None,
                    calibrated_uncertainty: bool = False) -> CostModel:
    """The cost of a :func:`simulate` run here as ``fixed + per_draw · draws``
    (:mod:`detente.estimate`): a 32-draw warm-up (imports, first calls), then pilots of
    :data:`SIMULATE_PILOTS` draws timed and fitted."""
    from detente.estimate import measure

    sc = _scenario(scenario, format)
    return measure(lambda n: simulate(sc, models, draws=n, params=params, keep_draws=False,
                                      calibrated_uncertainty=calibrated_uncertainty),
                   units=draws, pilots=SIMULATE_PILOTS, warm=32)


def estimate_simulation(scenario: ScenarioLike = None,
                        models: Iterable[str | Model] | None = None, *, draws: int,
                        params: Params | None = None, format: str | None = None,
                        calibrated_uncertainty: bool = False) -> float:
    """Seconds a :func:`simulate` run of ``draws`` would take here
    (:func:`simulation_cost`; before issue 31 one pilot was scaled linearly, counting its
    fixed costs once per 256 draws)."""
    return simulation_cost(scenario, models, draws=draws, params=params, format=format,
                           calibrated_uncertainty=calibrated_uncertainty).seconds(draws)


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
