"""Plotly figures of scenarios and results (shown in notebooks, the brief and the web app).

Every function takes results the API computed and returns a
``plotly.graph_objects.Figure``; none computes a forecast. User text (names,
labels, titles) is HTML-escaped and shown with controls visible before Plotly
sees it, and never placed in a hover *template* (only in ``customdata``), so a
label such as ``<b>`` or ``%{x}`` is shown as typed.

    import detente
    from detente import figures
    sc = detente.load("ukraine-2025-11")
    figures.issue_scales(sc, detente.forecast(sc, models=["compromise", "eum"]))
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from detente.present.palette import ACTOR_COLOUR, EXTRA, HIGH_END, LOW_END, model_colour
from detente.present.palette import STATUS_QUO_COLOUR as SQ_COLOUR
from detente.present.terminal import visible
from detente.present.wording import input_words
from detente.results import NEUTRAL_NOTE, ForecastSet
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.deals.pair import PairView
    from detente.deals.proposal_report import ProposalsReport
    from detente.models.base import Forecast
    from detente.outlook import Outlook
    from detente.uncertainty.sensitivity import Sensitivity
    from detente.uncertainty.simulate import Simulation

PALETTE = EXTRA
"""Colours of things that are not models (actors' paths), by place in the list; models
take :func:`detente.present.palette.model_colour` everywhere."""


def label(text: Any) -> str:
    """User text as Plotly shows it literally: controls visible, HTML escaped."""
    return html.escape(visible(str(text)), quote=False)


def _colour(k: int) -> str:
    return PALETTE[k % len(PALETTE)]


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title={"text": label(title), "x": 0.01, "xanchor": "left",
                             "y": 0.995, "yanchor": "top", "yref": "container"},
                      height=height, template="plotly_white", hovermode="closest",
                      margin={"l": 150, "r": 30, "t": 80, "b": 50})
    _legend_below(fig)
    return fig


def _legend_below(fig: go.Figure, rows: int = 1) -> None:
    """The legend in its own band under the plot (clear of the x-axis title)."""
    fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0,
                              "yanchor": "bottom", "yref": "container"},
                      margin={"b": 70 + 22 * rows})


def _label_levels(positions: Sequence[float], span: float, gap: float = 0.09) -> list[int]:
    """A label level per actor (0, 1, 2, … in order of position) so that no two labels
    closer than ``gap`` of the scale share a level: labels of nearby actors stack."""
    order = sorted(range(len(positions)), key=lambda k: positions[k])
    levels = [0] * len(positions)
    last: dict[int, float] = {}
    for k in order:
        level = 0
        while level in last and positions[k] - last[level] < gap * span:
            level += 1
        levels[k] = level
        last[level] = positions[k]
    return levels


def issue_scales(scenario: Scenario, result: ForecastSet | None = None,
                 simulation: Simulation | None = None, *,
                 interval: tuple[str, str] = ("q05", "q95")) -> go.Figure:
    """One row per issue: its scale (numeric axis, labelled anchors as ticks marks named in
    the hover), the status quo, every actor at its stated position (marker area ∝
    capability × salience; labels of nearby actors stacked, never overprinted), and each
    model's forecast in the model's colour; with a ``simulation``, each model's
    ``interval`` (quantile keys of :meth:`Simulation.summary_rows`) as a bar through the
    forecast."""
    issues = scenario.issues
    fig = make_subplots(rows=len(issues), cols=1, vertical_spacing=0.55 / max(len(issues), 1),
                        subplot_titles=[label(i.name) for i in issues])
    weights = [a.capability * st.salience for st in scenario.stances
               for a in [scenario.actor(st.actor)]]
    biggest = max(weights, default=1.0) or 1.0
    models = list(result.models) if result is not None else []
    summary = {(r["issue"], r["model"]): r for r in simulation.summary_rows()} if simulation \
        else {}
    for row, issue in enumerate(issues, start=1):
        stances = [s for s in scenario.stances if s.issue == issue.id]
        names = [label(scenario.actor(s.actor).name) for s in stances]
        sizes = [8 + 22 * math.sqrt(scenario.actor(s.actor).capability * s.salience / biggest)
                 for s in stances]
        levels = _label_levels([s.position for s in stances], issue.span)
        fig.add_trace(go.Scatter(
            x=[s.position for s in stances], y=[0.0] * len(stances), mode="markers",
            marker={"size": sizes, "color": ACTOR_COLOUR, "opacity": 0.55,
                    "line": {"width": 1, "color": "white"}},
            customdata=[[n, scenario.actor(s.actor).capability, s.salience]
                        for n, s in zip(names, stances, strict=True)],
            hovertemplate="%{customdata[0]}: position %{x:.1f}, capability %{customdata[1]:g},"
                          " salience %{customdata[2]:.2f}<extra></extra>",
            name="actors (size: capability × salience)", legendgroup="actors",
            showlegend=row == 1), row=row, col=1)
        xref = "x" if row == 1 else f"x{row}"
        yref = "y" if row == 1 else f"y{row}"
        for s, level in zip(stances, levels, strict=True):
            fig.add_annotation(x=s.position, y=0.45 + 0.5 * level, xref=xref, yref=yref,
                               text=label(s.actor), showarrow=False, font={"size": 10},
                               yanchor="bottom")
        if issue.status_quo is not None:
            fig.add_trace(go.Scatter(
                x=[issue.status_quo], y=[-0.6], mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": SQ_COLOUR},
                hovertemplate="status quo %{x:.1f}<extra></extra>", name="status quo",
                legendgroup="sq", showlegend=row == 1), row=row, col=1)
        for k, model in enumerate(models):
            assert result is not None  # models come from it
            f = result[model]
            value = float(f.outcome[0, f.issues.index(issue.id)])
            y = -1.2 - 0.5 * k
            err = None
            info = summary.get((issue.id, model))
            if info is not None and interval[0] in info and interval[1] in info:
                lo, hi = info[interval[0]], info[interval[1]]
                err = {"type": "data", "symmetric": False, "array": [hi - value],
                       "arrayminus": [value - lo], "color": model_colour(model),
                       "thickness": 2}
            anchor = issue.nearest_anchor(value)
            fig.add_trace(go.Scatter(
                x=[value], y=[y], mode="markers", error_x=err,
                marker={"symbol": "triangle-up", "size": 11, "color": model_colour(model)},
                customdata=[[label(model), label(anchor.label) if anchor else ""]],
                hovertemplate="%{customdata[0]}: %{x:.1f} ≈ %{customdata[1]}<extra></extra>",
                name=label(model), legendgroup=f"m-{model}", showlegend=row == 1),
                row=row, col=1)
        if issue.anchors:
            fig.add_trace(go.Scatter(
                x=[a.value for a in issue.anchors], y=[-0.6] * len(issue.anchors),
                mode="markers", marker={"symbol": "line-ns-open", "size": 14,
                                        "color": "#999"},
                customdata=[_short(a.label, 80) for a in issue.anchors],
                hovertemplate="%{x:g}: %{customdata}<extra></extra>",
                name="labelled points of the scale", legendgroup="anchors",
                showlegend=row == 1), row=row, col=1)
        fig.update_xaxes(range=[issue.low - 0.03 * issue.span, issue.high + 0.03 * issue.span],
                         tickfont={"size": 10}, showgrid=True, row=row, col=1)
        top = 0.45 + 0.5 * (max(levels, default=0) + 1) + 0.2
        fig.update_yaxes(visible=False, range=[-1.4 - 0.5 * max(len(models), 1), top],
                         row=row, col=1)
    fig.update_xaxes(title_text="position on the issue's scale", title_font={"size": 11},
                     row=len(issues), col=1)
    title = f"{scenario.title or scenario.name}: positions and forecasts"
    fig = _layout(fig, title, height=200 * len(issues) + 160)
    fig.update_layout(margin={"l": 30})
    _legend_below(fig, rows=2)
    _note(fig)
    return fig


def _short(text: str, limit: int = 28) -> str:
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return label(cut)


def _note(fig: go.Figure) -> None:
    fig.add_annotation(text=NEUTRAL_NOTE, xref="paper", yref="paper", x=0, y=1.0,
                       yshift=28, showarrow=False, font={"size": 10, "color": "#666"},
                       xanchor="left")


def trajectories(forecast: Forecast, scenario: Scenario | None = None) -> go.Figure:
    """Round by round, one panel per issue: the outcome (thick) and, where the model
    records them, every actor's position (thin)."""
    issues = list(forecast.issues)
    names = [scenario.issue(i).name if scenario else i for i in issues]
    fig = make_subplots(rows=len(issues), cols=1, shared_xaxes=True,
                        subplot_titles=[label(n) for n in names],
                        vertical_spacing=0.35 / max(len(issues), 1))
    outcome = forecast.trajectory.outcome[0]
    position = forecast.trajectory.position
    rounds = list(range(outcome.shape[0]))
    for k, issue in enumerate(issues):
        if position is not None:
            for a, actor in enumerate(forecast.actors):
                y = position[0, :, a, k]
                if np.all(np.isnan(y)):
                    continue
                fig.add_trace(go.Scatter(
                    x=rounds, y=y, mode="lines", line={"width": 1, "color": _colour(a)},
                    name=label(actor), legendgroup=f"a{a}", showlegend=k == 0,
                    customdata=[label(actor)] * len(rounds),
                    hovertemplate="%{customdata}: round %{x}, %{y:.1f}<extra></extra>"),
                    row=k + 1, col=1)
        fig.add_trace(go.Scatter(
            x=rounds, y=outcome[:, k], mode="lines+markers",
            line={"width": 3, "color": model_colour(forecast.model)},
            name="outcome", legendgroup="outcome",
            showlegend=k == 0, hovertemplate="round %{x}: %{y:.1f}<extra></extra>"),
            row=k + 1, col=1)
        if scenario is not None:
            issue_obj = scenario.issue(issue)
            fig.update_yaxes(range=[issue_obj.low, issue_obj.high], row=k + 1, col=1)
    fig.update_xaxes(title_text="round", row=len(issues), col=1)
    return _layout(fig, f"{forecast.model}: round by round", height=180 * len(issues) + 160)


def histograms(simulation: Simulation, scenario: Scenario | None = None, *,
               bins: int = 50) -> go.Figure:
    """Monte Carlo: per issue, each model's distribution of outcomes (share of draws), one
    outline per model in the model's colour so overlapping distributions stay apart; the
    x axis is the issue's scale, the y axis the share of draws."""
    issues = simulation.issues
    names = [scenario.issue(i).name if scenario else i for i in issues]
    fig = make_subplots(rows=len(issues), cols=1, subplot_titles=[label(n) for n in names],
                        vertical_spacing=0.45 / max(len(issues), 1))
    for row, issue in enumerate(issues, start=1):
        for model in simulation.models:
            counts, edges = simulation.histogram(issue, model, bins=bins)
            total = counts.sum() or 1
            centres = (edges[:-1] + edges[1:]) / 2 if len(edges) > len(counts) else edges
            fig.add_trace(go.Scatter(
                x=centres[: len(counts)], y=counts / total, name=label(model),
                mode="lines", line={"shape": "hvh", "width": 2,
                                    "color": model_colour(model)},
                legendgroup=f"m-{model}", showlegend=row == 1,
                customdata=[label(model)] * len(counts),
                hovertemplate="%{customdata}: %{x:.1f}: %{y:.1%} of draws<extra></extra>"),
                row=row, col=1)
        fig.update_yaxes(tickformat=".0%", title_text="share of draws",
                         title_font={"size": 10}, row=row, col=1)
        if scenario is not None:
            obj = scenario.issue(issue)
            fig.update_xaxes(range=[obj.low, obj.high], row=row, col=1)
    fig.update_xaxes(title_text="forecast on the issue's scale", title_font={"size": 11},
                     row=len(issues), col=1)
    title = f"{simulation.dataset.attrs.get('scenario', '')}: {simulation.draws:,} draws"
    fig = _layout(fig, title, height=190 * len(issues) + 160)
    fig.update_layout(margin={"l": 80})
    return fig


def pareto(view: PairView) -> go.Figure:
    """Two parties' utilities over the deal space, their Pareto frontier and their ZOPA
    (the deals both prefer to their BATNA, shaded)."""
    a, b = view.actors
    u = view.utility
    inside = view.in_zopa
    fig = go.Figure()
    fig.add_shape(type="rect", x0=view.batna[0], y0=view.batna[1],
                  x1=max(float(u[:, 0].max()), view.batna[0]),
                  y1=max(float(u[:, 1].max()), view.batna[1]),
                  fillcolor="rgba(44,160,44,0.10)", line={"width": 0}, layer="below")
    fig.add_trace(go.Scatter(x=u[~inside, 0], y=u[~inside, 1], mode="markers",
                               marker={"size": 4, "color": "#bbbbbb"}, name="deals",
                               hovertemplate="%{x:.3f}, %{y:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=u[inside, 0], y=u[inside, 1], mode="markers",
                               marker={"size": 5, "color": "#2ca02c"},
                               name="deals both prefer to no deal (ZOPA)",
                               hovertemplate="%{x:.3f}, %{y:.3f}<extra></extra>"))
    deal_text = [label(", ".join(f"{k}={v}" for k, v in d.items())) for d in view.frontier_labels]
    fig.add_trace(go.Scatter(x=view.frontier[:, 0], y=view.frontier[:, 1], mode="lines+markers",
                             line={"color": "#d62728", "width": 2}, name="Pareto frontier",
                             customdata=deal_text,
                             hovertemplate="%{customdata}<br>%{x:.3f}, %{y:.3f}<extra></extra>"))
    fig.add_vline(x=view.batna[0], line={"dash": "dash", "color": "#444"})
    fig.add_hline(y=view.batna[1], line={"dash": "dash", "color": "#444"})
    fig.update_xaxes(title_text=f"utility of {label(a)} (BATNA {view.batna[0]:.3f}, dashed)")
    fig.update_yaxes(title_text=f"utility of {label(b)} (BATNA {view.batna[1]:.3f}, dashed)")
    shown = f"{len(u):,} of {view.total:,} deals" if view.sampled else f"{view.total:,} deals"
    fig = _layout(fig, f"{a} and {b}: {shown}", height=560)
    fig.update_layout(margin={"l": 70})
    _legend_below(fig, rows=2)
    return fig


def acceptance_grid(report: ProposalsReport) -> go.Figure:
    """Plan × actor: each actor's margin over no deal (``u − β``, diverging colours: green
    accepts, red prefers no deal), or with draws its probability of accepting; a ``*``
    marks whose consent the plan needs. Plans in the report's ranking order."""
    data = report.to_dict()
    plans = data["proposals"]
    actors = list(report.actors)
    with_draws = bool(data["draws"])
    z, text, hover = [], [], []
    for p in plans:
        row, cells, hovers = [], [], []
        for a in actors:
            info = p["actors"][a]
            value = info["p_accept"] if with_draws else info["margin"]
            star = "*" if info["veto_needed"] else ""
            row.append(value)
            cells.append(f"{value:.0%}{star}" if with_draws else f"{value:+.2f}{star}")
            hovers.append(f"{label(p['id'])} / {label(a)}: u {info['utility']:.3f}, "
                          f"no deal {info['no_deal']:.3f}"
                          + ("; consent needed" if star else ""))
        z.append(row)
        text.append(cells)
        hover.append(hovers)
    if with_draws:
        scale = {"colorscale": "RdYlGn", "zmin": 0.0, "zmax": 1.0}
    else:
        top = max((abs(v) for row in z for v in row), default=1.0) or 1.0
        scale = {"colorscale": "RdYlGn", "zmid": 0.0, "zmin": -top, "zmax": top}
    fig = go.Figure(go.Heatmap(
        z=z, x=[label(a) for a in actors], y=[_short(p["id"]) for p in plans],
        text=text, texttemplate="%{text}", customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
        colorbar={"title": "share of draws<br>accepting" if with_draws else "u − β"}, **scale))
    fig.update_yaxes(autorange="reversed")
    what = (f"share of {data['draws']:,} draws in which each actor accepts" if with_draws
            else "margin over no deal")
    fig = _layout(fig, f"Plans on the table: {what}; * = consent needed",
                  height=160 + 40 * len(plans))
    _note(fig)
    return fig


def tornado(result: Sensitivity, issue: str, *, top: int = 10,
            scenario: Scenario | None = None) -> go.Figure:
    """The forecast on ``issue`` with each uncertain input alone at the low and the high
    end of its stated range (others at their points), widest swing on top."""
    rows = result.tornado[result.tornado["issue"] == issue].copy()
    rows = rows.sort_values("swing", ascending=True).tail(top)
    point = float(result.point[issue])
    names = [label(input_words(n, scenario)) for n in rows["input"]]
    lows = rows["outcome_low"].to_numpy(dtype=float)
    highs = rows["outcome_high"].to_numpy(dtype=float)
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=lows - point, base=point, orientation="h",
                         marker_color=LOW_END, name="input at the low end",
                         customdata=rows["low"].to_numpy(dtype=float),
                         hovertemplate="input at %{customdata:g}: forecast %{x:.1f}"
                                       "<extra></extra>"))
    fig.add_trace(go.Bar(y=names, x=highs - point, base=point, orientation="h",
                         marker_color=HIGH_END, name="input at the high end",
                         customdata=rows["high"].to_numpy(dtype=float),
                         hovertemplate="input at %{customdata:g}: forecast %{x:.1f}"
                                       "<extra></extra>"))
    fig.add_vline(x=point, line={"color": "#222"})
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title_text=f"{result.model} forecast (point {point:.1f})")
    name = scenario.issue(issue).name if scenario else issue
    fig = _layout(fig, f"What moves {name}", height=190 + 28 * max(len(rows), 1))
    fig.update_layout(margin={"l": 260})
    _legend_below(fig, rows=2)
    return fig


