"""``detente deals``, ``detente logrolls``, ``detente phase``: the broker's commands."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from detente import api
from detente import deals as dl
from detente.cli.common import OutputFormat, console, guard
from detente.errors import DetenteError
from detente.scenarios import DEFAULT

ScenarioArg = Annotated[
    str | None,
    typer.Argument(help=f"Scenario file, GENIUS folder or bundled name (default: {DEFAULT})."),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")]
UtilityOpt = Annotated[str, typer.Option(help="Utility from distance: linear or quadratic.")]
BatnaOpt = Annotated[
    list[str] | None, typer.Option("--batna", help="ACTOR=VALUE: override a BATNA (0..1).")
]
AcceptanceOpt = Annotated[
    str | None,
    typer.Option(help="above (u > BATNA) or at-least (u >= BATNA); default: at-least for "
                      "GENIUS files, above otherwise."),
]


def _pairs(items: list[str] | None, what: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise DetenteError(f"{what} {item!r}: expected ACTOR=NUMBER") from None
    return out


def _problem(scenario: str | None, utility: str, batna: list[str] | None,
             acceptance: str | None = None) -> dl.DealProblem:
    if utility not in ("linear", "quadratic"):
        raise DetenteError(f"utility {utility!r}: expected linear or quadratic")
    rule = None if acceptance is None else acceptance.replace("-", "_")
    if rule not in (None, "above", "at_least"):
        raise DetenteError(f"--acceptance {acceptance!r}: expected above or at-least")
    return api.deal_problem(scenario or DEFAULT, utility=utility,  # type: ignore[arg-type]
                            batna=_pairs(batna, "--batna"), acceptance=rule)  # type: ignore[arg-type]


def _deal_text(d: dict | None) -> str:
    if d is None:
        return "(none: no deal beats every BATNA)"
    return ", ".join(f"{k}={v}" for k, v in d["options"].items())


@guard
def deals(
    scenario: ScenarioArg = None,
    top: Annotated[int, typer.Option(min=1, help="Top deals to list.")] = 5,
    utility: UtilityOpt = "linear",
    batna: BatnaOpt = None,
    acceptance: AcceptanceOpt = None,
    drop: Annotated[
        list[str] | None,
        typer.Option("--drop", help="ACTOR=D: which deals open if ACTOR's BATNA fell by D."),
    ] = None,
    draws: Annotated[int, typer.Option(min=0, help="Draws of uncertain BATNAs.")] = 0,
    seed: Annotated[int, typer.Option(help="Seed for the BATNA draws.")] = 0,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Top deals, Pareto frontier size, ZOPA and bargaining solutions."""
    problem = _problem(scenario, utility, batna, acceptance)
    rep = dl.analyse(problem, drops=_pairs(drop, "--drop"), draws=draws, seed=seed)
    data = rep.to_dict(top=top)
    if output == OutputFormat.json:
        console.print_json(json.dumps(data))
        return
    z = data["zopa"]
    console.print(f"[bold]{data['deals']}[/] deals; [bold]{z['size']}[/] in the ZOPA "
                  f"({z['share']:.1%}); Pareto frontier within it: "
                  f"[bold]{data['frontier_size']}[/]", highlight=False)
    console.print(f"Acceptance: {data['acceptance']['text']}.", highlight=False)
    t = Table(title="Actors (utility 0..1)", title_justify="left")
    for col in ("actor", "BATNA", "source", "best margin", "rules out", "alone"):
        t.add_column(col, justify="left" if col in ("actor", "source") else "right")
    for a, info in z["actors"].items():
        m = info["margin"]
        t.add_row(a, f"{info['batna']:.3f}", data["batna"][a]["source"],
                  "—" if m is None else f"{m:+.3f}", str(info["ruled_out"]),
                  str(info["sole_blocker"]))
    console.print(t)
    s = Table(title="Bargaining solutions", title_justify="left")
    s.add_column("solution")
    s.add_column("deal")
    s.add_column("smallest margin", justify="right")
    for name, d in data["solutions"].items():
        s.add_row(name, _deal_text(d), "—" if d is None else f"{min(d['margin'].values()):+.3f}")
    console.print(s)
    tt = Table(title=f"Top {top} deals (Nash product of gains)", title_justify="left")
    tt.add_column("deal")
    tt.add_column("margins", justify="right")
    for d in data["top"]:
        tt.add_row(_deal_text(d), " ".join(f"{a} {m:+.3f}" for a, m in d["margin"].items()))
    console.print(tt)
    for o in z["openings"]:
        console.print(f"If {o['actor']}'s BATNA fell by {o['drop']:g}: {o['count']} more deals "
                      "enter the ZOPA", highlight=False)
    if "uncertain_batna" in z:
        u = z["uncertain_batna"]
        console.print(f"Uncertain BATNAs ({u['draws']} draws): expected ZOPA size "
                      f"{u['expected_size']:.1f}, P(ZOPA not empty) {u['p_nonempty']:.2f}",
                      highlight=False)
    console.print(f"[dim]{data['note']}[/]")


