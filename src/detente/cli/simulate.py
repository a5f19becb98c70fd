"""``detente simulate``, ``detente sensitivity`` and ``detente levers``: parse and present."""

from __future__ import annotations

import enum
import json
import math
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from detente import api
from detente.cli.common import OutputFormat, console, err_console, guard
from detente.cli.forecast import FromOpt, ScenarioArg, parse_params
from detente.errors import DetenteError
from detente.models.registry import DEFAULT_MODELS, get_model
from detente.scenarios import DEFAULT

_SPARK = " ▁▂▃▄▅▆▇█"


class EngineName(enum.StrEnum):
    local = "local"
    dask = "dask"


class Method(enum.StrEnum):
    sobol = "sobol"
    morris = "morris"


class By(enum.StrEnum):
    input = "input"
    actor = "actor"


ModelsOpt = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help="Model to run (repeatable). Default: "
                 + ", ".join(DEFAULT_MODELS) + ". See `detente models`."),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="Model parameter MODEL.NAME=VALUE (repeatable)."),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")]


def _fmt(x: float, nd: int = 1) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def _pct(x: float | None) -> str:
    return "—" if x is None or math.isnan(x) else f"{100 * x:.0f}%"


def _qkey(key: str) -> float:
    return float(key[1:]) if key.startswith("q") and key[1:].isdigit() else 50.0


def _spark(counts: Any) -> str:
    top = max(int(counts.max()), 1)
    return "".join(_SPARK[math.ceil(8 * int(c) / top)] for c in counts)


