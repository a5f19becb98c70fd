"""Rich views of the broker's results: deals (ZOPA, solutions, top deals), logrolls, phases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.present import wording
from detente.present.legends import SALIENCE_MARK, every_term, legend_line, more_line
from detente.present.terminal import styled
from detente.results import LogrollSet
from detente.spelling import Spell, python_words

if TYPE_CHECKING:
    from detente.deals import DealReport, PhaseReport


def _deal_text(d: dict[str, Any] | None) -> str:
    if d is None:
        return "(none: no package is acceptable)"
    text = ", ".join(f"{k}={v}" for k, v in d["options"].items())
    if "consent_of" in d:  # a scenario with vetoes: whose consent the package needs
        text += f" [consent of {', '.join(d['consent_of'])}]"
    return text + _war_mark(d)


def _war_mark(d: dict[str, Any]) -> str:
    """`` [fighting continues: fronts]`` for a package that is not a settlement of the war
    (it leaves fighting on some front), else nothing."""
    war = d.get("war")
    if war is not None and war["fighting_continues"]:
        return f" [fighting continues: {', '.join(war['fighting_continues'])}]"
    return ""


def _smallest_margin(d: dict[str, Any]) -> float:
    """Over the parties whose consent the deal needs (every actor without structure)."""
    return min(d["margin"][a] for a in d.get("consent_of") or d["margin"])


def _deals_table(title: str, deals: list[dict[str, Any]], *, total: int,
                 spell: Spell) -> Table:
    """Package stories (:meth:`DealReport.story`) with who must consent, the margins of
    the needed parties (the others after them), their alternatives of identical
    utilities and, when computed, their survival; ``total`` packages qualified (the rest
    counted under the table)."""
    tt = Table(title=title, title_justify="left", caption_justify="left")
    shown = sum(1 + len(d["alternatives"]) for d in deals)
    notes = []
    if any(d["ties"] for d in deals):
        notes.append(f"=: {wording.tie_note(deals[0]['tolerance'])}")
    if total > shown:
        notes.append(more_line(total - shown, spell))
    if notes:
        tt.caption = "\n".join(notes)
    tt.add_column("package")
    tt.add_column("consent of")
    tt.add_column("margins", justify="right")
    if any(d.get("survival") is not None for d in deals):
        tt.add_column("survives", justify="right")
    for d in deals:
        text = wording.options_text(d["options"])
        alts = wording.alternatives_text(d)
        if alts:
            text += f" ({alts})"
        if d["verdict"] != "acceptable":
            text += f" [{wording.verdict_text(d)}]"
        text += _war_mark(d)
        cells = [text, wording.consent_text(d), wording.margins_text(d)]
        if d.get("survival") is not None:
            cells.append(f"{d['survival']:.0%}")
        tt.add_row(*cells)
    return tt


def deals_view(report: DealReport, *, top: int = 5, spell: Spell = python_words
               ) -> list[RenderableType]:
    """Counts, each actor's BATNA and margin, the bargaining solutions, the ``top`` deals
    by Nash product, which deals open if a BATNA fell, and uncertain BATNAs."""
    data = report.to_dict(top=top)
    z = data["zopa"]
    out: list[RenderableType] = [
        styled("[bold]{}[/] deals; [bold]{}[/] in the ZOPA ({:.1%}); Pareto frontier within "
               "it: [bold]{}[/]", f"{data['deals']:,}", f"{z['size']:,}", z["share"],
               f"{data['frontier_size']:,}"),
        Text(f"Acceptance: {data['acceptance']['text']}."),
        Text(wording.zopa_sentence(data["story"], data["deals"])
             + f" Consent: {wording.CONSENT_RULE[data['story']['consent_rule']]}.")]
    if data.get("shocks"):
        out.append(styled("After shock {}: the pressures are moved by it before the no-deal "
                          "values are computed (see `detente pressures`).",
                          ", ".join(data["shocks"])))
    t = Table(title="Actors (utility 0..1)", title_justify="left", caption_justify="left",
              caption=legend_line("deals", ("best margin", "rules out", "alone"), spell)
              + " " + every_term("deals", spell))
    for col in ("actor", "BATNA", "source", "best margin", "rules out", "alone"):
        t.add_column(col, justify="left" if col in ("actor", "source") else "right")
    for a, info in z["actors"].items():
        m = info["margin"]
        t.add_row(a, f"{info['batna']:.3f}", data["batna"][a]["source"],
                  "—" if m is None else f"{m:+.3f}", str(info["ruled_out"]),
                  str(info["sole_blocker"]))
    out.append(t)
    s = Table(title="Bargaining solutions", title_justify="left")
    s.add_column("solution")
    s.add_column("deal")
    s.add_column("smallest margin", justify="right")
    robust = "robust" in data
    stable = robust and data["robust"].get("solutions_unchanged") is not None
    if robust:
        s.add_column("survives", justify="right")
    if stable:
        s.add_column("same deal", justify="right")
    for name, d in data["solutions"].items():
        told = data["story"]["solutions"][name]
        text = _deal_text(d) if told is None else (
            f"{wording.options_text(told['options'])} [consent of "
            f"{wording.consent_text(told)}]{_war_mark(told)}")
        cells = [name, text, "—" if d is None else f"{_smallest_margin(d):+.3f}"]
        if robust:
            cells.append("—" if d is None else f"{d['survival']:.0%}")
        if stable:
            cells.append(f"{data['robust']['solutions_unchanged'][name]:.0%}")
        s.add_row(*cells)
    if stable:
        s.caption = ("same deal: share of the draws in which the solution, recomputed with "
                     "the drawn utilities, BATNAs and capabilities, picks this package")
    out.append(s)
    story = data["story"]
    out.append(_deals_table(f"Top {top} packages (Nash product of gains)", story["by_nash"],
                            total=data["frontier_size"], spell=spell))
    if "robust" in data:
        r = data["robust"]
        out.append(_deals_table(
            f"Most robust {top} packages: survives = share of {r['draws']:,} draws of "
            f"{', '.join(r['varied']) or 'nothing'} in which the package stays "
            f"{wording.acceptable_to(story['consent_rule'])}", story["packages"],
            total=data["frontier_size"], spell=spell))
    for o in z["openings"]:
        out.append(Text(f"If {o['actor']}'s BATNA fell by {o['drop']:g}: "
                        f"{o['count']} more deals enter the ZOPA"))
    if "uncertain_batna" in z:
        u = z["uncertain_batna"]
        out.append(Text(
            f"Uncertain BATNAs ({u['draws']} draws): expected ZOPA size "
            f"{u['expected_size']:.1f}, P(ZOPA not empty) {u['p_nonempty']:.2f}"))
    out.append(Text(data["note"], style="dim"))
    return out


def _ratios(r: dict[str, Any]) -> str:
    """``1.17 vs 1.25 ⚠``: the salience ratios, marked where they do not favour the trade."""
    text = f"{_ratio(r['salience_ratio_a'])} vs {_ratio(r['salience_ratio_b'])}"
    return text if r["salience_supports"] else f"{text} {SALIENCE_MARK}"


def _ratio(x: float | None) -> str:
    return "inf" if x is None or x == float("inf") else f"{x:.2f}"


def logrolls_table(found: LogrollSet, *, top: int = 10, spell: Spell = python_words) -> Table:
    """The ``top`` logrolls: what each side gets, both net gains and salience ratios (marked
    where they do not favour the trade), with a legend of the marks shown."""
    rows = [r.to_dict() for r in found.logrolls[:top]]
    t = Table(title=f"Logrolls ({len(found)} found; best {len(rows)})", title_justify="left")
    robust = found.survival is not None
    for col in ("A gets", "B gets", "net A", "net B", "salience ratios") + (
            ("survives",) if robust else ()):
        t.add_column(col, justify="right" if col.startswith("net") or col == "survives"
                     else "left")
    for k, r in enumerate(rows):
        cells = [f"{r['a']}: {r['issue_a']}→{r['option_a']}",
                 f"{r['b']}: {r['issue_b']}→{r['option_b']}",
                 f"{r['net_a']:+.3f}", f"{r['net_b']:+.3f}", _ratios(r)]
        if found.survival is not None:
            cells.append(f"{found.survival.probability[k]:.0%}")
        t.add_row(*cells)
    shown = [SALIENCE_MARK] if any(not r["salience_supports"] for r in rows) else []
    if found.survival is not None:
        shown.append("survives")
    notes = [legend_line("logrolls", shown, spell)] if shown else []
    if found.survival is not None:
        notes.append(f"{found.survival.draws:,} draws; ranked by {found.ranked_by}.")
    if len(found) > len(rows):
        notes.append(more_line(len(found) - len(rows), spell))
    if notes:
        t.caption = "\n".join(notes)
        t.caption_justify = "left"
    return t


def phase_view(report: PhaseReport, spell: Spell = python_words) -> list[RenderableType]:
    """The deal, what it leaves unchanged, how many plans were examined and are
    self-enforcing, and the best plans with the guarantee each needs and who needs it
    (the rest counted)."""
    out = _phase_view(report)
    ranked = report.n_deliverable if report.n_deliverable is not None else report.n_plans
    if ranked > len(report.plans):
        out.append(Text(more_line(ranked - len(report.plans), spell)))
    return out


def _phase_view(report: PhaseReport) -> list[RenderableType]:
    """The deal, how many plans were examined and are self-enforcing, and the best plans
    with the guarantee each needs and who needs it."""
    data = report.to_dict()
    out: list[RenderableType] = [
        Text(f"Deal: {', '.join(f'{k}={v}' for k, v in data['deal'].items())}"),
        Text(f"{data['plans_examined']:,} plans examined ({data['search']}); "
             f"{data['self_enforcing_plans']:,} self-enforcing"),
    ]
    if "delivered_by" in data:  # a scenario with structure
        out.append(Text(
            f"{data['deliverable_plans']:,} of them deliver no linked offer before its "
            "condition is met (only these are ranked); steps delivered by: "
            + "; ".join(f"{i}: {', '.join(who) or 'anyone'}"
                        for i, who in data["delivered_by"].items())))
    if data["unchanged"]:
        out.append(Text(f"unchanged: {', '.join(data['unchanged'])} (the deal leaves "
                        f"{'it' if len(data['unchanged']) == 1 else 'them'} as "
                        f"{'it is' if len(data['unchanged']) == 1 else 'they are'}; not "
                        "phased)"))
    t = Table(title="Best plans", title_justify="left")
    t.add_column("phases", overflow="fold")
    t.add_column("self-enforcing")
    t.add_column("guarantee needed", justify="right")
    t.add_column("who needs it")
    robust = data.get("robust")
    if robust:
        t.add_column("survives", justify="right")
    for k, p in enumerate(data["plans"]):
        who = ", ".join(f"{a} {v:.3f}" for a, v in p["shortfall"].items() if v > 1e-12)
        cells = [" | ".join("+".join(ph) for ph in p["phases"]),
                 "yes" if p["self_enforcing"] else "no", f"{p['guarantee']:.3f}", who or "—"]
        if robust:
            cells.append(f"{robust['plans'][k]:.0%}")
        t.add_row(*cells)
    out.append(t)
    if robust:
        rule = "vetoes" if "delivered_by" in data else "everyone"
        out.append(Text(f"Over {robust['draws']:,} draws of the stated uncertainty the deal "
                        f"is {wording.acceptable_to(rule)} in {robust['deal']:.0%} (a share "
                        "of draws, not a probability of agreement); survives: the "
                        "share in which it is and the plan needs no more guarantee than at "
                        f"the point estimate. Plans ranked by {data['ranked_by']}.",
                        style="dim"))
    return out