@guard
def logrolls(
    scenario: ScenarioArg = None,
    top: Annotated[int, typer.Option(min=1, help="Trades to list.")] = 10,
    actor: Annotated[list[str] | None, typer.Option(help="Only trades involving these.")] = None,
    utility: UtilityOpt = "linear",
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Pairs of actors and issues where each side gains more than it gives."""
    problem = _problem(scenario, utility, None)
    found = dl.logrolls(problem)
    if actor:
        unknown = set(actor) - set(problem.actors)
        if unknown:
            raise DetenteError(f"unknown actor(s) {', '.join(sorted(unknown))}; actors are "
                               f"{', '.join(problem.actors)}")
        found = [r for r in found if r.a in actor or r.b in actor]
    rows = [r.to_dict() for r in found[:top]]
    if output == OutputFormat.json:
        console.print_json(json.dumps({"logrolls": rows, "total": len(found)}))
        return
    t = Table(title=f"Logrolls ({len(found)} found; best {len(rows)})", title_justify="left")
    for col in ("A gets", "B gets", "net A", "net B", "salience ratios"):
        t.add_column(col, justify="right" if col.startswith("net") else "left")
    for r in rows:
        t.add_row(f"{r['a']}: {r['issue_a']}→{r['option_a']}",
                  f"{r['b']}: {r['issue_b']}→{r['option_b']}",
                  f"{r['net_a']:+.3f}", f"{r['net_b']:+.3f}",
                  f"{r['salience_ratio_a']:.2f} vs {r['salience_ratio_b']:.2f}")
    console.print(t)


@guard
def phase(
    scenario: ScenarioArg = None,
    deal: Annotated[
        str | None,
        typer.Option(help="issue=option,... (others at the status quo; default: the Nash deal)."),
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="Plans to list.")] = 5,
    utility: UtilityOpt = "linear",
    batna: BatnaOpt = None,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Order a deal's issues into self-enforcing phases, or price the guarantee needed."""
    problem = _problem(scenario, utility, batna)
    if deal is None:
        rep = dl.analyse(problem)
        nash = rep.solutions["nash"]
        if nash is None:
            raise DetenteError("no deal beats every BATNA; give one with --deal")
        chosen = rep.frontier_options[nash]
    else:
        chosen = problem.parse_deal(deal)
    res = dl.phase(problem, chosen, top=top)
    data = res.to_dict()
    if output == OutputFormat.json:
        console.print_json(json.dumps(data))
        return
    console.print(f"Deal: {', '.join(f'{k}={v}' for k, v in data['deal'].items())}",
                  highlight=False)
    console.print(f"{data['plans_examined']} plans examined ({data['search']}); "
                  f"{data['self_enforcing_plans']} self-enforcing", highlight=False)
    t = Table(title="Best plans", title_justify="left")
    t.add_column("phases")
    t.add_column("self-enforcing")
    t.add_column("guarantee needed", justify="right")
    t.add_column("who needs it")
    for p in data["plans"]:
        who = ", ".join(f"{a} {v:.3f}" for a, v in p["shortfall"].items() if v > 1e-12)
        t.add_row(" | ".join("+".join(ph) for ph in p["phases"]),
                  "yes" if p["self_enforcing"] else "no", f"{p['guarantee']:.3f}", who or "—")
    console.print(t)
