"""The facade: every operation the CLI, the web app and notebooks use.

Each function takes keyword parameters with documented defaults and returns a
result object (:mod:`detente.results`, or the result types of the analysis
packages) that knows its JSON form; the presenters (:mod:`detente.present`)
turn those into tables. A scenario argument is a :class:`Scenario`, a file
path (any supported format) or the name of a bundled scenario; ``None`` means
the bundled default (``ukraine-2025-11``).

The heavier packages (Monte Carlo, sensitivity, deals, backtest) are imported
when their function is first called, so ``import detente`` stays quick.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from detente import formats
from detente.atomic import write_text_atomic
from detente.errors import DetenteError, ModelInputError, Problem
from detente.extras import extras_of
from detente.formats.genius import GeniusDomain, read_genius_domain
from detente.models.base import Forecast, Model
from detente.models.registry import (
    DEFAULT_MODELS,
    available_models,
    get_model,
    model_class,
    resolve_models,
)
from detente.results import (
    BacktestReport,
    CheckReport,
    DealWork,
    EnsembleFit,
    ExchangeRun,
    ForecastSet,
    LogrollSet,
    ModelInfo,
    Skipped,
)
from detente.scenario import Scenario, field_line
from detente.scenarios import DEFAULT, bundled_path, resolve
from detente.templates import scenario_template

if TYPE_CHECKING:
    from detente.deals import DealProblem, DealReport, PhaseReport
    from detente.deals.pair import PairView
    from detente.deals.proposal_report import ProposalsReport
    from detente.engines import Engine
    from detente.estimate import CostModel
    from detente.outlook import Outlook
    from detente.present.brief import BriefData
    from detente.store import History
    from detente.uncertainty.levers import LeverResult
    from detente.uncertainty.sensitivity import Sensitivity
    from detente.uncertainty.simulate import Simulation

ScenarioLike = Scenario | str | os.PathLike[str] | None
"""A scenario, a file path or bundled name, or ``None`` for the bundled default."""

Params = Mapping[str, Mapping[str, Any]]
"""Model parameters by model name: ``{"eum": {"q": 0.5}}``."""


__all__ = [
    "DEFAULT",
    "DEFAULT_MODELS",
    "StanceChange",
    "analyse_deals",
    "apply_draft",
    "backtest_models",
    "baserates",
    "brief",
    "brief_simulated",
    "capabilities",
    "capability_schemes",
    "check",
    "convert",
    "deal_pair",
    "deal_problem",
    "deals_cost",
    "delphi_history",
    "delphi_round",
    "delphi_store",
    "draft_article",
    "dumps",
    "ending_by_month",
    "estimate_deals",
    "estimate_simulation",
    "evidence_backtest",
    "exchanges",
    "fit_ensemble",
    "forecast",
    "format_names",
    "levers",
    "list_models",
    "load",
    "load_all",
    "load_deal_source",
    "load_genius",
    "load_simulation",
    "loads",
    "logrolls",
    "new_scenario",
    "open_history",
    "outlook",
    "panel_combine",
    "panel_disagreement",
    "parse_pairs",
    "parse_params",
    "phase",
    "pressures",
    "proposals",
    "proposals_cost",
    "report_cost",
    "resolve_models",
    "run_backtest",
    "save",
    "save_review",
    "scenario_schema",
    "sensitivity",
    "shipped_ensemble_members",
    "simulate",
    "simulation_cost",
    "what_if",
    "write_text",
]


# ---- scenarios: load, save, convert, check ---------------------------------------------

if TYPE_CHECKING:  # the inputs layer is imported on first use
    from detente.inputs.delphi import RoundSummary
    from detente.inputs.disagreement import DisagreementReport
    from detente.inputs.draft import Applied, Draft
    from detente.inputs.draft.review import Review
    from detente.inputs.panel import PanelResult


def load(path_or_name: str | os.PathLike[str] | None = None, *,
         format: str | None = None) -> Scenario:
    """Load one scenario from a file (any supported format) or a bundled name.

    ``path_or_name`` defaults to the bundled scenario (``DEFAULT``); ``format``
    forces a reader (default: detect by extension, then by content).
    """
    return formats.read(resolve(path_or_name or DEFAULT), format=format)


def load_all(path_or_name: str | os.PathLike[str] | None = None, *,
             format: str | None = None) -> list[Scenario]:
    """Load every scenario in a file (a DEU table holds one per issue)."""
    return formats.read_all(resolve(path_or_name or DEFAULT), format=format)


def _scenario(scenario: ScenarioLike, format: str | None = None) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario, format=format)


def save(scenario: Scenario, path: str | os.PathLike[str], *, format: str | None = None,
         force: bool = True) -> Path:
    """Write a scenario (format from the extension unless given), atomically.

    ``force=False`` refuses to overwrite an existing file.
    """
    _refuse_existing(Path(path), force)
    return formats.write(scenario, path, format=format)


def convert(source: ScenarioLike, target: str | os.PathLike[str], *, to: str | None = None,
            format: str | None = None, force: bool = False) -> Path:
    """Read ``source`` (``format`` forces its reader) and write it to ``target`` in
    format ``to`` (default: from the extension); ``force`` overwrites an existing file."""
    target = Path(target)
    _refuse_existing(target, force)
    return formats.write(_scenario(source, format), target, format=to)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write an output file (a CSV, a report) atomically: old content or new, never half."""
    return write_text_atomic(path, text)


