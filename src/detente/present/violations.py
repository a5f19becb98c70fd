"""Words for the rules a forecast breaks (:mod:`detente.violations` computes them).

Every line names the model, the rule (red line, linkage, sole control) and what
the model puts there, with the share of draws that break it where there are
draws. Nothing here decides anything: it words :meth:`ForecastSet.violations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from detente.present.terminal import visible
from detente.results import ForecastSet
from detente.violations import Violation

HEADING = "Rules the models' forecasts ignore (red lines, linkages, sole control):"


def phrase(v: Violation) -> str:
    """One short line (within 80 columns for ids of ordinary length), e.g.
    ``nash: breaks UKR link drones>0 -> tomahawks>=60 at 88.9, 39.9; 100%`` (the share
    of draws that break it, where there are draws)."""
    rule = v.rule
    values = ", ".join(f"{x:.1f}" for x in v.point.values())
    if rule.kind == "red_line":
        what = f"crosses {rule.actor} red line {rule.issues[0]} {_short_line(rule.id, v)}"
    elif rule.kind == "linkage":
        what = f"breaks {rule.actor} link {_short_link(rule.id, v)}"
    else:
        what = f"moves {rule.issues[0]} against {rule.actor} (sole control)"
    where = f" at {values}" if v.at_point else " in draws only"
    share = "" if v.share is None else f"; {v.share:.0%}"
    return f"{v.model}: {what}{where}{share}"


def _short_line(rule_id: str, v: Violation) -> str:
    from detente.violations import red_line_of

    line = red_line_of(v.rule)
    if line.above is not None:
        return f">{line.above:g}"
    if line.below is not None:
        return f"<{line.below:g}"
    if line.range is not None:
        return f"in {line.range[0]:g}..{line.range[1]:g}"
    return "= " + "|".join(line.options)


_OPS = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}


def _short_link(rule_id: str, v: Violation) -> str:
    from detente.violations import linkage_of

    link = linkage_of(v.rule)

    def cond(c: Any) -> str:
        if c.options:
            return f"{c.issue}={'|'.join(c.options)}"
        key = next(k for k in _OPS if getattr(c, k) is not None)
        return f"{c.issue}{_OPS[key]}{getattr(c, key):g}"

    return f"{cond(link.offer)} -> {cond(link.requires)}"


def violation_lines(result: ForecastSet) -> list[Text]:
    """Under the forecast table: a heading and one line per rule broken, or nothing for a
    scenario without red lines, linkages or sole control."""
    found = result.violations()
    if not found:
        return []
    draws = sorted({v.draws for v in found if v.draws})
    head = HEADING if not draws else (
        f"Rules ignored by the models (% = share of {'/'.join(f'{n:,}' for n in draws)} "
        "draws breaking each):")
    return [Text(visible(head), style="yellow"),
            *(Text("  " + visible(phrase(v)), style="yellow") for v in found)]


def violation_items(found: Sequence[Violation]) -> list[dict[str, Any]]:
    """For the HTML pages: model, kind, the line, and the share as a percentage."""
    return [{"model": v.model, "kind": v.rule.kind, "text": phrase(v),
             "rule": v.rule.text, "share": None if v.share is None else 100 * v.share,
             "at_point": v.at_point} for v in found]


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
