"""The options that several commands share, defined once (help text, short names, limits)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from detente import api


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


ScenarioArg = Annotated[
    str | None,
    typer.Argument(help="Scenario file (YAML, CSV, decide, KTAB, ...) or bundled name. "
                   f"Default: the bundled '{api.DEFAULT}'."),
]
ScenarioFileArg = Annotated[str, typer.Argument(help="Scenario file or bundled name.")]
"""A scenario that must be named (no default)."""
DealScenarioArg = Annotated[
    str | None,
    typer.Argument(help="Scenario file, GENIUS folder or bundled name "
                   f"(default: {api.DEFAULT})."),
]
FromOpt = Annotated[
    str | None, typer.Option("--from", help="Read the file in this format (default: detect).")
]
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
]


def _table_or_json(value: OutputFormat) -> OutputFormat:
    if value is OutputFormat.csv:
        raise typer.BadParameter("this command writes table or json, not csv")
    return value


TableJsonOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table or json.", metavar="<table|json>",
                 callback=_table_or_json),
]
"""``--format`` of a command that writes no CSV: csv is neither offered in ``--help`` nor
accepted (a usage error, exit code 2)."""
ModelsOpt = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help="Model to run (repeatable). Default: "
                 + ", ".join(api.DEFAULT_MODELS) + ". See `detente models`."),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="Model parameter MODEL.NAME=VALUE (repeatable)."),
]
SeedOpt = Annotated[int, typer.Option(min=0, help="Seed: same seed, same result.")]
DrawsOpt = Annotated[int, typer.Option("--draws", "-n", min=1, help="Monte Carlo draws.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]
UtilityOpt = Annotated[str, typer.Option(help="Utility from distance: linear or quadratic.")]
BatnaOpt = Annotated[
    list[str] | None, typer.Option("--batna", help="ACTOR=VALUE: override a BATNA (0..1).")
]
TopOpt = Annotated[
    int,
    typer.Option("--top", min=1, help="How many to list in the table; a '… N more (use "
                 "--top)' line counts the rest."),
]
"""``--top N`` of every command that prints a list (each command picks its default)."""
ExplainOpt = Annotated[
    bool,
    typer.Option("--explain", help="Also print what each term of the output means "
                 "(columns, marks, words)."),
]
YesOpt = Annotated[
    bool,
    typer.Option("--yes", "-y", help="Run even when the estimate (printed on stderr before a "
                 "long run) is over 2 min."),
]
AcceptanceOpt = Annotated[
    str | None,
    typer.Option(help="above (u > BATNA) or at-least (u >= BATNA); default: at-least for "
                      "GENIUS files, above otherwise."),
]
