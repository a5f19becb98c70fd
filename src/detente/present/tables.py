"""Rich tables for forecasts, trajectories, the model list and the comparative stance table."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.errors import DetenteError
from detente.models.base import Forecast
from detente.models.registry import model_class
from detente.notes import NEUTRAL_NOTE
from detente.present.legends import TAIL
from detente.present.terminal import literal, visible
from detente.results import ForecastSet, ModelInfo, round_records
from detente.scenario import Issue, Scenario
from detente.uncertainty.distribution import OutcomeDistribution


def _value_with_anchor(issue: Issue, value: float | None) -> Text:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Text("—", style="dim")
    text = Text(f"{value:.1f}", style="bold")
    anchor = issue.nearest_anchor(value)
    if anchor is not None:
        text.append(f"\n≈ {visible(anchor.label)}", style="dim")
    return text


def _with_distribution(issue: Issue, value: float, dist: OutcomeDistribution | None) -> Text:
    """The point and its anchor, then (when computed) the median and central interval,
    the likeliest band's share and a ⚠ when the point sits in a tail."""
    text = _value_with_anchor(issue, value)
    if dist is None:
        return text
    if dist.source == "residual":  # no draws: an interval from the model's errors
        text.append(f"\n[{dist.low:.0f}–{dist.high:.0f}] from errors", style="cyan")
        return text
    text.append(f"\nmed {dist.median:.0f} [{dist.low:.0f}–{dist.high:.0f}]", style="cyan")
    if dist.likeliest is not None and dist.likeliest_p is not None:
        if dist.likeliest_clear:
            text.append(f"\n{dist.likeliest_p:.0%} ≈ {visible(dist.likeliest)}", style="cyan")
        else:  # a lead within sampling noise: both bands, no winner
            text.append(f"\ntie: {dist.likeliest_p:.0%} ≈ {visible(dist.likeliest)}, "
                        f"{dist.runner_up_p or 0:.0%} ≈ {visible(dist.runner_up or '')}",
                        style="cyan")
    if dist.point_outside:
        text.append("\n⚠ point outside interval", style="yellow")
    elif dist.band_differs:
        text.append("\n⚠ likeliest band differs", style="yellow")
    return text


def distribution_caption(result: ForecastSet) -> str:
    """What the distribution lines under each point mean (empty without them)."""
    if result.without_interval and not result.distributions:
        verb = "has" if len(result.without_interval) == 1 else "have"
        return (f"No interval: the scenario states no uncertainty and "
                f"{', '.join(result.without_interval)} {verb} no error record to take one "
                "from.")
    if not result.distributions:
        return ""
    level = result.interval or 0.8
    if result.interval_source == "residual":
        text = f"Under each point: central {level:.0%} {result.interval_note}."
        if result.without_interval:
            text += f" None for {', '.join(result.without_interval)} (no error record)."
        return text
    counts = sorted({d.draws for d in result.distributions})
    return (f"Under each point: median [central {level:.0%} interval] and the likeliest "
            f"anchor's share over {'/'.join(f'{n:,}' for n in counts)} Monte Carlo draws of "
            f"the declared uncertainty; ⚠ {TAIL.meaning}. A band, too, is shown only when it "
            "holds beyond sampling error at these draws; \"tie\" = the two likeliest bands "
            "are within it.")


def forecast_table(result: ForecastSet) -> Table:
    """Per issue: status quo, each model's forecast and its nearest labelled anchor, with
    its distribution when the result carries one."""
    scenario = result.scenario
    caption = NEUTRAL_NOTE
    if result.distributions or result.without_interval:
        caption = f"{distribution_caption(result)}\n{NEUTRAL_NOTE}"
    table = Table(
        title=scenario.title or scenario.name,
        caption=caption,
        show_lines=True,
        title_justify="left",
        caption_justify="left",
    )
    # at 80 columns long words fold onto the next line rather than end in "…" (issue 17)
    table.add_column("Issue", style="bold", max_width=28, overflow="fold")
    table.add_column("Status quo", max_width=30, overflow="fold")
    for f in result:
        table.add_column(_model_label(f), max_width=34, overflow="fold")
    for k, issue in enumerate(scenario.issues):
        cells: list[Any] = [issue.name, _value_with_anchor(issue, issue.status_quo)]
        cells += [_with_distribution(issue, float(f.outcome[0, k]),
                                     result.distribution(f.model, issue.id)) for f in result]
        table.add_row(*cells)
    return table


