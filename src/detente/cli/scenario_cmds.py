"""Commands on scenario files: ``table``, ``check``, ``convert``, ``new``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente import api, formats
from detente.arrays import compile_scenario
from detente.cli.common import console, err_console, guard
from detente.cli.forecast import FromOpt, ScenarioArg
from detente.errors import DetenteError, ModelInputError
from detente.models.registry import get_model
from detente.present.tables import comparative_table
from detente.present.text import styled
from detente.scenarios import DEFAULT
from detente.templates import scenario_template


@guard
def table(
    scenario: ScenarioArg = None,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Show each stance's evidence note.")
    ] = False,
    fmt: FromOpt = None,
) -> None:
    """The comparative table: issues × actors' stated positions (labels and numbers)."""
    sc = api.load(scenario or DEFAULT, format=fmt)
    console.print(comparative_table(sc, evidence=evidence))


@guard
def check(
    scenario: Annotated[str, typer.Argument(help="Scenario file or bundled name.")],
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Also check what these models need (repeatable)."),
    ] = None,
    fmt: FromOpt = None,
) -> None:
    """Validate a scenario and print every problem (exit code 1 if there are any)."""
    scenarios = api.load_all(scenario, format=fmt)
    checkers = [get_model(name) for name in model or []]
    problems = []
    for sc in scenarios if checkers else ():
        arrays = compile_scenario(sc)  # once per scenario, whatever the number of models
        for checker in checkers:
            try:
                checker.check(arrays)
            except ModelInputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise ModelInputError(problems)
    for sc in scenarios:
        console.print(
            styled("[green]ok[/] {}: {} actors, {} issues, {} stances", sc.name,
                   len(sc.actors), len(sc.issues), len(sc.stances)),
        )


@guard
def convert(
    source: Annotated[str, typer.Argument(help="Input scenario file or bundled name.")],
    target: Annotated[Path, typer.Argument(
        help="Output file (format from its extension; .xml and .tsv need --to).")],
    to: Annotated[
        str | None, typer.Option("--to", help="Output format: " + ", ".join(formats.format_names()))
    ] = None,
    fmt: FromOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Convert a scenario between formats (the file is written atomically)."""
    if target.exists() and not force:
        raise DetenteError(f"{target}: exists; pass --force to overwrite it")
    sc = api.load(source, format=fmt)
    formats.write(sc, target, format=to)
    err_console.print(f"wrote {target}", highlight=False)


@guard
def new(
    name: Annotated[str, typer.Argument(help="Scenario name (also the file name).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default NAME.yaml).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented template scenario to start from."""
    if not name or any(c.isspace() for c in name) or "/" in name:
        raise DetenteError(f"name {name!r}: expected a short id without spaces or slashes")
    path = output or Path(f"{name}.yaml")
    if path.exists() and not force:
        raise DetenteError(f"{path}: exists; pass --force to overwrite it")
    formats.write_text_atomic(path, scenario_template(name))
    console.print(f"wrote {path}: edit it, then run `detente check {path}`", highlight=False)
