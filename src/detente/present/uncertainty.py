"""Rich views of Monte Carlo runs, sensitivity analyses and levers."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.present.legends import legend_line, more_line
from detente.present.terminal import ByWidth, styled
from detente.scenario import Scenario
from detente.spelling import Spell, python_words

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


SIMULATION_LEGEND = legend_line("simulate", ("point", "likeliest", "differs", "histogram"))
"""The short legend under ``detente simulate`` (``--explain`` gives every term)."""


def _issue_table(sim: Simulation, issue: str, name: str, rows: list[dict[str, Any]],
                 lo_q: str, hi_q: str, width: int) -> Table:
    """One issue's summary table; the histogram column only where there is room for it
    (80 columns hold every number without it)."""
    histogram = width >= 96
    table = Table(title=styled("{} [dim]({})[/]", name, issue), title_justify="left")
    # at 80 columns the histogram gives way; no number is cut or split across lines
    table.add_column("model", no_wrap=True, min_width=max(map(len, sim.models)))
    table.add_column("point", justify="right", no_wrap=True, min_width=5)
    table.add_column("mean ± sd", justify="right", no_wrap=True, min_width=6)
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
        # a tie goes on its own line: "60 (50%, tie)" on one would widen the column
        # past 80 and break "mean ± sd" in two
        likely = (f"{row['likeliest_value']:g} ({_pct(row['likeliest_p'])})"
                  f"{'' if row.get('likeliest_clear', True) else chr(10) + 'tie'}"
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
    attrs = sim.attrs  # read from the result's arrays: no xarray Dataset built for a view
    out: list[RenderableType] = [
        styled("[bold]{}[/]: {:,} draws, seed {} (block {})", attrs["scenario"], sim.draws,
               sim.seed, attrs["block_size"])]
    rows = sim.summary_rows()
    lo_q, hi_q = (k for k in (min(rows[0], key=_qkey), max(rows[0], key=_qkey)))
    for issue in sim.issues:
        i = sim.issues.index(issue)
        name = (scenario.issue(issue).name if scenario is not None
                else str(sim.values("issue_name")[i]) if sim.has("issue_name")
                else issue)  # files saved before the names were kept
        out.append(ByWidth(functools.partial(_issue_table, sim, issue, name, rows, lo_q, hi_q)))
        anchors = sim.anchors(issue)
        if anchors:
            bands = Table(show_header=True, box=None, padding=(0, 2))
            bands.add_column("P(nearest anchor)")
            for model in sim.models:
                bands.add_column(model, justify="right")
            for k, (value, label) in enumerate(anchors):
                probs = sim.values("band_probability")[:, i, k]
                bands.add_row(f"{value:g} = {label}", *(_pct(float(p)) for p in probs))
            out.append(bands)
            split = float(sim.values("any_disagreement")[i])
            if len(sim.models) > 1:
                out.append(_line(f"  models land on different anchors in {_pct(split)} of "
                                 "draws"))
        out.append(Text(""))
    if scenario is not None:  # the rules the models ignore, with the share of these draws
        from detente.present.violations import violation_block
        from detente.violations import of_simulation

        found = of_simulation(scenario, sim)
        out += [*violation_block(found, scenario), Text("")] if found else []
    if attrs.get("uncertainty_defaults"):
        out.append(styled("[yellow]uncertainty:[/] {text}", text=attrs["uncertainty_defaults"]))
    out.append(Text(SIMULATION_LEGEND, style="dim"))
    out.append(Text(attrs.get("note", ""), style="dim"))
    return out


def curve_spark(values: Any, low: float, high: float) -> str:
    """A response curve as a sparkline on the issue's scale ``[low, high]`` (▁ low … █
    high; a blank for no outcome)."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(" ")
            continue
        share = min(max((float(v) - low) / ((high - low) or 1.0), 0.0), 1.0)
        out.append(_SPARK[1 + round(7 * share)])
    return "".join(out)


def _bar(swing: float, widest: float, width: int = 8) -> str:
    """A tornado bar: ``swing`` against the widest of the table."""
    if math.isnan(swing) or widest <= 0:
        return ""
    return "█" * max(1 if swing > 0 else 0, round(width * swing / widest))


