"""The packages that can ever be agreed, whatever the no-deal values.

(With costs of fighting, packages are also grouped by which costs they keep: two that
keep the same costs move together as the pressures move, so dominance between them
holds at every level; see :mod:`detente.outlook.fighting`.)

In any month the deal tools' answer is the bargaining solution over the Pareto
frontier of the *acceptable* packages (:func:`detente.deals.acceptable`). A package
``x`` dominated by a package ``y`` that needs the consent of the same parties (and
crosses no red line, breaks no linkage) can never be on that frontier: whenever ``x``
is acceptable so is ``y``. So the candidates are, per set of consenting parties, the
Pareto frontier of the structurally admissible packages (without structure: the
Pareto frontier of every package), and in each month the frontier of the acceptable
candidates equals the frontier of all acceptable packages — the same set and the same
order (total utility descending, then option indices) as
:func:`detente.deals.structured.acceptable_frontier` gives, so the bargaining
solutions pick the same package.

With ``settlements_only`` only settlements are enumerated — packages under which no
fighting continues on any front (:func:`detente.deals.fighting.settles`, the deal layer's
rule) — before the frontiers are taken, so a settlement dominated only by a package that
leaves fighting on stays a candidate. A scenario that says nothing of fighting has every
package a settlement, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.deals.acceptability import acceptable
from detente.deals.fighting import settles
from detente.deals.pareto import pareto_mask
from detente.deals.utility import DealProblem
from detente.errors import DetenteError

from .fighting import runs_key

MAX_OUTLOOK_DEALS = 1 << 18
"""Largest deal space the outlook enumerates once to find its candidates."""


@dataclass(frozen=True, eq=False)
class Candidates:
    """``options[C, I]`` and their utilities ``utility[C, A]``, in frontier order."""

    options: np.ndarray
    utility: np.ndarray

    def __len__(self) -> int:
        return len(self.options)


def candidates(problem: DealProblem, *, settlements_only: bool = False) -> Candidates:
    """The packages that may be on an acceptable frontier at some no-deal values (only
    settlements, with ``settlements_only``; see the module docstring)."""
    if problem.keys is not None or not problem.additive:
        raise DetenteError("the outlook needs utilities from positions and saliences; these "
                           "are stated utilities (e.g. GENIUS), which it does not support")
    size = problem.space.size
    if size > MAX_OUTLOOK_DEALS:
        raise DetenteError(f"the outlook enumerates the deal space once; this one has "
                           f"{size:,} deals, the limit is {MAX_OUTLOOK_DEALS:,} (fewer "
                           "options per issue, or fewer issues)")
    every = problem.space.decode(np.arange(size, dtype=np.int64))
    if settlements_only:
        every = every[settles(problem, every)]
    rules = problem.rules
    if rules is not None:
        every = every[rules.structural_ok(every)]
        consent = rules.consenting(every)
    else:
        consent = np.ones((len(every), problem.n_actors), dtype=bool)
    util = problem.utilities_of(every)
    keep = np.zeros(len(every), dtype=bool)
    # packages keeping different costs of fighting move apart as the pressures move
    key = np.concatenate([consent, runs_key(problem, every)], axis=1)
    groups, label = np.unique(key, axis=0, return_inverse=True)
    for g in range(len(groups)):
        rows = np.flatnonzero(label.ravel() == g)
        keep[rows[pareto_mask(util[rows])]] = True
    opts, util = every[keep], util[keep]
    order = np.lexsort(tuple(opts.T[::-1]) + (-util.sum(axis=1),))
    return Candidates(opts[order], util[order])


def moving_actors(problem: DealProblem) -> np.ndarray:
    """``[A]``: the actors whose no-deal value moves over the months or across paths
    (pressured, or drawn from a stated distribution); the others' stays the problem's.
    Only these actors' utilities move with the costs of fighting a package keeps (the
    deal problem's borne effects are those of pressured actors)."""
    moving = problem.pressured.copy()
    for a, dist in enumerate(problem.batna_dist or ()):
        if dist is not None and not problem.batna_provenance[a].given:
            moving[a] = True
    return moving


def reachable(problem: DealProblem, cand: Candidates) -> Candidates:
    """The candidates that can be acceptable in some month: the deal tools' test with the
    no-deal values that move over the months (:func:`moving_actors`) at −∞ and the
    others as they are — a candidate refused by an actor whose no-deal value never moves
    is refused in every month of every path."""
    moving = moving_actors(problem)
    if not len(cand):
        return cand
    floor = np.where(moving, -np.inf, problem.batna)
    keep = acceptable(problem, cand.options, floor)
    return Candidates(cand.options[keep], cand.utility[keep])


def needing(problem: DealProblem, cand: Candidates, parties: tuple[str, ...]) -> Candidates:
    """The candidates whose consent set holds every one of ``parties`` (without structure
    every package needs everyone)."""
    if problem.rules is None or not len(cand):
        return cand
    need = problem.rules.consenting(cand.options)
    cols = [problem.actors.index(a) for a in parties]
    keep = need[:, cols].all(axis=1)
    return Candidates(cand.options[keep], cand.utility[keep])


def deciders(problem: DealProblem, cand: Candidates) -> np.ndarray:
    """Indices (ascending) of the candidates that decide whether *any* candidate is
    acceptable on a path in a month — the same answer as testing every candidate, at a
    fraction of the cost.

    For a reachable candidate ``x`` (:func:`reachable`: it structurally passes and every
    actor whose no-deal value never moves accepts it) the deal tools' test reduces to
    ``u_a(x) + k_a(x) > β_a(n, t)`` for each *moving* actor ``a`` whose consent ``x``
    needs (:func:`moving_actors`; ``k`` the costs of fighting it keeps,
    :mod:`detente.outlook.fighting`). Group the candidates by that set of actors and by
    the costs they keep (``k`` is then the same for all of a group): if ``y`` in the
    group has ``u_a(y) ≥ u_a(x)`` for every such actor, ``x`` acceptable implies ``y``
    acceptable, so "some candidate is acceptable" needs only each group's Pareto
    frontier on the moving actors' utilities, one of each set of equal points. (The
    terms need the whole acceptable set, which the outlook computes only in each
    path's month of agreement.) Without rules every candidate needs every actor."""
    n = len(cand)
    if not n:
        return np.zeros(0, dtype=np.int64)
    moving = moving_actors(problem)
    consent = (np.asarray(problem.rules.consenting(cand.options)) if problem.rules is not None
               else np.ones(cand.utility.shape, dtype=bool))
    need = consent & moving[None, :]  # [C, A]
    util = np.where(need, cand.utility, 0.0)  # the actors not tested count as equal
    key = np.concatenate([need, runs_key(problem, cand.options)], axis=1)
    # one of each distinct (group, utilities on the group's actors): the first
    _, first = np.unique(np.concatenate([key.astype(float), util], axis=1), axis=0,
                         return_index=True)
    first = np.sort(first)
    groups, label = np.unique(key[first], axis=0, return_inverse=True)
    keep: list[np.ndarray] = []
    for g in range(len(groups)):
        rows = first[np.flatnonzero(label.ravel() == g)]
        cols = np.flatnonzero(groups[g][:len(moving)])
        if not len(cols):  # no moving actor's consent: acceptable in every month
            keep.append(rows[:1])
            continue
        keep.append(rows[pareto_mask(cand.utility[np.ix_(rows, cols)])])
    return np.sort(np.concatenate(keep))
