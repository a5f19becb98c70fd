"""Views of the outlook: an 80-column table, CSV rows and a summary for the brief."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.present.terminal import styled
from detente.present.text import csv_text
from detente.present.wording import share_text

if TYPE_CHECKING:
    from detente.outlook import Outlook

SHOWN_MONTHS = (0, 1, 2, 3, 6, 9, 12, 18, 24, 36, 48, 60, 120, 240, 360, 480, 600)
"""The months the table lists (those within the horizon, and the horizon itself)."""


def _month(m: int | None, months: int) -> str:
    return f"after month {months}" if m is None else f"month {m}"


def _deal(d: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in d.items() if v != "no-agreement")


SETTLEMENT_AGREEMENT = ("a package that stops the fighting, acceptable to every party whose "
                        "consent is needed")
"""What counts as an agreement when the outlook counts only settlements."""
ANY_AGREEMENT = "any package acceptable to every party whose consent is needed"
"""What counts as an agreement otherwise."""


def agreement_words(settlements_only: bool) -> str:
    """What the outlook counts as an agreement, in words (from the result's flag, never
    from its text)."""
    return SETTLEMENT_AGREEMENT if settlements_only else ANY_AGREEMENT


def shown_months(months: int) -> list[int]:
    return sorted({t for t in SHOWN_MONTHS if t <= months} | {months})


def outlook_view(result: Outlook, *, drivers: int = 5) -> list[RenderableType]:
    """Per month P(open), P(exists by), P(agreed by); terms; packages; holding; drivers."""
    d = result.to_dict()
    out: list[RenderableType] = [
        styled("[bold]{}[/]: {} paths over {} months, seed {}; {}; terms by the {} solution; "
               "no-deal values judged {:g} months ahead.", d["scenario"], f"{d['paths']:,}",
               d["months"], d["seed"], d["rule"]["text"], d["solution"], d["lookahead"]),
        styled("An agreement counts as {}.", agreement_words(d["settlements_only"])),
        *([styled("Only packages that need the consent of {}.", ", ".join(d["parties"]))]
          if d["parties"] else []),
        styled("Median month an acceptable package first exists: [bold]{}[/]; median month "
               "of agreement: [bold]{}[/]; P(agreement by month {}): [bold]{:.0%}[/].",
               _month(d["median_month_open"], d["months"]),
               _month(d["median_month_agreed"], d["months"]), d["months"],
               d["p_agreed_by_horizon"]),
    ]
    t = Table(title="By month", title_justify="left")
    for col in ("month", "P(open)", "P(exists by)", "P(agreed by)"):
        t.add_column(col, justify="right")
    rows = d["by_month"]
    for m in shown_months(result.months):
        r = rows[m]
        t.add_row(str(m), f"{r['p_open']:.0%}", f"{r['p_exists_by']:.0%}",
                  f"{r['p_agreed_by']:.0%}")
    out.append(t)
    if d["packages"]:
        p = Table(title="Packages most often agreed", title_justify="left")
        p.add_column("package (issues left unsettled omitted)", overflow="fold", max_width=44)
        p.add_column("share", justify="right")
        p.add_column("month", justify="right")
        p.add_column("holds", justify="right")
        for pk in d["packages"]:
            p.add_row(_deal(pk["deal"]) or "(none)", share_text(pk["share"]),
                      "—" if pk["median_month"] is None else str(pk["median_month"]),
                      "—" if "holds" not in pk else f"{pk['holds']:.0%}")
        p.caption = (f"share: of all paths; month: median month of agreement; holds: no "
                     f"party prefers to renege within {d['hold_months']} months")
        p.caption_justify = "left"
        out.append(p)
        g = Table(title=f"Guarantees by phase (most often agreed package; "
                        f"{d['coverage']:.0%} of its paths)", title_justify="left")
        g.add_column("phases", overflow="fold", max_width=36)
        g.add_column("no guarantee", justify="right")
        g.add_column("guarantee needed", overflow="fold", max_width=28)
        for plan in d["packages"][0].get("plans", []):
            need = {a: v for a, v in plan["guarantee"].items() if v > 1e-12}
            g.add_row(" → ".join("+".join(ph) for ph in plan["phases"]),
                      f"{plan['self_enforcing']:.0%}",
                      ", ".join(f"{a} {v:.3f}" for a, v in need.items()) or "none")
        if d["packages"][0].get("plans"):
            g.caption = ("no guarantee: share of the package's paths on which the plan is "
                         "self-enforcing; guarantee: escrowed utility each party needs")
            g.caption_justify = "left"
            out.append(g)
            out.extend(_pledges_table(d["packages"][0]["plans"], d["guarantors"]))
    terms = Table(title="Terms at agreement, per issue (share of agreements)",
                  title_justify="left")
    terms.add_column("issue")
    terms.add_column("options", overflow="fold", max_width=60)
    for issue, shares in d["terms"].items():
        ranked = sorted(shares.items(), key=lambda kv: -kv[1])
        terms.add_row(issue, ", ".join(f"{o} {share_text(s)}" for o, s in ranked) or "—")
    if any(d["terms"].values()):
        out.append(terms)
    if d["holds"] is not None:
        out.append(Text(f"P(no party prefers to renege within {d['hold_months']} months | "
                        f"agreed): {d['holds']:.0%}"))
    if d["drivers"]:
        dr = Table(title="What drives the timing (median month at each end)",
                   title_justify="left")
        dr.add_column("input", overflow="fold", max_width=30)
        dr.add_column("low", justify="right")
        dr.add_column("high", justify="right")
        dr.add_column("median", justify="right")
        dr.add_column("P(agreed)", justify="right")
        for row in d["drivers"][:drivers]:
            dr.add_row(row["input"], f"{row['low']:g}", f"{row['high']:g}",
                       f"{_m(row['median_month_low'])}→{_m(row['median_month_high'])}",
                       f"{row['p_agreed_low']:.0%}→{row['p_agreed_high']:.0%}")
        dr.caption = "—: not by the horizon; each input alone at the ends of its range"
        dr.caption_justify = "left"
        out.append(dr)
    out.append(Text(d["note"], style="dim"))
    return out


def pledge_text(plan: dict[str, Any]) -> str:
    """One plan's pledges by named guarantor, in words (``—`` when it needs none)."""
    parts = [f"{g}: " + ", ".join(f"{v:.3f} for {a}" for a, v in to.items())
             for g, to in plan["by_guarantor"].items()]
    if plan["unpledged"]:
        parts.append("no named guarantor can credibly cover " + ", ".join(plan["unpledged"]))
    return "; ".join(parts) or "—"