def sensitivity_view(res: Sensitivity, scenario: Scenario, *, by: str = "input",
                     issues: list[str] | None = None, top: int = 8, spell: Spell = python_words
                     ) -> list[RenderableType]:
    """Per issue, the ``top`` inputs (``by="actor"``: whole actors) by total-order index
    (Sobol) or μ* (Morris), with the forecast at each input's low and high end and its
    min–max over the whole range (tornado bar, response curve), then the inputs whose
    effect is non-monotone (a knife-edge the ends hide) or interaction-dominated."""
    from detente.uncertainty.sensitivity import INTERACTION_GAP, MONOTONE_TOL

    by_input = by == "input"
    key = "ST" if res.method == "sobol" else "mu_star"
    out: list[RenderableType] = []
    for name in issues or scenario.issue_ids:
        ranked = res.ranked(name, top=top)
        iss = scenario.issue(name)
        table = Table(title=styled("{} [dim]({})[/]: {}, point {}", iss.name, name, res.model,
                                   _fmt(res.point[name])), title_justify="left",
                      box=box.SIMPLE_HEAD, pad_edge=False)
        nd = 0 if iss.high - iss.low >= 20 else 1
        table.add_column("input" if by_input else "actor", overflow="fold")
        if res.method == "sobol":
            table.add_column("S1", justify="right", no_wrap=True)
        table.add_column("ST" if key == "ST" else "μ*", justify="right", no_wrap=True)
        if by_input:
            table.add_column("ends (min–max)", justify="right", no_wrap=True)
            table.add_column("curve", no_wrap=True)
        table.add_column("swing", no_wrap=True)
        widest = float(ranked["swing"].max()) if len(ranked) else 0.0
        for inp, row in ranked.iterrows():
            cells = [str(inp) + (" ⚠" if _flagged(row, by_input) else "")]
            if res.method == "sobol":
                cells.append(f"{row['S1']:.2f}")
            cells.append(f"{row[key]:.2f}")
            if by_input:
                cells += [f"{_fmt(row['outcome_low'], nd)}…{_fmt(row['outcome_high'], nd)} "
                          f"({_fmt(row['outcome_min'], nd)}–{_fmt(row['outcome_max'], nd)})",
                          curve_spark(row["curve"], iss.low, iss.high)]
            cells.append(f"{_fmt(row['swing'], nd)} {_bar(float(row['swing']), widest, 6)}")
            table.add_row(*cells)
        out.append(table)
        hidden = len(res.ranked(name)) - len(ranked)
        if hidden > 0:
            out.append(_line(more_line(hidden, spell)))
        out += _sensitivity_flags(ranked, by_input, res.method)
    crit = (f"ST − S1 ≥ {INTERACTION_GAP:g}" if res.method == "sobol" else "σ > μ*")
    terms = legend_line("sensitivity", ("S1", "ST") if res.method == "sobol" else ("μ*",),
                        spell)
    terms = terms.rstrip(".")
    out.append(Text(f"{res.method}, N = {res.samples}, seed {res.seed}; {terms} (confidence "
                    "half-widths in the JSON); ends: the forecast with the input alone at the "
                    "low and high end of its declared range; (min–max) and curve: over 9 values "
                    "across it; swing: |high end − low end|. "
                    f"⚠ non-monotone: rises and falls by more than {MONOTONE_TOL:.0%} of the "
                    f"scale; interaction-dominated: {crit}.", style="dim"))
    return out


def _flagged(row: Any, by_input: bool) -> bool:
    return bool(row.get("interaction", False)) or (by_input and bool(row["non_monotone"]))


def _sensitivity_flags(ranked: Any, by_input: bool, method: str) -> list[RenderableType]:
    out: list[RenderableType] = []
    if by_input:
        for inp, row in ranked[ranked["non_monotone"].astype(bool)].iterrows():
            out.append(_line(
                f"  ⚠ {inp}: non-monotone — {_fmt(row['outcome_low'])} and "
                f"{_fmt(row['outcome_high'])} at the ends, yet {_fmt(row['outcome_min'])}–"
                f"{_fmt(row['outcome_max'])} in between (a knife-edge)"))
    inter = [str(i) for i, row in ranked.iterrows() if row.get("interaction", False)]
    if inter:
        what = "ST − S1" if method == "sobol" else "σ > μ*"
        out.append(_line(f"  ⚠ interaction-dominated ({what}): {', '.join(inter)}"))
    return out


def levers_view(res: LeverResult, scenario: Scenario, *, top: int = 10,
                spell: Spell = python_words) -> list[RenderableType]:
    """The forecast now and the target, then the ``top`` easiest levers that reach it (the
    rest counted) and the actors' inputs that cannot reach it alone."""
    iss = scenario.issue(res.issue)
    out: list[RenderableType] = [
        styled("[bold]{}[/] under {}: now {}; target: {}", iss.name, res.model,
               iss.describe(res.current), res.target)]
    if res.already:
        out.append("The forecast is already there.")
        return out
    table = Table(title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("actor", "lever", "now", "needed", "change", "then", "in range", "curve"):
        table.add_column(col, justify="left" if col in ("actor", "lever", "curve") else "right",
                         no_wrap=col != "actor")
    reachable = [lv for lv in res.levers if lv.reachable]
    shown = reachable[:top]
    for lv in shown:
        nd = 2 if lv.kind == "salience" else 1
        within = {True: "yes", False: "no", None: "—"}[lv.within_uncertainty]
        marks = ("↺" if lv.counter_intuitive else "") + ("⚠" if lv.non_monotone else "")
        table.add_row(lv.actor, f"{lv.kind} {marks}".rstrip(), _fmt(lv.current, nd),
                      _fmt(lv.needed, nd), f"{lv.change:+.{nd}f}", _fmt(lv.outcome), within,
                      curve_spark(lv.curve, iss.low, iss.high))
    if shown:
        out.append(table)
        out += _lever_warnings(shown)
        if len(reachable) > len(shown):
            out.append(_line(more_line(len(reachable) - len(shown), spell)))
    unreachable = [f"{lv.actor} {lv.kind}" for lv in res.levers if not lv.reachable]
    if not shown:
        out.append("No single lever reaches the target within its range.")
    if unreachable:
        out.append(Text(f"cannot reach it alone: {', '.join(unreachable)}", style="dim"))
    out.append(Text(legend_line("levers", ("then", "in range", "curve"), spell), style="dim"))
    return out


def _lever_warnings(levers: list[Any]) -> list[RenderableType]:
    out: list[RenderableType] = []
    against = [f"{lv.actor} {lv.kind} ({lv.change:+.2g})" for lv in levers
               if lv.counter_intuitive]
    if against:
        out.append(_line("  ↺ works against the intuitive direction: " + ", ".join(against)
                         + " (a position moved away from the target, or more weight for an "
                         "actor standing on the other side, or less for one on its side)"))
    bumpy = [f"{lv.actor} {lv.kind}" for lv in levers if lv.non_monotone]
    if bumpy:
        out.append(_line("  ⚠ non-monotone response (rises and falls across the range; "
                         "see curve): " + ", ".join(bumpy)))
    return out
