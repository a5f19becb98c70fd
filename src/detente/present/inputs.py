"""Rich tables for analysts' panels, Delphi rounds and article drafts.

Every text that comes from a user's file or an article is passed as
:class:`rich.text.Text`, never as markup, so brackets in a quote print as
written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from detente.inputs.delphi import RoundSummary
from detente.inputs.disagreement import DisagreementReport
from detente.inputs.draft.review import Review
from detente.inputs.panel import PanelResult, ValueProvenance
from detente.present.legends import more_line
from detente.spelling import Spell, python_words


def _t(value: Any, style: str = "") -> Text:
    return Text(str(value), style=style)


def _value(v: ValueProvenance | None) -> Text:
    if v is None:
        return _t("—", "dim")
    text = _t(f"{v.combined:g}", "bold")
    if v.high > v.low:
        text.append(f"  [{v.low:g}–{v.high:g}]", style="dim")
    return text


def provenance_table(panel: PanelResult) -> Table:
    """Per stance: the panel's values with their ranges, and who gave them."""
    how = panel.aggregator + (f" (trim {panel.trim:g})" if panel.aggregator == "trimmed-mean"
                              else "")
    table = Table(title=_t(f"Panel of {len(panel.analysts)} ({', '.join(panel.analysts)}): "
                           f"{how}; ranges: {panel.ranges}"), title_justify="left",
                  caption_justify="left",
                  caption=_t("value [range used by simulate]; spread = highest − lowest "
                             "analyst"))
    for col in ("actor", "issue", "position", "spread", "salience", "spread", "analysts"):
        table.add_column(col, justify="right" if col == "spread" else "left")
    for p in panel.provenance:
        who = Text(f"{len(p.analysts)} of {len(panel.analysts)}")
        if p.without:
            who.append(f"; none from {', '.join(p.without)}", style="dim")
        if not p.kept:
            who.append(" — dropped (too few)", style="yellow")
        table.add_row(_t(p.actor), _t(p.issue), _value(p.position),
                      _t(f"{p.position.spread:g}" if p.position else "—"), _value(p.salience),
                      _t(f"{p.salience.spread:g}" if p.salience else "—"), who)
    return table


def disagreement_table(report: DisagreementReport, *, top: int | None = None,
                       spell: Spell = python_words) -> Table:
    """The analysts' disagreements, widest first, and whether each moves the forecast."""
    table = Table(
        title=_t(f"Where the {len(report.analysts)} analysts differ ({report.model}); a "
                 "difference moves the forecast if its ends give different nearest anchors or "
                 f"a swing ≥ {100 * report.threshold:g}% of the scale"),
        title_justify="left",
        caption_justify="left",
        caption="forecast at the lowest / highest analyst's value, all else at the panel's; "
                "ST = Sobol total index over the panel's disagreement")
    for col in ("stance", "analysts' values", "spread", "forecast low → high", "swing", "ST",
                "moves?"):
        table.add_column(col, justify="right" if col in ("spread", "swing", "ST") else "left")
    items = report.items[:top] if top else report.items
    for d in items:
        values = ", ".join(f"{a} {v:g}" for a, v in d.values)
        fc = Text(f"{d.outcome_low:.1f} → {d.outcome_high:.1f}")
        if d.anchor_low and d.anchor_high and d.anchor_low != d.anchor_high:
            fc.append(f"\n{d.anchor_low} → {d.anchor_high}", style="dim")
        table.add_row(_t(f"{d.actor} · {d.issue} · {d.kind}"), _t(values),
                      _t(f"{100 * d.share:.0f}%"), fc, _t(f"{d.swing:.2f}"),
                      _t("—" if d.total_index is None else f"{d.total_index:.2f}"),
                      _t("yes", "bold red") if d.moves else _t("no", "dim"))
    if not report.items:
        table.caption = "the analysts agree on every number"
    elif len(items) < len(report.items):
        table.caption = f"{table.caption}\n{more_line(len(report.items) - len(items), spell)}"
    return table


