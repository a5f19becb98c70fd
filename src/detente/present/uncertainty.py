"""Rich views of Monte Carlo runs, sensitivity analyses and levers."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.present.terminal import ByWidth, styled
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.uncertainty.levers import LeverResult
    from detente.uncertainty.sensitivity import Sensitivity
    from detente.uncertainty.simulate import Simulation

_SPARK = " ▁▂▃▄▅▆▇█"


def _fmt(x: float | None, nd: int = 1) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def _pct(x: float | None) -> str:
    return "—" if x is None or math.isnan(x) else f"{100 * x:.0f}%"


def _qkey(key: str) -> float:
    return float(key[1:]) if key.startswith("q") and key[1:].isdigit() else 50.0


def _spark(counts: Any) -> str:
    top = max(int(counts.max()), 1)
    return "".join(_SPARK[math.ceil(8 * int(c) / top)] for c in counts)


def _line(text: str) -> Text:
    """One line of plain text (printed as is: no markup, no highlighting of numbers)."""
    return Text(text)


SIMULATION_LEGEND = (
    "point: the forecast with every input at its stated value; likeliest: the anchor nearest "
    "to most draws (share of draws); differs: share of draws in which this model's nearest "
    "anchor differs from another model's (mean over the others); the histogram column "
    "shows at 96 columns and wider.")


def _issue_table(sim: Simulation, issue: str, name: str, rows: list[dict[str, Any]],
                 lo_q: str, hi_q: str, width: int) -> Table:
    """One issue's summary table; the histogram column only where there is room for it
    (80 columns hold every number without it)."""
    histogram = width >= 96
    table = Table(title=styled("{} [dim]({})[/]", name, issue), title_justify="left")
    # at 80 columns "mean ± sd" wraps and the histogram gives way; no number is cut
    table.add_column("model", no_wrap=True, min_width=max(map(len, sim.models)))
    table.add_column("point", justify="right", no_wrap=True, min_width=5)
    table.add_column("mean ± sd", justify="right", min_width=6)
    table.add_column("median", justify="right", no_wrap=True, min_width=6)
    ranges = [f"{_fmt(r[lo_q])}–{_fmt(r[hi_q])}" for r in rows if r["issue"] == issue]
    table.add_column(f"{lo_q[1:]}–{hi_q[1:]}%", justify="right", no_wrap=True,
                     min_width=max(map(len, ranges)))
    if histogram:
        table.add_column("histogram", no_wrap=True)
    table.add_column("likeliest", justify="right", min_width=9)
    table.add_column("differs", justify="right", no_wrap=True, min_width=7)
    for row in (r for r in rows if r["issue"] == issue):
        counts, _ = sim.histogram(issue, row["model"], bins=10)
        likely = (f"{row['likeliest_value']:g} ({_pct(row['likeliest_p'])})"
                  if "likeliest" in row else "—")
        table.add_row(row["model"], _fmt(row["point"]),
                      f"{_fmt(row['mean'])} ± {_fmt(row['sd'])}",
                      _fmt(row.get("q50", float("nan"))),
                      f"{_fmt(row[lo_q])}–{_fmt(row[hi_q])}",
                      *([_spark(counts)] if histogram else []), likely,
                      _pct(row.get("disagreement", float("nan"))))
    return table


def simulation_view(sim: Simulation, scenario: Scenario | None = None) -> list[RenderableType]:
    """Per issue and model: point, mean ± sd, median, quantiles, histogram, likeliest
    value and disagreement; then P(nearest anchor) per model. ``scenario`` gives the
    issues' names (a simulation loaded from a file shows their ids)."""
    ds = sim.dataset
    out: list[RenderableType] = [
        styled("[bold]{}[/]: {:,} draws, seed {} (block {})", ds.attrs["scenario"], sim.draws,
               sim.seed, ds.attrs["block_size"])]
    rows = sim.summary_rows()
    lo_q, hi_q = (k for k in (min(rows[0], key=_qkey), max(rows[0], key=_qkey)))
    for issue in sim.issues:
        name = scenario.issue(issue).name if scenario is not None else issue
        out.append(ByWidth(functools.partial(_issue_table, sim, issue, name, rows, lo_q, hi_q)))
        anchors = sim.anchors(issue)
        if anchors:
            bands = Table(show_header=True, box=None, padding=(0, 2))
            bands.add_column("P(nearest anchor)")
            for model in sim.models:
                bands.add_column(model, justify="right")
            for k, (value, label) in enumerate(anchors):
                probs = ds["band_probability"].sel(issue=issue).values[:, k]
                bands.add_row(f"{value:g} = {label}", *(_pct(float(p)) for p in probs))
            out.append(bands)
            split = float(ds["any_disagreement"].sel(issue=issue))
            if len(sim.models) > 1:
                out.append(_line(f"  models land on different anchors in {_pct(split)} of "
                                 "draws"))
        out.append(Text(""))
    if ds.attrs.get("uncertainty_defaults"):
        out.append(styled("[yellow]uncertainty:[/] {text}", text=ds.attrs["uncertainty_defaults"]))
    out.append(Text(SIMULATION_LEGEND, style="dim"))
    out.append(Text(ds.attrs.get("note", ""), style="dim"))
    return out


