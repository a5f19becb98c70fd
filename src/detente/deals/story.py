"""One story about a package: who must consent and why, each needed party's margin, whether
it is acceptable, how often it survives.

Every surface that says something about a package (the brief, ``detente deals``,
``detente phase``, the web deals, plans and scenario pages, the JSON) takes it from
:func:`package_story` and words it from :mod:`detente.present.wording`, so none can say
"every party" where vetoes say otherwise, or call a package acceptable that leaves a
needed party below its no-deal value.

For a package ``x`` with utilities ``u_a(x)`` and no-deal values ``β_a``:

- **who must consent**: with structure, each actor holding a veto on an issue ``x``
  moves (an issue without declared vetoes needs everyone); without structure, every
  actor (anyone can walk away and keep ``β_a``). ``why[a]`` lists the moved issues
  that need ``a``;
- **margin** ``m_a = u_a(x) − β_a`` and **standing** of a needed party: ``accepts``
  when ``m_a > τ``, ``tie`` when ``|m_a| <= τ`` (too close to call: the utilities are
  derived from stated positions to a few digits, not measured to 10⁻⁴), ``refuses``
  when ``m_a < −τ``; a party whose consent is not needed is ``not_needed`` whatever its
  margin. ``τ`` is :data:`TIE_TOLERANCE`;
- **acceptable**: the package moves something, crosses no red line, breaks no linkage,
  and every needed party *accepts* (a tie is not acceptance);
- **survival**: the share of draws of the stated uncertainty in which the package stays
  acceptable, where computed (:mod:`detente.deals.robust`).

:func:`collapse` groups packages whose utility vectors are identical (to 1e-9): for every
party they are the same deal, so a list shows one and names the others as alternatives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .utility import DealProblem

TIE_TOLERANCE = 1e-3
"""``τ``: a needed party's margin within ±τ of its no-deal value is a tie, not acceptance
(0.001 on the 0..1 utility scale: the third decimal the tables print)."""

SAME_UTILITY = 1e-9
"""Packages whose utilities differ by no more than this for every actor are collapsed."""

STANDINGS = ("accepts", "tie", "refuses", "not_needed")


def standing(margin: float, needed: bool, tolerance: float = TIE_TOLERANCE) -> str:
    """One party's standing toward a package (see the module docstring)."""
    if not needed:
        return "not_needed"
    if margin > tolerance:
        return "accepts"
    if margin >= -tolerance:
        return "tie"
    return "refuses"


@dataclass(frozen=True)
class PartyStanding:
    """One party toward one package."""

    actor: str
    needed: bool
    why: tuple[str, ...]
    """The moved issues on which the party holds a veto (empty without structure: every
    party's consent is needed because it can keep its no-deal value)."""
    utility: float
    batna: float
    margin: float
    standing: str

    def to_dict(self) -> dict[str, Any]:
        return {"needed": self.needed, "why": list(self.why), "utility": self.utility,
                "batna": self.batna, "margin": self.margin, "standing": self.standing}


@dataclass(frozen=True)
class PackageStory:
    """What every surface says about one package."""

    options: Mapping[str, str]
    structured: bool
    parties: tuple[PartyStanding, ...]
    moves: bool
    red_lines: tuple[str, ...]
    linkages: tuple[str, ...]
    survival: float | None = None
    tolerance: float = TIE_TOLERANCE
    alternatives: tuple[Mapping[str, str], ...] = field(default_factory=tuple)
    fighting_continues: tuple[str, ...] | None = None
    """The fronts on which fighting goes on under the package (empty: a settlement of the
    war; ``None``: the scenario marks no costs of fighting)."""

    @property
    def settlement(self) -> bool | None:
        """Whether the package stops the fighting on every front (``None``: no war
        declared)."""
        return None if self.fighting_continues is None else not self.fighting_continues

    @property
    def consent_of(self) -> tuple[str, ...]:
        return tuple(p.actor for p in self.parties if p.needed)

    def _with(self, which: str) -> tuple[str, ...]:
        return tuple(p.actor for p in self.parties if p.standing == which)

    @property
    def ties(self) -> tuple[str, ...]:
        return self._with("tie")

    @property
    def refused_by(self) -> tuple[str, ...]:
        return self._with("refuses")

    @property
    def structural_ok(self) -> bool:
        return self.moves and not self.red_lines and not self.linkages

    @property
    def acceptable(self) -> bool:
        """Every needed party accepts (beyond the tie tolerance), structure kept."""
        return self.structural_ok and not self.ties and not self.refused_by

    @property
    def verdict(self) -> str:
        """``acceptable``, ``tie`` (acceptable but for a needed party's tie) or
        ``not_acceptable``: a code, worded by :mod:`detente.present.wording`."""
        if self.acceptable:
            return "acceptable"
        if self.structural_ok and self.ties and not self.refused_by:
            return "tie"
        return "not_acceptable"

    @property
    def smallest_margin(self) -> tuple[str, float] | None:
        """The needed party with the smallest margin, and that margin."""
        needed = [p for p in self.parties if p.needed]
        if not needed:
            return None
        worst = min(needed, key=lambda p: p.margin)
        return worst.actor, worst.margin

    @property
    def below_no_deal(self) -> tuple[str, ...]:
        """Parties (needed or not) whose margin is negative: they would rather have no
        deal, which blocks the package only when their consent is needed."""
        return tuple(p.actor for p in self.parties if p.margin < 0)

    def to_dict(self) -> dict[str, Any]:
        worst = self.smallest_margin
        return {
            "options": dict(self.options),
            "verdict": self.verdict,
            "acceptable": self.acceptable,
            "consent_of": list(self.consent_of),
            "consent_rule": "vetoes" if self.structured else "everyone",
            "parties": {p.actor: p.to_dict() for p in self.parties},
            "ties": list(self.ties),
            "refused_by": list(self.refused_by),
            "red_lines": list(self.red_lines),
            "linkages": list(self.linkages),
            "smallest_margin": None if worst is None else {"actor": worst[0],
                                                           "margin": worst[1]},
            "tolerance": self.tolerance,
            "survival": self.survival,
            "alternatives": [dict(a) for a in self.alternatives],
            **({} if self.fighting_continues is None else {
                "war": {"fighting_continues": list(self.fighting_continues),
                        "settlement": self.settlement}}),
        }


