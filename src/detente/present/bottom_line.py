"""Page 1 of the brief: the bottom line a senior reader acts on.

Lays out numbers the API computed (:class:`~detente.results.BriefData`): the
weighted synthesis per issue (:mod:`detente.uncertainty.synthesis`), the inputs that
could change the answer, the best-supported package's story (:mod:`detente.deals.story`,
worded by :mod:`detente.present.wording`) and, where the API gives them, the outside view
and the outlook. :func:`page_one` returns plain data for the template; :func:`strip_svg`
draws one issue's synthesis as a small SVG whose only text is its scale's tick labels, so
nothing overprints in print or on screen.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from detente.present import wording
from detente.present.evidence import outside_view_lines
from detente.present.palette import model_colour
from detente.present.terminal import visible
from detente.uncertainty.synthesis import WEIGHT_RULE

STRIP_W, STRIP_H, PAD = 300, 26, 8


def _x(value: float, low: float, high: float) -> float:
    span = (high - low) or 1.0
    return PAD + (STRIP_W - 2 * PAD) * (value - low) / span


def strip_svg(syn: Any, medians: Mapping[str, float], low: float, high: float, *,
              axis: bool = False) -> str:
    """One issue: its scale, the pooled central band (grey), each model's median (a dot
    in the model's colour) and the synthesis (a black diamond). ``axis``: tick labels
    instead (the header row)."""
    h = 16 if axis else STRIP_H
    parts = [f'<svg class="strip" viewBox="0 0 {STRIP_W} {h}" width="{STRIP_W}" '
             f'height="{h}" role="img" xmlns="http://www.w3.org/2000/svg">']
    if axis:
        for k in range(5):
            v = low + (high - low) * k / 4
            anchor = "start" if k == 0 else "end" if k == 4 else "middle"
            parts.append(f'<text x="{_x(v, low, high):.1f}" y="12" font-size="10" '
                         f'text-anchor="{anchor}" fill="#555">{v:g}</text>')
        parts.append("</svg>")
        return "".join(parts)
    mid = STRIP_H / 2
    parts.append(f'<line x1="{PAD}" x2="{STRIP_W - PAD}" y1="{mid}" y2="{mid}" '
                 'stroke="#bbb" stroke-width="1"/>')
    for k in range(5):
        x = _x(low + (high - low) * k / 4, low, high)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{mid - 4}" y2="{mid + 4}" '
                     'stroke="#ccc"/>')
    if syn is not None:
        x0, x1 = _x(syn.low, low, high), _x(syn.high, low, high)
        parts.append(f'<rect x="{x0:.1f}" y="{mid - 7}" width="{max(x1 - x0, 1):.1f}" '
                     'height="14" fill="#ddd" rx="2"/>')
    for model, value in medians.items():
        parts.append(f'<circle cx="{_x(value, low, high):.1f}" cy="{mid}" r="4" '
                     f'fill="{model_colour(model)}" fill-opacity="0.85">'
                     f'<title>{html.escape(visible(model))}: {value:.1f}</title></circle>')
    if syn is not None:
        x = _x(syn.value, low, high)
        parts.append(f'<path d="M{x:.1f},{mid - 8} L{x + 6:.1f},{mid} L{x:.1f},{mid + 8} '
                     f'L{x - 6:.1f},{mid} Z" fill="#111"><title>synthesis '
                     f'{syn.value:.1f}</title></path>')
    parts.append("</svg>")
    return "".join(parts)


def _changed_options(sc: Any, options: Mapping[str, str]) -> dict[str, str]:
    """The options of a package that differ from no deal (its moves); all when none do."""
    moved = {}
    for issue in sc.issues:
        value = options.get(issue.id)
        if value is None:
            continue
        if value == "no-agreement":
            continue
        moved[issue.id] = value
    return moved or dict(options)


def _issue_rows(data: Any) -> list[dict[str, Any]]:
    sc, result = data.scenario, data.result
    rows = []
    for k, issue in enumerate(sc.issues):
        syn = data.synthesis[k] if k < len(data.synthesis) else None
        medians: dict[str, float] = {}
        for f in result:
            d = result.distribution(f.model, issue.id)
            v = float(d.median) if d is not None else float(f.outcome[0, k])
            if v == v:  # not NaN
                medians[f.model] = v
        anchor = issue.nearest_anchor(syn.value) if syn is not None else None
        rows.append({"issue": issue, "syn": syn, "anchor": anchor.label if anchor else "",
                     "medians": medians,
                     "svg": strip_svg(syn, medians, issue.low, issue.high)})
    return rows


def _agreement(rows: Sequence[Mapping[str, Any]]) -> str:
    have = [r for r in rows if r["syn"] is not None]
    if not have:
        return ""
    share = {r["issue"].id: r["syn"].spread / (r["issue"].span or 1) for r in have}
    best = min(have, key=lambda r: share[r["issue"].id])
    worst = max(have, key=lambda r: share[r["issue"].id])
    width = sum((r["syn"].high - r["syn"].low) / (r["issue"].span or 1) for r in have)
    width = 100 * width / len(have)
    level = f"{have[0]['syn'].level:.0%}"
    return (f"The models agree most on {best['issue'].name} (medians "
            f"{best['syn'].spread:.0f} points apart) and least on {worst['issue'].name} "
            f"({worst['syn'].spread:.0f} points apart); the pooled {level} bands span "
            f"{width:.0f}% of each scale on average, a measure of the stated uncertainty, "
            "not a record of accuracy")


def _where(rows: Sequence[Mapping[str, Any]]) -> str:
    parts = [f"{r['issue'].name}: {r['anchor']} ({r['syn'].value:.0f})"
             for r in rows if r["syn"] is not None]
    return "Weighted across the models, the settlement sits at " + "; ".join(parts)


def _turning_text(t: Mapping[str, Any], sc: Any) -> str:
    who = wording.input_words(t["input"], sc)
    issue = sc.issue(t["issue"]).name
    shape = " (rising and falling across the range: a knife-edge)" if t["non_monotone"] \
        else ""
    return (f"{who} across its stated range {t['range'][0]:g}–{t['range'][1]:g} alone moves "
            f"{issue} from {t['outcome_min']:.0f} (≈ {t['from_label']}) to "
            f"{t['outcome_max']:.0f} (≈ {t['to_label']}){shape}")


def page_one(data: Any) -> dict[str, Any]:
    """Everything page 1 shows, as plain data (see the module docstring)."""
    sc = data.scenario
    rows = _issue_rows(data)
    story = data.deals.get("story", {})
    best = (story.get("packages") or [None])[0]
    draws = data.deals.get("robust", {}).get("draws")
    sentences = []
    if any(r["syn"] is not None for r in rows):
        sentences.append(_where(rows))
        sentences.append(_agreement(rows))
    turning = [_turning_text(t, sc) for t in data.turning]
    last = []
    if turning:
        last.append(f"what would change it most: {turning[0]}")
    if best is not None:
        moves = wording.options_text(_changed_options(sc, best["options"]))
        surv = f", and stays acceptable to them in {best['survival']:.0%} of draws" \
            if best.get("survival") is not None else ""
        last.append(f"the best-supported package ({moves}) needs the consent of "
                    f"{', '.join(best['consent_of']) or 'nobody'}{surv}")
    else:
        last.append(f"no package is {wording.acceptable_to(story.get('consent_rule', 'everyone'))}")
    sentences.append((last[0][0].upper() + last[0][1:]) + ("; " + last[1] if len(last) > 1
                                                           else ""))
    syn_any = next((r["syn"] for r in rows if r["syn"] is not None), None)
    return {
        "sentences": [s + "." for s in sentences if s],
        "rows": rows,
        "axis": strip_svg(None, {}, 0, 100, axis=True),
        "models": sorted({m for r in rows for m in r["medians"]}),
        "weights": dict(syn_any.weights) if syn_any is not None else {},
        "left_out": list(syn_any.left_out) if syn_any is not None else [],
        "weight_rule": WEIGHT_RULE,
        "level": f"{(syn_any.level if syn_any else 0.8):.0%}",
        "turning": turning,
        "turning_model": data.sensitivity.model if data.sensitivity is not None else None,
        "best": best,
        "best_moves": _changed_options(sc, best["options"]) if best else {},
        "best_consent": wording.consent_text(best) if best else "",
        "best_margins": wording.margins_text(best) if best else "",
        "best_alternatives": wording.alternatives_text(best) if best else "",
        "survival_draws": draws,
        "zopa": wording.zopa_sentence(story, data.deals["deals"]) if story else "",
        "outside_view": outside_view_text(data.outside_view, data.outlook),
        "outlook": outlook_text(data.outlook),
    }


OUTLOOK_MONTHS = (3, 6, 12, 24)

WIDE_DISAGREEMENT = 0.25
"""How far apart (in probability, at 12 months) the outlook's P(agreement) and the reference
class's P(ending) must be for page 1 to say that they disagree widely."""


