"""Rich tables for the history store: the version log, one version, the timeline, a diff."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from detente.present.legends import more_line
from detente.results import NEUTRAL_NOTE
from detente.spelling import Spell, python_words
from detente.store.history import Timeline, Version, VersionDiff


def _num(x: Any, nd: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{nd}f}"


def _signed(x: float) -> str:
    return "±0.0" if abs(x) < 0.05 else f"{x:+.1f}"


def log_table(versions: Sequence[Version], *, title: str = "History",
              top: int | None = None, spell: Spell = python_words) -> Table:
    """One row per version: its reference (``@N``, or ``NAME@N`` with several histories:
    what ``show``, ``diff`` and ``rm`` take), date, scenario hash (its first 8 digits,
    enough to refer to it), note, sources; and the history's name, in the title when
    there is one. With ``top``, the first ``top`` versions, the rest counted under the
    table."""
    names = sorted({v.history for v in versions})
    several = len(names) > 1
    if not several and names:
        title = f"{title}: {names[0]}"
    table = Table(title=title, title_justify="left", show_lines=True,
                  caption="Ref: what `detente history show/diff/rm` take"
                  + ("" if several else f" (@N for {names[0]}@N)" if names else ""),
                  caption_justify="left")
    table.add_column("Ref")
    table.add_column("As of", no_wrap=True)
    table.add_column("Scenario", no_wrap=True)
    table.add_column("Note", max_width=70)
    table.add_column("Sources")
    if top is not None and len(versions) > top:
        table.caption = more_line(len(versions) - top, spell)
        table.caption_justify = "left"
        versions = versions[:top]
    for v in versions:
        cells = [v.ref if several else f"@{v.position}", v.as_of.isoformat(),
                 v.scenario_hash[:8], v.note, ", ".join(s.id for s in v.sources) or "—"]
        table.add_row(*cells)
    return table


def version_table(version: Version) -> Table:
    """One version's record, field by field."""
    table = Table(title=f"Version {version.ref}", title_justify="left",
                  show_header=False)
    table.add_column("Field", style="bold")
    table.add_column("Value", max_width=90)
    table.add_row("as of", version.as_of.isoformat())
    table.add_row("scenario hash", version.scenario_hash)
    table.add_row("added", version.added_at.isoformat(timespec="seconds"))
    table.add_row("note", version.note or "—")
    for s in version.sources:
        bits = [s.title, s.publisher, s.date.isoformat() if s.date else "", s.url or ""]
        table.add_row(f"source {s.id}", " · ".join(b for b in bits if b) or "—")
    return table


def timeline_table(timeline: Timeline) -> Table:
    """Rows: version × model; columns: issues; cells: the forecast and, where a
    simulation is stored, its 5–95% range."""
    any_sim = any(d is not None for row in timeline.draws for d in row)
    caption = NEUTRAL_NOTE + (" Brackets: 5–95% range over the Monte Carlo draws of the "
                              "stated uncertainty." if any_sim else "")
    table = Table(title=f"Timeline of {timeline.history}", title_justify="left",
                  caption_justify="left", caption=caption, show_lines=True)
    table.add_column("As of", style="bold")
    table.add_column("Model")
    for issue in timeline.issues:
        table.add_column(issue, justify="right")
    for v, version in enumerate(timeline.versions):
        for m, model in enumerate(timeline.models):
            cells: list[Any] = [f"{version.as_of.isoformat()} @{version.position}" if m == 0
                                else "",
                                model]
            for issue in timeline.issues:
                value = timeline.point[v][m].get(issue)
                band = timeline.interval[v][m].get(issue)
                text = Text(_num(value), style="bold" if value is not None else "dim")
                if timeline.knife_edge(v, model, issue):
                    text.append(f" {KNIFE}", style="yellow")
                if band is not None:
                    text.append(f"\n[{band[0]:.0f}–{band[1]:.0f}]", style="dim")
                cells.append(text)
            table.add_row(*cells)
    if any(timeline.knife_edges or ()):
        table.caption = f"{TIMELINE_KNIFE_LEGEND}\n{caption}"
    return table


TIMELINE_KNIFE_LEGEND = ("⚠ moved across a knife-edge from the version before: a change "
                         "that `history diff` flags ⚠ (listed below the table).")


def timeline_knife_edges(timeline: Timeline) -> list[Text]:
    """One line per forecast marked ⚠ in :func:`timeline_table`: the changes that moved it
    across a knife-edge, and the ``history diff`` that shows them."""
    lines = []
    for v, version in enumerate(timeline.versions):
        for model in timeline.models:
            for issue in timeline.issues:
                found = timeline.knife_edge(v, model, issue)
                if not found:
                    continue
                before = timeline.versions[v - 1]
                lines.append(Text(
                    f"{KNIFE} {issue}, {model} at @{version.position}: moved across a "
                    f"knife-edge by {', '.join(found)} (`detente history diff "
                    f"{before.ref} {version.ref} -m {model}`)", style="yellow"))
    return lines


