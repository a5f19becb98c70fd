"""``detente deals``, ``detente logrolls``, ``detente phase``: the broker's commands."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from detente import api
from detente.cli.common import cli_words, console, explain, guard, show
from detente.cli.guards import refuse_costly, refuse_huge_deals
from detente.cli.options import (
    AcceptanceOpt,
    BatnaOpt,
    DealScenarioArg,
    ExplainOpt,
    FromOpt,
    OutputFormat,
    SeedOpt,
    TableJsonOpt,
    TopOpt,
    UtilityOpt,
    YesOpt,
)
from detente.present.deals import deals_view, logrolls_table, phase_view

RobustOpt = Annotated[
    int,
    typer.Option("--robust", min=0, help="Draws of the stated uncertainty (positions, "
                 "saliences, capabilities, BATNAs) for each result's survival probability: "
                 "the share of draws in which it still holds; 0: none."),
]
ShockOpt = Annotated[
    list[str] | None,
    typer.Option("--shock", help="Apply a named shock of the scenario to its pressures "
                                 "(repeatable; see `detente pressures`)."),
]


@guard
def deals(
    scenario: DealScenarioArg = None,
    top: TopOpt = 5,
    utility: UtilityOpt = "linear",
    batna: BatnaOpt = None,
    acceptance: AcceptanceOpt = None,
    drop: Annotated[
        list[str] | None,
        typer.Option("--drop", help="ACTOR=D: which deals open if ACTOR's BATNA fell by D."),
    ] = None,
    draws: Annotated[int, typer.Option(min=0, help="Draws of uncertain BATNAs.")] = 0,
    seed: SeedOpt = 0,
    shock: ShockOpt = None,
    output: TableJsonOpt = OutputFormat.table,
    fmt: FromOpt = None,
    robust: RobustOpt = 500,
    yes: YesOpt = False,
    explain_: ExplainOpt = False,
) -> None:
    """Top deals, Pareto frontier size, ZOPA and bargaining solutions, and the deals most
    likely to survive the stated uncertainty.

    With a structured scenario a deal counts only if it crosses no red line, breaks no
    linked offer and every actor holding a veto on a moved issue prefers it to no deal.
    """
    source = api.load_deal_source(scenario, format=fmt)
    refuse_huge_deals(api.estimate_deals(source, utility=utility, draws=draws), yes)
    request = api.DealRequest.of(
        utility=utility, batna=api.parse_pairs(batna, "--batna"), acceptance=acceptance,
        shocks=tuple(shock or ()), drops=api.parse_pairs(drop, "--drop"), draws=draws,
        seed=seed, robust=robust)
    if robust and not yes:
        refuse_costly(api.deals_cost(source, request=request, format=fmt), robust,
                      f"the deals with {robust:,} draws of their survival", yes)
    rep = api.analyse_deals(source, request=request, format=fmt)
    if output == OutputFormat.json:
        console.print_json(json.dumps(rep.to_dict(top=top)))
        return
    show(deals_view(rep, top=top, spell=cli_words))
    explain("deals", explain_)


@guard
def logrolls(
    scenario: DealScenarioArg = None,
    top: TopOpt = 10,
    actor: Annotated[list[str] | None, typer.Option(help="Only trades involving these.")] = None,
    utility: UtilityOpt = "linear",
    output: TableJsonOpt = OutputFormat.table,
    fmt: FromOpt = None,
    robust: RobustOpt = 500,
    seed: SeedOpt = 0,
    explain_: ExplainOpt = False,
) -> None:
    """Pairs of actors and issues where each side gains more than it gives, with the share
    of draws of the stated uncertainty in which each trade still passes its tests (ranked
    by that share)."""
    request = api.LogrollRequest.of(utility=utility, actors=actor or None, robust=robust,
                                    seed=seed)
    found = api.logrolls(scenario, request=request, format=fmt)
    if output == OutputFormat.json:
        console.print_json(json.dumps(found.to_dict(top=top)))
        return
    console.print(logrolls_table(found, top=top, spell=cli_words))
    explain("logrolls", explain_)


@guard
def phase(
    scenario: DealScenarioArg = None,
    deal: Annotated[
        str | None,
        typer.Option(help="issue=option,... (others at the status quo; default: the Nash deal)."),
    ] = None,
    top: TopOpt = 5,
    utility: UtilityOpt = "linear",
    batna: BatnaOpt = None,
    output: TableJsonOpt = OutputFormat.table,
    fmt: FromOpt = None,
    robust: RobustOpt = 500,
    seed: SeedOpt = 0,
    yes: YesOpt = False,
    explain_: ExplainOpt = False,
) -> None:
    """Order a deal's issues into self-enforcing phases, or price the guarantee needed;
    with how often the deal and each plan survive the stated uncertainty."""
    source = api.load_deal_source(scenario, format=fmt)
    refuse_huge_deals(api.estimate_deals(source, utility=utility, deal_space=deal is None),
                      yes)
    request = api.PhaseRequest.of(deal=deal, top=top, utility=utility,
                                  batna=api.parse_pairs(batna, "--batna"), robust=robust,
                                  seed=seed)
    if robust and not yes:
        refuse_costly(api.phase_cost(source, request=request, format=fmt), robust,
                      f"the phasing with {robust:,} draws of its survival", yes)
    res = api.phase(source, request=request, format=fmt)
    if output == OutputFormat.json:
        console.print_json(json.dumps(res.to_dict()))
        return
    show(phase_view(res, cli_words))
    explain("phase", explain_)
