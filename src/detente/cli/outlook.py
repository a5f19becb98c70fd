"""``detente outlook``: when a deal becomes possible, on what terms, and whether it holds."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from detente.cli.common import console, guard, show
from detente.cli.guards import refuse_costly
from detente.cli.options import FormatOpt, FromOpt, OutputFormat, ScenarioArg, SeedOpt, YesOpt

OUTLOOK_ESTIMATE_FROM = 20_000
"""Outlooks over more paths are timed on pilots first (:func:`api.outlook_cost`): quiet up
to 10 s, the estimate on stderr above, refused without ``--yes`` past 120 s."""


@guard
def outlook(
    scenario: ScenarioArg = None,
    months: Annotated[int, typer.Option("--months", min=1,
                                        help="Horizon in months (1 to 600).")] = 24,
    paths: Annotated[int, typer.Option("--paths", "-n", min=1,
                                       help="Monte Carlo paths.")] = 10_000,
    seed: SeedOpt = 0,
    rule: Annotated[str, typer.Option(
        "--rule", help="Agreement rule: consecutive:K (an acceptable package for K months "
        "in a row) or hazard:H (probability H per month of an open range).")
    ] = "consecutive:2",
    solution: Annotated[str, typer.Option(
        help="Bargaining solution that picks the terms: nash, asymmetric_nash, "
        "kalai_smorodinsky, egalitarian or utilitarian.")] = "nash",
    lookahead: Annotated[float, typer.Option(
        help="Months ahead at which each actor judges its no-deal value.")] = 6.0,
    hold_months: Annotated[int, typer.Option(
        "--hold-months", min=0, help="Months after agreement in which reneging is checked.")
    ] = 12,
    coverage: Annotated[float, typer.Option(
        help="Share of paths the reported guarantees must cover (0..1]; each guarantee "
        "is also given as what the scenario's named guarantors would pledge.")] = 0.9,
    drivers: Annotated[bool, typer.Option(
        "--drivers/--no-drivers", help="Find which input moves the median month most.")
    ] = True,
    driver_paths: Annotated[int, typer.Option(
        "--driver-paths", min=1, help="Paths per run when finding the drivers.")] = 1000,
    engine: Annotated[str, typer.Option(help="local, processes or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address (implies --engine dask).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Workers.")] = None,
    chunk_size: Annotated[int | None, typer.Option(
        "--chunk-size", min=1, help="Paths per task (speed only; same result).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Packages to list.")] = 5,
    party: Annotated[list[str] | None, typer.Option(
        "--party", help="Only packages that need this actor's consent (repeatable; e.g. "
        "the warring parties, for the outlook of a settlement).")] = None,
    settlements_only: Annotated[bool, typer.Option(
        "--settlements-only/--any-package", help="Count only packages that stop the "
        "fighting (no front left fighting) as agreements, as the brief and the web app do "
        "(no effect when the scenario marks no costs of fighting); --any-package counts "
        "any acceptable package, e.g. an arms deal while the war goes on.")] = True,
    output: FormatOpt = OutputFormat.table,
    fmt: FromOpt = None,
    yes: YesOpt = False,
) -> None:
    """Month by month over many paths of the pressures: when an acceptable package
    exists, when one is agreed and on what terms, and whether it holds as power shifts.

    What the model derives from the scenario's stated assumptions (processes, each
    actor's expectations, the agreement rule), not a prediction of fact.
    """
    from detente import api
    from detente.present.outlook import outlook_csv, outlook_view

    request = api.OutlookRequest.of(
        months=months, paths=paths, seed=seed, rule=rule, solution=solution,
        lookahead=lookahead, hold_months=hold_months, coverage=coverage, drivers=drivers,
        driver_paths=driver_paths, engine=engine, scheduler=scheduler, workers=workers,
        chunk_size=chunk_size, top=top, parties=tuple(party or ()),
        settlements_only=settlements_only)
    sc = api.load(scenario, format=fmt)
    if paths > OUTLOOK_ESTIMATE_FROM and not yes:
        refuse_costly(api.outlook_cost(sc, request=request), paths,
                      f"the outlook over {paths:,} paths", yes,
                      fewer="--paths, --driver-paths or --months")
    result = api.outlook(sc, request=request)
    if output == OutputFormat.json:
        console.print_json(json.dumps(result.to_dict()))
    elif output == OutputFormat.csv:
        typer.echo(outlook_csv(result), nl=False)
    else:
        show(outlook_view(result))