def timeline_gaps(timeline: Timeline) -> list[Text]:
    """The reason for each ``—`` of :func:`timeline_table`, one line per issue and version:
    the issue is not in that version's scenario (no model has a value), or the models
    named reached no value on it."""
    lines = []
    for v, version in enumerate(timeline.versions):
        for issue in timeline.issues:
            missing = [m for m, model in enumerate(timeline.models)
                       if timeline.point[v][m].get(issue) is None]
            if not missing:
                continue
            where = f"@{version.position} ({version.as_of.isoformat()})"
            if len(missing) == len(timeline.models):
                why = "the issue is not in that version's scenario (or no stance on it)"
            else:
                why = "no value from " + ", ".join(timeline.models[m] for m in missing)
            lines.append(Text(f"— {issue} at {where}: {why}", style="yellow"))
    return lines


def changes_table(vd: VersionDiff) -> Table:
    """What changed between the two versions, entry by entry, with its evidence."""
    a, b = vd.a, vd.b
    table = Table(title=f"Changes from {a.label} to {b.label}",
                  title_justify="left", show_lines=True)
    table.add_column("Kind")
    table.add_column("Entry", style="bold")
    table.add_column("What changed", max_width=60)
    table.add_column("Evidence (after)", max_width=60, style="dim")
    for c in vd.diff.changes:
        shown = [f for f in c.fields if f.field not in ("evidence",)]
        evidence = next((f.after for f in c.fields if f.field == "evidence"), None)
        what = c.action if c.action != "changed" else "\n".join(
            f"{f.field}: {_brief(f.before)} → {_brief(f.after)}" for f in shown) or "text only"
        table.add_row(c.kind, c.key, what, evidence or "")
    if not vd.diff.changes:
        table.add_row("—", "—", "the two versions hold the same scenario", "")
    return table


KNIFE = "⚠"
KNIFE_LEGEND = ("⚠ knife-edge: the forecast does not follow this change smoothly: moved "
                "alone step by step from its old to its new value it rises and falls, or "
                "with different other changes it moves in opposite directions (then its "
                "smallest and largest marginal effect in brackets); its share is no stable "
                "credit, as `detente sensitivity` flags a non-monotone input.")


def attribution_tables(vd: VersionDiff, *, threshold: float = 0.05) -> list[Table]:
    """Per model: each issue's move and the changes that made it (Shapley shares)."""
    att = vd.diff.attributed
    if att is None:
        return []
    how = ("exact Shapley values" if att.exact else
           f"Shapley values estimated from {att.samples} random orders")
    out = []
    for m, model in enumerate(att.models):
        table = Table(title=f"{model}: what moved the forecast ({how})", title_justify="left",
                      caption_justify="left", caption=NEUTRAL_NOTE, show_lines=True)
        for col, kw in (("Issue", {"style": "bold"}), ("Before", {"justify": "right"}),
                        ("After", {"justify": "right"}), ("Move", {"justify": "right"}),
                        ("Moved by", {"max_width": 60})):
            table.add_column(col, **kw)
        edge = att.knife_edge
        flagged = False
        for k, issue in enumerate(att.issues):
            share = att.contribution[:, m, k]
            order = sorted(range(len(att.changes)), key=lambda j: -abs(share[j]))
            parts = []
            for j in order:
                if abs(share[j]) < threshold and not edge[j, m, k]:
                    continue
                text = f"{_signed(share[j])}  {att.changes[j].kind} {att.changes[j].key}"
                if edge[j, m, k]:
                    assert att.marginal_low is not None and att.marginal_high is not None
                    lo, hi = float(att.marginal_low[j, m, k]), float(att.marginal_high[j, m, k])
                    text += f" {KNIFE}" + (f" ({_signed(lo)} to {_signed(hi)})"
                                           if lo < 0 < hi else "")
                    flagged = True
                parts.append(text)
            table.add_row(issue, _num(att.before[m, k]), _num(att.after[m, k]),
                          _signed(float(att.move[m, k])), "\n".join(parts) or "—")
        if flagged:
            table.caption = f"{KNIFE_LEGEND}\n{NEUTRAL_NOTE}"
        out.append(table)
    return out


def _brief(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict) and {"low", "high"} <= set(value):
        return f"[{_num(value['low'], 2).rstrip('0').rstrip('.')}, " \
               f"{_num(value['high'], 2).rstrip('0').rstrip('.')}]"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return text if len(text) <= 50 else text[:47] + "..."