def format_names(*, writable: bool = False) -> tuple[str, ...]:
    """The names of the scenario formats (for ``format=``); ``writable=True``: only those a
    scenario can be written in (for ``to=``)."""
    return formats.writable_names() if writable else formats.format_names()


def new_scenario(name: str, path: str | os.PathLike[str] | None = None, *,
                 force: bool = False) -> Path:
    """Write a commented template scenario called ``name`` (default file ``NAME.yaml``)."""
    name = name.strip()
    if not name or "/" in name or "\\" in name or not name.isprintable():
        raise DetenteError(f"name {name!r}: expected a short name without slashes or control "
                           "characters (spaces are fine, as in files)")
    # the readers accept any name; the default file name swaps spaces for dashes
    target = Path(path) if path is not None else Path("-".join(name.split()) + ".yaml")
    _refuse_existing(target, force)
    return write_text_atomic(target, scenario_template(name))


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise DetenteError(f"{path}: exists; pass --force to overwrite it")


def check(path_or_name: str | os.PathLike[str] | None = None, *,
          models: Sequence[str] = (), format: str | None = None) -> CheckReport:
    """Validate every scenario in a file and, for each of ``models``, what it needs.

    Raises :class:`ScenarioError` (the file) or :class:`ModelInputError` (every
    model's problems together); returns the valid scenarios otherwise.
    """
    from detente.arrays import compile_scenario

    scenarios = load_all(path_or_name, format=format)
    checkers = [get_model(name) for name in models]
    problems: list[Problem] = []
    for sc in scenarios if checkers else ():
        arrays = compile_scenario(sc)  # once per scenario, whatever the number of models
        for checker in checkers:
            try:
                checker.check(arrays)
            except ModelInputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise _located(ModelInputError(problems), path_or_name, format=format)
    return CheckReport(tuple(scenarios), tuple(models))


def _located(error: ModelInputError, source: ScenarioLike, *,
            format: str | None = None) -> ModelInputError:
    """``error`` with the file and line of each problem's field, where the scenario came
    from a file (a model's needs are found after reading, on the arrays, which keep no
    lines): a missing field points at its record, as the readers' messages do."""
    if isinstance(source, Scenario) or not error.problems:
        return error
    path = resolve(source or DEFAULT)
    try:
        locate = formats.locator(path, format=format)
    except DetenteError:  # read once already; a file changed since keeps its bare name
        locate = None
    return ModelInputError([
        p if p.file else replace(p, file=str(path), line=p.line or field_line(locate, p.path))
        for p in error.problems])


# ---- models and forecasts ------------------------------------------------------------


def list_models() -> list[ModelInfo]:
    """Every registered model: name, label, whether it needs a status quo."""
    out = []
    for name in available_models():
        cls = model_class(name)
        out.append(ModelInfo(name, cls.label or name, bool(cls.needs_status_quo)))
    return out


def parse_params(items: Iterable[str] | None) -> dict[str, dict[str, Any]]:
    """``["eum.q=0.5", "eum.rounds=8"]`` -> ``{"eum": {"q": 0.5, "rounds": 8}}``.

    Values are read as YAML scalars (numbers, booleans, text).
    """
    out: dict[str, dict[str, Any]] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        model, dot, name = key.partition(".")
        if not sep or not dot or not model or not name:
            raise DetenteError(f"--param {item!r}: expected MODEL.NAME=VALUE, e.g. eum.q=0.5")
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        out.setdefault(model, {})[name] = value
    return out


def _one_model(model: str | Model, params: Params | None) -> Model:
    return resolve_models([model], params=params)[0]


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
    extras = extras_of(sc)  # what a model takes from the file (KTAB settings, DEU context)
    resolved = resolve_models(models, params=params)
    chosen = [m.bind(extras) for m in resolved]
    done: list[Forecast] = []
    skipped: list[Skipped] = []
    first: ModelInputError | None = None
    for m in chosen:
        try:
            done.append(m.forecast(sc, seed=seed))
        except ModelInputError as exc:  # this model cannot run here; the others still do
            exc = _located(exc, scenario, format=format)
            first = first or exc
            skipped.append(Skipped(m.name, _one_line(exc)))
    if not done and first is not None:
        raise first
    result = ForecastSet(sc, tuple(done), tuple(skipped))
    if draws == 0:
        return result
    if draws is not None and draws < 0:
        raise DetenteError(f"--draws must be 0 or more (got {draws})")
    ran = [m for m, b in zip(resolved, chosen, strict=True)
           if b.name not in {x.model for x in skipped}]
    return _with_distributions(result, ran, draws=draws, interval=interval, seed=seed,
                               engine=engine, chunk_size=chunk_size)


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


def exchanges(
    scenario: ScenarioLike = None,
    *,
    rounds: int = 10,
    variant: str = "equal-gain",
    rule: str = "decide",
    seed: int = 0,
    candidates: bool = False,
    format: str | None = None,
    controlled_only: bool = False,
) -> ExchangeRun:
    """Run the exchange model and keep its log of executed exchanges.

    ``variant`` is ``equal-gain`` (default) or ``random-rate`` (which uses
    ``seed``); ``rule`` is ``decide`` (default) or ``paper``; ``candidates``
    also lists round 1's candidate exchanges before any is executed. Where the
    scenario says who delivers or must consent to each issue, each side of the
    log says whether it ``controls`` what it gives; ``controlled_only`` keeps the
    exchanges where both do (a filter of the log; the model is unchanged).
    """
    from detente.models.exchange import Exchange
    from detente.models.exchange import candidates as round_one

    sc = _scenario(scenario, format)
    model = Exchange(rounds=rounds, variant=variant, rule=rule)  # type: ignore[arg-type]
    fc = model.bind(extras_of(sc)).forecast(sc, seed=seed)
    found = tuple(c.to_dict() for c in round_one(sc, model)) if candidates else None
    return ExchangeRun(sc, fc, rounds, seed, found, controlled=controlled_only)