def _pledges_table(plans: list[dict[str, Any]], guarantors: dict[str, float]
                   ) -> list[RenderableType]:
    """The guarantee each named guarantor would pledge, per plan (the same plans)."""
    if not guarantors:
        return [Text("The scenario names no guarantor, so the guarantees above are not "
                     "assigned to anyone.", style="dim")]
    t = Table(title="Pledged by the named guarantors (same plans, same order)",
              title_justify="left")
    t.add_column("plan", justify="right")
    t.add_column("face value each guarantor stakes, for each party", overflow="fold",
                 max_width=66)
    for k, plan in enumerate(plans, 1):
        t.add_row(str(k), pledge_text(plan))
    t.caption = ("a stake the party loses if it reneges (relief withdrawn, defence "
                 "delivered), believed at the chance that at least one delivers ("
                 + ", ".join(f"{g} {c:.0%}" for g, c in guarantors.items())
                 + "), so worth the escrow the party needs")
    t.caption_justify = "left"
    return [t]


def _m(month: int | None) -> str:
    return "—" if month is None else str(month)


def outlook_csv(result: Outlook) -> str:
    """One row per month: the probabilities and each actor's median no-deal value."""
    return csv_text(result.month_rows())


AGREEMENT_LABEL = "P(agreement by month): the outlook model"
"""What the outlook's curve is, beside the outside view (what counts as an agreement is
said after it, from the result's flag)."""


def beside_outside_view(result: Outlook, rates: Any) -> dict[str, Any] | None:
    """The outlook's P(agreement by month t) and the reference class's P(ending within t
    months | lasted so far) side by side, month by month (the months the outlook table
    shows, from 1), each labelled with what it is, and the outside view in sentences with
    the note where the two disagree widely
    (:func:`detente.present.bottom_line.outside_view_text`, which page 1 of the brief
    uses too). ``rates``: :func:`detente.api.baserates` of the scenario, or ``None`` (then
    ``None``: the scenario states no conflict to find a reference class for)."""
    from .bottom_line import outside_view_text
    from .evidence import AN_END

    if rates is None:
        return None
    ending = rates.ending
    rows = []
    for m in shown_months(result.months):
        if m < 1:
            continue
        p, low, high = ending.within(m) if m <= len(ending.months) else (None, None, None)
        rows.append({"month": m, "agreement": float(result.p_agreed_by[m]),
                     "ending": p, "low": low, "high": high})
    return {
        "agreement_label": f"{AGREEMENT_LABEL} (an agreement: "
                           f"{agreement_words(result.settlements_only)}; "
                           f"{result.paths:,} simulated paths of the stated pressures)",
        "ending_label": (f"P(ending by month): the reference class, historical frequencies "
                         f"among the {ending.at_risk} similar conflicts that had lasted "
                         f"{ending.lasted_months:.0f} months ({AN_END}; "
                         f"{100 * ending.level:.0f}% band), not a forecast "
                         "of this conflict"),
        "rows": rows,
        "text": outside_view_text(rates, result),
    }


def outlook_summary(result: Outlook) -> dict[str, Any]:
    """The few numbers a one-page brief shows: when, on what terms, whether it holds."""
    d = result.to_dict()
    top = d["packages"][0] if d["packages"] else None
    at12 = d["by_month"][min(12, result.months)]["p_agreed_by"]
    return {
        "months": d["months"], "paths": d["paths"],
        "median_month_open": d["median_month_open"],
        "median_month_agreed": d["median_month_agreed"],
        "p_agreed_by_12": at12 if result.months >= 12 else None,
        "p_agreed_by_horizon": d["p_agreed_by_horizon"],
        "package": None if top is None else top["deal"],
        "package_share": None if top is None else top["share"],
        "holds": None if top is None else top.get("holds"),
        "rule": d["rule"]["text"],
        "note": d["note"],
    }
