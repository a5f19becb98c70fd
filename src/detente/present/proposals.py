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
from detente.present.terminal import hanging
from detente.present.wording import SHARE_AGREED
from detente.spelling import Spell, python_words

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


def ranking_rows(data: dict[str, Any]) -> list[dict[str, str]]:
    """One row per plan, best first: ``id``, ``title``, ``proposer``, ``agreed`` (P(all
    veto holders accept) with draws, else yes/no), ``blockers`` (who blocks and by how
    much, red lines crossed, linkages broken) and ``consent`` (whose consent the plan
    needs: the veto holders of the issues it moves). The CLI table and the web page show these."""
    rows = []
    for p in data["proposals"]:
        agreed = (f"{p['p_all_veto_holders_accept']:.0%}" if data["draws"]
                  else ("yes" if p["acceptable"] else "no"))
        parts = [", ".join(f"{a} {m:.3f}" for a, m in p["vetoed_by"].items())]
        if p["red_lines"]:
            parts.append(f"{len(p['red_lines'])} red line(s)")
        if p["linkages"]:
            parts.append(f"{len(p['linkages'])} linkage(s)")
        consent = [a for a, info in p["actors"].items() if info.get("veto_needed")]
        rows.append({"id": p["id"], "title": p["title"], "proposer": p["proposer"],
                     "agreed": agreed, "blockers": "; ".join(x for x in parts if x) or "—",
                     "consent": ", ".join(consent) or "—"})
    return rows


def grid_rows(data: dict[str, Any], *, probability: bool = False
              ) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    """Plan × actor: the title, the actors, and per plan its cells: the margin over no
    deal (``u − β``) or, with ``probability``, the share of draws in which the actor
    accepts; ``*`` where the actor's consent is needed."""
    actors = list(data["proposals"][0]["actors"]) if data["proposals"] else []
    title = (f"Accepts in (share of {data['draws']:,} draws)" if probability
             else "Margin over no deal (u − β)")
    rows = []
    for p in data["proposals"]:
        cells = []
        for a in actors:
            info = p["actors"][a]
            star = "*" if info["veto_needed"] else " "
            cells.append(f"{info['p_accept']:.0%}{star}" if probability
                         else f"{info['margin']:+.3f}{star}")
        rows.append((p["id"], cells))
    return title + "; * = consent needed", actors, rows


def ranking_table(data: dict[str, Any]) -> Table:
    """The ranking (:func:`ranking_rows`) as a table."""
    draws = data["draws"]
    t = Table(title="Plans ranked" + (f" ({draws:,} draws)" if draws else ""),
              title_justify="left")
    t.add_column("plan")
    t.add_column("by")
    t.add_column(SHARE_AGREED if draws else "agreed", justify="right")
    t.add_column("blocked by (margin short)")
    for r in ranking_rows(data):
        t.add_row(Text(r["id"]), Text(r["proposer"]), r["agreed"], Text(r["blockers"]))
    return t


def grid_table(data: dict[str, Any], *, probability: bool = False) -> Table:
    """The plan × actor grid (:func:`grid_rows`) as a table."""
    title, actors, rows = grid_rows(data, probability=probability)
    t = Table(title=title, title_justify="left")
    t.add_column("plan", max_width=24, overflow="ellipsis", no_wrap=True)
    for a in actors:
        t.add_column(Text(a), justify="right", no_wrap=True)
    for plan, cells in rows:
        t.add_row(Text(plan), *cells)
    return t


def phasing_lines(ph: dict[str, Any]) -> list[str]:
    """A plan's own stages as judged: who delivers each, linkages broken, who would
    defect there and by how much; then whether the plan enforces itself."""
    out = ["  its phases, as stated, under the phasing rules:"]
    for k, step in enumerate(ph["steps"], start=1):
        moves = "; ".join(f"{i} (delivered by {', '.join(who) or 'nobody'})"
                          for i, who in step["delivered_by"].items()) or "moves nothing"
        out.append(f"    stage {k}, {step['name']}: {moves}")
        out += [f"      not deliverable: breaks the linkage {text}"
                for text in step["linkages_broken"]]
        out += [f"      {a} would gain {gain:.3f} over completing by defecting here"
                for a, gain in step["would_defect"].items()]
    if ph["unphased"]:
        out.append(f"    ({', '.join(ph['unphased'])}: in no stated phase, judged as a last "
                   "stage)")
    short = ", ".join(f"{a} {t:.3f}" for a, t in ph["shortfall"].items() if t > 1e-12)
    who = ", ".join(ph["can_defect"]) or "nobody"
    out.append(("    self-enforcing" if ph["self_enforcing"]
                else f"    not self-enforcing: guarantees needed {short}")
               + f" (only {who} can defect)")
    return out