def timeline(table: Iterable[Mapping[str, Any]] | Any, *,
             issues: Sequence[str] | None = None,
             scenario: Scenario | None = None,
             names: Mapping[str, str] | None = None) -> go.Figure:
    """Forecasts across versions of a scenario, one panel per issue.

    ``table`` holds rows (dicts or a DataFrame) with ``as_of`` (or ``date``, or
    ``version``), ``issue``, ``model`` and ``forecast`` (or ``value``), and
    optionally ``low`` and ``high`` (an interval drawn as a band) and ``knife_edge``
    (a version whose forecast moved across a knife-edge: marked ⚠): the rows of the
    history store's ``Timeline.rows()``. Panels are titled with the issues' names
    (``scenario`` or ``names``) and share one y scale (the issues' common scale, else
    the range of every value), so a 0.2-point move looks like one.
    """
    rows = table.to_dict(orient="records") if hasattr(table, "to_dict") else list(table)
    wanted = list(issues) if issues else list(dict.fromkeys(str(r["issue"]) for r in rows))
    titles = dict(names or {})
    if scenario is not None:
        titles.update({i.id: i.name for i in scenario.issues if i.id not in titles})
    fig = make_subplots(rows=max(len(wanted), 1), cols=1, shared_xaxes=True,
                        subplot_titles=[label(titles.get(i, i)) for i in wanted],
                        vertical_spacing=0.35 / max(len(wanted), 1))
    models = list(dict.fromkeys(str(r["model"]) for r in rows))
    for row, issue in enumerate(wanted, start=1):
        for model in models:
            sel = [r for r in rows if str(r["issue"]) == issue and str(r["model"]) == model]
            sel = [r for r in sel if _value(r) is not None]
            sel.sort(key=lambda r: str(_when(r)))
            if not sel:
                continue
            x = [_when(r) for r in sel]
            colour = model_colour(model)
            if all(r.get("low") is not None and r.get("high") is not None for r in sel):
                fig.add_trace(go.Scatter(
                    x=x + x[::-1], y=[r["high"] for r in sel] + [r["low"] for r in sel][::-1],
                    fill="toself", fillcolor=colour, opacity=0.15, line={"width": 0},
                    hoverinfo="skip", showlegend=False), row=row, col=1)
            fig.add_trace(go.Scatter(
                x=x, y=[_value(r) for r in sel], mode="lines+markers",
                line={"color": colour}, name=label(model), legendgroup=f"m-{model}",
                showlegend=row == 1, customdata=[label(model)] * len(sel),
                hovertemplate="%{customdata}: %{x}: %{y:.1f}<extra></extra>"), row=row, col=1)
            edges = [r for r in sel if r.get("knife_edge")]
            if edges:
                fig.add_trace(go.Scatter(
                    x=[_when(r) for r in edges], y=[_value(r) for r in edges],
                    mode="markers+text", text=["⚠"] * len(edges), textposition="top center",
                    marker={"size": 12, "symbol": "circle-open", "color": colour},
                    name="moved across a knife-edge", legendgroup="knife",
                    showlegend=False, hovertemplate="knife-edge: %{y:.1f}<extra></extra>"),
                    row=row, col=1)
    scale = _shared_scale(rows, scenario, wanted)
    if scale is not None:
        fig.update_yaxes(range=list(scale))
    fig.update_yaxes(title_text="forecast", title_font={"size": 10})
    fig = _layout(fig, "Forecasts across versions", height=180 * max(len(wanted), 1) + 160)
    fig.update_layout(margin={"l": 70})
    return fig


