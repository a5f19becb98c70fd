"""Words for the rules a forecast breaks (:mod:`detente.violations` computes them).

Every line names the model, the rule (red line, linked offer, sole control), what the
model puts there and by how much it lies past the rule, relative to what (the line's
bound and the anchor sitting there, so that a point read "≈ freeze" and a line drawn at
the freeze tell one story), then where it breaks it: at the point, in a share of the
draws. The terminal, the brief and the web page all take their words from here
(:func:`heading`, :func:`describe`, :func:`phrase`); JSON carries the same numbers
(``bound``, ``beyond``, ``share``). Nothing here decides anything: it words
:meth:`ForecastSet.violations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.present.terminal import visible
from detente.present.wording import share_text
from detente.results import ForecastSet
from detente.scenario import Scenario
from detente.violations import Violation, linkage_of, nearest_option, red_line_of

NOTE = ("The models read positions, saliences and capabilities, not red lines, linked "
        "offers or who controls an issue.")
HEADING = "Rules the models' forecasts ignore (red lines, linked offers, sole control):"


def heading(found: Sequence[Violation]) -> str:
    """The line above the list: what it is and, with draws, what the share counts (one
    text for the terminal, the brief and the web page)."""
    draws = sorted({v.draws for v in found if v.draws})
    if not draws:
        return f"{NOTE} {HEADING}"
    return (f"{NOTE} Rules their forecasts ignore, each with the share of the "
            f"{'/'.join(f'{n:,}' for n in draws)} Monte Carlo draws of the declared "
            "uncertainty in which the model's outcome breaks it (an uncertain red line "
            "at its drawn bound):")


def _num(x: float) -> str:
    return f"{x:.1f}" if abs(x) >= 0.05 or x == 0 else f"{x:.2g}"


def _at_bound(scenario: Scenario, issue_id: str, bound: float) -> str:
    """``" = freeze on the current front line"``: the labelled anchor sitting exactly at
    ``bound``, which names the line in the words the table uses (empty when none)."""
    issue = scenario.issue(issue_id)
    tol = 1e-9 * max(issue.span, 1e-300)
    anchor = next((a for a in issue.anchors if abs(a.value - bound) <= tol), None)
    return "" if anchor is None else f" = {anchor.label}"


def describe(v: Violation, scenario: Scenario) -> str:
    """What the model's point does to the rule, by how much and relative to what, then
    where it breaks it (at the point, in a share of the draws), e.g.
    ``donetsk 52.2 is 2.2 above UKR's red line (nothing above 50 = freeze on the current
    front line): crossed at the point and in 49% of draws``. The distance is
    :attr:`Violation.beyond` (:func:`detente.violations.gap`); the label is the anchor
    at the line's bound, so a point read as that anchor (≈) and a line drawn there read
    as one story."""
    rule = v.rule
    if rule.kind == "red_line":
        what = _red_line(v, scenario)
        verb = "crossed"
    elif rule.kind == "linkage":
        what = _linkage(v)
        verb = "broken"
    else:
        what = _control(v, scenario)
        verb = "broken"
    if v.share is None:
        where = f"{verb} at the point"
    elif v.at_point:
        where = f"{verb} at the point and in {share_text(v.share)} of draws"
    else:
        where = f"{verb} in {share_text(v.share)} of draws, not at the point"
    return f"{what}: {where}"


def _red_line(v: Violation, scenario: Scenario) -> str:
    rule = v.rule
    line = red_line_of(rule)
    issue, x = rule.issues[0], v.point[rule.issues[0]]
    text = line.describe()
    if v.bound is not None and line.range is None:
        text += _at_bound(scenario, issue, v.bound)
    if line.uncertainty is not None:
        text += f"; drawn in {line.uncertainty[0]:g}..{line.uncertainty[1]:g}"
    whose = f"{rule.actor}'s red line ({text})"
    if v.beyond is None:  # a line on named options: the option the point reads as
        near = nearest_option(scenario.issue(issue), x) or "?"
        return (f"{issue} {_num(x)} ≈ {near}, "
                f"{'ruled out by' if v.at_point else 'outside'} {whose}")
    if line.range is not None:
        side = "inside" if v.beyond >= 0 else "outside"
        return f"{issue} {_num(x)} is {_num(abs(v.beyond))} {side} {whose}"
    up = line.above is not None
    if v.beyond >= 0:
        return f"{issue} {_num(x)} is {_num(v.beyond)} {'above' if up else 'below'} {whose}"
    return f"{issue} {_num(x)} keeps {whose} by {_num(-v.beyond)}"


def _linkage(v: Violation) -> str:
    link = linkage_of(v.rule)
    offer, need = link.offer, link.requires
    values = f"{offer.issue} {_num(v.point[offer.issue])} with {need.issue} " \
             f"{_num(v.point[need.issue])}"
    whose = f"{v.rule.actor}'s linked offer ({offer.describe()} only if {need.describe()})"
    if v.beyond is None or not v.at_point:
        return f"{values}, against {whose}" if v.at_point else f"{values} keeps {whose}"
    return f"{values}, {need.issue} {_num(v.beyond)} short of {whose}"


def _control(v: Violation, scenario: Scenario) -> str:
    issue = v.rule.issues[0]
    who = v.rule.actor or ""
    x = v.point[issue]
    stance = scenario.stance(who, issue)
    where = "" if stance is None else f" ({stance.position:g})"
    if v.beyond is None or v.bound is None or v.beyond <= 0:
        return (f"{issue} {_num(x)} keeps to {who}'s position{where}, and only {who} "
                "delivers it")
    return (f"{issue} {_num(x)} is {_num(v.beyond)} farther from {who}'s position{where} "
            f"than the status quo ({v.bound:g}), and only {who} delivers it")


def phrase(v: Violation, scenario: Scenario) -> str:
    """One line for a list: ``nash: donetsk 52.2 is 2.2 above UKR's red line (…): crossed
    at the point and in 49% of draws`` (:func:`describe` after the model)."""
    return f"{v.model}: {describe(v, scenario)}"


def violation_lines(result: ForecastSet) -> list[RenderableType]:
    """Under the forecast table: the heading, then per rule broken the model and
    :func:`describe` (wrapped on words beside the model name), or nothing for a scenario
    without red lines, linkages or sole control."""
    return violation_block(result.violations(), result.scenario)


def violation_block(found: Sequence[Violation], scenario: Scenario) -> list[RenderableType]:
    """:func:`heading` and one row per violation (model, :func:`describe`): the listing
    ``forecast`` and ``simulate`` print under their tables (nothing when ``found`` is
    empty)."""
    if not found:
        return []
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=1)
    grid.add_column(no_wrap=True, style="yellow")
    grid.add_column(style="yellow", overflow="fold")
    for v in found:
        grid.add_row("", visible(v.model), visible(describe(v, scenario)))
    return [Text(visible(heading(found)), style="yellow"), grid]


def violation_items(result: ForecastSet) -> dict[str, Any]:
    """For the HTML pages: ``note`` (:func:`heading`) and ``items``, each with model,
    kind, the line (:func:`phrase`), the rule, the distance and the share in percent."""
    found = result.violations()
    return {"note": heading(found) if found else "",
            "items": [{"model": v.model, "kind": v.rule.kind,
                       "text": phrase(v, result.scenario), "rule": v.rule.text,
                       "bound": v.bound, "beyond": v.beyond,
                       "share": None if v.share is None else 100 * v.share,
                       "at_point": v.at_point} for v in found]}


def add_break_cells(result: ForecastSet, rows: list[dict[str, Any]], *,
                    shares: bool = False) -> list[dict[str, Any]]:
    """``rows`` (one per issue) with each model's ``<model>_breaks``: the rules its point
    forecast breaks on that issue (rule ids); with ``shares``, ``<model>_break_shares``
    instead: every rule broken on that issue in some draw, ``id=share`` of the draws.
    Unchanged for a scenario without rules."""
    from detente.violations import forecast_rules

    if not len(forecast_rules(result.scenario)):
        return rows
    found = result.violations()
    for row in rows:
        for f in result:
            mine = [v for v in found if v.model == f.model and row["issue"] in v.rule.issues]
            if shares:
                row[f"{f.model}_break_shares"] = "; ".join(
                    f"{v.rule.id}={v.share:.4g}" for v in mine if v.share is not None)
            else:
                row[f"{f.model}_breaks"] = "; ".join(v.rule.id for v in mine if v.at_point)
    return rows
