"""Holding, not only signing: whether an agreed package survives the commitment problem.

After an agreement in month ``t*`` the pressures move by the stated post-agreement
trends (rearmament during a ceasefire, revenue restored by sanctions relief), and each
party's value of reneging — going back to fighting — is its no-deal value at those
pressures, judged ``H`` months ahead at the trend it expected when it agreed,
``R_a(s)`` for ``s = 1 … M`` months (:mod:`detente.outlook.paths`). A party
*prefers to renege* within ``M`` months when ``max_s R_a(s) > u_a(x)`` (Fearon 1995;
Powell 2006: a shift in power that the agreement cannot bind). The package *holds*
on a path when no party whose consent it needs prefers to renege.

**Guarantees by phase.** Implementing the package in phases adds the defection
incentives of :mod:`detente.deals.phasing`; the guarantee party ``a`` needs for plan
``φ`` on a path is ``phase``'s own arithmetic with the reneging value as the no-deal
value (:func:`detente.deals.phasing.plan_shortfalls`):

    t_a = max(0, max(R_a − r_a, max_k D_a(k)) − G_a(K)),

``r_a`` the status quo's utility (gains are measured from it). The reported guarantee
for ``a`` is the ``coverage`` quantile of ``t_a`` over the paths that agree on the
package (held in escrow by a guarantor, lost on defection); with those guarantees in
escrow the plan holds on the share of paths reported beside it.

**Named guarantors.** Where the scenario names guarantors (``Issue.guarantors``, each with
its credibility ``c_g``), each of them other than party ``a`` itself pledges the face
value

    F_a = t_a / C_{−a},   C_{−a} = 1 − Π_{g ≠ a} (1 − c_g),

to party ``a``: ``a`` counts a pledge at the chance that at least one guarantor delivers,
the beneficiary's rule of :mod:`detente.deals.guarantees`
(:func:`~detente.deals.guarantees.combined_credibility`), so the pledges are worth
``C_{−a} F_a = t_a`` to it — the guarantee ``phase``'s arithmetic asks for. A party no
guarantor can credibly cover (``C_{−a} = 0``) is listed as *unpledged*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.deals.guarantees import combined_credibility
from detente.deals.phasing import phase, plan_shortfalls
from detente.deals.utility import DealProblem

TOL = 1e-12


def holds(utility: np.ndarray, consent: np.ndarray, renege: np.ndarray) -> np.ndarray:
    """``[n]``: no consenting party prefers reneging, ``R_a ≤ u_a`` for each party ``a``
    (``utility``, ``consent`` and ``renege`` are ``[n, A]``)."""
    return np.asarray((~consent | (renege <= utility + TOL)).all(axis=1))


@dataclass(frozen=True)
class PlanGuarantee:
    """One phased plan of an agreed package across the paths that agree on it."""

    phases: tuple[tuple[str, ...], ...]
    self_enforcing: float
    """Share of those paths on which the plan needs no guarantee."""
    guarantee: dict[str, float]
    """Per party, the escrowed guarantee it needs (``coverage`` quantile over paths)."""
    holds_guaranteed: float
    """Share of those paths on which the plan holds with these guarantees."""
    pledges: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per named guarantor, the face value it pledges to each party needing a guarantee
    (:func:`guarantor_pledges`); empty where the scenario names no guarantor."""
    unpledged: tuple[str, ...] = ()
    """Parties needing a guarantee that no named guarantor can credibly give."""

    @property
    def total(self) -> float:
        return float(sum(self.guarantee.values()))

    def to_dict(self) -> dict[str, Any]:
        return {"phases": [list(p) for p in self.phases], "self_enforcing": self.self_enforcing,
                "guarantee": self.guarantee, "total": self.total,
                "holds_with_guarantee": self.holds_guaranteed,
                "by_guarantor": self.pledges, "unpledged": list(self.unpledged)}


def guarantor_pledges(need: Mapping[str, float], guarantors: Mapping[str, float]
                      ) -> tuple[dict[str, dict[str, float]], tuple[str, ...]]:
    """What each named guarantor (``guarantors``: actor -> credibility) pledges to each party
    ``a`` needing ``need[a] > 0``: ``F_a = t_a / C_{−a}`` (module docstring), and the
    parties no guarantor can credibly cover. Guarantors pledging nothing are left out."""
    pledges: dict[str, dict[str, float]] = {}
    unpledged = []
    for party, t in need.items():
        if t <= TOL:
            continue
        others = {g: c for g, c in guarantors.items() if g != party and c > 0}
        if not others:
            unpledged.append(party)
            continue
        face = t / combined_credibility(others.values())
        for g in others:
            pledges.setdefault(g, {})[party] = face
    order = list(guarantors)
    return {g: pledges[g] for g in order if g in pledges}, tuple(unpledged)


def plan_guarantees(problem: DealProblem, options: np.ndarray, batna: np.ndarray,
                    renege: np.ndarray, *, coverage: float, top: int = 3,
                    guarantors: Mapping[str, float] | None = None) -> list[PlanGuarantee]:
    """The ``top`` plans :func:`detente.deals.phasing.phase` ranks for the package
    ``options[I]`` at the no-deal values ``batna[A]`` of a month it was agreed, each
    priced against every path's reneging values ``renege[n, A]``, and what each named
    guarantor (``guarantors``: actor -> credibility) would pledge for it."""
    report = phase(problem.with_batna(batna), options, top=top)
    order = [i for p in (report.plans[0].phases if report.plans else ()) for i in p]
    changed = np.array([problem.issues.index(i) for i in order], dtype=np.int64)
    out = []
    for plan in report.plans:
        phi = np.array([[next(k for k, ph in enumerate(plan.phases) if i in ph)
                         for i in order]], dtype=np.int64)
        short, _ = plan_shortfalls(problem, options, changed,
                                   np.repeat(phi, len(renege), axis=0), batna=renege)
        need = np.quantile(short, coverage, axis=0, method="higher") if len(short) else \
            np.zeros(problem.n_actors)
        guarantee = {a: float(need[k]) for k, a in enumerate(problem.actors)}
        pledges, unpledged = guarantor_pledges(guarantee, guarantors or {})
        out.append(PlanGuarantee(
            phases=plan.phases,
            self_enforcing=float((short.sum(axis=1) <= TOL).mean()) if len(short) else 0.0,
            guarantee=guarantee,
            holds_guaranteed=float((short <= need + TOL).all(axis=1).mean())
            if len(short) else 0.0,
            pledges=pledges, unpledged=unpledged if guarantors else (),
        ))
    return out