def plan_heading(p: dict[str, Any]) -> tuple[str, str]:
    """The plan's id, and who proposed it when, with its sources."""
    return p["id"], (f" — {p['title']} ({p['proposer']}, {p['date'] or 'undated'}; "
                     f"sources: {', '.join(p['sources']) or 'none'})")


def plan_lines(p: dict[str, Any]) -> list[str]:
    """One plan's details, one line each: its package, points between options, its
    phases as judged, why it is (not) acceptable, distance to the forecasts, the
    amendment."""
    lines = ["  package: " + _package(p["package"], p["stated"], p["open"])]
    lines += [f"  {issue}: a point between options, judged at its own value"
              for issue in p["between_options"]]
    lines += [f"  {s['issue']}: point {s['point']:g} judged at option {s['option']} "
              f"({s['why']})" for s in p["snapped"]]
    if p["phasing"] is not None:
        lines += phasing_lines(p["phasing"])
    lines += [f"  - {reason}" for reason in
              p["reasons"] or ["acceptable to every party whose consent it needs"]]
    if p["distance_to_forecast"]:
        lines.append("  distance to forecasts (share of scale): " + ", ".join(
            f"{m} {d:.2f}" for m, d in p["distance_to_forecast"].items()))
    a = p["amendment"]
    if a is not None:
        changed = ", ".join(f"{i}→{a['package'][i]}" for i in a["changed"])
        what = ("smallest amendment (fewest issues, then least movement)"
                if a["rule"] == "fewest" else "amendment (largest Nash product)")
        lines.append(f"  {what}: {changed} (movement {a['movement']:.2f} spans)")
    elif not p["amendment_found"]:
        lines.append("  no amendment makes it acceptable with the proposer better off")
    return lines


def common_ground_lines(data: dict[str, Any]) -> list[str]:
    """What every plan agrees on, and the range the plans span per issue."""
    common = data["common_ground"]
    agreed = [f"{i}={o}" for i, o in common["agreed"].items() if o is not None]
    ranges = [f"{i} {lo:g}–{hi:g}" for i, (lo, hi) in common["ranges"].items()]
    return ["Common ground: " + (", ".join(agreed) if agreed else
                                 "no issue on which every plan agrees"),
            "Range the plans span: " + ("; ".join(ranges) or "—")]


CLOSING = "Under these assumptions, the model finds the above. "


def proposals_view(report: ProposalsReport, *, top: int | None = None, spell: Spell = python_words
                   ) -> list[RenderableType]:
    """The ranking, the acceptance grid, each plan's details and amendment (the ``top``
    best plans; the rest counted), common ground (over every plan)."""
    data = report.to_dict()
    hidden = max(0, len(data["proposals"]) - top) if top is not None else 0
    data = {**data, "proposals": data["proposals"][:top]}
    out: list[RenderableType] = [ranking_table(data)]
    if hidden:
        out.append(Text(more_line(hidden, spell)))
    out.append(grid_table(data))
    if data["draws"]:
        out.append(grid_table(data, probability=True))
    for p in data["proposals"]:
        plan, heading = plan_heading(p)
        lines = Text()
        lines.append(plan, style="bold")
        lines.append(heading)
        out.append(lines)
        out += [hanging(line) for line in plan_lines(p)]  # wrapped under their own text
        out.append(Text(""))
    out.append(Text("\n".join(common_ground_lines(data))))
    out.append(Text(CLOSING + neutral_note("Utilities, acceptances and amendments"),
                    style="dim"))
    return out
