"""``detente exchanges``: the exchange model's log of trades (who gave what to whom)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import typer
from rich.table import Table

from detente import api
from detente.cli.common import OutputFormat, console, guard
from detente.errors import DetenteError
from detente.models.base import Details
from detente.models.exchange import Exchange, ExchangeDetails, candidates
from detente.scenarios import DEFAULT


def exchange_log_table(log: Sequence[Mapping[str, Any]], title: str = "Exchanges",
                       *, limit: int | None = None) -> Table:
    """One row per executed exchange: each side's supply issue, shift and gain."""
    table = Table(title=title, title_justify="left")
    for col in ("round", "actor", "gives on", "from → to", "partner", "gives on",
                "from → to", "gain"):
        table.add_column(col, justify="right" if col in ("round", "gain") else "left")
    rows = list(log) if limit is None else list(log)[:limit]
    for e in rows:
        i, j = e["i"], e["j"]
        table.add_row(
            str(e.get("round", "")), i["actor"], i["supplies"],
            f"{i['from']:.1f} → {i['to']:.1f}", j["actor"], j["supplies"],
            f"{j['from']:.1f} → {j['to']:.1f}", f"{e['gain']:.4f}",
        )
    if limit is not None and len(log) > limit:
        table.caption = f"{len(log) - limit} more not shown"
    return table


def candidates_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    """Round 1's candidates with their gain and whether they are admissible."""
    out = Table(title="Round 1 candidates (before any is executed)", title_justify="left")
    for col in ("actor", "gives on", "from → to", "partner", "gives on", "from → to", "gain",
                "admissible"):
        out.add_column(col, justify="right" if col == "gain" else "left")
    for r in rows:
        i, j = r["i"], r["j"]
        out.add_row(i["actor"], i["supplies"], f"{i['from']:.1f} → {i['to']:.1f}",
                    j["actor"], j["supplies"], f"{j['from']:.1f} → {j['to']:.1f}",
                    f"{r['gain']:.4f}", "yes" if r["admissible"] else "no")
    return out


@guard
def exchanges(
    scenario: Annotated[
        str | None, typer.Argument(help=f"Scenario file or bundled name (default: {DEFAULT}).")
    ] = None,
    rounds: Annotated[int, typer.Option("--rounds", "-r", min=1, help="Rounds to run.")] = 10,
    variant: Annotated[
        str, typer.Option(help="equal-gain or random-rate.")
    ] = "equal-gain",
    rule: Annotated[str, typer.Option(help="decide (default) or paper.")] = "decide",
    show_candidates: Annotated[
        bool, typer.Option("--candidates", help="Also list round 1's candidate exchanges.")
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table or json.")
    ] = OutputFormat.table,
    seed: Annotated[int, typer.Option(help="Seed (random-rate variant).")] = 0,
    fmt: Annotated[str | None, typer.Option("--from", help="Input format.")] = None,
) -> None:
    """Run the exchange model and list every executed exchange, round by round."""
    if variant not in ("equal-gain", "random-rate"):
        raise DetenteError(f"--variant {variant!r}: expected equal-gain or random-rate")
    if rule not in ("decide", "paper"):
        raise DetenteError(f"--rule {rule!r}: expected decide or paper")
    if output is OutputFormat.csv:
        raise DetenteError("--format csv is not available here; use table or json")
    sc = api.load(scenario or DEFAULT, format=fmt)
    model = Exchange(rounds=rounds, variant=variant, rule=rule)  # type: ignore[arg-type]
    fc = model.forecast(sc, seed=seed)
    log = exchange_log(fc.details) or []
    if output is OutputFormat.json:
        data: dict[str, Any] = {
            "scenario": sc.name, "model": fc.model, "params": fc.to_dict()["params"],
            "seed": seed,
            "outcome": fc.point,
            "outcome_per_round": {
                issue: fc.trajectory.outcome[0, :, k].tolist()
                for k, issue in enumerate(fc.issues)
            },
            "exchanges": log,
        }
        if show_candidates:
            data["candidates"] = candidates(sc, model)
        console.print_json(json.dumps(data))
        return
    if show_candidates:
        console.print(candidates_table(candidates(sc, model)))
    console.print(exchange_log_table(log, title=f"Exchanges in {sc.name} ({rounds} rounds)"))
    table = Table(title="Expected outcome", title_justify="left")
    table.add_column("issue")
    table.add_column("start", justify="right")
    table.add_column("final", justify="right")
    for k, issue in enumerate(fc.issues):
        traj = fc.trajectory.outcome[0, :, k]
        table.add_row(issue, f"{traj[0]:.1f}", sc.issue(issue).describe(float(traj[-1])))
    console.print(table)


def exchange_log(details: Details) -> list[dict[str, Any]] | None:
    """The exchange log of a forecast's details as plain rows (``None``: it keeps none)."""
    if isinstance(details, ExchangeDetails) and details.exchanges is not None:
        return [e.to_dict() for e in details.exchanges]
    return None


def print_exchange_logs(result: Any) -> None:
    """The hook of ``detente forecast --exchanges``: each forecast's exchange log, if any."""
    shown = False
    for f in result:
        log = exchange_log(f.details)
        if log is not None:
            console.print(exchange_log_table(log, title=f"{f.model}: exchanges"))
            shown = True
    if not shown:
        raise DetenteError("--exchanges: no model run keeps an exchange log "
                           "(add --model exchange)")