def forecast_notes(result: ForecastSet) -> list[Text]:
    """One line under the forecast table per model that could not run and per issue left
    without a value (``—``), with the reason."""
    lines = [Text(f"skipped {s.model}: {visible(s.reason)}", style="yellow")
             for s in result.skipped]
    lines += [Text(f"— status quo of {visible(i.name)}: the scenario states none "
                   "(status_quo)", style="yellow")
              for i in result.scenario.issues if i.status_quo is None]
    by_issue: dict[tuple[str, str], list[str]] = {}
    for g in result.gaps():
        by_issue.setdefault((g.issue, g.reason), []).append(g.model)
    names = {i.id: i.name for i in result.scenario.issues}
    for (issue, reason), models in by_issue.items():
        lines.append(Text(f"— on {visible(names[issue])} ({', '.join(models)}): "
                          f"{visible(reason)}", style="yellow"))
    return lines


def forecast_view(result: ForecastSet) -> list[RenderableType]:
    """The forecast table, then its notes (skipped models, issues without a value), then
    the rules each model's forecast breaks (:mod:`detente.present.violations`)."""
    from detente.present.violations import violation_lines

    return [forecast_table(result), *forecast_notes(result), *violation_lines(result)]


def rounds_view(result: ForecastSet) -> list[RenderableType]:
    """Per forecast: the outcome by round, then each round's records where it has them."""
    out: list[RenderableType] = []
    for f in result:
        out.append(rounds_table(f, result.scenario))
        for r, records in enumerate(round_records(f), start=1):
            if records:
                out.append(records_table(f"{f.model}: round {r}", records))
    return out


def models_table(models: Sequence[ModelInfo]) -> Table:
    """The registered models: name, label and whether each needs a status quo."""
    table = Table(title="Models", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("model")
    table.add_column("needs status quo")
    for info in models:
        table.add_row(info.name, info.label, "yes" if info.needs_status_quo else "")
    return table


def _model_label(f: Forecast) -> str:
    """The registered model's label; a model that is not registered shows its name."""
    try:
        return model_class(f.model).label or f.model
    except DetenteError:
        return f.model


def rounds_table(f: Forecast, scenario: Scenario | None = None, *, max_rounds: int = 50) -> Table:
    """The outcome per round (rows) and issue (columns) of one forecast."""
    traj = f.trajectory.outcome[0]
    table = Table(title=f"{_model_label(f)}: outcome by round", title_justify="left")
    table.add_column("Round", justify="right")
    for issue in f.issues:
        name = scenario.issue(issue).name if scenario else issue
        table.add_column(name, justify="right", max_width=22)
    n = traj.shape[0]
    shown = range(n) if n <= max_rounds else [*range(max_rounds - 1), n - 1]
    for r in shown:
        table.add_row(str(r), *(f"{v:.2f}" if not math.isnan(v) else "—" for v in traj[r]))
    return table


def records_table(title: str, records: Sequence[Mapping[str, Any]], *, limit: int = 40) -> Table:
    """A table of plain-data records (e.g. one round's offers); numbers to 2 decimals."""
    table = Table(title=title, title_justify="left")
    columns: list[str] = []
    for rec in records:
        for key in rec:
            if key not in columns:
                columns.append(key)
    for col in columns:
        table.add_column(col)
    for rec in records[:limit]:
        table.add_row(*(_cell(rec.get(col)) for col in columns))
    if len(records) > limit:
        table.caption = f"{len(records) - limit} more not shown"
    return table


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def comparative_table(scenario: Scenario, *, evidence: bool = False) -> Table:
    """Issues × actors' stated positions, as labels and numbers (like the source article's)."""
    table = Table(
        title=f"{scenario.title or scenario.name}: stated positions"
        + (f" (as of {scenario.as_of})" if scenario.as_of else ""),
        caption_justify="left", caption="position (nearest anchor) · salience s; — = no stance",
        show_lines=True,
        title_justify="left",
    )
    table.add_column("Issue", style="bold", max_width=24)
    for actor in scenario.actors:
        table.add_column(actor.name, max_width=30)
    for issue in scenario.issues:
        cells: list[Any] = [issue.name]
        for actor in scenario.actors:
            st = scenario.stance(actor.id, issue.id)
            if st is None:
                cells.append(Text("—", style="dim"))
                continue
            anchor = issue.nearest_anchor(st.position)
            text = literal(anchor.label if anchor else "")
            text.append(f"\n{st.position:g} · s={st.salience:g}", style="dim")
            if evidence and st.evidence:
                text.append(f"\n{visible(st.evidence)}", style="italic dim")
            cells.append(text)
        table.add_row(*cells)
    return table