def sensitivity_view(res: Sensitivity, scenario: Scenario, *, by: str = "input",
                     issues: list[str] | None = None, top: int = 8) -> list[RenderableType]:
    """Per issue, the ``top`` inputs (``by="actor"``: whole actors) by total-order index
    (Sobol) or μ* (Morris), with the forecast at each input's low and high end (tornado)."""
    by_input = by == "input"
    key, conf = ("ST", "ST_conf") if res.method == "sobol" else ("mu_star", "mu_star_conf")
    out: list[RenderableType] = []
    for name in issues or scenario.issue_ids:
        ranked = res.ranked(name, top=top)
        iss = scenario.issue(name)
        table = Table(title=styled("{} [dim]({})[/]: {}, point {}", iss.name, name, res.model,
                                   _fmt(res.point[name])), title_justify="left")
        table.add_column("input" if by_input else "actor", no_wrap=True)
        if res.method == "sobol":
            table.add_column("S1", justify="right")
        table.add_column(key, justify="right")
        if by_input:
            table.add_column("range", justify="right")
            table.add_column("forecast at low … high", justify="right")
        table.add_column("swing", justify="right")
        for inp, row in ranked.iterrows():
            cells = [str(inp)]
            if res.method == "sobol":
                cells.append(f"{row['S1']:.2f}")
            cells.append(f"{row[key]:.2f} ± {row[conf]:.2f}")
            if by_input:
                cells += [f"{row['low']:g}…{row['high']:g}",
                          f"{_fmt(row['outcome_low'])} … {_fmt(row['outcome_high'])}"]
            cells.append(_fmt(row["swing"]))
            table.add_row(*cells)
        out.append(table)
    terms = ("S1: share of the forecast's variance due to the input alone; ST: the share "
             "including its interactions with other inputs (± bootstrap half-width)"
             if res.method == "sobol" else
             "mu_star: mean absolute elementary effect of the input (± its confidence)")
    out.append(Text(f"{res.method}, N = {res.samples}, seed {res.seed}; {terms}; swing: the "
                    "forecast's change as the input alone moves across its declared range.",
                    style="dim"))
    return out


def levers_view(res: LeverResult, scenario: Scenario, *, show: int = 10) -> list[RenderableType]:
    """The forecast now and the target, then the ``show`` easiest levers that reach it
    and the actors' inputs that cannot reach it alone."""
    iss = scenario.issue(res.issue)
    out: list[RenderableType] = [
        styled("[bold]{}[/] under {}: now {}; target: {}", iss.name, res.model,
               iss.describe(res.current), res.target)]
    if res.already:
        out.append("The forecast is already there.")
        return out
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
        out.append(table)
    unreachable = [f"{lv.actor} {lv.kind}" for lv in res.levers if not lv.reachable]
    if not shown:
        out.append("No single lever reaches the target within its range.")
    if unreachable:
        out.append(Text(f"cannot reach it alone: {', '.join(unreachable)}", style="dim"))
    return out