# ---- uncertainty -----------------------------------------------------------------------


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


# ---- deals -----------------------------------------------------------------------------


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
    utility: str = "linear",
    grid: int | None = None,
    batna: Mapping[str, float] | None = None,
    acceptance: str | None = None,
    format: str | None = None,
    shocks: Sequence[str] = (),
) -> DealProblem:
    """The deal problem of a scenario, a GENIUS negotiation, or a file / folder / bundled
    name: options per issue, every actor's utilities and BATNA.

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
    from detente.deals import DEFAULT_GRID, DealProblem

    rule = None if acceptance is None else acceptance.replace("-", "_")
    if not isinstance(scenario, Scenario | GeniusDomain):
        path = resolve(scenario or DEFAULT)
        genius = format == "genius" or (format is None and _is_genius(path))
        scenario = read_genius_domain(path) if genius else formats.read(path, format=format)
    size = DEFAULT_GRID if grid is None else grid
    if isinstance(scenario, GeniusDomain):
        return DealProblem.from_scenario(scenario.scenario, spaces=scenario.spaces,
                                         batna=batna, acceptance=rule,  # type: ignore[arg-type]
                                         grid=size)
    return DealProblem.from_scenario(scenario, utility=utility, grid=size,  # type: ignore[arg-type]
                                     batna=batna, acceptance=rule,  # type: ignore[arg-type]
                                     shocks=tuple(shocks))


def analyse_deals(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    utility: str = "linear",
    batna: Mapping[str, float] | None = None,
    acceptance: str | None = None,
    drops: Mapping[str, float] | None = None,
    draws: int = 0,
    seed: int = 0,
    format: str | None = None,
    robust: int | None = None,
    shocks: Sequence[str] = (),
) -> DealReport:
    """Pareto frontier above the BATNAs, ZOPA and bargaining solutions.

    ``utility``, ``batna``, ``acceptance`` and ``shocks`` as in :func:`deal_problem`;
    ``drops`` (actor -> D) asks which deals open if that actor's BATNA fell by
    D; ``draws > 0`` samples uncertain BATNAs with ``seed``. ``robust`` (default ``None``:
    :data:`~detente.deals.robust.DEFAULT_ROBUST_DRAWS`, 500, as ``detente deals``; 0 for
    none) gives every frontier deal its survival probability: the share of ``robust``
    draws (``seed``) of the stated uncertainty (positions, saliences, capabilities,
    BATNAs and the pressures on them) in which it stays acceptable
    (:mod:`detente.deals.robust`), and ranks the deals by it (``DealReport.robust``).
    About a second on the bundled scenario.
    """
    from detente.deals import analyse, with_survival

    source = load_deal_source(scenario, format)
    problem = deal_problem(source, utility=utility, batna=batna, acceptance=acceptance,
                           format=format, shocks=shocks)
    report = analyse(problem, drops=dict(drops or {}), draws=draws, seed=seed)
    robust = _robust_draws(robust)
    if robust:
        report = with_survival(report, _plain_scenario(source), draws=robust, seed=seed)
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


DEALS_PILOTS = (16, 64)
"""Robust draws of the two timed survival pilots of :func:`deals_cost`."""
PACKAGE_PILOTS = (50, 400)
"""Draws of the two timed pilots of :func:`proposals_cost`."""


def deals_cost(scenario: ScenarioLike | GeniusDomain = None, *, utility: str = "linear",
               robust: int | None = None, format: str | None = None) -> CostModel:
    """The cost of :func:`analyse_deals` here as ``fixed + per_draw · robust``: the
    analysis of the deal space timed (the faster of two runs after a warm-up), the survival over the
    robust draws fitted on pilots of :data:`DEALS_PILOTS` draws (:mod:`detente.estimate`).
    It runs the analysis three times: for a space too large for that, :func:`estimate_deals`
    gives a lower bound without running it."""
    from detente.deals import analyse, with_survival
    from detente.estimate import CostModel, measure

    source = load_deal_source(scenario, format)
    problem = deal_problem(source, utility=utility, format=format)
    report = analyse(problem)  # warm-up
    timed = []
    for _ in range(2):  # the faster of two: one timing of a short analysis is noisy
        start = time.perf_counter()
        analyse(problem)
        timed.append(time.perf_counter() - start)
    space = CostModel(min(timed), 0.0)
    robust = _robust_draws(robust)
    if not robust:
        return space
    plain = _plain_scenario(source)
    return space + measure(lambda n: with_survival(report, plain, draws=n), units=robust,
                           pilots=DEALS_PILOTS, warm=2)


def proposals_cost(scenario: ScenarioLike = None, *, draws: int, utility: str = "linear",
                   models: Iterable[str] | None = None,
                   format: str | None = None) -> CostModel:
    """The cost of :func:`proposals` here as ``fixed + per_draw · draws`` (the fixed part:
    the plans on the point values, their amendments and the models' forecasts), fitted on
    pilots of :data:`PACKAGE_PILOTS` draws after a warm-up (:mod:`detente.estimate`)."""
    from detente.estimate import measure

    sc = _scenario(scenario, format)
    return measure(lambda n: proposals(sc, draws=n, utility=utility, models=models),
                   units=max(draws, 1), pilots=PACKAGE_PILOTS, warm=10)


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


def load_deal_source(scenario: ScenarioLike | GeniusDomain = None,
                     format: str | None = None) -> Scenario | GeniusDomain:
    """The scenario or GENIUS negotiation a deal analysis reads: a loaded one as it is,
    a path or name read once (so a caller estimating first and analysing next reads the
    file once, passing the result to both)."""
    if isinstance(scenario, Scenario | GeniusDomain):
        return scenario
    path = resolve(scenario or DEFAULT)
    genius = format == "genius" or (format is None and _is_genius(path))
    return read_genius_domain(path) if genius else formats.read(path, format=format)


def _robust_draws(robust: int | None) -> int:
    """Survival draws: ``None`` takes :data:`detente.deals.robust.DEFAULT_ROBUST_DRAWS`."""
    from detente.deals.robust import DEFAULT_ROBUST_DRAWS

    if robust is None:
        return DEFAULT_ROBUST_DRAWS
    if robust < 0:
        raise DetenteError(f"robust draws must be 0 or more (got {robust})")
    return robust


def _plain_scenario(source: Scenario | GeniusDomain) -> Scenario:
    return source.scenario if isinstance(source, GeniusDomain) else source


def proposals(
    scenario: ScenarioLike = None,
    *,
    utility: str = "linear",
    acceptance: str | None = None,
    draws: int = 0,
    seed: int = 0,
    models: Iterable[str] | None = None,
    amend_rule: str = "fewest",
    amendments: bool = True,
    format: str | None = None,
    shocks: Sequence[str] = (),
) -> ProposalsReport:
    """The plans on the table (``proposals`` in the scenario), judged.

    Per proposal: each actor's utility against its no-deal value, who accepts,
    who blocks and by how much, red lines crossed, linkages broken, the mean
    distance (in scale spans) to each model's forecast (``models``, default the
    forecast defaults), and with ``draws > 0`` each actor's probability of
    accepting under the stated uncertainty (``seed``). A blocked proposal gets
    its smallest amendment by ``amend_rule`` (``"fewest"``: fewest issues moved,
    then least movement; ``"nash"``: the largest Nash product over the veto
    holders), unless ``amendments`` is false. ``utility``, ``acceptance`` and
    ``shocks`` as in :func:`deal_problem`.
    """
    from detente.deals.amendments import AMEND_RULES
    from detente.deals.proposal_report import evaluate_proposals

    if amend_rule not in AMEND_RULES:
        raise DetenteError(f"amendment rule {amend_rule!r}: expected one of "
                           f"{', '.join(AMEND_RULES)}")
    sc = _scenario(scenario, format)
    if not sc.proposals:
        raise DetenteError(f"scenario {sc.name!r} has no proposals: add a 'proposals' section "
                           "(see docs/scenarios.md)")
    problem = deal_problem(sc, utility=utility, acceptance=acceptance, shocks=shocks)
    fs = forecast(sc, models) if models is None or list(models) else None
    points = {f.model: f.point for f in fs} if fs is not None else {}
    return evaluate_proposals(problem, sc, forecasts=points, draws=draws, seed=seed,
                              amend_rule=amend_rule,  # type: ignore[arg-type]
                              amendments=amendments)


def logrolls(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    utility: str = "linear",
    actors: Sequence[str] | None = None,
    format: str | None = None,
    robust: int | None = None,
    seed: int = 0,
) -> LogrollSet:
    """Pairs of actors and issues where each side gains more than it gives; ``actors``
    keeps the trades involving any of them (default: all).

    ``robust`` (default ``None``: :data:`~detente.deals.robust.DEFAULT_ROBUST_DRAWS`,
    500, as ``detente logrolls``) adds each trade's survival: the share of ``robust`` draws
    (``seed``) of the stated uncertainty in which the trade still passes every test the
    logroll finder applies (:func:`detente.deals.logrolls.holds`), and ranks the trades
    by it, ties in the point order (the larger smaller net gain first). ``robust=0``:
    the point order only, no survival.
    """
    from detente.deals import logrolls as find

    source = load_deal_source(scenario, format)
    problem = deal_problem(source, utility=utility, format=format)
    found = find(problem)
    if actors:
        unknown = set(actors) - set(problem.actors)
        if unknown:
            raise DetenteError(f"unknown actor(s) {', '.join(sorted(unknown))}; actors are "
                               f"{', '.join(problem.actors)}")
        found = [r for r in found if r.a in actors or r.b in actors]
    robust = _robust_draws(robust)
    if not robust:
        return LogrollSet(tuple(found))
    from detente.deals.robust import by_survival, logroll_survival

    surv = logroll_survival(problem, _plain_scenario(source), found, draws=robust, seed=seed)
    order = by_survival(surv.probability)
    return LogrollSet(tuple(found[k] for k in order), surv.take(order))


def phase(
    scenario: ScenarioLike | GeniusDomain = None,
    *,
    deal: str | Mapping[str, Any] | None = None,
    top: int = 5,
    utility: str = "linear",
    batna: Mapping[str, float] | None = None,
    format: str | None = None,
    robust: int | None = None,
    seed: int = 0,
) -> PhaseReport:
    """Order a deal's issues into self-enforcing phases, or price the guarantee needed.

    ``deal``: ``"issue=option,..."`` or a mapping (other issues at the status
    quo); default the Nash bargaining deal. ``top``: plans to keep (default 5), those
    needing the smallest guarantee. ``robust`` (default ``None``:
    :data:`~detente.deals.robust.DEFAULT_ROBUST_DRAWS`, 500, as ``detente phase``; 0 for
    none) adds, over ``robust`` draws (``seed``) of the stated uncertainty, the share in
    which the deal is acceptable and, per plan, the share in which it also needs no more
    guarantee than at the point estimate, and ranks the kept plans by that share, ties in
    the point order (smallest guarantee first).
    """

    from detente.deals import analyse
    from detente.deals import phase as order

    source = load_deal_source(scenario, format)
    problem = deal_problem(source, utility=utility, batna=batna, format=format)
    if deal is None:
        rep = analyse(problem)
        nash = rep.solutions["nash"]
        if nash is None:
            raise DetenteError("no deal beats every BATNA; give one with --deal")
        chosen = rep.frontier_options[nash]
    else:
        chosen = problem.parse_deal(deal)
    report = order(problem, chosen, top=top)
    robust = _robust_draws(robust)
    if not robust or not report.plans:
        return report
    from detente.deals.robust import by_survival, plan_survival

    found = plan_survival(problem, _plain_scenario(source), chosen,
                          [p.phases for p in report.plans], [p.guarantee for p in report.plans],
                          draws=robust, seed=seed)
    ranked = by_survival(found.plans.probability)
    return replace(report, plans=tuple(report.plans[k] for k in ranked),
                   robust=replace(found, plans=found.plans.take(ranked)))


# ---- backtest --------------------------------------------------------------------------


def backtest_models() -> tuple[str, ...]:
    """What :func:`run_backtest` can score: every registered model, then the baselines."""
    from detente.backtest.run import default_models

    return default_models()


def capability_schemes() -> tuple[str, ...]:
    """How a backtest can set actors' capabilities (``capability=``)."""
    from detente.power.council import SCHEMES

    return tuple(SCHEMES)