@guard
def simulate(
    scenario: ScenarioArg = None,
    draws: Annotated[int, typer.Option("--draws", "-n", min=1, help="Monte Carlo draws.")
                     ] = 10_000,
    model: ModelsOpt = None,
    param: ParamOpt = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed: same seed, same result.")] = 0,
    engine: Annotated[EngineName, typer.Option(help="local (threads) or dask.")
                      ] = EngineName.local,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address (tcp://host:port); implies --engine dask.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Threads (local) or worker processes (dask local cluster).")] = None,
    chunk_size: Annotated[int | None, typer.Option(
        min=1, help="Draws per task (rounded up to whole blocks); speed only.")] = None,
    save: Annotated[str | None, typer.Option(
        help="Save the labelled results to this netCDF file (.nc).")] = None,
    output: FormatOpt = OutputFormat.table,
    fmt: FromOpt = None,
    calibrated_uncertainty: Annotated[bool, typer.Option(
        "--calibrated-uncertainty",
        help="Give inputs without a stated distribution the default uncertainty calibrated "
             "on EU decisions (docs/accuracy.md; the output says how well it covered "
             "real outcomes).")] = False,
) -> None:
    """Outcome distributions under the scenario's declared uncertainty (Monte Carlo).

    Per issue and model: mean, spread, quantiles, a histogram, the chance of
    each labelled band (nearest anchor), and how often the models land on
    different anchors. A saved .nc file can be given as SCENARIO to show it again.
    """
    from detente.uncertainty.simulate import Simulation
    from detente.uncertainty.simulate import simulate as run

    if output is OutputFormat.csv:
        raise DetenteError("simulate writes table or json (save labelled arrays with --save)")
    if scenario and scenario.endswith(".nc"):
        sim = Simulation.load(scenario)
        sc = None
    else:
        sc = api.load(scenario or DEFAULT, format=fmt)
        note = None
        if calibrated_uncertainty:
            from detente.uncertainty.defaults import CALIBRATED, calibration_note

            sc, added = CALIBRATED.apply(sc)
            note = calibration_note(CALIBRATED, added)
        params = parse_params(param)
        with Progress(TextColumn("[bold]simulating[/]"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err_console, transient=True,
                      disable=output is OutputFormat.json) as bar:
            task = bar.add_task("draws", total=draws)
            sim = run(sc, model or None, draws=draws, seed=seed, engine=engine.value,
                      scheduler=scheduler, workers=workers, chunk_size=chunk_size,
                      params=params, keep_draws=False,
                      progress=lambda done, total: bar.update(task, completed=done))
        if note is not None:
            sim.dataset.attrs["uncertainty_defaults"] = note
    if save:
        path = sim.save(save)
        err_console.print(f"saved {path}", highlight=False)
    if output is OutputFormat.json:
        console.print_json(json.dumps(sim.to_dict()))
        return
    _print_simulation(sim, sc)


def _print_simulation(sim: Any, sc: Any) -> None:
    ds = sim.dataset
    head = (f"[bold]{ds.attrs['scenario']}[/]: {sim.draws:,} draws, seed {sim.seed} "
            f"(block {ds.attrs['block_size']})")
    console.print(head, highlight=False)
    rows = sim.summary_rows()
    lo_q, hi_q = (k for k in (min(rows[0], key=_qkey), max(rows[0], key=_qkey)))
    for issue in sim.issues:
        name = sc.issue(issue).name if sc is not None else issue
        table = Table(title=f"{name} [dim]({issue})[/]", title_justify="left")
        table.add_column("model", no_wrap=True)
        for col in ("point", "mean ± sd", "median", f"{lo_q[1:]}–{hi_q[1:]}%"):
            table.add_column(col, justify="right", no_wrap=True)
        table.add_column("histogram", no_wrap=True)
        table.add_column("likeliest", justify="right", no_wrap=True)
        table.add_column("differs", justify="right", no_wrap=True)
        for row in (r for r in rows if r["issue"] == issue):
            counts, _ = sim.histogram(issue, row["model"], bins=10)
            likely = (f"{row['likeliest_value']:g} ({_pct(row['likeliest_p'])})"
                      if "likeliest" in row else "—")
            table.add_row(row["model"], _fmt(row["point"]),
                          f"{_fmt(row['mean'])} ± {_fmt(row['sd'])}",
                          _fmt(row.get("q50", float("nan"))),
                          f"{_fmt(row[lo_q])}–{_fmt(row[hi_q])}", _spark(counts), likely,
                          _pct(row.get("disagreement", float("nan"))))
        console.print(table)
        anchors = sim.anchors(issue)
        if anchors:
            bands = Table(show_header=True, box=None, padding=(0, 2))
            bands.add_column("P(nearest anchor)")
            for model in sim.models:
                bands.add_column(model, justify="right")
            for k, (value, label) in enumerate(anchors):
                probs = ds["band_probability"].sel(issue=issue).values[:, k]
                bands.add_row(f"{value:g} = {label}", *(_pct(float(p)) for p in probs))
            console.print(bands)
            split = float(ds["any_disagreement"].sel(issue=issue))
            if len(sim.models) > 1:
                console.print(f"  models land on different anchors in {_pct(split)} of draws",
                              highlight=False)
        console.print()
    if ds.attrs.get("uncertainty_defaults"):
        console.print(f"[yellow]uncertainty:[/] {ds.attrs['uncertainty_defaults']}",
                      highlight=False)
    console.print(f"[dim]{ds.attrs.get('note', '')}[/]")


@guard
def sensitivity(
    scenario: ScenarioArg = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Model to analyse.")
                     ] = "compromise",
    param: ParamOpt = None,
    method: Annotated[Method, typer.Option(help="sobol (variance shares) or morris "
                                           "(elementary effects).")] = Method.sobol,
    samples: Annotated[int, typer.Option(
        "--samples", "-n", min=2, help="Base sample size N (Sobol: N·(K+2) runs).")] = 1024,
    issue: Annotated[list[str] | None, typer.Option(
        "--issue", "-i", help="Issue(s) to show (repeatable). Default: all.")] = None,
    by: Annotated[By, typer.Option(help="Rank single inputs or whole actors.")] = By.input,
    top: Annotated[int, typer.Option(min=1, help="Rows per issue.")] = 8,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    output: FormatOpt = OutputFormat.table,
    fmt: FromOpt = None,
) -> None:
    """Which uncertain inputs move each issue's forecast most (SALib), with tornado bars."""
    from detente.uncertainty.sensitivity import sensitivity as analyse

    if output is OutputFormat.csv:
        raise DetenteError("sensitivity writes table or json")
    sc = api.load(scenario or DEFAULT, format=fmt)
    m = get_model(model, **parse_params(param).get(model, {}))
    res = analyse(sc, m, method=method.value, samples=samples, seed=seed, by=by.value,
                  issues=issue or None)
    if output is OutputFormat.json:
        console.print_json(json.dumps(res.to_dict()))
        return
    key, conf = ("ST", "ST_conf") if res.method == "sobol" else ("mu_star", "mu_star_conf")
    for name in issue or sc.issue_ids:
        ranked = res.ranked(name, top=top)
        iss = sc.issue(name)
        table = Table(title=f"{iss.name} [dim]({name})[/]: {m.name}, point "
                      f"{_fmt(res.point[name])}", title_justify="left")
        table.add_column("input" if by is By.input else "actor", no_wrap=True)
        if res.method == "sobol":
            table.add_column("S1", justify="right")
        table.add_column(key, justify="right")
        if by is By.input:
            table.add_column("range", justify="right")
            table.add_column("forecast at low … high", justify="right")
        table.add_column("swing", justify="right")
        for inp, row in ranked.iterrows():
            cells = [str(inp)]
            if res.method == "sobol":
                cells.append(f"{row['S1']:.2f}")
            cells.append(f"{row[key]:.2f} ± {row[conf]:.2f}")
            if by is By.input:
                cells += [f"{row['low']:g}…{row['high']:g}",
                          f"{_fmt(row['outcome_low'])} … {_fmt(row['outcome_high'])}"]
            cells.append(_fmt(row["swing"]))
            table.add_row(*cells)
        console.print(table)
    console.print(f"[dim]{res.method}, N = {res.samples}, seed {res.seed}; swing: the forecast's "
                  "change as the input alone moves across its declared range.[/]")


@guard
def levers(
    issue: Annotated[str, typer.Option("--issue", "-i", help="Issue to move.")],
    target: Annotated[str, typer.Option(
        "--target", "-t", help="An anchor label (or a unique part of one), an option name, "
        "or a number on the scale.")],
    scenario: ScenarioArg = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Model to ask.")] = "compromise",
    param: ParamOpt = None,
    actor: Annotated[list[str] | None, typer.Option(
        "--actor", "-a", help="Only this actor's levers (repeatable).")] = None,
    show: Annotated[int, typer.Option(min=1, help="Levers to show.")] = 10,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    output: FormatOpt = OutputFormat.table,
    fmt: FromOpt = None,
) -> None:
    """The smallest change to one actor's position, salience or capability that moves
    the forecast on an issue to a target."""
    from detente.uncertainty.levers import find_levers

    if output is OutputFormat.csv:
        raise DetenteError("levers writes table or json")
    sc = api.load(scenario or DEFAULT, format=fmt)
    m = get_model(model, **parse_params(param).get(model, {}))
    res = find_levers(sc, m, issue, target, actors=actor or None, seed=seed)
    if output is OutputFormat.json:
        console.print_json(json.dumps(res.to_dict()))
        return
    iss = sc.issue(issue)
    console.print(f"[bold]{iss.name}[/] under {m.name}: now {iss.describe(res.current)}; "
                  f"target: {res.target}", highlight=False)
    if res.already:
        console.print("The forecast is already there.")
        return
    table = Table(title_justify="left")
    for col in ("actor", "lever", "now", "needed", "change", "forecast then",
                "in stated range"):
        table.add_column(col, justify="left" if col in ("actor", "lever") else "right")
    shown = [lv for lv in res.levers if lv.reachable][:show]
    for lv in shown:
        nd = 2 if lv.kind == "salience" else 1
        within = {True: "yes", False: "no", None: "—"}[lv.within_uncertainty]
        table.add_row(lv.actor, lv.kind, _fmt(lv.current, nd), _fmt(lv.needed, nd),
                      f"{lv.change:+.{nd}f}", _fmt(lv.outcome), within)
    if shown:
        console.print(table)
    unreachable = [f"{lv.actor} {lv.kind}" for lv in res.levers if not lv.reachable]
    if not shown:
        console.print("No single lever reaches the target within its range.")
    if unreachable:
        console.print(f"[dim]cannot reach it alone: {', '.join(unreachable)}[/]",
                      highlight=False)
