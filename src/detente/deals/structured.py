"""Frontier and bargaining solutions over the *acceptable* deals of a structured scenario.

**Frontier.** The acceptable set (see :mod:`detente.deals.rules`) is not a
product of per-issue option sets — consent depends on which issues move and a
linkage couples two issues — but it is a disjoint union of products. Split
the space by which issues move (``2^I`` patterns: each issue either at its
no-deal option or at one of its other options that crosses no red line) and,
for each linkage, by whether its offer's condition holds (if it does, the
requirement's issue is cut to the options meeting the requirement) and, on an
issue whose options lift some actors' measures (``lifted_by``), by whose
measures the option lifts. In each cell the consenting parties are fixed,
so :func:`~detente.deals.pareto.deal_frontier` runs on the cut tables with the
floor ``β_a`` for the parties and ``−∞`` for everyone else; the frontier of the
union is the frontier of the cells' frontiers. Exact; up to ``MAX_ISSUES`` issues.

**Solutions.** With ``g_a = u_a − β_a`` and ``P(x)`` the consenting parties of
deal ``x`` (each weighted ``ω_a``: 1, or 1/(bloc size) so that a bloc counts
once), over the acceptable frontier deals:

- nash: ``argmax Σ_{a∈P} ω_a log g_a / Σ_{a∈P} ω_a`` (the weighted geometric mean of
  the parties' gains, so that deals needing different parties compare on one footing;
  with every actor a party and no bloc it is the symmetric Nash product);
- asymmetric_nash: the same with ``ω_a`` = capability;
- kalai_smorodinsky: ``argmax min_{a∈P} g_a / (b_a − β_a)``, ``b`` the best utility
  over the acceptable frontier;
- egalitarian: ``argmax min_{a∈P} g_a``;
- utilitarian: ``argmax Σ_a ω_a u_a`` over every actor (welfare, a bloc once).

Ties: larger total utility, then the earlier deal.
"""

from __future__ import annotations

import itertools

import numpy as np

from detente.errors import DetenteError

from .pareto import deal_frontier, pareto_mask
from .rules import Rules
from .utility import DealProblem

MAX_ISSUES = 12


def acceptable_frontier(problem: DealProblem, batna: np.ndarray | None = None
                        ) -> tuple[np.ndarray, np.ndarray]:
    """``(options[S, I], U[S, A])``: the Pareto frontier of the acceptable deals, sorted
    by total utility descending, then by option indices (as ``deal_frontier``)."""
    rules = problem.rules
    assert rules is not None
    if problem.keys is not None or not problem.additive:
        raise DetenteError("the structure (vetoes, red lines, linkages, pressures) is applied "
                           "to utilities from positions and saliences; these are stated "
                           "utilities (e.g. GENIUS), which it does not support")
    beta = problem.batna if batna is None else np.asarray(batna, dtype=float)
    n_i, n_a = len(problem.issues), problem.n_actors
    if n_i > MAX_ISSUES:
        raise DetenteError(f"the deal analysis of a structured scenario handles up to "
                           f"{MAX_ISSUES} issues; this one has {n_i}")
    moving, staying = _option_sets(problem, rules)
    found_o, found_u = [], []
    for pattern in itertools.product((False, True), repeat=n_i):
        if not any(pattern):
            continue  # moving nothing is no deal
        allowed = [moving[i] if m else staying[i] for i, m in enumerate(pattern)]
        if any(len(a) == 0 for a in allowed):
            continue
        moved = np.asarray(pattern, dtype=np.int64) @ rules.veto.astype(np.int64) > 0
        for cut, lifted in _lift_cells(rules, _linkage_cells(rules, allowed)):
            floor = np.where(moved | lifted, beta, -np.inf)
            tables = [problem.tables[i][cut[i]] for i in range(n_i)]
            opts, util = deal_frontier(tables, floor)
            if len(opts):
                found_o.append(np.stack([cut[i][opts[:, i]] for i in range(n_i)], axis=1))
                found_u.append(util)
    if not found_o:
        return np.zeros((0, n_i), dtype=np.int64), np.zeros((0, n_a))
    opts, util = np.concatenate(found_o), np.concatenate(found_u)
    keep = pareto_mask(util)
    opts, util = opts[keep], util[keep]
    order = np.lexsort(tuple(opts.T[::-1]) + (-util.sum(axis=1),))
    return opts[order], util[order]


