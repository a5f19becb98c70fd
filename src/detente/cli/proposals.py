"""``detente proposals``: the plans on the table, judged, ranked and amended."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from detente import api
from detente.cli.common import cli_words, console, explain, guard, show
from detente.cli.guards import refuse_costly, refuse_huge_deals
from detente.cli.options import (
    AcceptanceOpt,
    ExplainOpt,
    FromOpt,
    OutputFormat,
    ScenarioArg,
    SeedOpt,
    TableJsonOpt,
    TopOpt,
    UtilityOpt,
    YesOpt,
)
from detente.present.proposals import proposals_view


@guard
def proposals(
    scenario: ScenarioArg = None,
    draws: Annotated[int, typer.Option(min=0, help="Draws of the stated uncertainty "
                                               "(positions, saliences, no-deal values); "
                                               "0: point values only.")] = 0,
    seed: SeedOpt = 0,
    amend: Annotated[str, typer.Option(help="Amendment rule: fewest (fewest issues moved, "
                                            "then least movement) or nash (largest Nash "
                                            "product over the veto holders).")] = "fewest",
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Models whose forecasts the plans are compared with "
                              "(repeatable; default compromise, median, nash).")] = None,
    utility: UtilityOpt = "linear",
    acceptance: AcceptanceOpt = None,
    output: TableJsonOpt = OutputFormat.table,
    fmt: FromOpt = None,
    top: TopOpt = 10,
    yes: YesOpt = False,
    explain_: ExplainOpt = False,
) -> None:
    """Judge the scenario's proposals: who accepts each, who blocks and by how much,
    red lines crossed, distance to each model's forecast, a plan's stated phases step by
    step (who delivers, deliverable, who would defect), the smallest amendment of a
    blocked plan, and what every plan agrees on. With --draws, the probability that each
    actor accepts and that every party holding a veto does (the ranking)."""
    sc = api.load(scenario, format=fmt)
    refuse_huge_deals(api.estimate_deals(sc, utility=utility, packages=len(sc.proposals),
                                         package_draws=draws), yes)
    request = api.ProposalRequest.of(draws=draws, seed=seed, amend_rule=amend, models=model,
                                     utility=utility, acceptance=acceptance)
    if draws and sc.proposals and not yes:
        refuse_costly(api.proposals_cost(sc, request=request), draws,
                      f"the proposals over {draws:,} draws", yes)
    rep = api.proposals(sc, request=request)
    if output == OutputFormat.json:
        console.print_json(json.dumps(rep.to_dict()))
        return
    show(proposals_view(rep, top=top, spell=cli_words))
    explain("proposals", explain_)
