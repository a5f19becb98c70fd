"""``detente backtest``: score models on decisions with known outcomes (DEU tables)."""

from __future__ import annotations

import csv
import enum
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from detente.backtest.deu import load_cases
from detente.backtest.ensemble_fit import (
    SHIPPED_MEMBERS,
    evaluate,
    member_table,
    weights_document,
    write_weights,
)
from detente.backtest.run import BacktestResult, default_models, run_backtest
from detente.backtest.scoring import Score
from detente.cli.common import console, err_console, guard
from detente.errors import DetenteError
from detente.formats import write_text_atomic
from detente.models.ensemble import default_members
from detente.models.registry import available_models
from detente.power.council import SCHEMES

Capability = enum.StrEnum("Capability", {s.replace("-", "_"): s for s in SCHEMES})


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
        Capability, typer.Option("--capability", "-c", help="How actors' capabilities are set.")
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
                     + ", ".join(SHIPPED_MEMBERS) + "."),
    ] = None,
    fmt: Annotated[str | None, typer.Option("--from", help="Read the file in this format.")] = None,
) -> None:
    """Score models on real outcomes: MAE, median error, RMSE, hits within 10/20, win rate."""
    cap = str(capability.value)
    cases = load_cases(dataset, capability=cap, format=fmt)
    if limit is not None:
        if limit < 1:
            raise DetenteError("--limit must be at least 1")
        cases = cases[:limit]
    if not cases:
        raise DetenteError(f"{dataset}: no scoreable issues (outcome in 0..100, >= 3 actors)")
    known = list(default_models())
    chosen = list(dict.fromkeys(model)) if model else known
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise DetenteError(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(known)}")

    with _progress() as bar:
        task = bar.add_task("models", total=len(chosen) * len(cases))
        done: dict[str, int] = {}

        def tick(name: str, k: int, n: int) -> None:
            done[name] = k
            bar.update(task, completed=sum(done.values()), description=name)

        result = run_backtest(cases, chosen, seed=seed, progress=tick, capability=cap)
    scores = result.scores(n_boot=bootstrap, seed=seed)
    console.print(_table(result, scores, str(dataset), bootstrap))
    for name, count in result.failures.items():
        err_console.print(f"[yellow]warning:[/] {name} failed on {count} issue(s); first: "
                          f"{result.failure_messages[name]}", highlight=False)
    if csv_path is not None:
        write_text_atomic(csv_path, _csv(result.rows()))
        console.print(f"per-issue results: {csv_path}")
    if fit_ensemble is not None:
        _fit(cases, ensemble_member, fit_ensemble, dataset, cap, seed)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    console=err_console, transient=True, disable=not sys.stderr.isatty())


def _fmt(value: float | None, pct: bool = False, digits: int = 2) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{100 * value:.0f}%" if pct else f"{value:.{digits}f}"


def _cell(score: Score, key: str, pct: bool = False, ci: bool = True) -> str:
    text = _fmt(score.values[key], pct)
    low, high = score.intervals.get(key, (math.nan, math.nan))
    if ci and not math.isnan(low):
        text += f"\n[dim]{_fmt(low, pct, 1)}–{_fmt(high, pct, 1)}[/]"
    return text


def _table(result: BacktestResult, scores: list[Score], dataset: str, n_boot: int) -> Table:
    ci = f"; 95% CIs from {n_boot} proposal-clustered bootstrap replicates" if n_boot else ""
    table = Table(
        title=f"Backtest on {dataset}: {len(result.cases)} issues, capability "
              f"'{result.capability}'",
        caption="Absolute errors on the 0–100 scale; win rate = share of issues closer than "
                "the compromise model (ties half)" + ci,
        show_lines=True, title_justify="left",
    )
    table.add_column("Model", no_wrap=True)
    for head in ("Issues", "MAE", "Median AE", "RMSE", "≤ 10", "≤ 20", "Win vs compromise"):
        table.add_column(head, justify="right")
    for s in sorted(scores, key=lambda s: (math.isnan(s.values["mae"]), s.values["mae"])):
        table.add_row(s.model, str(s.n), _cell(s, "mae"), _cell(s, "median_ae"),
                      _cell(s, "rmse"), _cell(s, "within_10", True), _cell(s, "within_20", True),
                      _cell(s, "win_rate", True))
    return table


def _csv(rows: list[dict[str, Any]]) -> str:
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def _fit(cases: list, members: list[str] | None, out: Path, dataset: Path, cap: str,
         seed: int) -> None:
    if members and "all" in members:
        chosen = list(default_members())
    else:
        chosen = list(dict.fromkeys(members or SHIPPED_MEMBERS))
    allowed = set(default_members())
    bad = [m for m in chosen if m not in allowed]
    if bad:
        raise DetenteError(f"unknown ensemble member(s) {', '.join(bad)}; "
                           f"known: {', '.join(sorted(allowed))}")
    if "compromise" not in chosen:
        raise DetenteError("the ensemble's members must include 'compromise' (its baseline)")
    table = member_table(cases, chosen, seed=seed)
    report = evaluate(table, seed=seed)
    command = "detente backtest " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else ""
    doc = weights_document(report, dataset=dataset, capability=cap, members=chosen, seed=seed,
                           command=command)
    write_weights(doc, out)
    cv, held = report["cv"], report["held_out"]
    console.print(
        f"ensemble ({', '.join(chosen)}; lambda {report['lambda']:g}):\n"
        f"  grouped {cv['folds']}-fold CV on {cv['issues']} training issues "
        f"({cv['proposals']} proposals): MAE {cv['ensemble_mae']:.2f} vs compromise "
        f"{cv['compromise_mae']:.2f} (win rate {100 * cv['win_rate_vs_compromise']:.0f}%)\n"
        f"  held out, never fitted or tuned on: {held['issues']} issues "
        f"({len(held['proposals'])} proposals): MAE {_fmt(held['ensemble_mae'])} vs "
        f"compromise {_fmt(held['compromise_mae'])}\n"
        f"  weights written to {out}",
        highlight=False,
    )
    unused = set(available_models()) - {m.split("@")[0] for m in chosen} - {"ensemble"}
    if unused:
        console.print(f"[dim]not members: {', '.join(sorted(unused))} "
                      "(add with --ensemble-member)[/]", highlight=False)
