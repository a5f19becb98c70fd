"""``detente schema`` and ``detente pressures``: the scenario structure's commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from detente import api
from detente.cli.common import console, err_console, explain, guard
from detente.cli.options import ExplainOpt, OutputFormat, ScenarioArg, TableJsonOpt
from detente.errors import DetenteError
from detente.present.terminal import styled


@guard
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: print).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """The JSON Schema of a scenario file (for editors and validators)."""
    text = json.dumps(api.scenario_schema(), indent=2) + "\n"
    if output is None:
        console.print_json(text)
        return
    if output.exists() and not force:
        raise DetenteError(f"{output}: exists; pass --force to overwrite it")
    api.write_text(output, text)
    err_console.print(f"wrote {output}", highlight=False)


def _num(x: float | None, fmt: str = "+.3g") -> str:
    return "—" if x is None else format(x, fmt)


@guard
def pressures(
    scenario: ScenarioArg = None,
    deal: Annotated[
        str | None, typer.Option(help="issue=option,...: over which changes is it acceptable?")
    ] = None,
    utility: Annotated[str, typer.Option(help="linear or quadratic.")] = "linear",
    output: TableJsonOpt = OutputFormat.table,
    explain_: ExplainOpt = False,
) -> None:
    """Pressure levers and named shocks: how they move the no-deal values and the deals.

    Each shock is listed with its id, the name `detente deals --shock ID` takes.
    """
    data = api.pressures(scenario, request=api.PressureRequest.of(deal=deal, utility=utility))
    if output is OutputFormat.json:
        console.print_json(json.dumps(data))
        return
    t = Table(title="Pressure levers (changes in the pressure's own unit)", title_justify="left")
    for col in ("pressure", "value", "range", "ZOPA now", "at range ends", "opens a deal",
                "closes one", *(["deal acceptable for"] if deal else [])):
        t.add_column(col, justify="left" if col == "pressure" else "right")
    for lv in data["levers"]:
        rng = lv["range"]
        ends = "—" if rng is None else f"{lv['zopa_at_low']} / {lv['zopa_at_high']}"
        row = [lv["pressure"], f"{lv['value']:g}", "—" if rng is None else
               f"{rng[0]:g}..{rng[1]:g}", str(lv["zopa"]), ends,
               f"{_num(lv['opens_up'])} / {_num(lv['opens_down'])}",
               f"{_num(lv['closes_up'])} / {_num(lv['closes_down'])}"]
        if deal:
            iv = lv["deal_interval"]
            row.append("never" if iv is None else
                       f"{'−∞' if iv[0] is None else _num(iv[0])} .. "
                       f"{'+∞' if iv[1] is None else _num(iv[1])}")
        t.add_row(*row)
    t.caption = ("opens/closes: the smallest rise / fall that lets a deal in / pushes one "
                 "out of the zone of agreement")
    console.print(t)
    s = Table(title="Named shocks (apply one with `detente deals --shock ID`)",
              title_justify="left")
    for col in ("--shock id", "changes", "ZOPA", "Nash deal"):
        s.add_column(col, justify="right" if col == "ZOPA" else "left")
    for row in data["shocks"]:
        nash = row["nash"]
        shock = (styled("[dim]— ({}: no shock)[/]", row["name"]) if row["shock"] is None
                 else styled("[bold]{}[/]\n{}", row["shock"], row["name"]))
        s.add_row(shock, ", ".join(f"{k} {v:+g}" for k, v in row["changes"].items())
                  or "—", str(row["zopa"]),
                  "no acceptable deal" if nash is None else
                  ", ".join(f"{k}={v}" for k, v in nash["options"].items()))
    console.print(s)
    console.print(styled("[dim]What the deal model derives from the scenario's stated, "
                         "sourced assumptions (pressure levels and their effect on no-deal "
                         "values are assumptions); not predictions of fact.[/]"))
    explain("pressures", explain_)