def outside_view_text(rates: Any, found: Any) -> str:
    """The outside view in plain sentences (each says what it is), and, beside the outlook,
    whether the two disagree widely at 12 months (more than :data:`WIDE_DISAGREEMENT`)."""
    if rates is None:
        return ""
    text = " ".join(outside_view_lines(rates))
    if found is None or len(found.p_agreed_by) <= 12:
        return text
    model = float(found.p_agreed_by[12])
    history, _, _ = rates.ending.within(12)
    if abs(model - history) > WIDE_DISAGREEMENT:
        text += (f" The two views disagree widely at 12 months: the outlook model gives "
                 f"{100 * model:.0f}% for an agreement, history {100 * history:.0f}% for an "
                 "end of the fighting; they measure different things, and each rests on "
                 "its own assumptions.")
    return text


def outlook_text(found: Any) -> str:
    """The outlook in one sentence: the model probability of agreement by month (paths of
    the stated pressures), what counts as an agreement, the median month, and how often the
    agreed package holds."""
    from .outlook import agreement_words

    if found is None:
        return ""
    months = [m for m in OUTLOOK_MONTHS if m < len(found.p_agreed_by)]
    by = ", ".join(f"{m} months {100 * float(found.p_agreed_by[m]):.0f}%" for m in months)
    text = (f"From the scenario's stated pressures, processes and expectations, the outlook "
            f"model derives a probability of an agreement by {by} ({found.paths:,} "
            f"simulated paths; an agreement is {agreement_words(found.settlements_only)}, "
            f"{found.rule.describe()})")
    if found.median_agreed is not None:
        text += f"; median month of agreement {found.median_agreed}"
    if found.holds is not None:
        text += f"; the agreed package holds for {found.hold_months} months in " \
                f"{100 * found.holds:.0f}% of paths"
    return text + "."


__all__ = ["page_one", "strip_svg"]
