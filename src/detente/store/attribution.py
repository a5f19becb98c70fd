"""Shapley attribution: how much each of several changes moved a forecast.

Given ``n`` changes and a value function ``v(S)`` (the forecast, a vector over
issues, of the old scenario with the changes in ``S`` applied), the Shapley
value of change ``i`` is

    phi_i = sum over S not containing i of |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S)),

the average over every order of applying the changes of what ``i`` adds when
it comes in. The contributions sum to ``v(all) - v(none)``, the total move
(efficiency), and a change that never moves the forecast gets 0.

Up to :data:`EXACT_UP_TO` changes the sum is computed exactly over all
``2**n`` subsets; beyond, over ``samples`` random orders drawn from the
``numpy.random.Generator`` passed in (each order's marginal contributions also
sum to the total move, so the sampled values keep the sum exactly).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

EXACT_UP_TO = 12
"""Largest number of changes attributed exactly (2**12 = 4,096 subsets)."""

ValueFn = Callable[[frozenset[int]], np.ndarray]


@dataclass(frozen=True)
class Attribution:
    """``contribution[change, k]``: the part of the move of output ``k`` due to each change.

    ``exact`` is False when the values were estimated from ``samples`` random orders.
    """

    contribution: np.ndarray
    total: np.ndarray
    exact: bool
    samples: int
    evaluations: int
    marginal_low: np.ndarray | None = None
    marginal_high: np.ndarray | None = None
    """``[change, k]``: the smallest and largest marginal contribution ``v(S + i) − v(S)``
    of each change over the subsets (exact) or orders (sampled) seen. When they have
    opposite signs the change moves the forecast one way with some of the other changes
    and the other way with others: a knife-edge, whose share is no stable credit."""

    def knife_edge(self, tolerance: np.ndarray | float) -> np.ndarray:
        """``[change, k]``: marginal contributions beyond ``±tolerance`` of both signs."""
        if self.marginal_low is None or self.marginal_high is None:
            return np.zeros_like(self.contribution, dtype=bool)
        tol = np.asarray(tolerance, dtype=float)
        return np.asarray((self.marginal_low < -tol) & (self.marginal_high > tol))


def shapley(n: int, value: ValueFn, *, rng: np.random.Generator | None = None,
            samples: int = 2000, exact_up_to: int = EXACT_UP_TO) -> Attribution:
    """Shapley values of ``n`` players under ``value`` (vector-valued).

    ``value`` is called once per distinct subset (the caller may cache);
    ``rng`` (default: a generator seeded with 0) draws the orders when
    ``n > exact_up_to``.
    """
    cache: dict[int, np.ndarray] = {}

    def v(mask: int) -> np.ndarray:
        got = cache.get(mask)
        if got is None:
            members = frozenset(i for i in range(n) if mask >> i & 1)
            got = cache[mask] = np.asarray(value(members), dtype=float)
        return got

    full = (1 << n) - 1
    total = v(full) - v(0)
    if n == 0:
        return Attribution(np.zeros((0, total.size)), total, True, 0, len(cache))
    low = np.full((n, total.size), np.inf)
    high = np.full((n, total.size), -np.inf)
    if n <= exact_up_to:
        contribution = _exact(n, v, low, high)
        return Attribution(contribution, total, True, 0, len(cache), low, high)
    rng = rng if rng is not None else np.random.default_rng(0)
    contribution = np.zeros((n, total.size))
    for _ in range(samples):
        mask = 0
        before = v(0)
        for i in rng.permutation(n):
            mask |= 1 << int(i)
            after = v(mask)
            step = after - before
            contribution[i] += step
            np.minimum(low[i], step, out=low[i])
            np.maximum(high[i], step, out=high[i])
            before = after
    return Attribution(contribution / samples, total, False, samples, len(cache), low, high)


def _exact(n: int, v: Callable[[int], np.ndarray], low: np.ndarray | None = None,
           high: np.ndarray | None = None) -> np.ndarray:
    """Exact Shapley values; ``low`` / ``high`` (``[n, K]``, filled in place) receive the
    smallest and largest marginal contribution of each change over every subset."""
    weights = [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n)
               for s in range(n)]
    out = np.zeros((n, v(0).size))
    for mask in range(1 << n):
        size = mask.bit_count()
        base = v(mask)
        for i in range(n):
            if not mask >> i & 1:
                step = v(mask | 1 << i) - base
                out[i] += weights[size] * step
                if low is not None and high is not None:
                    np.minimum(low[i], step, out=low[i])
                    np.maximum(high[i], step, out=high[i])
    return out