def _option_sets(problem: DealProblem, rules: Rules) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per issue: the options that move it without crossing a red line, and its no-deal
    option (empty when it has none)."""
    moving, staying = [], []
    for i, crosses in enumerate(rules.crosses):
        n = problem.space.sizes[i]
        ref = int(rules.reference[i])
        ok = np.asarray(~crosses.any(axis=1))
        if ref >= 0:
            ok[ref] = False
        moving.append(np.flatnonzero(ok))
        staying.append(np.array([ref] if ref >= 0 else [], dtype=np.int64)[: n])
    return moving, staying


def _linkage_cells(rules: Rules, allowed: list[np.ndarray]):
    """The allowed option sets cut by each linkage (offer holds and requirement met, or
    offer does not hold): a disjoint cover of the deals that break no linkage."""
    for truth in itertools.product((False, True), repeat=len(rules.links)):
        cut = list(allowed)
        for link, holds in zip(rules.links, truth, strict=True):
            o = cut[link.offer_issue]
            cut[link.offer_issue] = o[link.offer[o] == holds]
            if holds:
                r = cut[link.requires_issue]
                cut[link.requires_issue] = r[link.requires[r]]
        if all(len(c) for c in cut):
            yield cut


def _lift_cells(rules: Rules, cells):
    """Each cell cut further, on every issue whose options lift actors' measures, by
    whose measures its options lift (``Rules.lifts``): ``(cut, lifted[A])``, ``lifted``
    the actors whose consent the cut's lifting options need."""
    n_a = len(rules.actors)
    lifting = [i for i, t in enumerate(rules.lifts) if t.any()]
    for cut in cells:
        groups = []
        for i in lifting:
            rows = rules.lifts[i][cut[i]]
            keys = {tuple(r) for r in rows.tolist()}
            groups.append([(cut[i][(rows == np.array(k)).all(axis=1)], np.array(k, dtype=bool))
                           for k in sorted(keys)])
        for combo in itertools.product(*groups):
            out, lifted = list(cut), np.zeros(n_a, dtype=bool)
            for i, (opts, who) in zip(lifting, combo, strict=True):
                out[i] = opts
                lifted |= who
            yield out, lifted


# ---- solutions -------------------------------------------------------------------------


def party_scores(problem: DealProblem, options: np.ndarray, util: np.ndarray,
                 batna: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Each solution's score of acceptable deals ``options[S, I]`` (see module docstring):
    ``[S]``, or ``[..., S]`` for no-deal values ``batna[..., A]`` (one row per set of
    no-deal values, as the outlook scores many paths at once); ``util`` may be
    ``[..., S, A]`` too (utilities that move with each row's pressures)."""
    rules = problem.rules
    assert rules is not None
    beta = problem.batna if batna is None else np.asarray(batna, dtype=float)
    beta = beta[..., None, :]  # [..., 1, A] against the deals' [S, A]
    need = rules.consenting(options)
    gain = util - beta
    safe = np.where(need, np.clip(gain, 1e-300, None), 1.0)
    log_g = np.log(safe)

    def mean_log(weight: np.ndarray) -> np.ndarray:
        w = np.where(need, weight[None, :], 0.0)
        total = w.sum(axis=1)
        mean = (w * log_g).sum(axis=-1)
        return np.where(total > 0, mean / np.where(total > 0, total, 1.0), -np.inf)

    best = (util.max(axis=-2, keepdims=True) if util.shape[-2]
            else np.zeros((1, problem.n_actors)))
    span = np.where(best - beta > 0, best - beta, 1.0)
    return {
        "nash": mean_log(rules.party_weight),
        "asymmetric_nash": mean_log(problem.capability),
        "kalai_smorodinsky": np.where(need, gain / span, np.inf).min(axis=-1),
        "egalitarian": np.where(need, gain, np.inf).min(axis=-1),
        "utilitarian": np.broadcast_to(util @ rules.party_weight, gain.shape[:-1]),
    }


def structured_solutions(problem: DealProblem, options: np.ndarray, util: np.ndarray,
                         batna: np.ndarray | None = None) -> dict[str, int | None]:
    """The row of each solution among acceptable deals (``None`` if there are none)."""
    if not len(util):
        return {name: None for name in party_scores(problem, options, util, batna)}
    beta = problem.batna if batna is None else np.asarray(batna, dtype=float)
    picks = solution_rows(problem, options, util, beta[None, :])
    return {name: int(rows[0]) for name, rows in picks.items()}


def solution_rows(problem: DealProblem, options: np.ndarray, util: np.ndarray,
                  batna: np.ndarray, among: np.ndarray | None = None
                  ) -> dict[str, np.ndarray]:
    """``rows[k]``: each solution's row among the acceptable deals ``options[S, I]``
    (``S >= 1``) for each of ``k`` sets of no-deal values ``batna[k, A]`` (utilities
    ``util[S, A]`` or ``[k, S, A]``): the best score, within a relative ``1e-12``, then
    the larger total utility, then the earlier deal. ``among[k, S]``: for each row, the
    deals it chooses from (its frontier; default all); a coordinate's best over a set
    equals its best over the set's frontier, so the Kalai–Smorodinsky ideal is the
    same whichever of the two ``util`` holds."""
    scores = party_scores(problem, options, util, batna)
    total = util.sum(axis=-1)
    out: dict[str, np.ndarray] = {}
    for name, score in scores.items():
        if among is not None:
            score = np.where(among, score, -np.inf)
        top = score.max(axis=-1, keepdims=True)
        finite = np.isfinite(top)
        tol = np.where(finite, 1e-12 * np.maximum(1.0, np.abs(np.where(finite, top, 0.0))),
                       0.0)
        near = score >= top - tol
        if among is not None:
            near &= among
        out[name] = np.argmax(np.where(near, total, -np.inf), axis=-1)
    return out