def run_backtest(
    dataset: str | os.PathLike[str],
    *,
    models: Sequence[str] | None = None,
    capability: str = "equal",
    limit: int | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    format: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BacktestReport:
    """Score models on decisions with known outcomes (a DEU table).

    ``models``: default every registered model and the baselines;
    ``capability``: how actors' capabilities are set (default ``equal``);
    ``limit``: only the first N scoreable issues; ``bootstrap``: replicates for
    the confidence intervals (0: none); ``seed`` feeds the bootstrap and models.
    """
    from detente.backtest.deu import make_cases
    from detente.backtest.run import run_backtest as run

    cases = make_cases(load_all(dataset, format=format), capability=capability)
    if limit is not None:
        if limit < 1:
            raise DetenteError("--limit must be at least 1")
        cases = cases[:limit]
    if not cases:
        raise DetenteError(f"{dataset}: no scoreable issues (outcome in 0..100, >= 3 actors)")
    known = list(backtest_models())
    chosen = list(dict.fromkeys(models)) if models else known
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise DetenteError(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(known)}")
    result = run(cases, chosen, seed=seed, progress=progress, capability=capability)
    scores = result.scores(n_boot=bootstrap, seed=seed)
    return BacktestReport(result, tuple(scores), os.fspath(dataset), bootstrap)


def fit_ensemble(
    report: BacktestReport,
    path: str | os.PathLike[str],
    *,
    members: Sequence[str] | None = None,
    seed: int = 0,
    command: str = "",
) -> EnsembleFit:
    """Fit ensemble weights on a backtest's cases (held-out proposals, grouped CV) and
    write them with their provenance to ``path`` (JSON, atomically).

    ``members``: default the shipped members; ``"all"`` means every model.
    ``command`` is recorded in the provenance.
    """
    from detente.backtest.ensemble_fit import (
        SHIPPED_MEMBERS,
        evaluate,
        member_table,
        weights_document,
        write_weights,
    )
    from detente.models.ensemble import default_members

    if members and "all" in members:
        chosen = list(default_members())
    else:
        chosen = list(dict.fromkeys(members or SHIPPED_MEMBERS))
    allowed = set(default_members())
    bad = [m for m in chosen if m not in allowed]
    if bad:
        raise DetenteError(f"unknown ensemble member(s) {', '.join(bad)}; "
                           f"known: {', '.join(sorted(allowed))}")
    if "compromise" not in chosen:
        raise DetenteError("the ensemble's members must include 'compromise' (its baseline)")
    cases = report.result.cases
    table = member_table(cases, chosen, seed=seed)
    fitted = evaluate(table, seed=seed)
    doc = weights_document(fitted, dataset=report.dataset, capability=report.result.capability,
                           members=chosen, seed=seed, command=command)
    out = write_weights(doc, Path(path))
    unused = set(available_models()) - {m.split("@")[0] for m in chosen} - {"ensemble"}
    return EnsembleFit(fitted, tuple(chosen), out, tuple(sorted(unused)))


def shipped_ensemble_members() -> tuple[str, ...]:
    """The members of the shipped ensemble (the default of :func:`fit_ensemble`)."""
    from detente.backtest.ensemble_fit import SHIPPED_MEMBERS

    return tuple(SHIPPED_MEMBERS)


# ---- GENIUS, the history store, analysts' inputs ------------------------------------


def load_genius(path: str | os.PathLike[str]) -> GeniusDomain:
    """A GENIUS negotiation (a folder, or its domain or one profile file): the scenario and
    every party's stated utility (``.scenario``, ``.spaces``)."""
    return read_genius_domain(resolve(path))


def open_history(db: str | os.PathLike[str] | None = None, *,
                 read_only: bool = False) -> History:
    """The history store (:class:`detente.History`): a file path or a SQLAlchemy URL
    (``postgresql+psycopg://...``); default ``$DETENTE_DB``, else ``history.sqlite`` in
    the user's data folder. Opening migrates the schema to this detente's revision.
    ``read_only``: nothing is added, removed or cached."""
    from detente.store import History

    return History(db, read_only=read_only)


# ---- inputs: analysts' panels and articles turned into drafts ------------------------


def _scenario_or_load(scenario: Scenario | str | os.PathLike[str] | None) -> Scenario | None:
    if scenario is None or isinstance(scenario, Scenario):
        return scenario
    return load(scenario)


def panel_combine(
    files: Iterable[str | os.PathLike[str]],
    *,
    base: Scenario | str | os.PathLike[str] | None = None,
    aggregator: str = "median",
    trim: float = 0.2,
    ranges: str = "spread",
    min_share: float = 0.5,
    name: str | None = None,
) -> PanelResult:
    """Combine several analysts' estimates of one negotiation, stance by stance.

    Returns a :class:`detente.inputs.panel.PanelResult` (the combined scenario and each
    value's provenance). ``base`` is the scenario compact CSV files apply to (default:
    the first whole scenario among ``files``); see :mod:`detente.inputs.panel` for the
    aggregators (``median``, ``trimmed-mean``) and range rules (``spread``, ``envelope``).
    """
    from detente.inputs.analysts import read_estimates
    from detente.inputs.panel import combine

    estimates = read_estimates(list(files), base=_scenario_or_load(base))
    return combine(estimates, aggregator=aggregator, trim=trim, ranges=ranges,  # type: ignore[arg-type]
                   min_share=min_share, name=name)


def panel_disagreement(
    files: Iterable[str | os.PathLike[str]],
    *,
    base: Scenario | str | os.PathLike[str] | None = None,
    model: str = "compromise",
    params: Mapping[str, Any] | None = None,
    aggregator: str = "median",
    min_share: float = 0.5,
    samples: int = 256,
    seed: int = 0,
    threshold: float = 0.05,
) -> DisagreementReport:
    """Where the analysts differ most and which differences move ``model``'s forecast.

    Returns a :class:`detente.inputs.disagreement.DisagreementReport`; see that module
    for the ranking and the test of "moves the forecast" (the existing sensitivity
    machinery run over the analysts' spread).
    """
    from detente.inputs.disagreement import disagreements

    panel = panel_combine(files, base=base, aggregator=aggregator, min_share=min_share)
    return disagreements(panel, get_model(model, **dict(params or {})), samples=samples,
                         seed=seed, threshold=threshold)


def delphi_round(
    folder: str | os.PathLike[str],
    files: Iterable[str | os.PathLike[str]] = (),
    *,
    base: Scenario | str | os.PathLike[str] | None = None,
    store: bool | None = None,
    db: str | os.PathLike[str] | None = None,
) -> RoundSummary:
    """Open a Delphi panel in ``folder`` (with the analysts' ``files``) or, without files,
    close the round the analysts revised and hand out the next.

    The rounds are kept as files in ``folder`` and, when :func:`delphi_store` says so, in
    the history store ``db`` (see :func:`open_history`): each analyst's estimates and the
    panel's median as versions noted "Delphi round k" (see :mod:`detente.inputs.delphi`).
    """
    from detente.inputs import delphi

    paths = list(files)
    history = open_history(db) if delphi_store(store, db) is not None else None
    try:
        if paths:
            return delphi.start(paths, folder, base=_scenario_or_load(base), store=history)
        return delphi.advance(folder, store=history)
    finally:
        if history is not None:
            history.close()


def delphi_store(store: bool | None, db: str | os.PathLike[str] | None = None) -> str | None:
    """Where :func:`delphi_round` keeps the rounds (the store's URL, password hidden), or
    ``None`` for files only. ``store=True`` keeps them (in ``db``, ``$DETENTE_DB`` or the
    default store), ``False`` never; ``None`` (the default) only when a store is named
    (``db`` or ``$DETENTE_DB``): the default store is never written to unasked."""
    from detente.store.db import ENV_VAR, display, resolve_url

    if store is False or (store is None and db is None and not os.environ.get(ENV_VAR)):
        return None
    return display(resolve_url(db))


def delphi_history(folder: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The anonymous summaries of every closed Delphi round in ``folder``, oldest first."""
    from detente.inputs import delphi

    return delphi.history(folder)


def draft_article(
    article: str | os.PathLike[str],
    *,
    into: str | os.PathLike[str] | None = None,
    gazetteer: Iterable[str | os.PathLike[str]] = (),
    max_chars: int = 1_000_000,
    extractor: str = "rules",
    llm_url: str | None = None,
    llm_key: str | None = None,
    llm_model: str | None = None,
) -> Draft:
    """Proposed changes, with exact quotes, from a news article (a
    :class:`detente.inputs.draft.Draft`); ``into`` is the scenario (file or bundled name)
    the quotes are to bear on. ``extractor="llm"`` uses an OpenAI-compatible endpoint
    (``llm_url``/``llm_key``/``llm_model`` or the ``DETENTE_LLM_*`` variables); the
    default, ``"rules"``, is offline and deterministic."""
    from detente.inputs.draft import draft

    scenario, into_file = None, None
    if into is not None:
        resolved = resolve(into)
        scenario = formats.read(resolved)
        into_file = os.fspath(into) if bundled_path(os.fspath(into)) == resolved else str(
            resolved.resolve())
    return draft(article, into=scenario, into_file=into_file, gazetteer=list(gazetteer),
                 max_chars=max_chars, extractor=extractor,  # type: ignore[arg-type]
                 llm_url=llm_url, llm_key=llm_key, llm_model=llm_model)


def save_review(review: Review, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write a draft's review file (atomic; an existing file only with ``force``)."""
    from detente.inputs.draft.review_file import write_review

    _refuse_existing(Path(path), force)
    return write_review(review, path)


def apply_draft(
    review: str | os.PathLike[str],
    *,
    output: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Applied:
    """The new scenario an edited review makes (validated; a
    :class:`detente.inputs.draft.Applied`), written to ``output`` if given (atomic)."""
    from detente.inputs.draft import apply
    from detente.inputs.draft.review_file import read_review

    if output is not None:
        _refuse_existing(Path(output), force)
    parsed, _ = read_review(review)
    base = load(parsed.into.file) if parsed.into is not None else None
    applied = apply(review, base=base)
    if output is not None:
        save(applied.scenario, output)
    return applied



# ---- used by the brief and the web app (issue 14) --------------------------------------

FAST_MODELS: tuple[str, ...] = ("compromise", "median", "nash", "eum")
"""Models quick enough to re-run on every slider move in the what-if view."""

BRIEF_DRAWS = 200
"""Draws per model for the intervals of the brief and the web forecast page: compact, so
that ``detente report`` on the bundled scenario stays quick (14.6 s against 12.0 s without
intervals, three runs each on the loaded 2-core machine), while the 80% interval's ends
lie on average 0.9 points (largest 5.6) from those of 2,000 draws there. A scenario that
states no uncertainty gets the models' residual intervals instead, at no cost."""


def loads(text: str | bytes, *, name: str = "upload.yaml",
          format: str | None = None) -> Scenario:
    """Parse one scenario from text (or a file's bytes) held in memory, such as an upload;
    ``name`` is only used to pick the format by its extension and to name the source in
    error messages (never opened)."""
    formats.check_size(len(text), name)
    if isinstance(text, bytes):
        text = formats.decode(text, name)
    fmt = format or formats.detect_format(Path(name), text)
    scenarios = formats.format_module(fmt).loads(text, file=name)
    if len(scenarios) != 1:
        raise DetenteError(f"{name}: holds {len(scenarios)} scenarios where one is needed")
    return scenarios[0]


def dumps(scenario: Scenario, format: str = "yaml") -> str:
    """A scenario as text in a format that can hold one (YAML by default)."""
    return formats.dumps(scenario, format)


@dataclass(frozen=True)
class StanceChange:
    """A what-if: one actor's position and/or salience on one issue set to new values."""

    actor: str
    issue: str
    position: float | None = None
    salience: float | None = None


def what_if(scenario: Scenario, changes: Iterable[StanceChange]) -> Scenario:
    """The scenario with some stances moved (re-validated; a moved stance drops the
    uncertainty range it no longer matches, since a what-if is a point forecast)."""
    data = scenario.to_dict()
    todo = {(c.actor, c.issue): c for c in changes}
    for stance in data.get("stances", []):
        change = todo.pop((stance["actor"], stance["issue"]), None)
        if change is None:
            continue
        if change.position is not None:
            stance["position"] = float(change.position)
            stance.pop("position_uncertainty", None)
        if change.salience is not None:
            stance["salience"] = float(change.salience)
            stance.pop("salience_uncertainty", None)
    if todo:
        missing = ", ".join(f"{a} on {i}" for a, i in todo)
        raise DetenteError(f"what-if: no stated stance of {missing}; only stated stances move")
    return Scenario.from_dict(data)


def deal_pair(scenario: ScenarioLike | GeniusDomain, pair: tuple[str, str], *,
              utility: str = "linear") -> PairView:
    """Two parties' (``pair``: two actor ids) utilities over the deal space (at most 5,000
    deals, drawn when the space is larger), their two-party Pareto frontier and ZOPA
    (``utility`` as in :func:`deal_problem`)."""
    from detente.deals.pair import pair_view

    a, b = pair
    return pair_view(deal_problem(scenario, utility=utility), a, b)


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
    from detente.present.brief import BriefData
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
    """The reference class for page 1 of the brief, where the scenario states its conflict's
    facts (``conflict:``) and the war data are at hand (``None`` otherwise)."""
    if sc.conflict is None:
        return None
    try:
        return baserates(sc)
    except DetenteError:
        return None


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


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (see :func:`detente.scenario.json_schema`)."""
    from detente.scenario import json_schema

    return json_schema()


def pressures(
    scenario: ScenarioLike = None,
    *,
    deal: str | Mapping[str, Any] | None = None,
    utility: str = "linear",
) -> dict[str, Any]:
    """How the scenario's pressure variables and named shocks move the deals.

    ``levers``: per pressure, the ZOPA size now and at the ends of its range, and
    the smallest rise or fall that lets a deal in or pushes one out (and, with
    ``deal``, the changes over which that deal is acceptable);
    ``shocks``: the BATNAs, ZOPA size and Nash deal after each named shock.
    See :mod:`detente.deals.pressures`.
    """
    from detente.deals.pressures import pressure_levers, shock_effects

    sc = _scenario(scenario)
    problem = deal_problem(sc, utility=utility)
    return {
        "scenario": sc.name,
        "levers": [lv.to_dict() for lv in pressure_levers(problem, deal=deal)],
        "shocks": shock_effects(sc, utility=utility),
    }


# ---- evidence from real wars (detente.evidence) ------------------------------------------

def capabilities(scenario: ScenarioLike = None, *, year: int, measure: str = "cinc",
                 non_state: str = "keep", scale: str = "total",
                 data: str | os.PathLike[str] | None = None,
                 format: str | None = None) -> Any:
    """State actors' capabilities from the COW NMC data (CINC or one of its six components)
    in ``year``; non-state actors kept or summed over ``cow_members`` (``non_state``);
    ``scale`` "total" keeps the replaced actors' sum, "share" writes raw shares. Returns a
    :class:`detente.evidence.capabilities.CapabilityReport` (its ``scenario`` is the new one).
    """
    from detente.evidence import ops

    try:
        return ops.capabilities(_scenario(scenario, format), year=year, measure=measure,
                                rule=non_state, scale=scale, data=data)
    except ModelInputError as exc:
        raise _located(exc, scenario, format=format) from None


def baserates(scenario: ScenarioLike = None, *, type: str | None = None,
              incompatibility: str | None = None, intensity: int | None = None,
              months_fought: float | None = None, major_power: bool | None = None,
              capability_ratio: float | None = None, min_cases: int = 10,
              min_at_risk: int = 5, months: int = 24,
              data: str | os.PathLike[str] | None = None, format: str | None = None) -> Any:
    """The outside view: historical cases like this conflict (UCDP episodes, COW wars, GML
    disputes), their Kaplan–Meier durations, how they ended, and P(ending within 6/12/24
    months | lasted so far). The conflict is the scenario's ``conflict:`` block (default:
    the bundled scenario's) with any fact given here replacing it; with facts given and no
    scenario, the facts alone. Returns :class:`detente.evidence.reference.BaseRates`."""
    from detente.evidence import ops

    facts = {"type": type, "incompatibility": incompatibility, "intensity": intensity,
             "months_fought": months_fought, "major_power": major_power,
             "capability_ratio": capability_ratio}
    use_scenario = scenario is not None or all(v is None for v in facts.values())
    try:
        desc = ops.describe(_scenario(scenario, format) if use_scenario else None, facts,
                            data=data)
    except ModelInputError as exc:
        raise _located(exc, scenario, format=format) from None
    return ops.baserates(desc, min_cases=min_cases, min_at_risk=min_at_risk, months=months,
                         data=data)


def ending_by_month(scenario: ScenarioLike = None, *, months: int = 24, **facts: Any) -> Any:
    """P(the conflict ends within t months | lasted so far), t = 1..``months``, with its
    95% band, from the reference class of :func:`baserates` (same arguments). Returns a
    :class:`detente.evidence.survival.EndingCurve` (``months``, ``probability``, ``low``,
    ``high``, ``at_risk``): the outside view, to show beside a model's P(agreement by month).
    """
    return baserates(scenario, months=months, **facts).ending


def evidence_backtest(file: str | os.PathLike[str], *, split_year: int, bootstrap: int = 1000,
                      seed: int = 0, participants: str | os.PathLike[str] | None = None,
                      data: str | os.PathLike[str] | None = None) -> Any:
    """Termination models fitted on years <= ``split_year`` of a UCDP conflict-year file
    (P(episode ends this year)) or a GML dispute file (P(negotiated settlement) at onset),
    scored on the later years against the reference-class base rate: Brier, log score,
    calibration, n, with conflict-clustered bootstrap intervals. Returns
    :class:`detente.evidence.backtest.EvidenceBacktest`."""
    from detente.evidence import ops

    return ops.evidence_backtest(file, split_year=split_year, bootstrap=bootstrap, seed=seed,
                                 participants=participants, data=data)


# ---- the outlook over time -------------------------------------------------------------


def outlook(
    scenario: ScenarioLike = None,
    *,
    months: int = 24,
    paths: int = 10_000,
    seed: int = 0,
    rule: str = "consecutive:2",
    solution: str = "nash",
    lookahead: float = 6.0,
    hold_months: int = 12,
    coverage: float = 0.9,
    utility: str = "linear",
    engine: str | Engine = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    drivers: bool = True,
    driver_paths: int = 1000,
    top: int = 5,
    parties: Sequence[str] = (),
    settlements_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
    format: str | None = None,
) -> Outlook:
    """When a deal becomes possible, on what terms, and whether it holds: Monte Carlo
    over ``paths`` month-by-month paths of the scenario's pressures
    (:func:`detente.outlook.outlook`; ``rule`` is ``consecutive:K`` or ``hazard:H``).
    ``seed`` fixes the result; ``engine``, ``workers`` and ``chunk_size`` only decide
    where it runs. ``parties``: only packages needing every one of these actors' consent
    count (the outlook of a settlement between them). ``settlements_only``: only packages
    under which no fighting continues count (:func:`detente.deals.fighting.settles`; no
    change where the scenario marks no cost of fighting)."""
    from detente.outlook import outlook as run
    from detente.outlook import parse_rule

    return run(_scenario(scenario, format), months=months, paths=paths, seed=seed,
               rule=parse_rule(rule), solution=solution, lookahead=lookahead,
               hold_months=hold_months, coverage=coverage, utility=utility, engine=engine,
               scheduler=scheduler, workers=workers, chunk_size=chunk_size, drivers=drivers,
               driver_paths=driver_paths, top=top, parties=tuple(parties),
               settlements_only=settlements_only, progress=progress)
