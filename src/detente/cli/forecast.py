"""``detente forecast`` and ``detente models``."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from detente import api
from detente.cli.common import OutputFormat, console, guard
from detente.errors import DetenteError
from detente.models.registry import DEFAULT_MODELS, available_models, model_class
from detente.present.tables import forecast_table, records_table, rounds_table
from detente.results import ForecastSet
from detente.scenarios import DEFAULT

ScenarioArg = Annotated[
    str | None,
    typer.Argument(help="Scenario file (YAML, CSV, decide, KTAB, ...) or bundled name. "
                   f"Default: the bundled '{DEFAULT}'."),
]
FromOpt = Annotated[
    str | None, typer.Option("--from", help="Read the file in this format (default: detect).")
]


def parse_params(items: list[str] | None) -> dict[str, dict[str, Any]]:
    """``["eum.q=0.5", "eum.rounds=8"]`` -> ``{"eum": {"q": 0.5, "rounds": 8}}``."""
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


@guard
def forecast(
    scenario: ScenarioArg = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model to run (repeatable). Default: "
                     + ", ".join(DEFAULT_MODELS) + ". See `detente models`."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = OutputFormat.table,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Model parameter MODEL.NAME=VALUE (repeatable)."),
    ] = None,
    rounds: Annotated[
        bool,
        typer.Option("--rounds", help="Also show the outcome round by round and each round's "
                     "records (offers, exchanges, bargains) where the model has them."),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed for models with randomness.")] = 0,
    fmt: FromOpt = None,
    exchanges: Annotated[
        bool,
        typer.Option("--exchanges", help="Also show the exchange model's log of trades "
                     "(with --model exchange); in JSON it is in each forecast's details."),
    ] = False,
) -> None:
    """Forecast the settlement of every issue with one or more models."""
    sc = api.load(scenario or DEFAULT, format=fmt)
    params = parse_params(param)
    unknown = set(params) - set(model or DEFAULT_MODELS)
    if unknown:
        raise DetenteError(f"--param given for model(s) not run: {', '.join(sorted(unknown))}")
    result = api.forecast(sc, models=model or None, params=params, seed=seed)
    if output is OutputFormat.json:
        console.print_json(result.to_json(trajectory=rounds or exchanges))
        return
    if output is OutputFormat.csv:
        typer.echo(forecast_csv(result), nl=False)
        return
    console.print(forecast_table(result))
    if exchanges:
        from detente.cli.exchanges import print_exchange_logs

        print_exchange_logs(result)
    if rounds:
        for f in result:
            console.print(rounds_table(f, sc))
            for r, records in enumerate(f.details.round_records(), start=1):
                if records:
                    console.print(records_table(f"{f.model}: round {r}", records))


def forecast_csv(result: ForecastSet) -> str:
    """One row per issue: status quo, then each model's forecast and nearest anchor."""
    rows = result.rows()
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def models() -> None:
    """List the available models."""
    table = Table(title="Models", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("model")
    table.add_column("needs status quo")
    for name in available_models():
        cls = model_class(name)
        table.add_row(name, cls.label or name, "yes" if cls.needs_status_quo else "")
    console.print(table)