def _shared_scale(rows: Sequence[Mapping[str, Any]], scenario: Scenario | None,
                  wanted: Sequence[str]) -> tuple[float, float] | None:
    """One y range for every panel: the issues' common scale when a scenario gives one,
    else the range of every value and interval end with a 5% margin."""
    if scenario is not None:
        known = [scenario.issue(i) for i in wanted if i in scenario.issue_ids]
        if known:
            return min(i.low for i in known), max(i.high for i in known)
    values = [float(v) for r in rows for v in (_value(r), r.get("low"), r.get("high"))
              if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not values:
        return None
    lo, hi = min(values), max(values)
    pad = 0.05 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def _when(row: Mapping[str, Any]) -> Any:
    return next((row[k] for k in ("as_of", "date", "version") if row.get(k) is not None), None)


def _value(row: Mapping[str, Any]) -> Any:
    return row.get("forecast", row.get("value"))


def outlook_fan(result: Outlook) -> go.Figure:
    """Month by month, each actor's no-deal value under its own expectation: the median
    (line) and the 25–75% and 5–95% bands over the paths (a fan chart)."""
    fan = result.batna_fan  # [T+1, A, 5]: quantiles 5, 25, 50, 75, 95%
    months = list(range(result.months + 1))
    fig = go.Figure()
    for k, actor in enumerate(result.actors):
        colour = _colour(k)
        name = label(actor)
        for lo, hi, alpha in ((0, 4, 0.12), (1, 3, 0.25)):
            fig.add_trace(go.Scatter(
                x=months + months[::-1],
                y=list(fan[:, k, hi]) + list(fan[::-1, k, lo]),
                fill="toself", fillcolor=_rgba(colour, alpha), line={"width": 0},
                hoverinfo="skip", showlegend=False, legendgroup=name))
        fig.add_trace(go.Scatter(x=months, y=fan[:, k, 2], mode="lines", name=name,
                                 legendgroup=name, line={"color": colour},
                                 customdata=[name] * len(months),
                                 hovertemplate="%{customdata}, month %{x}: median no-deal "
                                               "value %{y:.3f}<extra></extra>"))
    fig.update_xaxes(title_text="month")
    fig.update_yaxes(title_text="no-deal value (utility 0..1)")
    fig = _layout(fig, "No-deal values under each actor's own expectation (bands 5–95%, "
                       "25–75%)", height=420)
    fig.update_layout(margin={"l": 70})
    _note(fig)
    return fig


def outlook_curve(result: Outlook) -> go.Figure:
    """Cumulative curves: P(an acceptable package exists by month t) and P(agreement by
    month t), with P(open in month t)."""
    months = list(range(result.months + 1))
    fig = go.Figure()
    for k, (y, name) in enumerate(((result.p_exists_by, "acceptable package exists by t"),
                                   (result.p_agreed_by, "agreement by t"),
                                   (result.p_open, "range open in month t"))):
        fig.add_trace(go.Scatter(x=months, y=list(y), mode="lines", name=name,
                                 line={"color": _colour(k), "shape": "hv",
                                       "dash": "dot" if k == 2 else "solid"},
                                 hovertemplate="month %{x}: %{y:.0%}<extra></extra>"))
    fig.update_xaxes(title_text="month")
    fig.update_yaxes(title_text="share of paths", range=[0, 1.02], tickformat=".0%")
    fig = _layout(fig, "When a deal becomes possible and when it is agreed", height=380)
    fig.update_layout(margin={"l": 70})
    _note(fig)
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# ---- evidence from real wars (detente.evidence) ------------------------------------------

OUTSIDE_VIEW = ("Outside view: frequencies among historical cases like this one, not a "
                "forecast of this conflict")


def _band(fig: go.Figure, x: Sequence[float], low: Sequence[float], high: Sequence[float],
          colour: str, shape: str = "linear") -> None:
    """A shaded band between ``low`` and ``high`` (the lower edge drawn invisibly, the upper
    filled down to it), stepped like its curve when ``shape`` is ``hv``."""
    fig.add_trace(go.Scatter(x=list(x), y=list(low), mode="lines", hoverinfo="skip",
                             line={"width": 0, "shape": shape}, showlegend=False))
    fig.add_trace(go.Scatter(x=list(x), y=list(high), mode="lines", hoverinfo="skip",
                             line={"width": 0, "shape": shape}, fill="tonexty",
                             fillcolor=_rgba(colour, 0.18), showlegend=False))


def _below_legend(fig: go.Figure) -> None:
    fig.update_layout(legend={"orientation": "h", "y": -0.22}, margin={"b": 110})


def ending_by_month(curve: Any, *, agreement: Mapping[str, Sequence[float]] | None = None,
                    agreement_label: str = "P(agreement by month), outlook model"
                    ) -> go.Figure:
    """P(ending within t months | lasted so far) of the reference class, with its 95%
    band; with ``agreement`` (``{"months": [...], "p": [...]}`` and optional
    ``low``/``high``), a model's P(agreement by month) beside it, each labelled."""
    fig = go.Figure()
    t = [float(m) for m in curve.months]
    _band(fig, t, curve.low, curve.high, _colour(0), "hv")
    fig.add_trace(go.Scatter(
        x=t, y=list(curve.probability), mode="lines", line={"color": _colour(0),
                                                             "shape": "hv"},
        name=label(f"P(ending by month), reference class ({curve.at_risk} cases that "
                   f"lasted {curve.lasted_months:.0f} months)"),
        hovertemplate="month %{x}: %{y:.0%}<extra></extra>"))
    if agreement is not None:
        months = [float(m) for m in agreement["months"]]
        if agreement.get("low") is not None and agreement.get("high") is not None:
            _band(fig, months, agreement["low"], agreement["high"], _colour(1))
        fig.add_trace(go.Scatter(x=months, y=list(agreement["p"]), mode="lines",
                                 line={"color": _colour(1)}, name=label(agreement_label),
                                 hovertemplate="month %{x}: %{y:.0%}<extra></extra>"))
    fig.update_yaxes(range=[0, 1], tickformat=".0%", title_text="probability")
    fig.update_xaxes(title_text="months from now")
    fig.add_annotation(text=OUTSIDE_VIEW, xref="paper", yref="paper", x=0, y=1.0, yshift=28,
                       showarrow=False, font={"size": 10, "color": "#666"}, xanchor="left")
    fig = _layout(fig, "Chance of ending, month by month", height=440)
    _below_legend(fig)
    return fig


def survival_curve(km: Any, *, title: str = "Duration of similar conflicts") -> go.Figure:
    """Kaplan–Meier S(t) = P(still going after t months) with its 95% band (censored
    cases count until they leave the data)."""
    fig = go.Figure()
    t = [0.0, *map(float, km.times)]
    _band(fig, t, [1.0, *km.low], [1.0, *km.high], _colour(0), "hv")
    fig.add_trace(go.Scatter(x=t, y=[1.0, *map(float, km.survival)], mode="lines",
                             line={"color": _colour(0), "shape": "hv"},
                             name=label(f"Kaplan–Meier, {km.n} cases ({km.n_events} ended)"),
                             hovertemplate="%{x:.0f} months: %{y:.0%}<extra></extra>"))
    fig.update_yaxes(range=[0, 1], tickformat=".0%", title_text="still going")
    fig.update_xaxes(title_text="months since the episode began")
    fig.add_annotation(text=OUTSIDE_VIEW, xref="paper", yref="paper", x=0, y=1.0, yshift=28,
                       showarrow=False, font={"size": 10, "color": "#666"}, xanchor="left")
    fig = _layout(fig, title, height=440)
    _below_legend(fig)
    return fig


def reliability(tables: Mapping[str, Sequence[Mapping[str, Any]]], *,
                title: str = "Calibration on held-out years") -> go.Figure:
    """Reliability diagram: per model, the observed frequency against the mean predicted
    probability in each bin (marker size ~ cases), beside the diagonal of perfect
    calibration. ``tables``: model name -> rows with ``predicted``, ``observed``, ``n``."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration",
                             line={"color": "#999", "dash": "dot"}, hoverinfo="skip"))
    for k, (name, rows) in enumerate(tables.items()):
        rows = [r for r in rows if r["n"]]
        n_max = max((r["n"] for r in rows), default=1)
        fig.add_trace(go.Scatter(
            x=[r["predicted"] for r in rows], y=[r["observed"] for r in rows],
            mode="lines+markers", name=label(name), line={"color": _colour(k)},
            marker={"size": [6 + 18 * (r["n"] / n_max) ** 0.5 for r in rows]},
            customdata=[[r["n"]] for r in rows],
            hovertemplate="predicted %{x:.2f}, observed %{y:.2f}, n %{customdata[0]}"
                          "<extra></extra>"))
    fig.update_xaxes(range=[0, 1], title_text="mean predicted probability")
    fig.update_yaxes(range=[0, 1], title_text="observed frequency")
    return _layout(fig, title, height=480)