def package_story(problem: DealProblem, options: np.ndarray | Mapping[str, Any] | str, *,
                  survival: float | None = None,
                  tolerance: float = TIE_TOLERANCE) -> PackageStory:
    """The story of one package (option indices ``[I]``, or anything
    :meth:`DealProblem.parse_deal` reads)."""
    row = np.asarray(options if isinstance(options, np.ndarray)
                     else problem.parse_deal(options), dtype=np.int64)
    u = problem.utilities_of(row[None])[0]
    beta = problem.batna
    rules = problem.rules
    if rules is not None:
        moved = rules.moved(row)
        need = rules.consenting(row)
        verdict = rules.explain(row, u, beta)
        why = [tuple(problem.issues[i] for i in np.flatnonzero(moved & rules.veto[:, a]))
               for a in range(problem.n_actors)]
        moves, red, links = verdict.moves, verdict.red_lines, verdict.linkages
    else:
        need = np.ones(problem.n_actors, dtype=bool)
        why = [()] * problem.n_actors
        moves, red, links = True, (), ()
    parties = tuple(
        PartyStanding(a, bool(need[k]), why[k], float(u[k]), float(beta[k]),
                      float(u[k] - beta[k]), standing(float(u[k] - beta[k]), bool(need[k]),
                                                      tolerance))
        for k, a in enumerate(problem.actors))
    fighting = None
    if problem.fighting is not None:  # what the package leaves of the war
        from .fighting import fighting_under

        state = fighting_under(problem, row)
        fighting = tuple(f for f, on in zip(state.fronts, state.continues, strict=True) if on)
    return PackageStory(options=problem.space.labels(row), structured=rules is not None,
                        parties=parties, moves=moves, red_lines=tuple(red),
                        linkages=tuple(links), survival=survival, tolerance=tolerance,
                        fighting_continues=fighting)


def collapse(stories: Sequence[PackageStory], keep: int | None = None) -> list[PackageStory]:
    """Stories with identical utility vectors merged: the first of each group stays, the
    others become its ``alternatives`` (in order); at most ``keep`` groups."""
    out: list[PackageStory] = []
    utils: list[np.ndarray] = []
    for s in stories:
        vec = np.array([p.utility for p in s.parties])
        for k, seen in enumerate(utils):
            if np.all(np.abs(seen - vec) <= SAME_UTILITY):
                first = out[k]
                out[k] = PackageStory(**{**first.__dict__, "alternatives": (
                    *first.alternatives, s.options, *s.alternatives)})
                break
        else:
            out.append(s)
            utils.append(vec)
    return out if keep is None else out[:keep]


def stories(problem: DealProblem, rows: Iterable[np.ndarray],
            survival: Iterable[float | None] | None = None) -> list[PackageStory]:
    """:func:`package_story` of each row (with its survival, when given)."""
    rows = list(rows)
    surv = list(survival) if survival is not None else [None] * len(rows)
    return [package_story(problem, r, survival=s) for r, s in zip(rows, surv, strict=True)]


def distinct_count(problem: DealProblem, rows: np.ndarray) -> int:
    """How many distinct utility vectors the packages ``rows[S, I]`` hold."""
    if not len(rows):
        return 0
    u = np.round(problem.utilities_of(np.asarray(rows)) / SAME_UTILITY) * SAME_UTILITY
    return len(np.unique(u, axis=0))




ZOPA_LIMIT = 1 << 20
"""Largest deal space whose acceptable packages :func:`zopa_members` lists (to count ties
and distinct utility vectors among them); larger spaces say ``None``."""


def zopa_members(problem: DealProblem, chunk: int = 1 << 16) -> np.ndarray | None:
    """Option rows of every package in the ZOPA (acceptable at the point estimate), or
    ``None`` when the space is larger than :data:`ZOPA_LIMIT`."""
    from .acceptability import acceptable

    if problem.space.size > ZOPA_LIMIT:
        return None
    parts = [np.zeros((0, len(problem.issues)), dtype=np.int64)]
    for index in problem.space.chunks(chunk):
        opts = problem.space.decode(index)
        parts.append(opts[acceptable(problem, opts)])
    return np.concatenate(parts)


def zopa_summary(problem: DealProblem, size: int) -> dict[str, Any]:
    """The ZOPA as a story: its size, how many of its packages rest on a tie of a needed
    party, how many are clearly acceptable, how many distinct utility vectors they hold
    (``None`` for the last three when the space is too large to list)."""
    rows = zopa_members(problem)
    if rows is None:
        return {"size": size, "ties": None, "clear": None, "distinct": None}
    told = stories(problem, rows)
    ties = sum(1 for s in told if s.ties)
    return {"size": len(rows), "ties": ties, "clear": len(rows) - ties,
            "distinct": distinct_count(problem, rows)}


__all__ = ["SAME_UTILITY", "STANDINGS", "TIE_TOLERANCE", "ZOPA_LIMIT", "PackageStory",
           "PartyStanding", "collapse", "distinct_count", "package_story", "standing",
           "stories", "zopa_members", "zopa_summary"]
