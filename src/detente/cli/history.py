"""``detente history``: dated scenario versions, their timeline and diffs (parse and present)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from detente import api
from detente.cli.common import OutputFormat, cli_words, console, guard
from detente.cli.options import (
    FormatOpt,
    FromOpt,
    ParamOpt,
    ScenarioFileArg,
    SeedOpt,
    TableJsonOpt,
    TopOpt,
)
from detente.errors import DetenteError
from detente.present.history import (
    attribution_tables,
    changes_table,
    log_table,
    timeline_gaps,
    timeline_knife_edges,
    timeline_table,
    version_table,
)
from detente.present.tables import comparative_table
from detente.present.text import csv_text

app = typer.Typer(
    name="history",
    help=(
        "Dated versions of a scenario in a history database: add, log, show, diff (with "
        "what moved each forecast), timeline, export and import.\n\n"
        "The database is an SQLite file in your data folder unless --db or DETENTE_DB names "
        "another file or a URL (postgresql+psycopg://user@host/db)."
    ),
    no_args_is_help=True,
)

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="History database: a file path or a SQLAlchemy URL. Default: $DETENTE_DB, "
    "else history.sqlite in the user data folder.", show_default=False)]
HistoryArg = Annotated[str | None, typer.Argument(
    help="History name (default: the only one in the database).", show_default=False)]
ModelsOpt = Annotated[list[str] | None, typer.Option(
    "--model", "-m", help="Model (repeatable). Default: " + ", ".join(api.DEFAULT_MODELS) + ".")]


def _models(model: list[str] | None, param: list[str] | None) -> list[Any]:
    return list(api.resolve_models(model or None, params=api.parse_params(param)))


def _json(data: Any) -> None:
    console.print_json(json.dumps(data, default=str))


@app.command("add")
@guard
def add(
    file: ScenarioFileArg,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date of this version (YYYY-MM-DD). Default: the scenario's as_of.")
    ] = None,
    note: Annotated[str, typer.Option(help="What this version records (why it was added).")
                    ] = "",
    history: Annotated[str | None, typer.Option(
        "--history", help="History to add to. Default: the scenario's name.")] = None,
    fmt: FromOpt = None,
    db: DbOpt = None,
) -> None:
    """Store a scenario as a dated version (adding the same one again changes nothing)."""
    scenario = api.load(file, format=fmt)
    with api.open_history(db) as h:
        before = h.counts()["versions"]
        version = h.add(scenario, as_of=as_of, note=note, history=history)
        new = h.counts()["versions"] > before
    head = "added as version" if new else "already stored as version"
    console.print(f"{head} {version.ref}, as of {version.as_of}, "
                  f"scenario {version.scenario_hash} ({h.where})", highlight=False)


@app.command("log")
@guard
def log(name: HistoryArg = None, db: DbOpt = None,
        output: TableJsonOpt = OutputFormat.table, top: TopOpt = 50) -> None:
    """List the versions (of one history, or all), oldest first."""
    with api.open_history(db) as h:
        versions = h.versions(name)
        where = h.where
    if output == OutputFormat.json:
        _json([v.to_dict() for v in versions])
    elif not versions:
        console.print(f"no versions in {where}", highlight=False)
    else:
        console.print(log_table(versions, title=f"History ({where})", top=top,
                                spell=cli_words))


@app.command("rm")
@guard
def rm(
    ref: Annotated[str, typer.Argument(help="Version: NAME@N or @N (as `history log` lists "
                   "it), NAME@DATE or a hash prefix.")],
    db: DbOpt = None,
) -> None:
    """Delete one version (its scenario and cached results go too when no other version
    holds that scenario)."""
    with api.open_history(db) as h:
        version = h.remove(ref)
    console.print(f"removed version {version.ref} "
                  f"(as of {version.as_of}, scenario {version.scenario_hash})", highlight=False)


@app.command("show")
@guard
def show(
    ref: Annotated[str, typer.Argument(help="Version: NAME@N or @N (as `history log` lists "
                   "it), NAME@DATE or a hash prefix.")],
    db: DbOpt = None,
    output: TableJsonOpt = OutputFormat.table,
    save: Annotated[Path | None, typer.Option(
        help="Also write the version's scenario to this file (format from the extension).")
    ] = None,
) -> None:
    """Show one version: its record, sources and the scenario's stated positions."""
    with api.open_history(db) as h:
        version = h.get(ref)
        scenario = h.scenario(version)
    if save is not None:
        api.save(scenario, save)
    if output == OutputFormat.json:
        _json({**version.to_dict(), "scenario": scenario.to_dict()})
        return
    console.print(version_table(version))
    console.print(comparative_table(scenario))


