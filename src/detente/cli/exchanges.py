"""``detente exchanges``: the exchange model's log of trades (who gave what to whom)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from detente import api
from detente.cli.common import cli_words, console, explain, guard, show
from detente.cli.options import (
    ExplainOpt,
    FromOpt,
    OutputFormat,
    ScenarioArg,
    SeedOpt,
    TableJsonOpt,
    TopOpt,
)
from detente.present.exchanges import exchange_view


@guard
def exchanges(
    scenario: ScenarioArg = None,
    rounds: Annotated[int, typer.Option("--rounds", "-r", min=1, help="Rounds to run.")] = 10,
    variant: Annotated[
        str, typer.Option(help="equal-gain or random-rate.")
    ] = "equal-gain",
    rule: Annotated[str, typer.Option(help="decide (default) or paper.")] = "decide",
    show_candidates: Annotated[
        bool, typer.Option("--candidates", help="Also list round 1's candidate exchanges.")
    ] = False,
    output: TableJsonOpt = OutputFormat.table,
    seed: SeedOpt = 0,
    fmt: FromOpt = None,
    top: TopOpt = 20,
    controlled_only: Annotated[bool, typer.Option(
        "--controlled-only",
        help="List only exchanges in which each side gives on an issue it delivers or holds "
             "a veto on (the model runs unchanged; this filters its log).")] = False,
    explain_: ExplainOpt = False,
) -> None:
    """Run the exchange model and list the executed exchanges, round by round (--top of them).

    A trade moves the positions actors take. Where the scenario says who delivers an
    issue (controlled_by) or must consent (vetoes), a side giving on an issue it does
    not control is starred (JSON: "controls": false).
    """
    run = api.exchanges(scenario, rounds=rounds, variant=variant, rule=rule, seed=seed,
                        candidates=show_candidates, format=fmt,
                        controlled_only=controlled_only)
    if output is OutputFormat.json:
        console.print_json(json.dumps(run.to_dict()))
        return
    show(exchange_view(run, top=top, spell=cli_words))
    explain("exchanges", explain_)
