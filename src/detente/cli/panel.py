"""``detente panel``: several analysts' estimates combined, their disagreement, Delphi rounds."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from detente import api
from detente.cli.common import OutputFormat, cli_words, console, err_console, guard
from detente.cli.options import ForceOpt, ParamOpt, SeedOpt, TableJsonOpt, TopOpt
from detente.errors import DetenteError
from detente.present.inputs import (
    delphi_history_table,
    delphi_table,
    disagreement_table,
    presence_table,
    provenance_table,
)
from detente.present.text import yaml_text

app = typer.Typer(
    name="panel",
    help=(
        "Several analysts' estimates of one negotiation: combine them per stance, see where "
        "they disagree and whether it moves the forecast, run Delphi rounds.\n\n"
        "Each analyst's file is a whole scenario (any format; only the stances may differ "
        "from the others') or a compact CSV of stances (columns actor, issue, position, "
        "salience, position_low, position_high, salience_low, salience_high, evidence, "
        "sources) applied to --base. The analyst is named by the file's stem."
    ),
    no_args_is_help=True,
)


class AggregatorName(enum.StrEnum):
    median = "median"
    trimmed_mean = "trimmed-mean"


class RangeRuleName(enum.StrEnum):
    spread = "spread"
    envelope = "envelope"


FilesArg = Annotated[list[Path], typer.Argument(help="The analysts' files (two or more).")]
BaseOpt = Annotated[str | None, typer.Option(
    "--base", help="Scenario (file or bundled name) compact CSV files apply to; default: "
    "the first whole scenario among FILES.")]
AggOpt = Annotated[AggregatorName, typer.Option(
    "--aggregator", "-a", help="Panel value per number: median, or trimmed-mean (--trim).")]
MinShareOpt = Annotated[float, typer.Option(
    "--min-share", min=0.0, max=1.0,
    help="Keep a stance given by at least this share of the analysts.")]
FormatOpt = TableJsonOpt


def _table_or_json(out_format: OutputFormat) -> None:
    if out_format is OutputFormat.csv:
        raise DetenteError("this command writes table or json")


@app.command("combine")
@guard
def combine(
    files: FilesArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="The combined scenario file "
                                         "(format from its extension).")],
    base: BaseOpt = None,
    aggregator: AggOpt = AggregatorName.median,
    trim: Annotated[float, typer.Option(
        min=0.0, max=0.49, help="trimmed-mean: share cut from each end.")] = 0.2,
    ranges: Annotated[RangeRuleName, typer.Option(
        help="Uncertainty ranges: spread (lowest..highest analyst value) or envelope (also "
        "the analysts' own ranges).")] = RangeRuleName.spread,
    min_share: MinShareOpt = 0.5,
    name: Annotated[str | None, typer.Option(help="Name of the combined scenario.")] = None,
    provenance: Annotated[Path | None, typer.Option(
        help="Also write each value's provenance (YAML) here.")] = None,
    force: ForceOpt = False,
    out_format: FormatOpt = OutputFormat.table,
) -> None:
    """Combine the analysts' estimates per stance into one scenario, the spread kept as
    uncertainty ranges and each value's provenance (who, how far apart)."""
    _table_or_json(out_format)
    for path in (output, provenance):
        if path is not None and path.exists() and not force:
            raise DetenteError(f"{path}: exists; pass --force to overwrite it")
    result = api.panel_combine(files, base=base, aggregator=aggregator.value, trim=trim,
                               ranges=ranges.value, min_share=min_share, name=name)
    api.save(result.scenario, output)
    if provenance is not None:
        api.write_text(provenance, yaml_text(result.to_dict()))
    if out_format is OutputFormat.json:
        console.print_json(json.dumps(result.to_dict()))
    else:
        console.print(provenance_table(result))
    err_console.print(f"wrote {output}", highlight=False)


@app.command("disagreement")
@guard
def disagreement(
    files: FilesArg,
    base: BaseOpt = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Model whose forecast is "
                                       "tested.")] = "compromise",
    param: ParamOpt = None,
    aggregator: AggOpt = AggregatorName.median,
    min_share: MinShareOpt = 0.5,
    samples: Annotated[int, typer.Option("--samples", "-n", min=2,
                                         help="Sobol base sample size.")] = 256,
    threshold: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="A swing of this share of the scale moves the forecast.")
    ] = 0.05,
    top: TopOpt = 20,
    seed: SeedOpt = 0,
    out_format: FormatOpt = OutputFormat.table,
) -> None:
    """Where the analysts differ most, and which of those differences move the forecast
    (the sensitivity machinery run over the analysts' spread)."""
    _table_or_json(out_format)
    report = api.panel_disagreement(
        files, base=base, model=model, params=api.parse_params(param).get(model, {}),
        aggregator=aggregator.value, min_share=min_share, samples=samples, seed=seed,
        threshold=threshold)
    if out_format is OutputFormat.json:
        console.print_json(json.dumps(report.to_dict()))
        return
    console.print(disagreement_table(report, top=top, spell=cli_words))
    extra = presence_table(report)
    if extra is not None:
        console.print(extra)


@app.command("delphi")
@guard
def delphi(
    folder: Annotated[Path, typer.Argument(help="Folder that keeps the rounds.")],
    files: Annotated[list[Path] | None, typer.Argument(
        help="The analysts' first-round files (starts a panel); without them, close the "
        "round the analysts revised and hand out the next.")] = None,
    base: BaseOpt = None,
    history: Annotated[bool, typer.Option("--history", help="Show how the panel converged "
                                          "over the closed rounds.")] = False,
    store: Annotated[bool | None, typer.Option(
        "--store/--no-store", help="Also keep each closed round in the history store "
        "(default: only when --db or $DETENTE_DB names one; said before it is written).")
    ] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="History database (file path or SQLAlchemy URL). Default: $DETENTE_DB, "
        "else history.sqlite in your data folder.")] = None,
    out_format: FormatOpt = OutputFormat.table,
) -> None:
    """Delphi rounds: each analyst revises after seeing the panel's anonymous summary.

    Round k's files are FOLDER/round-k/<analyst>.yaml; closing a round writes its
    anonymous summary.yaml and hands each analyst FOLDER/round-(k+1)/<analyst>.yaml: their
    own estimates with the panel's summary above each stance, to revise in place.

    With --store, --db or $DETENTE_DB each closed round is also kept in the history store
    (said on stderr before it is written): every analyst's estimates as a version of
    history FOLDER:<analyst> and the panel's median as a version of FOLDER:panel, noted
    "Delphi round k" (see `detente history log`). Without them the rounds are files
    only."""
    _table_or_json(out_format)
    if history:
        rounds = api.delphi_history(folder)
        if out_format is OutputFormat.json:
            console.print_json(json.dumps(rounds))
        else:
            console.print(delphi_history_table(rounds))
        return
    where = api.delphi_store(store, db)
    if where is not None:
        err_console.print(f"keeping the closed round in the history store {where} "
                          f"(histories {folder.resolve().name}:<analyst> and "
                          f"{folder.resolve().name}:panel; --no-store: files only)",
                          highlight=False, soft_wrap=True)
    summary = api.delphi_round(folder, files or [], base=base, store=where is not None,
                               db=db)
    if out_format is OutputFormat.json:
        console.print_json(json.dumps(summary.to_dict()))
    else:
        console.print(delphi_table(summary))
