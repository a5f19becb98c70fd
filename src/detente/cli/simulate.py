"""``detente simulate``, ``detente sensitivity`` and ``detente levers``: parse and present."""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Callable
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from detente import api
from detente.cli.common import cli_words, console, err_console, explain, guard, show
from detente.cli.guards import SIMULATE_ESTIMATE_FROM, refuse_long_run
from detente.cli.options import (
    DrawsOpt,
    ExplainOpt,
    FromOpt,
    ModelsOpt,
    OutputFormat,
    ParamOpt,
    ScenarioArg,
    SeedOpt,
    TableJsonOpt,
    TopOpt,
    YesOpt,
)
from detente.errors import DetenteError
from detente.present.uncertainty import levers_view, sensitivity_view, simulation_view


class EngineName(enum.StrEnum):
    local = "local"
    processes = "processes"
    dask = "dask"


class Method(enum.StrEnum):
    sobol = "sobol"
    morris = "morris"


class By(enum.StrEnum):
    input = "input"
    actor = "actor"


PROGRESS_EVERY = 5.0
"""Seconds between progress lines on a pipe."""


def _progress(bar: Progress, task: TaskID) -> Callable[[int, int], None]:
    """Update the bar on a terminal; on a pipe or file (where a bar does not show), a plain
    line on stderr every 5 s, and at the end of a run that printed one (a short run stays
    quiet)."""
    last = [time.monotonic()]
    printed = [False]

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done)
        now = time.monotonic()
        if err_console.is_terminal:
            return
        if now - last[0] >= PROGRESS_EVERY or (done == total and printed[0]):
            last[0], printed[0] = now, True
            err_console.print(f"simulating: {done:,}/{total:,} draws", highlight=False)

    return update


@guard
def simulate(
    scenario: ScenarioArg = None,
    draws: DrawsOpt = 10_000,
    model: ModelsOpt = None,
    param: ParamOpt = None,
    seed: SeedOpt = 0,
    engine: Annotated[EngineName, typer.Option(
        help="local (threads), processes (a local process pool) or dask.")
                      ] = EngineName.local,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address (tcp://host:port); implies --engine dask.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Threads (local) or worker processes (processes, dask local cluster).")] = None,
    chunk_size: Annotated[int | None, typer.Option(
        min=1, help="Draws per task (rounded up to whole blocks); speed only.")] = None,
    save: Annotated[str | None, typer.Option(
        help="Save the labelled results to this netCDF file (.nc).")] = None,
    output: TableJsonOpt = OutputFormat.table,
    fmt: FromOpt = None,
    calibrated_uncertainty: Annotated[bool, typer.Option(
        "--calibrated-uncertainty",
        help="Give inputs without a stated distribution the default uncertainty calibrated "
             "on EU decisions (docs/accuracy.md; the output says how well it covered "
             "real outcomes).")] = False,
    yes: YesOpt = False,
    explain_: ExplainOpt = False,
) -> None:
    """Outcome distributions under the scenario's declared uncertainty (Monte Carlo).

    Per issue and model: mean, spread, quantiles, a histogram, the chance of
    each labelled band (nearest anchor), and how often the models land on
    different anchors. A saved .nc file can be given as SCENARIO to show it again.
    """
    if scenario and scenario.endswith(".nc"):
        sim = api.load_simulation(scenario)
        sc = None
    else:
        sc = api.load(scenario, format=fmt)
        request = api.SimulationRequest.of(
            models=model or None, params=api.parse_params(param), draws=draws, seed=seed,
            keep_draws=False, calibrated_uncertainty=calibrated_uncertainty,
            engine=engine.value, scheduler=scheduler, workers=workers, chunk_size=chunk_size)
        if draws > SIMULATE_ESTIMATE_FROM:
            started = time.perf_counter()
            cost = api.simulation_cost(sc, request=request)
            refuse_long_run(cost.seconds(draws), f"{draws:,} draws", yes,
                            timed=time.perf_counter() - started, warm=cost.warm)
        with Progress(TextColumn("[bold]simulating[/]"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err_console, transient=True,
                      disable=output is OutputFormat.json) as bar:
            task = bar.add_task("draws", total=draws)
            sim = api.simulate(sc, request=api.SimulationRequest.of(
                request, progress=_progress(bar, task)))
    if save:
        path = sim.save(save)
        err_console.print(f"saved {path}", highlight=False)
    if output is OutputFormat.json:
        console.print_json(json.dumps(sim.to_dict()))
        return
    show(simulation_view(sim, sc))
    explain("simulate", explain_)


@guard
def sensitivity(
    scenario: ScenarioArg = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Model to analyse.")
                     ] = "compromise",
    param: ParamOpt = None,
    method: Annotated[Method, typer.Option(help="sobol (variance shares) or morris "
                                           "(elementary effects).")] = Method.sobol,
    samples: Annotated[int, typer.Option(
        "--samples", "-n", min=2, help="Base sample size N (Sobol: N·(K+2) runs).")] = 1024,
    issue: Annotated[list[str] | None, typer.Option(
        "--issue", "-i", help="Issue(s) to show (repeatable). Default: all.")] = None,
    by: Annotated[By, typer.Option(help="Rank single inputs or whole actors.")] = By.input,
    top: TopOpt = 8,
    seed: SeedOpt = 0,
    output: TableJsonOpt = OutputFormat.table,
    fmt: FromOpt = None,
    explain_: ExplainOpt = False,
) -> None:
    """Which uncertain inputs move each issue's forecast most (SALib), with the forecast at
    each input's low and high end (tornado columns) and the swing between them."""
    if output is OutputFormat.csv:
        raise DetenteError("sensitivity writes table or json")
    sc = api.load(scenario, format=fmt)
    res = api.sensitivity(sc, model, params=api.parse_params(param), method=method.value,
                          samples=samples, seed=seed, by=by.value, issues=issue or None)
    if output is OutputFormat.json:
        console.print_json(json.dumps(res.to_dict()))
        return
    show(sensitivity_view(res, sc, by=by.value, issues=issue or None, top=top,
                          spell=cli_words))
    explain("sensitivity", explain_)


@guard
def levers(
    issue: Annotated[str, typer.Option("--issue", "-i", help="Issue to move.")],
    target: Annotated[str, typer.Option(
        "--target", "-t", help="An anchor label (or a unique part of one), an option name, "
        "or a number on the scale.")],
    scenario: ScenarioArg = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Model to ask.")] = "compromise",
    param: ParamOpt = None,
    actor: Annotated[list[str] | None, typer.Option(
        "--actor", "-a", help="Only this actor's levers (repeatable).")] = None,
    top: TopOpt = 10,
    seed: SeedOpt = 0,
    output: TableJsonOpt = OutputFormat.table,
    fmt: FromOpt = None,
    explain_: ExplainOpt = False,
) -> None:
    """The smallest change to one actor's position, salience or capability that moves
    the forecast on an issue to a target."""
    if output is OutputFormat.csv:
        raise DetenteError("levers writes table or json")
    sc = api.load(scenario, format=fmt)
    res = api.levers(sc, issue=issue, target=target, model=model,
                     params=api.parse_params(param), actors=actor or None, seed=seed)
    if output is OutputFormat.json:
        console.print_json(json.dumps(res.to_dict()))
        return
    show(levers_view(res, sc, top=top, spell=cli_words))
    explain("levers", explain_)
