"""The candidates of a round as compiled loops (numba): :func:`.pairing.find_candidates`
and :meth:`~.round.RoundState._index`, the same arrays element for element.

The array code builds a ``[D, P, 2, A, A]`` mask of the pairs that can trade and takes
its nonzeros (by draw, issue pair, group pair, first actor, second actor: decide's order
of creation); on the many small draws of a Monte Carlo run that mask and its ``nonzero``
were about a third of the round's time. Here each draw's pairs are listed in that order
directly, with their flat indices; the busiest draw's count, which the slot layout
needs, comes from :func:`.pairing.candidate_counts`. The only arithmetic is the
comparison of the two salience ratios ``s_ap/s_aq < s_bp/s_bq`` (the same IEEE
divisions) and integer index sums, so the result is the array code's exactly
(``tests/models/test_exchange_kernels.py``). Rows are padded to whole blocks of
:data:`KERNEL_BLOCK` slots (the array code's padding differs; dead slots are never
executed).
"""

from __future__ import annotations

import numpy as np

from detente.models.exchange.kernels import jit
from detente.models.exchange.pairing import Candidates, slot_layout

#: at most this many slots per block of the running maxima on the compiled path; fewer
#: than the array code's (:data:`.pairing.BLOCK`, or a whole small draw): the loop rescans
#: a block whenever its best candidate is executed or loses gain, and which candidate is
#: executed does not depend on the width
KERNEL_BLOCK = 32


