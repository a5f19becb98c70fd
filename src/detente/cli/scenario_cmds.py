"""Commands on scenario files: ``table``, ``check``, ``convert``, ``new``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from detente import api
from detente.cli.common import console, err_console, guard
from detente.cli.options import (
    ForceOpt,
    FromOpt,
    OutputFormat,
    ScenarioArg,
    ScenarioFileArg,
    TableJsonOpt,
)
from detente.present.listings import check_json, comparative_json
from detente.present.tables import comparative_table
from detente.present.terminal import styled
from detente.present.text import counts


@guard
def table(
    scenario: ScenarioArg = None,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Show each stance's evidence note.")
    ] = False,
    fmt: FromOpt = None,
    output: TableJsonOpt = OutputFormat.table,
) -> None:
    """The comparative table: issues × actors' stated positions (labels and numbers)."""
    sc = api.load(scenario, format=fmt)
    if output is OutputFormat.json:
        console.print_json(json.dumps(comparative_json(sc)))
        return
    console.print(comparative_table(sc, evidence=evidence))


@guard
def check(
    scenario: ScenarioFileArg,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Also check what these models need (repeatable)."),
    ] = None,
    fmt: FromOpt = None,
    output: TableJsonOpt = OutputFormat.table,
) -> None:
    """Validate a scenario and print every problem (exit code 1 if there are any)."""
    report = api.check(scenario, models=model or (), format=fmt)
    if output is OutputFormat.json:
        console.print_json(json.dumps(check_json(report)))
        return
    for sc in report.scenarios:
        console.print(styled("[green]ok[/] {}: {}", sc.name, counts(sc)))
    for name, note in report.warnings():
        err_console.print(styled("[yellow]warning:[/] {}: issue {}: {}", name, note.issue,
                                 note.reason), soft_wrap=True)


@guard
def convert(
    source: Annotated[str, typer.Argument(help="Input scenario file or bundled name.")],
    target: Annotated[Path, typer.Argument(
        help="Output file (format from its extension: .yaml, .csv, .xml writes KTAB XML; "
        ".tsv fits decide and DEU, so it needs --to).")],
    to: Annotated[
        str | None, typer.Option("--to", help="Output format: "
                                 + ", ".join(api.format_names(writable=True)))
    ] = None,
    fmt: FromOpt = None,
    force: ForceOpt = False,
) -> None:
    """Convert a scenario between formats (the file is written atomically)."""
    api.convert(source, target, to=to, format=fmt, force=force)
    err_console.print(f"wrote {target}", highlight=False)


@guard
def new(
    name: Annotated[str, typer.Argument(help="Scenario name (also the file name).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default NAME.yaml).")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Write a commented template scenario to start from."""
    path = api.new_scenario(name, output, force=force)
    console.print(f"wrote {path}: edit it, then run `detente check {path}`", highlight=False)
