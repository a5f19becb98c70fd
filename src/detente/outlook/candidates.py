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


def reachable(problem: DealProblem, cand: Candidates) -> Candidates:
    """The candidates that can be acceptable in some month: the deal tools' test with the
    no-deal values that move over the months (pressured, or drawn from a stated
    distribution) at −∞ and the others as they are — a candidate refused by an actor
    whose no-deal value never moves is refused in every month of every path."""
    moving = problem.pressured.copy()
    for a, dist in enumerate(problem.batna_dist or ()):
        if dist is not None and not problem.batna_provenance[a].given:
            moving[a] = True
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
