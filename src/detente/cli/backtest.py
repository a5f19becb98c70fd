"""``detente backtest``: score models on decisions with known outcomes (DEU tables)."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from detente import api
from detente.cli.common import cli_words, console, err_console, explain, guard, show
from detente.cli.options import ExplainOpt, FromOpt
from detente.present.backtest import (
    backtest_notes,
    backtest_table,
    backtest_warnings,
    ensemble_fit_view,
)
from detente.present.text import backtest_csv

Capability = enum.StrEnum(  # type: ignore[misc]
    "Capability", {s.replace("-", "_"): s for s in api.capability_schemes()})


@guard
def backtest(
    dataset: Annotated[Path, typer.Argument(help="A DEU table (tab separated, with outcomes).")],
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "--models", "-m",
                     help="Model or baseline to score (repeatable). Default: every registered "
                     "model plus the baselines reference-point and median-position."),
    ] = None,
    capability: Annotated[
        Capability, typer.Option("--capability", "-c", metavar="<scheme>",
                                 help="How actors' capabilities are set: "
                                 + ", ".join(api.capability_schemes()) + ".")
    ] = Capability.equal,  # type: ignore[attr-defined]
    limit: Annotated[
        int | None, typer.Option(help="Score only the first N scoreable issues (quick runs).")
    ] = None,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Write per-issue forecasts and errors here.")
    ] = None,
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap replicates for the confidence intervals (0: none).")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed for the bootstrap and the models.")] = 0,
    fit_ensemble: Annotated[
        Path | None,
        typer.Option("--fit-ensemble", help="Also fit ensemble weights (held-out proposals, "
                     "grouped CV) and write them, with provenance, to this JSON file."),
    ] = None,
    ensemble_member: Annotated[
        list[str] | None,
        typer.Option("--ensemble-member", help="Ensemble member for --fit-ensemble "
                     "(repeatable; 'all' = every model). Default: "
                     + ", ".join(api.shipped_ensemble_members()) + "."),
    ] = None,
    fmt: FromOpt = None,
    explain_: ExplainOpt = False,
) -> None:
    """Score models on real outcomes: MAE, median error, RMSE, hits within 10/20, win rate."""
    n_models = len(dict.fromkeys(model)) if model else len(api.backtest_models())
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err_console, transient=True,
                  disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("models", total=None)
        done: dict[str, int] = {}

        def tick(name: str, k: int, n: int) -> None:
            done[name] = k
            bar.update(task, completed=sum(done.values()), total=n * n_models,
                       description=name)

        report = api.run_backtest(dataset, models=model, capability=str(capability.value),
                              limit=limit, bootstrap=bootstrap, seed=seed, format=fmt,
                              progress=tick)
    console.print(backtest_table(report))
    show(backtest_notes(report))
    show(backtest_warnings(report), to=err_console)
    explain("backtest", explain_)
    if csv_path is not None:
        api.write_text(csv_path, backtest_csv(report))
        console.print(f"per-issue results: {csv_path}")
    if fit_ensemble is not None:
        command = "detente backtest " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else ""
        fit = api.fit_ensemble(report, fit_ensemble, members=ensemble_member, seed=seed,
                               command=command)
        show(ensemble_fit_view(fit, cli_words))
