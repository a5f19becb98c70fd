"""Forecasts: several models on one scenario, with each forecast's distribution.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from detente.api._models import Params
from detente.api._scenarios import ScenarioLike, _located, _scenario
from detente.api._uncertainty import simulate
from detente.errors import ModelInputError, OptionError
from detente.extras import extras_of
from detente.models.base import Forecast, Model
from detente.models.registry import resolve_models
from detente.results import ForecastSet, Skipped
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.engines import Engine


def forecast(
    scenario: ScenarioLike = None,
    models: Iterable[str | Model] | None = None,
    *,
    params: Params | None = None,
    seed: int | None = 0,
    format: str | None = None,
    draws: int | None = 0,
    interval: float = 0.8,
    engine: str | Engine = "local",
    chunk_size: int | None = None,
) -> ForecastSet:
    """Run several models on one scenario, optionally with each forecast's distribution.

    ``models`` are names (see :func:`models`) or model instances (default:
    compromise, median and Nash); ``params`` maps a model name to its keyword
    parameters; ``seed`` (default 0) feeds the models with randomness.

    ``draws`` > 0 also runs a Monte Carlo of that many
    draws over the scenario's declared uncertainty (:func:`simulate`) and attaches, per
    model and issue, the median, the central ``interval`` (default 0.8) and the likeliest
    anchor band, flagging a point that lies outside the interval or in another band
    (:mod:`detente.uncertainty.distribution`). ``draws=None`` takes the default rule
    (:func:`detente.uncertainty.distribution.default_draws`: 1,000 draws, 250 for eum,
    exchange and smp), which is what ``detente forecast`` uses. The Python default is 0
    (the points only) on purpose: the facade and the web pages call :func:`forecast` for
    points (proposals, the brief, figures), and the distributions cost time (bundled
    scenario: 0.02 s for the default three models' points against 0.3 s with the default
    draws; all seven models 0.7 s against 7.3 s). Pass ``draws=None`` for the CLI's
    numbers. A scenario that declares no uncertainty gets, instead of draws, each model's
    *residual* interval: the central ``interval`` from the model's errors on EU decisions
    with known outcomes (DEU I/II; :mod:`detente.uncertainty.residual`), marked
    ``source="residual"`` with a note saying so; models without such a calibration (or run
    with other parameters) are listed in ``without_interval``.
    ``engine`` and ``chunk_size`` only decide where the draws run, never the numbers.
    """
    sc = _scenario(scenario, format)
    resolved = resolve_models(models, params=params)
    result = _points(sc, resolved, seed, lambda exc: _located(exc, scenario, format=format))
    if draws == 0:
        return result
    if draws is not None and draws < 0:
        raise OptionError(f"{{draws}} must be 0 or more (got {draws})")
    skipped = {x.model for x in result.skipped}
    ran = [m for m in resolved if m.name not in skipped]  # binding keeps the name
    return _with_distributions(result, ran, draws=draws, interval=interval, seed=seed,
                               engine=engine, chunk_size=chunk_size)


def _points(sc: Scenario, models: Sequence[Model], seed: int | None,
            located: Callable[[ModelInputError], ModelInputError]) -> ForecastSet:
    """Every model's point forecast; a model that cannot run here is skipped with its
    first problem (``located`` in the file), the others still run; none ran: its error."""
    extras = extras_of(sc)  # what a model takes from the file (KTAB settings, DEU context)
    done: list[Forecast] = []
    skipped: list[Skipped] = []
    first: ModelInputError | None = None
    for m in (m.bind(extras) for m in models):
        try:
            done.append(m.forecast(sc, seed=seed))
        except ModelInputError as exc:  # this model cannot run here; the others still do
            exc = located(exc)
            first = first or exc
            skipped.append(Skipped(m.name, _one_line(exc)))
    if not done and first is not None:
        raise first
    return ForecastSet(sc, tuple(done), tuple(skipped))


def _one_line(error: ModelInputError) -> str:
    """A model's input problems as one line: the first, and how many more."""
    if not error.problems:
        return str(error).splitlines()[0]
    p = error.problems[0]
    more = len(error.problems) - 1
    return str(p) + (f" (and {more} more)" if more else "")


def _with_distributions(result: ForecastSet, models: Sequence[Model], *, draws: int | None,
                        interval: float, seed: int | None, engine: str | Engine,
                        chunk_size: int | None) -> ForecastSet:
    """``result`` with the distributions of its forecasts: one simulation per number of
    draws (the default rule gives the heavy models fewer), all with the same seed."""

    from detente.uncertainty.distribution import (
        default_draws,
        distributions_of,
        interval_quantiles,
    )
    from detente.uncertainty.sampling import input_space

    quantiles = interval_quantiles(interval)
    sc = result.scenario
    if input_space(sc).size == 0:  # nothing stated to simulate: the models' own error record
        from detente.uncertainty.residual import residual_distributions

        dists, missing = residual_distributions(result.forecasts, sc, interval)
        return replace(result, distributions=dists, interval=interval, without_interval=missing)
    if seed is None:  # one seed for every group, and the points' own
        import numpy as np

        seed = int(np.random.SeedSequence().generate_state(1, np.uint32)[0])
    groups: dict[int, list[Model]] = {}
    for m in models:
        groups.setdefault(draws if draws is not None else default_draws(m.name), []).append(m)
    found = {}
    shares = {}
    for n, members in groups.items():
        sim = simulate(sc, members, draws=n, seed=seed, engine=engine, chunk_size=chunk_size,
                       quantiles=quantiles, keep_draws=False)
        for d in distributions_of(sim, sc, interval):
            found[(d.model, d.issue)] = d
        shares.update({m: (s, n) for m, s in sim.rule_shares().items()})
    ordered = tuple(found[(f.model, i)] for i in sc.issue_ids for f in result
                    if (f.model, i) in found)
    return replace(result, distributions=ordered, interval=interval, rule_shares=shares)
