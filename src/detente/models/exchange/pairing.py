"""Who can trade with whom: the candidate exchanges of a round.

For every issue pair (p, q) in scenario order, actors on opposite sides of
the expected outcome O on both issues (x ≤ O counts as "left") can trade:
group A (right on both) with D (left on both), then B (left on p only) with C.
Of the two, the one with the larger ``s_p/s_q`` is the *demander* i of the
candidate: it demands a move on p from its partner, the *supplier* j, and in
return moves on q (on which j is the demander).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

EPS = 1e-10  # decide's thresholds for a gain and a move
TOL = 1e-9  # slack for comparisons that are exact in decide's Decimal arithmetic
TIE = 1e-12  # relative: gains closer than this are a tie (earliest candidate wins)
BLOCK = 256  # at most this many candidates per block of the running maxima (see below)


@dataclass
class Candidates:
    """The candidate exchanges of one round, flattened over draws (row n belongs to draw
    ``draw[n]``; every draw has ``n_per_draw`` slots, dead ones with ``demander == -1``).

    In candidate n the ``demander`` (i) demands a move on issue ``demanded`` (p)
    from the ``supplier`` (j) and in return moves on issue ``offered`` (q), on
    which j is the demander.
    """

    draw: np.ndarray
    demander: np.ndarray
    supplier: np.ndarray
    demanded: np.ndarray
    offered: np.ndarray
    inner: np.ndarray  # group code of the pair: 0 for A×D, 1 for B×C
    n_per_draw: int
    block: int = 1  # slots per block of the running maxima; divides ``n_per_draw``
    n_random: int = 0  # slots per draw of the random-rate draws (see :func:`slot_layout`)

    @classmethod
    def empty(cls) -> Candidates:
        """No candidates (a scenario with fewer than two issues)."""
        none = np.zeros(0, dtype=np.intp)
        return cls(none, none, none, none, none, np.zeros(0, dtype=np.int8), 0)


# the pairs of group codes that trade: A (right of O on both issues, code 0) with D (left on
# both, 3), then B (left on p only, 1) with C (left on q only, 2); the index is ``inner``
PAIRED_GROUPS = ((0, 3), (1, 2))


def group_code(x0: np.ndarray, ok: np.ndarray, outcome: np.ndarray, p: Any, q: Any
                ) -> np.ndarray:
    """``left_p + 2 left_q`` per actor for issues ``p``, ``q`` (−1 without a stance on both).

    ``left``: position ≤ O (with slack for exact ties), from ``x0[D, A, I]``, ``ok[D, A, I]``
    and ``outcome[D, I]``.
    """
    left = ok & (x0 <= outcome[:, None, :] + TOL)
    both = ok[:, :, p] & ok[:, :, q]
    return np.where(both, left[:, :, p].astype(np.int8) + 2 * left[:, :, q], -1)


def candidate_counts(code: np.ndarray) -> np.ndarray:
    """``[D]``: each draw's candidates, Σ over issue pairs of ``n_A n_D + n_B n_C`` (the
    group sizes of :func:`group_code`'s ``code[D, A, P]``)."""
    d_, _, p_ = code.shape
    # one count of every (draw, pair, code + 1): [D, P, 5]
    keys = np.arange(d_ * p_).reshape(d_, 1, p_) * 5 + (code + 1)
    n = np.bincount(keys.ravel(), minlength=d_ * p_ * 5).reshape(d_, p_, 5)
    return (n[..., 1] * n[..., 4] + n[..., 2] * n[..., 3]).sum(axis=1)


def find_candidates(code: np.ndarray, sal: np.ndarray, pairs: np.ndarray) -> Candidates:
    """All admissible-looking pairs, in decide's order of creation, per draw, from the
    group codes ``code[D, A, P]`` (:func:`group_code`) and saliences ``sal[D, A, I]``."""
    d_ = code.shape[0]
    p, q = pairs[:, 0], pairs[:, 1]
    code = code.transpose(0, 2, 1)  # [D, P, A]
    # [D, P, group pair, A, A]: its nonzeros come in decide's order of creation (by draw,
    # issue pair, group pair, first actor, second actor)
    m = np.stack([(code == g1)[:, :, :, None] & (code == g2)[:, :, None, :]
                  for g1, g2 in PAIRED_GROUPS], axis=2)
    dd, pp, block, aa, bb = np.nonzero(m)
    # roles: i demands p and supplies q; i is the one with the larger s_p/s_q
    sa_p, sa_q = sal[dd, aa, p[pp]], sal[dd, aa, q[pp]]
    sb_p, sb_q = sal[dd, bb, p[pp]], sal[dd, bb, q[pp]]
    swap = sa_p / sa_q < sb_p / sb_q
    ci = np.where(swap, bb, aa)
    cj = np.where(swap, aa, bb)
    counts = np.bincount(dd, minlength=d_)
    n_max, width, n_random = slot_layout(int(counts.max()) if counts.size else 0)
    # pad every draw to the same number of slots (dead slots have ci == -1)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(dd.size) - start[dd]
    flat = dd * n_max + slot

    def padded(values: np.ndarray, fill: Any) -> np.ndarray:
        out = np.full(d_ * n_max, fill, dtype=values.dtype)
        out[flat] = values
        return out

    cdraw = np.repeat(np.arange(d_), n_max)
    return Candidates(
        draw=cdraw,
        demander=padded(ci, -1),
        supplier=padded(cj, -1),
        demanded=padded(p[pp], 0),
        offered=padded(q[pp], 0),
        inner=padded(block.astype(np.int8), -1),
        n_per_draw=n_max,
        block=width,
        n_random=n_random,
    )


def slot_layout(most: int) -> tuple[int, int, int]:
    """Slots per draw, slots per block and random-rate slots per draw for a round whose
    busiest draw has ``most`` candidates.

    A draw with at most :data:`BLOCK` candidates is one block of exactly ``most``
    slots (so a batch of small scenarios carries no dead padding); more are cut
    into whole blocks of :data:`BLOCK`. Which candidate is executed does not
    depend on the block width (the first slot within the tie tolerance of the
    best). The random-rate variant draws ``n_random`` numbers per draw, ``most``
    rounded up to whole blocks of :data:`BLOCK`, and uses the first slots of each
    draw's row: the numbers it drew when every draw was padded that way.
    """
    n_random = -(-most // BLOCK) * BLOCK
    if most <= BLOCK:
        return most, max(most, 1), n_random
    return n_random, BLOCK, n_random



def issue_pairs(n_issues: int) -> np.ndarray:
    """``[P, 2]``: every issue pair (p, q) with p < q, in scenario order."""
    pairs = [(p, q) for p in range(n_issues) for q in range(p + 1, n_issues)]
    return np.array(pairs, dtype=np.intp).reshape(-1, 2)

