"""Phased plans: in what order to implement a deal so that nobody gains by defecting.

**Gains.** Implementing issue ``i`` of deal ``x`` (moving it from the
reference, the status quo, to ``x_i``) changes actor ``a``'s utility by
``g_ai = w_ai (v_ai(x_i) − v_ai(r_i))``; issues the deal leaves at the
reference are not phased. A plan is an ordered partition of the changed issues
into phases ``P_1 … P_K``; after phase ``k`` actor ``a`` has the cumulative
gain ``G_a(k) = Σ_{i ∈ P_1 ∪ … ∪ P_k} g_ai`` and at the end ``G_a(K) = Σ_i g_ai``.

**Defection model** (one-shot deviation, simultaneous moves within a phase).
Each phase's moves are made at the same time. An actor that defects in phase
``k`` keeps everything implemented before, receives the phase-``k`` moves
that favour it (the others act in good faith), withholds those that cost it,
and the rest of the plan is cancelled (those issues stay at the reference):

    D_a(k) = G_a(k−1) + Σ_{i ∈ P_k} max(g_ai, 0).

Walking away at the start gives the BATNA gain ``β_a = batna_a − u_a(r)``.
A plan is **self-enforcing** when, for every actor and every phase, seeing the
plan through is worth at least defecting then:

    G_a(K) ≥ max(β_a, max_k D_a(k)).

Consequences: a phase's costs must be outweighed by what the later phases
still hold for the actor, so the last phase must cost nobody anything; the
gradualism of a Gaza-style phased plan is exactly this ordering problem.

**Guarantees.** Where a plan is not self-enforcing, actor ``a`` needs
``t_a = max(0, max(β_a, max_k D_a(k)) − G_a(K))`` more at completion, held in
escrow and lost on defection (a side payment deposited up front by the
others, or a security guarantee by an outside power). The total ``T = Σ_a
t_a`` (utility units, assuming transferable utility) is the smallest such
transfer that makes the plan self-enforcing; plans are ranked by it, then by
fewer phases. Note that ``D_a(K) ≥ G_a(K)`` always, with equality only when
the last phase costs ``a`` nothing: a payment promised by a party at the end is
no more credible than its other last-phase moves, which is why the transfer
must be escrowed.

**Structure.** In a scenario with structure (``problem.rules``) only an
acceptable deal is phased (else a :class:`~detente.errors.DetenteError` says
which red line, linkage or veto it fails); every issue the deal moves from
no deal is a step, even at zero utility gain (a ceasefire on the current line
is delivered, unlike no agreement); and a plan is kept only if no phase leaves
a linkage broken — a conditional offer is delivered in the same phase as, or
after, what it is conditional on. Only the deal's consenting parties (the
veto holders of the issues it moves) can defect, so self-enforcement and
guarantees are computed over them (others show 0). Each step lists who can
deliver it.

**Search.** Every ordered partition (Fubini number: 541 plans for 5 issues,
47,293 for 7) is evaluated at once with matrix products (chunked), for up to
``max_partition`` (7) changed issues; up to 9, every order with one issue per
phase; beyond, a single greedy order (costly issues early, gains late).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.errors import DetenteError

from .logrolls import gain_table
from .rules import Rules
from .utility import DealProblem

if TYPE_CHECKING:
    from .robust import PlanSurvival


@dataclass(frozen=True)
class Plan:
    """One ordering: phases of issue ids, with its enforcement numbers."""

    phases: tuple[tuple[str, ...], ...]
    shortfall: dict[str, float]
    worst_defection: dict[str, float]

    @property
    def guarantee(self) -> float:
        return float(sum(self.shortfall.values()))

    @property
    def self_enforcing(self) -> bool:
        return self.guarantee <= 1e-12

    def to_dict(self) -> dict[str, Any]:
        return {
            "phases": [list(p) for p in self.phases],
            "self_enforcing": self.self_enforcing,
            "guarantee": self.guarantee,
            "shortfall": self.shortfall,
            "worst_defection": self.worst_defection,
        }


@dataclass(frozen=True, eq=False)
class PhaseReport:
    """The deal, each actor's gain per issue, and the best plans (fewest guarantees first)."""

    deal: dict[str, str]
    actors: tuple[str, ...]
    gains: dict[str, dict[str, float]]
    final_gain: dict[str, float]
    batna_gain: dict[str, float]
    n_plans: int
    n_self_enforcing: int
    plans: tuple[Plan, ...]
    search: str
    n_deliverable: int | None = None
    """Plans left after dropping those that deliver a linked offer before its condition
    (``None``: no structure, every plan)."""
    delivered_by: dict[str, tuple[str, ...]] | None = None
    """Who can deliver each phased issue (with structure)."""
    robust: PlanSurvival | None = None
    """The deal's and each plan's survival across the stated uncertainty, if computed."""
    unchanged: tuple[str, ...] = ()
    """Issues the deal leaves as they are, so not phased: at the status quo (no deal, with
    structure); without structure, issues whose move changes no actor's utility."""

    @property
    def best(self) -> Plan | None:
        """The first plan in the report's order (:attr:`ranked_by`)."""
        return self.plans[0] if self.plans else None

    @property
    def ranked_by(self) -> str:
        """How the plans are ordered."""
        point = "the guarantee needed, then fewer phases"
        if self.robust is None:
            return point
        return (f"{point}; a plan moves up only where it survives more often beyond "
                "sampling error")

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal,
            "gains": self.gains,
            "final_gain": self.final_gain,
            "batna_gain": self.batna_gain,
            "plans_examined": self.n_plans,
            "self_enforcing_plans": self.n_self_enforcing,
            "search": self.search,
            **({"deliverable_plans": self.n_deliverable,
                "delivered_by": {k: list(v) for k, v in self.delivered_by.items()}}
               if self.delivered_by else {}),
            "plans": [p.to_dict() for p in self.plans],
            "unchanged": list(self.unchanged),
            "ranked_by": self.ranked_by,
            **({"robust": self.robust.to_dict()} if self.robust is not None else {}),
        }


