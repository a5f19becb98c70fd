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


def _phasing(ph: dict[str, Any]) -> Text:
    """A plan's own stages as judged: who delivers each, linkages broken, who would
    defect there and by how much; then whether the plan enforces itself."""
    out = Text("  its phases, as stated, under the phasing rules:\n")
    for k, step in enumerate(ph["steps"], start=1):
        moves = "; ".join(f"{i} (delivered by {', '.join(who) or 'nobody'})"
                          for i, who in step["delivered_by"].items()) or "moves nothing"
        out.append(f"    stage {k}, ")
        out.append(Text(step["name"]))
        out.append(": ")
        out.append(Text(moves))
        out.append("\n")
        for text in step["linkages_broken"]:
            out.append("      not deliverable: breaks the linkage ")
            out.append(Text(text))
            out.append("\n")
        for a, gain in step["would_defect"].items():
            out.append(f"      {a} would gain {gain:.3f} over completing by defecting here\n")
    if ph["unphased"]:
        out.append(f"    ({', '.join(ph['unphased'])}: in no stated phase, judged as a last "
                   "stage)\n")
    short = ", ".join(f"{a} {t:.3f}" for a, t in ph["shortfall"].items() if t > 1e-12)
    who = ", ".join(ph["can_defect"]) or "nobody"
    out.append("    self-enforcing" if ph["self_enforcing"]
               else f"    not self-enforcing: guarantees needed {short}")
    out.append(f" (only {who} can defect)\n")
    return out


def proposals_view(report: ProposalsReport) -> list[RenderableType]:
    """The ranking, the acceptance grid, each plan's details and amendment, common ground."""
    data = report.to_dict()
    out: list[RenderableType] = [ranking_table(data), grid_table(data)]
    if data["draws"]:
        out.append(grid_table(data, probability=True))
    for p in data["proposals"]:
        lines = Text()
        lines.append(f"{p['id']}", style="bold")
        lines.append(f" — {p['title']} ({p['proposer']}, {p['date'] or 'undated'}; "
                     f"sources: {', '.join(p['sources']) or 'none'})\n")
        lines.append("  package: " + _package(p["package"], p["stated"], p["open"]) + "\n")
        if p["phasing"] is not None:
            lines.append(_phasing(p["phasing"]))
        for issue in p["between_options"]:
            lines.append(f"  {issue}: a point between options, judged at its own value\n")
        for s in p["snapped"]:
            lines.append(f"  {s['issue']}: point {s['point']:g} judged at option "
                         f"{s['option']} ({s['why']})\n")
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