def _version_or_file(ref: str) -> Any:
    """A scenario when ``ref`` names an existing file, else the version reference itself."""
    return api.load(ref) if Path(ref).is_file() else ref


@app.command("diff")
@guard
def diff(
    a: Annotated[str, typer.Argument(help="Older version (NAME@N or @N as `history log` "
                                     "lists it, NAME@DATE, hash), or a scenario file not "
                                     "stored.")],
    b: Annotated[str, typer.Argument(help="Newer version, or a scenario file (to see what "
                                     "adding it would change).")],
    model: ModelsOpt = None,
    param: ParamOpt = None,
    seed: SeedOpt = 0,
    samples: Annotated[int, typer.Option(
        min=1, help="Random orders for the Shapley estimate beyond 12 changes.")] = 2000,
    db: DbOpt = None,
    output: TableJsonOpt = OutputFormat.table,
) -> None:
    """What changed between two versions and how much each change moved each forecast
    (Shapley attribution: exact up to 12 changes, sampled beyond; shares sum to the move)."""
    chosen = _models(model, param)
    with api.open_history(db) as h:
        result = h.diff(_version_or_file(a), _version_or_file(b), models=chosen, seed=seed,
                        samples=samples)
    if output == OutputFormat.json:
        _json(result.to_dict())
        return
    console.print(changes_table(result))
    if result.diff.issues_added or result.diff.issues_removed:
        console.print(f"issues added: {', '.join(result.diff.issues_added) or 'none'}; "
                      f"removed: {', '.join(result.diff.issues_removed) or 'none'} "
                      "(forecasts on them have no before or after to compare)", highlight=False)
    if result.diff.unattributed_reason:
        console.print(f"no attribution: {result.diff.unattributed_reason}", highlight=False)
    for table in attribution_tables(result):
        console.print(table)


@app.command("timeline")
@guard
def timeline(
    name: HistoryArg = None,
    model: ModelsOpt = None,
    param: ParamOpt = None,
    seed: SeedOpt = 0,
    draws: Annotated[int | None, typer.Option(
        "--draws", "-n", min=1, help="Also run (and store) Monte Carlo simulations of this "
        "many draws where missing, and show their 5–95% ranges. Without it, ranges appear "
        "where a simulation is already stored.")] = None,
    db: DbOpt = None,
    output: FormatOpt = OutputFormat.table,
    knife_edges: Annotated[bool, typer.Option(
        "--knife-edges/--no-knife-edges", help="Attribute each version's move from the one "
        "before as `history diff` does and mark (⚠) each forecast a change moved across a "
        "knife-edge (JSON and CSV: knife_edge, the changes). Not cached: about one diff "
        "per pair of versions.")] = True,
) -> None:
    """Each model's forecast per issue across the versions of a history (from the cache
    where computed before)."""
    chosen = _models(model, param)
    with api.open_history(db) as h:
        result = h.timeline(name, models=chosen, seed=seed, draws=draws,
                            knife_edges=knife_edges)
    if output == OutputFormat.json:
        _json(result.to_dict())
    elif output == OutputFormat.csv:
        console.out(csv_text(result.rows()), end="", highlight=False)
    else:
        console.print(timeline_table(result))
        for line in [*timeline_knife_edges(result), *timeline_gaps(result)]:
            console.print(line)


@app.command("export")
@guard
def export(
    file: Annotated[Path, typer.Argument(help="Portable history file to write (JSON).")],
    name: Annotated[str | None, typer.Option("--history", help="Only this history.")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    db: DbOpt = None,
) -> None:
    """Write versions with their whole scenarios to a portable file (atomic)."""
    if file.exists() and not force:
        raise DetenteError(f"{file}: exists; give --force to overwrite it")
    with api.open_history(db) as h:
        n = len(h.versions(name))
        h.export(file, history=name)
    console.print(f"wrote {n} version{'s' if n != 1 else ''} to {file}", highlight=False)


@app.command("import")
@guard
def import_(
    file: Annotated[str, typer.Argument(
        help="A file written by `history export`, or a bundled history by name "
        "(ukraine-2025-11: the talks as the source article tells them).")],
    db: DbOpt = None,
) -> None:
    """Add every version of a portable file or bundled history (existing ones are kept once)."""
    with api.open_history(db) as h:
        before = h.counts()["versions"]
        versions = h.import_file(file)
        added = h.counts()["versions"] - before
    console.print(f"read {len(versions)} version{'s' if len(versions) != 1 else ''}, "
                  f"{added} new", highlight=False)