def presence_table(report: DisagreementReport) -> Table | None:
    """Stances some analysts give and others do not."""
    if not report.presence:
        return None
    table = Table(title="Stances not every analyst gives", title_justify="left")
    for col in ("actor", "issue", "with a stance", "without", "panel"):
        table.add_column(col)
    for p in report.presence:
        table.add_row(_t(p.actor), _t(p.issue), _t(", ".join(p.analysts)),
                      _t(", ".join(p.without)), _t("kept" if p.kept else "dropped"))
    return table


def delphi_table(summary: RoundSummary) -> Table:
    """One closed round's anonymous summary."""
    conv = f"mean middle-half width {100 * summary.iqr_share:.1f}% of the scale"
    if summary.previous_iqr_share is not None:
        conv += f" (round {summary.round - 1}: {100 * summary.previous_iqr_share:.1f}%)"
    folder = summary.folder.rsplit("round-", 1)[0]
    table = Table(title=_t(f"Delphi round {summary.round}, {summary.analysts} analysts "
                           f"(anonymous): {conv}"), title_justify="left",
                  caption_justify="left", caption=_t(f"round {summary.round + 1} handed out in "
                             f"{folder}round-{summary.round + 1}/"
                             + (f"; kept in the history store as {summary.stored_as} (and "
                                "one history per analyst)" if summary.stored_as else "")))
    for col in ("actor", "issue", "n", "position median (middle half)", "range",
                "salience median (middle half)"):
        table.add_column(col)
    for s in summary.stances:
        p, q = s.position, s.salience
        table.add_row(_t(s.actor), _t(s.issue), _t(s.given_by),
                      _t(f"{p.median:g} [{p.q1:g}–{p.q3:g}]"), _t(f"{p.low:g}–{p.high:g}"),
                      _t(f"{q.median:g} [{q.q1:g}–{q.q3:g}]"))
    return table


def delphi_history_table(rounds: Sequence[Mapping[str, Any]]) -> Table:
    """How the panel converged, round by round."""
    table = Table(title="Delphi rounds", title_justify="left")
    for col in ("round", "analysts", "stances", "mean middle-half width (share of scale)"):
        table.add_column(col)
    for r in rounds:
        table.add_row(_t(r.get("round")), _t(r.get("analysts")), _t(len(r.get("stances", []))),
                      _t(f"{100 * float(r.get('mean_position_iqr_share', 0)):.1f}%"))
    return table


def review_table(review: Review, *, quotes: int = 2) -> Table:
    """What a draft proposes: actors, issues and stances with their first quotes."""
    table = Table(title=_t(f"Draft from {review.article.title or review.article.file} "
                           f"({review.extractor})"), title_justify="left", show_lines=True,
                  caption_justify="left",
                  caption="numbers are left to the analyst: edit the review file, then "
                          "`detente draft apply`")
    table.add_column("proposal")
    table.add_column("what")
    table.add_column("quotes (exact, with offsets)", max_width=80)
    for p in review.proposed:
        if p.kind == "actor":
            what = Text(f"{p.id} {p.name}")
            what.append(f"\n{p.mentions} mentions: {', '.join(p.names[:6])}", style="dim")
            state = "in scenario" if p.in_scenario else ("new" if p.accept else "mentioned only")
            table.add_row(_t(f"actor ({state})"), what, _t(""))
        elif p.kind == "issue":
            state = "in scenario" if p.in_scenario else "new"
            table.add_row(_t(f"issue ({state})"), _t(f"{p.id}: {p.name}"), _t(""))
        elif p.kind == "stance":
            state = "in scenario" if p.in_scenario else "new"
            q = Text()
            for quote in p.quotes[:quotes]:
                q.append(f"“{quote.text}”", style="italic")
                q.append(f" @{quote.start}–{quote.end}\n", style="dim")
            if len(p.quotes) > quotes:
                q.append(f"(+{len(p.quotes) - quotes} more)", style="dim")
            table.add_row(_t(f"stance ({state})"),
                          _t(f"{p.actor} on {p.issue}: {', '.join(p.cues) or 'states'}"), q)
        else:
            table.add_row(_t("date"), _t(p.date.isoformat()),
                          _t(f"“{p.quote.text}” @{p.quote.start}–{p.quote.end}"))
    return table
