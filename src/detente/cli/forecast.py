"""``detente forecast`` and ``detente models``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from detente import api
from detente.cli.common import cli_words, console, explain, guard, show
from detente.cli.options import (
    ExplainOpt,
    FormatOpt,
    FromOpt,
    ModelsOpt,
    OutputFormat,
    ParamOpt,
    ScenarioArg,
    SeedOpt,
    TableJsonOpt,
    TopOpt,
)
from detente.errors import DetenteError
from detente.present.exchanges import exchange_logs
from detente.present.listings import models_json
from detente.present.tables import forecast_view, models_table, rounds_view
from detente.present.terminal import for_stream
from detente.present.text import forecast_csv


@guard
def forecast(
    scenario: ScenarioArg = None,
    model: ModelsOpt = None,
    output: FormatOpt = OutputFormat.table,
    param: ParamOpt = None,
    rounds: Annotated[
        bool,
        typer.Option("--rounds", help="Also show the outcome round by round and each round's "
                     "records (offers, exchanges, bargains) where the model has them."),
    ] = False,
    seed: SeedOpt = 0,
    fmt: FromOpt = None,
    exchanges: Annotated[
        bool,
        typer.Option("--exchanges", help="Also show the exchange model's log of trades "
                     "(with --model exchange); in JSON it is in each forecast's details."),
    ] = False,
    draws: Annotated[
        int | None,
        typer.Option("--draws", "-n", min=0, help="Monte Carlo draws for each forecast's "
                     "distribution (median, interval, likeliest band); 0: points only. "
                     "Default: 1000, 250 for eum, exchange and smp."),
    ] = None,
    interval: Annotated[
        float,
        typer.Option("--interval", min=0.01, max=0.99,
                     help="The central interval shown with each forecast."),
    ] = 0.8,
    top: TopOpt = 20,
    explain_: ExplainOpt = False,
) -> None:
    """Forecast the settlement of every issue with one or more models.

    Each forecast comes with its distribution over the scenario's declared
    uncertainty; ⚠ marks a point outside its central interval or in another band
    than the likeliest one. A scenario that declares no uncertainty gets instead
    each model's interval from its errors on EU decisions with known outcomes.
    """
    if exchanges and "exchange" not in (model or api.DEFAULT_MODELS):
        # before any work or output: only the exchange model keeps a log of trades
        raise DetenteError("--exchanges: no model run keeps an exchange log (add --model "
                           "exchange)")
    # the file, not a loaded scenario: a model's unmet needs then name its file and line
    result = api.forecast(scenario, models=model or None, params=api.parse_params(param),
                          seed=seed, draws=draws, interval=interval, format=fmt)
    if output is OutputFormat.json:
        console.print_json(result.to_json(trajectory=rounds or exchanges))
        return
    if output is OutputFormat.csv:
        typer.echo(for_stream(forecast_csv(result), sys.stdout), nl=False, color=True)
        return
    show(forecast_view(result))
    if exchanges:
        show(exchange_logs(result, top=top, spell=cli_words))
    if rounds:
        show(rounds_view(result))
    explain("forecast", explain_)


def models(output: TableJsonOpt = OutputFormat.table) -> None:
    """List the available models."""
    infos = api.list_models()
    if output is OutputFormat.json:
        console.print_json(json.dumps(models_json(infos)))
        return
    console.print(models_table(infos))