def phase_vectors(m: int, max_partition: int = 7, max_permutation: int = 9) -> tuple[np.ndarray,
                                                                                        str]:
    """``φ[P, m]``: the phase of each issue in every candidate plan, and the search used."""
    if m == 0:
        return np.zeros((1, 0), dtype=np.int8), "empty"
    if m <= max_partition:
        grid = np.array(list(itertools.product(range(m), repeat=m)), dtype=np.int8)
        used = np.zeros((len(grid), m), dtype=bool)
        np.put_along_axis(used, grid.astype(np.int64), True, axis=1)
        k = grid.max(axis=1) + 1
        return grid[used.sum(axis=1) == k], "all ordered partitions"
    if m <= max_permutation:
        perms = np.array(list(itertools.permutations(range(m))), dtype=np.int8)
        phi = np.empty_like(perms)
        np.put_along_axis(phi, perms.astype(np.int64), np.arange(m, dtype=np.int8)[None], axis=1)
        return phi, "all orders, one issue per phase"
    return np.empty((0, m), dtype=np.int8), "greedy"


def evaluate_plans(g: np.ndarray, beta: np.ndarray, phi: np.ndarray,
                   chunk: int = 1 << 15) -> tuple[np.ndarray, np.ndarray]:
    """For plans ``φ[P, m]`` and gains ``g[A, m]``: shortfall and worst defection ``[P, A]``.

    ``D_a(k) = Σ_i g_ai [φ_i < k] + Σ_i max(g_ai, 0) [φ_i = k]``; the worst
    defection is ``max(β_a, max_k D_a(k))`` over the plan's phases. ``beta`` is ``[A]``,
    or ``[P, A]`` for a no-deal value of its own per plan row (the outlook prices one
    plan against many paths' reneging values at once).
    """
    n_a, m = g.shape
    final = g.sum(axis=1)
    pos = np.maximum(g, 0.0)
    short = np.empty((len(phi), n_a))
    worst = np.empty((len(phi), n_a))
    for s in range(0, len(phi), chunk):
        f = phi[s:s + chunk].astype(np.int64)
        n_phase = f.max(axis=1) + 1 if m else np.zeros(len(f), dtype=np.int64)
        b = beta if np.ndim(beta) == 1 else beta[s:s + chunk]
        w = np.broadcast_to(b, (len(f), n_a)).copy()
        for k in range(m):
            d = defection_values(g, f, k, pos)
            w = np.where((k < n_phase)[:, None], np.maximum(w, d), w)
        worst[s:s + chunk] = w
        short[s:s + chunk] = np.maximum(0.0, w - final)
    return short, worst


def defection_values(g: np.ndarray, phi: np.ndarray, k: int,
                     pos: np.ndarray | None = None) -> np.ndarray:
    """``D[P, A]``: what defecting in phase ``k`` of plans ``φ[P, m]`` is worth to each
    actor, ``D_a(k) = Σ_i g_ai [φ_i < k] + Σ_i max(g_ai, 0) [φ_i = k]`` (``pos``:
    ``max(g, 0)``, if already at hand)."""
    pos = np.maximum(g, 0.0) if pos is None else pos
    return (phi < k).astype(float) @ g.T + (phi == k).astype(float) @ pos.T


