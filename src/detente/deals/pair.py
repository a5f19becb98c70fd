"""Two parties' view of the deal space: their utilities, their frontier and their ZOPA.

The N-party frontier of :mod:`detente.deals.analysis` says which deals no
party can improve on; for a picture of two chosen parties, the relevant set is
the two-party Pareto frontier of their utilities ``(u_a, u_b)`` over every deal,
and the two-party zone of possible agreement ``u_a > batna_a, u_b > batna_b`` (``>=`` under the
problem's ``at_least`` acceptance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError

from .pareto import pareto_indices
from .utility import DealProblem

DEFAULT_LIMIT = 5_000
"""Deals drawn (uniformly, without replacement) when the space is larger."""


@dataclass(frozen=True, eq=False)
class PairView:
    """``utility[n, 2]`` of the deals shown, the 2-party frontier among them, the BATNAs."""

    actors: tuple[str, str]
    utility: np.ndarray
    frontier: np.ndarray
    frontier_labels: tuple[dict[str, str], ...]
    batna: tuple[float, float]
    total: int
    sampled: bool
    acceptance: str = "above"

    @property
    def in_zopa(self) -> np.ndarray:
        """Which shown deals both parties accept: utility above (or, with ``at_least``, at
        least) their BATNA."""
        u, b = self.utility, np.asarray(self.batna)
        ok = u >= b if self.acceptance == "at_least" else u > b
        return ok[:, 0] & ok[:, 1]


def pair_view(problem: DealProblem, a: str, b: str, *, limit: int = DEFAULT_LIMIT,
              seed: int = 0) -> PairView:
    """The deal space seen by parties ``a`` and ``b`` (at most ``limit`` deals, drawn
    with ``numpy.random.default_rng(seed)`` when the space is larger)."""
    missing = [x for x in (a, b) if x not in problem.actors]
    if missing or a == b:
        raise DetenteError(f"parties {a!r} and {b!r}: expected two different actors of "
                           f"{', '.join(problem.actors)}")
    ia, ib = problem.actors.index(a), problem.actors.index(b)
    total = int(problem.space.size)
    if total <= limit:
        index = np.arange(total, dtype=np.int64)
    else:
        index = np.sort(np.random.default_rng(seed).choice(total, size=limit, replace=False))
    options = problem.space.decode(index)
    utility = problem.utilities_of(options)[:, [ia, ib]]
    front = pareto_indices(utility)
    front = front[np.argsort(utility[front, 0], kind="stable")]
    labels = tuple(problem.space.labels(options[k]) for k in front)
    return PairView((a, b), utility, utility[front], labels,
                    (float(problem.batna[ia]), float(problem.batna[ib])), total, total > limit,
                    problem.acceptance)
