"""The one wording table for what a package story says (:mod:`detente.deals.story`).

The brief, ``detente deals`` and ``detente phase``, the web deals, plans and scenario pages
all phrase acceptance, consent, ties, survival and shares of draws from here, so they
cannot tell different stories: "acceptable to every party whose consent is needed" where
vetoes decide, "acceptable to every party" only where every party's consent is needed.
Behaviour is never keyed on these strings: the codes (``verdict``, ``standing``,
``consent_rule``) come from the result layer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ACCEPTABLE_TO = {
    "vetoes": "acceptable to every party whose consent is needed",
    "everyone": "acceptable to every party",
}
"""``consent_rule`` → what "acceptable" means (the ZOPA's definition in words)."""

CONSENT_RULE = {
    "vetoes": ("a package needs the consent of each party holding a veto on an issue it "
               "moves (an issue without declared vetoes needs everyone); a party whose "
               "consent is not needed may still rate it below no deal"),
    "everyone": ("no vetoes are declared, so every party can refuse a package and keep "
                 "its no-deal value: every party's consent is needed"),
}

STANDING = {
    "accepts": "prefers it to no deal",
    "tie": "a tie with no deal",
    "refuses": "prefers no deal",
    "not_needed": "consent not needed",
}

VERDICT = {
    "acceptable": "acceptable",
    "tie": "a tie, not acceptance",
    "not_acceptable": "not acceptable",
}

SURVIVAL = ("survives: the share of draws of the stated uncertainty in which the package "
            "stays {acceptable}")
SHARE_AGREED = "agreed in (share of draws)"
"""Column heading for a share of Monte Carlo draws in which a plan is agreed: a share of
draws of the stated uncertainty, not a probability that the plan will be agreed."""
SHARE_AGREED_MEANING = ("the share of {draws} draws of the stated uncertainty in which "
                        "every party whose consent the plan needs prefers it to no deal: "
                        "how robust the verdict is to the inputs, not a probability of "
                        "agreement")


def share_text(share: float) -> str:
    """A share of draws or paths as a whole percentage that never reads 0% or 100% when
    it is not: ``<1%`` and ``>99%`` where only the rounding would say so."""
    text = f"{share:.0%}"
    if share > 0 and text == "0%":
        return "<1%"
    if share < 1 and text == "100%":
        return ">99%"
    return text


def acceptable_to(rule: str) -> str:
    """What "acceptable" means under ``rule`` (``vetoes`` or ``everyone``)."""
    return ACCEPTABLE_TO[rule]


def tie_note(tolerance: float) -> str:
    """The one sentence defining a tie."""
    return (f"a margin within ±{tolerance:g} of a party's no-deal value is a tie, not "
            "acceptance")


def zopa_sentence(story: Mapping[str, Any], total: int) -> str:
    """How many packages are acceptable, in the consent rule's words, with ties and
    distinct packages where counted."""
    z = story["zopa"]
    size = z["size"]
    share = 100 * size / total if total else 0.0
    text = (f"Of {total:,} packages (one option per issue), {size:,} ({share:.1f}%) are "
            f"{acceptable_to(story['consent_rule'])}")
    extra = []
    if z.get("distinct") is not None and z["distinct"] < size:
        extra.append(f"they hold {z['distinct']:,} distinct sets of utilities (packages "
                     "with identical utilities are listed once, with their alternatives)")
    if z.get("ties"):
        extra.append(f"{z['ties']:,} of them rest on a tie (a needed party within "
                     f"±{_tolerance(story):g} of its no-deal value)")
    return text + ("; " + "; ".join(extra) if extra else "") + "."


def _tolerance(story: Mapping[str, Any]) -> float:
    for p in story.get("packages", []):
        return float(p["tolerance"])
    from detente.deals.story import TIE_TOLERANCE

    return TIE_TOLERANCE


def consent_text(package: Mapping[str, Any]) -> str:
    """Who must consent to one package and why: ``UKR, USA (vetoes on tomahawks,
    drones)``, or ``every party (no vetoes declared)``."""
    if package["consent_rule"] == "everyone":
        return "every party (no vetoes declared)"
    parts = []
    for actor in package["consent_of"]:
        why = package["parties"][actor]["why"]
        parts.append(f"{actor} (veto on {', '.join(why)})" if why else actor)
    return "; ".join(parts) or "nobody"


def margins_text(package: Mapping[str, Any], *, needed_only: bool = False) -> str:
    """``UKR +0.155, USA +0.078`` (needed parties), then the others in brackets."""
    parties = package["parties"]
    needed = [f"{a} {v['margin']:+.3f}{'=' if v['standing'] == 'tie' else ''}"
              for a, v in parties.items() if v["needed"]]
    text = ", ".join(needed)
    if not needed_only:
        rest = [f"{a} {v['margin']:+.3f}" for a, v in parties.items() if not v["needed"]]
        if rest:
            text += f" (consent not needed: {', '.join(rest)})"
    return text


def verdict_text(package: Mapping[str, Any]) -> str:
    """``acceptable to every party whose consent is needed``, or why not."""
    v = package["verdict"]
    if v == "acceptable":
        return acceptable_to(package["consent_rule"])
    if v == "tie":
        return (f"{VERDICT['tie']}: {', '.join(package['ties'])} within "
                f"±{package['tolerance']:g} of no deal")
    reasons = [f"{a} {STANDING['refuses']}" for a in package["refused_by"]]
    reasons += [f"{a} {STANDING['tie']}" for a in package["ties"]]
    reasons += [f"crosses {r}" for r in package["red_lines"]]
    reasons += [f"breaks {t}" for t in package["linkages"]]
    return f"{VERDICT['not_acceptable']}: {'; '.join(reasons) or 'moves nothing'}"


def survival_text(package: Mapping[str, Any], draws: int | None = None) -> str:
    """``survives in 92% of 500 draws`` (empty when not computed)."""
    s = package.get("survival")
    if s is None:
        return ""
    of = f" of {draws:,} draws" if draws else " of the draws"
    return f"stays {acceptable_to(package['consent_rule'])} in {s:.0%}{of}"


def options_text(options: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in options.items())


def alternatives_text(package: Mapping[str, Any]) -> str:
    """``or: donetsk=freeze-line, …`` for packages with identical utilities (empty when
    none)."""
    alts: Sequence[Mapping[str, str]] = package.get("alternatives") or ()
    if not alts:
        return ""
    return "same utilities for every party: " + " | ".join(
        options_text(_changed(package["options"], a)) for a in alts)


def _changed(first: Mapping[str, str], other: Mapping[str, str]) -> dict[str, str]:
    """The options of ``other`` that differ from ``first`` (all, when none differ)."""
    diff = {k: v for k, v in other.items() if first.get(k) != v}
    return diff or dict(other)


def coverage_text(coverage: float | None, level: float) -> str:
    """``80% interval (measured coverage 78% on DEU)`` or ``80% interval (coverage not
    measured)``."""
    if coverage is None:
        return f"{level:.0%} interval (its coverage not measured on real outcomes)"
    return f"{level:.0%} interval (measured coverage {coverage:.0%} on held-out real outcomes)"


__all__ = [
    "ACCEPTABLE_TO",
    "CONSENT_RULE",
    "SHARE_AGREED",
    "SHARE_AGREED_MEANING",
    "STANDING",
    "SURVIVAL",
    "VERDICT",
    "acceptable_to",
    "alternatives_text",
    "consent_text",
    "coverage_text",
    "input_words",
    "margins_text",
    "options_text",
    "survival_text",
    "tie_note",
    "verdict_text",
    "zopa_sentence",
]


INPUT_KINDS = {"position": "position on", "salience": "salience of", "capability": "capability"}


def input_words(input_id: str, scenario: Any = None) -> str:
    """An input id of the sensitivity tools in words: ``position[UKR, donetsk]`` →
    "Ukraine: position on Donetsk territory", ``capability[RUS]`` → "Russia: capability"
    (names from the scenario; the id as it is when it has another form)."""
    import re

    found = re.fullmatch(r"(\w+)\[([^,\]]+)(?:,\s*([^\]]+))?\]", input_id.strip())
    if found is None or scenario is None:
        return input_id
    kind, actor, issue = found.group(1), found.group(2).strip(), found.group(3)
    who = scenario.actor(actor).name if actor in scenario.actor_ids else actor
    if issue is None:
        return f"{who}: {INPUT_KINDS.get(kind, kind)}"
    issue = issue.strip()
    what = scenario.issue(issue).name if issue in scenario.issue_ids else issue
    return f"{who}: {INPUT_KINDS.get(kind, kind)} {what}"
