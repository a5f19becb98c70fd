"""The ``detente`` command: one Typer app; each command group lives in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

import detente
from detente.cli import backtest as backtest_cmd
from detente.cli import deals as deals_cmd
from detente.cli import draft as draft_cmd
from detente.cli import exchanges as exchanges_cmd
from detente.cli import forecast as forecast_cmd
from detente.cli import history as history_cmd
from detente.cli import outlook as outlook_cmd
from detente.cli import panel as panel_cmd
from detente.cli import proposals as proposals_cmd
from detente.cli import report as report_cmd
from detente.cli import scenario_cmds, structure_cmds
from detente.cli import serve as serve_cmd
from detente.cli import simulate as simulate_cmd
from detente.cli.common import Group

app = typer.Typer(
    name="detente",
    help=(
        "Forecast and broker multi-party, multi-issue negotiations.\n\n"
        "Every forecast is what a model derives from the scenario's stated, sourced "
        "assumptions, not a statement of fact. With no scenario, commands that take one "
        "run the bundled 'ukraine-2025-11'."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"detente {detente.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True,
                           callback=_print_version)
    ] = False,
) -> None:
    """Forecast and broker multi-party, multi-issue negotiations.

    Every forecast is what a model derives from the scenario's stated, sourced assumptions,
    not a statement of fact. With no scenario, commands that take one run the bundled
    'ukraine-2025-11'. Exit codes: 0 success, 1 bad input, 2 usage error.
    """

app.command("forecast")(forecast_cmd.forecast)
app.command("exchanges")(exchanges_cmd.exchanges)
app.command("models")(forecast_cmd.models)
app.command("table")(scenario_cmds.table)
app.command("check")(scenario_cmds.check)
app.command("convert")(scenario_cmds.convert)
app.command("new")(scenario_cmds.new)
app.command("backtest")(backtest_cmd.backtest)
app.command("simulate")(simulate_cmd.simulate)
app.command("sensitivity")(simulate_cmd.sensitivity)
app.command("levers")(simulate_cmd.levers)
app.command("deals")(deals_cmd.deals)
app.command("logrolls")(deals_cmd.logrolls)
app.command("phase")(deals_cmd.phase)
app.command("proposals")(proposals_cmd.proposals)
app.command("pressures")(structure_cmds.pressures)
app.command("outlook")(outlook_cmd.outlook)
app.command("schema")(structure_cmds.schema)
app.add_typer(history_cmd.app, name="history")
app.add_typer(panel_cmd.app, name="panel")
app.command("draft")(draft_cmd.draft)
app.command("report")(report_cmd.report)
app.command("serve")(serve_cmd.serve)


def main() -> None:
    app()
