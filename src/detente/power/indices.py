"""A priori voting power, computed exactly: Shapley–Shubik and Banzhaf indices.

A voting game here is a set of n players with non-negative integer weights
w_i and a rule saying which coalitions S win. The rule may look at the
coalition's total weight w(S) and its size |S| (enough for every Council rule
since 1958: weighted votes with a quota, a minimum number of members, the
Lisbon double majority with its blocking-minority clause, unanimity):

    S wins  <=>  (w(S) >= quota and |S| >= min_members)
                 or (blocking_min is set and n − |S| < blocking_min)

Counting instead of enumerating. Let F[s, v] be the number of coalitions of
size s and weight v (the coefficients of the generating function
Π_i (1 + x·y^{w_i})), built by dynamic programming over the players. For
player i the counts C_i[s, v] of coalitions of the *other* players follow by
removing i's factor: C_i[s, v] = F[s, v] − C_i[s − 1, v − w_i]. Player i is
pivotal (a swing) for S ⊆ N∖{i} when S ∪ {i} wins and S does not. With
σ_i(s) the number of swings of size s,

    Shapley–Shubik:  φ_i = Σ_s σ_i(s) · s! (n − 1 − s)! / n!
    Banzhaf (raw):   β'_i = Σ_s σ_i(s) / 2^(n−1);  normalised β_i = β'_i / Σ_j β'_j

(Shapley & Shubik 1954; Banzhaf 1965; the generating-function method of
Brams & Affuso 1976 and Bilbao et al. 2000). Counts are exact integers
(int64 holds 2^62, far above 2^n for any Council), and the Shapley–Shubik
sum is done in exact rational arithmetic before the final conversion to
float. Cost: O(n² · W) for total weight W, once per distinct weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np


@dataclass(frozen=True)
class VotingGame:
    """Players' integer ``weights`` and the winning rule (see the module docstring)."""

    weights: tuple[int, ...]
    quota: int
    min_members: int = 0
    blocking_min: int | None = None

    def __post_init__(self) -> None:
        if any(int(w) != w or w < 0 for w in self.weights):
            raise ValueError("weights must be non-negative integers")
        if not self.weights:
            raise ValueError("a voting game needs at least one player")
        if len(self.weights) > 60:
            raise ValueError("at most 60 players (exact counts must fit in int64)")

    @property
    def n(self) -> int:
        return len(self.weights)

    def wins(self, size: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Whether a coalition of ``size`` members and total ``weight`` wins (broadcasts)."""
        win = (weight >= self.quota) & (size >= self.min_members)
        if self.blocking_min is not None:
            win = win | (self.n - size < self.blocking_min)
        return win

    def is_winning(self, members: list[int] | tuple[int, ...]) -> bool:
        """Whether the coalition of the listed player indices wins."""
        size = np.array(len(set(members)))
        weight = np.array(sum(self.weights[i] for i in set(members)))
        return bool(self.wins(size, weight))


def coalition_counts(weights: tuple[int, ...] | list[int]) -> np.ndarray:
    """``F[s, v]``: the number of coalitions with ``s`` members and total weight ``v``."""
    w_total = int(sum(weights))
    n = len(weights)
    counts = np.zeros((n + 1, w_total + 1), dtype=np.int64)
    counts[0, 0] = 1
    for w in weights:
        w = int(w)
        # add the player to every coalition counted so far (one more member, w more weight);
        # the right-hand side is copied first, so the update uses the old counts
        if w == 0:
            counts[1:, :] += counts[:-1, :].copy()
        else:
            counts[1:, w:] += counts[:-1, :-w].copy()
    return counts


def _without(counts: np.ndarray, w: int) -> np.ndarray:
    """Counts of coalitions of the other players, given those of all (one player of weight w)."""
    n1, width = counts.shape
    out = np.zeros((n1 - 1, width), dtype=np.int64)
    out[0] = counts[0]
    for s in range(1, n1 - 1):
        out[s] = counts[s]
        if w == 0:
            out[s] -= out[s - 1]
        else:
            out[s, w:] -= out[s - 1, : width - w]
    return out


def swing_counts(game: VotingGame) -> np.ndarray:
    """``σ[i, s]``: the coalitions of size ``s`` not containing ``i`` for which ``i`` is pivotal."""
    n = game.n
    counts = coalition_counts(game.weights)
    width = counts.shape[1]
    size = np.arange(n)[:, None]
    weight = np.arange(width)[None, :]
    out = np.zeros((n, n), dtype=np.int64)
    cache: dict[int, np.ndarray] = {}
    for i, w in enumerate(game.weights):
        w = int(w)
        if w not in cache:
            others = _without(counts, w)
            swing = game.wins(size + 1, weight + w) & ~game.wins(size, weight)
            cache[w] = np.where(swing, others, 0).sum(axis=1)
        out[i] = cache[w]
    return out


def shapley_shubik(game: VotingGame) -> np.ndarray:
    """The Shapley–Shubik index of every player (sums to 1 unless no coalition wins)."""
    n = game.n
    sigma = swing_counts(game)
    factor = [Fraction(math.factorial(s) * math.factorial(n - 1 - s), math.factorial(n))
              for s in range(n)]
    return np.array(
        [float(sum(int(sigma[i, s]) * factor[s] for s in range(n))) for i in range(n)]
    )


def banzhaf(game: VotingGame, *, normalised: bool = True) -> np.ndarray:
    """The Banzhaf index: raw (swings / 2^(n−1)) or normalised to sum to 1."""
    swings = swing_counts(game).sum(axis=1)
    if normalised:
        total = int(swings.sum())
        return swings / total if total else np.zeros(game.n)
    return swings / float(2 ** (game.n - 1))