def plan_shortfalls(problem: DealProblem, options: np.ndarray, changed: np.ndarray,
                    phi: np.ndarray, batna: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Shortfall and worst defection ``[P, A]`` of plans ``φ[P, m]`` that phase the issues
    ``changed[m]`` of the deal ``options[I]``, against no-deal values ``batna`` (default
    the problem's): :func:`evaluate_plans` on each actor's gains from the status quo;
    with structure only the parties whose consent the deal needs can defect (the others
    get zeros). The one pricing :func:`phase`, the robust plans and the outlook's
    guarantees use; ``batna`` may be ``[P, A]``, one row per plan row."""
    beta = (problem.batna if batna is None else np.asarray(batna, dtype=float)) - \
        problem.reference.sum(axis=1)
    g = gain_table(problem)[:, changed, options[changed]]  # [A, m]
    if problem.rules is None:
        return evaluate_plans(g, beta, phi)
    party = problem.rules.consenting(options)
    short = np.zeros((len(phi), problem.n_actors))
    worst = np.zeros((len(phi), problem.n_actors))
    short[:, party], worst[:, party] = evaluate_plans(g[party], beta[..., party], phi)
    return short, worst


def phase(
    problem: DealProblem,
    deal: Mapping[str, Any] | str | np.ndarray,
    *,
    top: int = 5,
    max_partition: int = 7,
) -> PhaseReport:
    """Order a deal's issues into phases; rank plans by the guarantee they need."""
    problem.require_additive("phasing a deal")
    options = deal if isinstance(deal, np.ndarray) else problem.parse_deal(deal)
    g_all = gain_table(problem)[:, np.arange(len(options)), options]  # [A, I]
    rules = problem.rules
    if rules is None:
        changed = np.flatnonzero(np.abs(g_all).max(axis=0) > 1e-15)
    else:
        verdict = rules.explain(options, problem.utilities_of(options[None])[0], problem.batna)
        if not verdict.acceptable:
            raise DetenteError("this deal is not acceptable, so it is not phased: "
                               + "; ".join(verdict.reasons()))
        changed = np.flatnonzero(rules.moved(options))  # a ceasefire is a step even at 0 gain
    g = g_all[:, changed]
    beta = problem.batna - problem.reference.sum(axis=1)
    names = [problem.issues[i] for i in changed]
    phi, search = phase_vectors(len(changed), max_partition)
    if search == "greedy":
        order = np.argsort(g.sum(axis=0))  # net costs first, net gains last
        phi = np.empty((1, len(changed)), dtype=np.int64)
        phi[0, order] = np.arange(len(changed))
    n_candidates = len(phi)
    if rules is not None:
        phi = phi[_deliverable(rules, options, changed, phi)]
    short, worst = plan_shortfalls(problem, options, changed, phi)
    total = short.sum(axis=1)
    n_phase = phi.max(axis=1) + 1 if len(changed) else np.ones(len(phi), dtype=np.int64)
    rank = np.lexsort((np.arange(len(phi)), n_phase, np.round(total, 12)))[:top]
    plans = []
    for r in rank:
        phases = tuple(tuple(names[i] for i in np.flatnonzero(phi[r] == k))
                       for k in range(int(n_phase[r])))
        plans.append(Plan(
            phases=phases,
            shortfall={a: float(short[r, k]) for k, a in enumerate(problem.actors)},
            worst_defection={a: float(worst[r, k]) for k, a in enumerate(problem.actors)},
        ))
    return PhaseReport(
        deal=problem.space.labels(options),
        actors=problem.actors,
        gains={a: {names[i]: float(g[k, i]) for i in range(len(names))}
               for k, a in enumerate(problem.actors)},
        final_gain={a: float(g[k].sum()) for k, a in enumerate(problem.actors)},
        batna_gain={a: float(beta[k]) for k, a in enumerate(problem.actors)},
        n_plans=n_candidates,
        n_self_enforcing=int((total <= 1e-12).sum()),
        plans=tuple(plans),
        search=search,
        n_deliverable=len(phi),
        delivered_by=({} if rules is None else
                      {problem.issues[i]: rules.delivered_by(int(i)) for i in changed}),
        unchanged=tuple(x for i, x in enumerate(problem.issues) if i not in set(changed)),
    )


def _deliverable(rules: Rules, options: np.ndarray, changed: np.ndarray,
                 phi: np.ndarray) -> np.ndarray:
    """``ok[P]``: plans after each of whose phases no linkage is broken (a conditional
    offer is delivered only with, or after, what it is conditional on)."""
    ok = np.ones(len(phi), dtype=bool)
    for k in range(phi.shape[1] if phi.size else 0):
        ok &= ~broken_after(rules, options, changed, phi, k).any(axis=1)
    return ok


def broken_after(rules: Rules, options: np.ndarray, changed: np.ndarray, phi: np.ndarray,
                 k: int) -> np.ndarray:
    """``B[P, L]``: the linkages of ``rules`` broken once phases ``0 … k`` of plans
    ``φ[P, m]`` are delivered (the issues ``changed[m]`` of later phases still at no
    deal): an offer delivered before what it is conditional on."""
    ref = np.where(rules.reference >= 0, rules.reference, options)
    rows = np.repeat(options[None, :], len(phi), axis=0)
    rows[:, changed] = np.where(phi <= k, options[changed][None, :], ref[changed][None, :])
    out = np.zeros((len(phi), len(rules.links)), dtype=bool)
    for j, link in enumerate(rules.links):
        out[:, j] = link.offer[rows[:, link.offer_issue]] & ~link.requires[
            rows[:, link.requires_issue]]
    return out


def fubini(m: int) -> int:
    """The number of ordered partitions of ``m`` items (plans examined for ``m`` issues)."""
    return sum(math.factorial(k) * _stirling2(m, k) for k in range(m + 1))


def _stirling2(n: int, k: int) -> int:
    total = sum((-1) ** j * math.comb(k, j) * (k - j) ** n for j in range(k + 1))
    return total // math.factorial(k)