def kernel_layout(most: int) -> tuple[int, int]:
    """Slots per draw and per block on the compiled path for a round whose busiest draw
    has ``most`` candidates: ``k = ⌈most / KERNEL_BLOCK⌉`` equal blocks of ``⌈most / k⌉``
    slots (so a draw carries fewer than ``k`` dead slots of padding)."""
    blocks = max(1, -(-most // KERNEL_BLOCK))
    width = max(1, -(-most // blocks))
    return blocks * width, width


#: a compiled round's candidate table: one 128-byte row (two cache lines) per candidate,
#: its 13 numbers (:meth:`~.round.RoundState._allocate`) then its six flat indices as int32
TABLE_FLOATS, TABLE_WIDTH = 13, 16


def _aligned_zeros(rows: int) -> np.ndarray:
    """A zero ``[rows, TABLE_WIDTH]`` float64 table starting on a 64-byte boundary, so a
    row is exactly two cache lines (numpy's large allocations start 16 bytes past a page:
    every row would straddle three)."""
    size = rows * TABLE_WIDTH
    raw = np.zeros(size + 8)
    skip = (-raw.ctypes.data % 64) // 8
    return raw[skip : skip + size].reshape(rows, TABLE_WIDTH)


def find_candidates(code: np.ndarray, sal: np.ndarray, pairs: np.ndarray, most: int,
                    equal_gain: bool = False,
                    ) -> tuple[Candidates, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`.pairing.find_candidates` (group codes ``code[D, A, P]``, ``sal[D, A, I]``,
    ``pairs[P, 2]``; ``most``: the busiest draw's candidates, :func:`.pairing.candidate_counts`),
    the candidate table (``[N, 16]``) and views of the flat
    indices of :meth:`~.round.RoundState._index` in it: ``supply``, ``across`` (``[2, N]``
    cells of ``[D, A, I]``) and ``issue_cell`` (``[2, N]`` cells of ``[D, I]``).

    The table's numbers start as :meth:`~.round.RoundState._allocate` sets them: zeros,
    the sort key −inf, the partners' recorded positions NaN and, with ``equal_gain``,
    the rate ``k = (s_ip + s_jp)/(s_iq + s_jq)`` of :meth:`~.round.RoundState._rates`
    (the same operations on the same saliences; dead slots too) — written while each
    row is listed instead of in passes over the whole table after."""
    d_ = code.shape[0]
    n_max, width = kernel_layout(most)
    n_random = slot_layout(most)[2]  # a multiple of BLOCK, so at least n_max
    roles = np.empty((5, d_ * n_max), dtype=np.int32)  # i, j, p, q, inner
    table = _aligned_zeros(d_ * n_max)
    if sal.size < 2**31:  # supply[2], across[2], issue_cell[2], in the table's last columns
        cells = table.view(np.int32)[:, 2 * TABLE_FLOATS : 2 * TABLE_FLOATS + 6].T
    else:  # cell numbers past int32 (a 16 GiB position array): a table of their own
        cells = np.empty((d_ * n_max, 6), dtype=np.int64).T
    _fill(code, sal, pairs, n_max, roles, cells, table, equal_gain,
          np.empty((4, sal.shape[1]), dtype=np.int64), np.empty(4, dtype=np.int64))
    cands = Candidates(
        draw=np.repeat(np.arange(d_), n_max), demander=roles[0], supplier=roles[1],
        demanded=roles[2], offered=roles[3], inner=roles[4].astype(np.int8),
        n_per_draw=n_max, block=width, n_random=n_random)
    return cands, table, cells[0:2], cells[2:4], cells[4:6]


@jit
def _fill(code, sal, pairs, n_max, roles, cells, table, equal_gain, group, size
          ):  # pragma: no cover - compiled
    """Every draw's candidates in decide's order of creation, then its dead slots (actor
    −1 on issue 0, the array code's padding; their flat indices point at actor 0).
    ``group[4, A]``, ``size[4]``: scratch for each issue pair's actors by group code."""
    d_, a_, i_ = sal.shape
    flat = sal.reshape(-1)
    for d in range(d_):
        s = d * n_max
        for t in range(pairs.shape[0]):
            p, q = pairs[t, 0], pairs[t, 1]
            size[:] = 0
            for a in range(a_):  # each group's actors, ascending
                g = code[d, a, t]
                if g >= 0:
                    group[g, size[g]] = a
                    size[g] += 1
            for inner in range(2):
                g1, g2 = (0, 3) if inner == 0 else (1, 2)  # pairing.PAIRED_GROUPS
                for u in range(size[g1]):
                    a = group[g1, u]
                    for v in range(size[g2]):
                        b = group[g2, v]
                        swap = sal[d, a, p] / sal[d, a, q] < sal[d, b, p] / sal[d, b, q]
                        i, j = (b, a) if swap else (a, b)
                        _put(roles, cells, table, flat, equal_gain, s, d, i, j, p, q, inner,
                             a_, i_)
                        s += 1
        while s < (d + 1) * n_max:
            _put(roles, cells, table, flat, equal_gain, s, d, -1, -1, 0, 0, -1, a_, i_)
            s += 1


@jit
def _put(roles, cells, table, sal, equal_gain, s, d, i, j, p, q, inner, a_, i_
         ):  # pragma: no cover - compiled
    """Slot ``s``: demander i (supplies q) and supplier j (supplies p); the flat cells
    ``supply = (i, q), (j, p)``, ``across = (j, q), (i, p)``, ``issue_cell = q, p``; the
    row's starting numbers (see :func:`find_candidates`; ``sal`` flat)."""
    roles[0, s], roles[1, s], roles[2, s], roles[3, s], roles[4, s] = i, j, p, q, inner
    row_i, row_j = (d * a_ + max(i, 0)) * i_, (d * a_ + max(j, 0)) * i_
    cells[0, s], cells[1, s] = row_i + q, row_j + p
    cells[2, s], cells[3, s] = row_j + q, row_i + p
    cells[4, s], cells[5, s] = d * i_ + q, d * i_ + p
    table[s, 2] = -np.inf  # sort key
    table[s, 9] = table[s, 10] = np.nan  # recorded partner positions
    if equal_gain:  # s_ip = sal[across 1], s_iq = sal[supply 0], s_jp = sal[supply 1], ...
        table[s, 0] = (sal[cells[3, s]] + sal[cells[1, s]]) / (sal[cells[0, s]]
                                                             + sal[cells[2, s]])
