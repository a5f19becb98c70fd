"""Rich views of the plans on the table (``detente proposals``), 80 columns wide.

User text (titles, ids, option names) enters as :class:`rich.text.Text`, never as
markup, so a bracket in a scenario file prints as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.notes import neutral_note
from detente.present.legends import more_line

if TYPE_CHECKING:
    from detente.deals.proposal_report import ProposalsReport


def _package(package: dict[str, str], stated: dict[str, Any], open_: list[str]) -> str:
    parts = []
    for issue, option in package.items():
        if issue in stated:
            parts.append(f"{issue}={option}")
        elif issue in open_:
            parts.append(f"{issue} open")
    return ", ".join(parts)


def ranking_table(data: dict[str, Any]) -> Table:
    """One row per plan, best first: P(all veto holders accept), blockers and margins."""
    draws = data["draws"]
    t = Table(title="Plans ranked" + (f" ({draws} draws)" if draws else ""),
              title_justify="left")
    t.add_column("plan")
    t.add_column("by")
    t.add_column("P(agreed)" if draws else "agreed", justify="right")
    t.add_column("blocked by (margin short)")
    for p in data["proposals"]:
        agreed = (f"{p['p_all_veto_holders_accept']:.0%}" if draws
                  else ("yes" if p["acceptable"] else "no"))
        blockers = ", ".join(f"{a} {m:.3f}" for a, m in p["vetoed_by"].items())
        if p["red_lines"]:
            blockers = (blockers + "; " if blockers else "") + f"{len(p['red_lines'])} red line(s)"
        if p["linkages"]:
            blockers = (blockers + "; " if blockers else "") + f"{len(p['linkages'])} linkage(s)"
        t.add_row(Text(p["id"]), Text(p["proposer"]), agreed, Text(blockers or "—"))
    return t


def grid_table(data: dict[str, Any], *, probability: bool = False) -> Table:
    """Plan × actor: margin over no deal (``u − β``) or, with ``probability``, the share
    of draws in which the actor accepts; ``*`` where the actor's consent is needed."""
    actors = list(data["proposals"][0]["actors"]) if data["proposals"] else []
    title = (f"P(accepts) over {data['draws']} draws" if probability
             else "Margin over no deal (u − β)")
    t = Table(title=title + "; * = consent needed", title_justify="left")
    t.add_column("plan", max_width=24, overflow="ellipsis", no_wrap=True)
    for a in actors:
        t.add_column(Text(a), justify="right", no_wrap=True)
    for p in data["proposals"]:
        cells = []
        for a in actors:
            info = p["actors"][a]
            star = "*" if info["veto_needed"] else " "
            cells.append(f"{info['p_accept']:.0%}{star}" if probability
                         else f"{info['margin']:+.3f}{star}")
        t.add_row(Text(p["id"]), *cells)
    return t


def proposals_view(report: ProposalsReport, *, top: int | None = None) -> list[RenderableType]:
    """The ranking, the acceptance grid, each plan's details and amendment (the ``top``
    best plans; the rest counted), common ground (over every plan)."""
    data = report.to_dict()
    hidden = max(0, len(data["proposals"]) - top) if top is not None else 0
    data = {**data, "proposals": data["proposals"][:top]}
    out: list[RenderableType] = [ranking_table(data)]
    if hidden:
        out.append(Text(more_line(hidden)))
    out.append(grid_table(data))
    if data["draws"]:
        out.append(grid_table(data, probability=True))
    for p in data["proposals"]:
        lines = Text()
        lines.append(f"{p['id']}", style="bold")
        lines.append(f" — {p['title']} ({p['proposer']}, {p['date'] or 'undated'}; "
                     f"sources: {', '.join(p['sources']) or 'none'})\n")
        lines.append("  package: " + _package(p["package"], p["stated"], p["open"]) + "\n")
        for k, phase in enumerate(p["phases"], start=1):
            lines.append(f"  phase {k}, {phase['name']}: {', '.join(phase['issues'])}\n")
        for s in p["snapped"]:
            lines.append(f"  {s['issue']}: point {s['point']:g} judged at option "
                         f"{s['option']}\n")
        for reason in p["reasons"] or ["acceptable to every party whose consent it needs"]:
            lines.append(f"  - {reason}\n")
        if p["distance_to_forecast"]:
            lines.append("  distance to forecasts (share of scale): " + ", ".join(
                f"{m} {d:.2f}" for m, d in p["distance_to_forecast"].items()) + "\n")
        a = p["amendment"]
        if a is not None:
            changed = ", ".join(f"{i}→{a['package'][i]}" for i in a["changed"])
            what = ("smallest amendment (fewest issues, then least movement)"
                    if a["rule"] == "fewest" else "amendment (largest Nash product)")
            lines.append(f"  {what}: {changed} (movement {a['movement']:.2f} spans)\n")
        elif not p["amendment_found"]:
            lines.append("  no amendment makes it acceptable with the proposer better off\n")
        out.append(lines)
    common = data["common_ground"]
    agreed = [f"{i}={o}" for i, o in common["agreed"].items() if o is not None]
    ranges = [f"{i} {lo:g}–{hi:g}" for i, (lo, hi) in common["ranges"].items()]
    out.append(Text("Common ground: " + (", ".join(agreed) if agreed else
                                         "no issue on which every plan agrees") + "\n"
                    + "Range the plans span: " + ("; ".join(ranges) or "—")))
    out.append(Text("Under these assumptions, the model finds the above. "
                    + neutral_note("Utilities, acceptances and amendments"), style="dim"))
    return out
