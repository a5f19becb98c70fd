"""Every challenger's view of every challenge, in cache-sized tiles with reused buffers.

The arithmetic of :func:`~.batch_challenges.own_challenges_rows` (h = k = i: challenger
``i``, target ``j``, third party ``n``), arranged for large runs. The O(A³) part, the
third parties' votes, is computed tile by tile: a tile is one or a few challengers ×
every third party × up to :data:`TARGETS` targets, ``[i, n, j]``, held in three buffers
(at least :data:`TILE` numbers; 2 MB at 500 actors) that are allocated once per call
and written in place (``out=``) by every step. A turn thus allocates and frees no
large temporary (before: a dozen arrays of 8 MB per slice of challengers, and at 200
actors 1.9 million minor page faults and 46% system time). The O(A²) parts (the
principals' utilities and votes, the result) are computed once per row.

Bit for bit the numbers of :func:`~.batch_challenges.own_challenges_rows`: every element
goes through the same IEEE operations; where an operation is rewritten it is an exact
identity (``a + b = b + a``, ``a · b = b · a``, ``b₀ + max(−v, 0) = b₀ − min(v, 0)``,
``Σ max(−v, 0) = −Σ min(v, 0)`` term by term; a signed zero cannot change a sum with
the positive ``b₀``). The targets are the fastest axis, as in that function's arrays
(whose broadcasting lays them out so), so the sums over third parties add term after
term in the same order (KTAB's loop order), not pairwise.

From :data:`~.primitives.COMPILED_ACTORS` actors on, a block of challengers is instead
one compiled loop (:func:`~.kernels.third_party_sums`: the same operations, sums in the
same order, without the twenty-odd array passes per cell: 1.6 against 5–12 ns a cell).

Tiles and blocks are independent: with more than one core and enough work
(:data:`THREAD_CELLS`) two threads take alternate blocks of challengers, each with its
own buffers (numpy and the compiled loops release the GIL).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.models.smp.primitives import (
    COMPILED_ACTORS,
    MIN_CHALLENGE_COALITION,
    utility,
    vote,
)

if TYPE_CHECKING:
    from detente.models.smp.batch_turn import RowState
    from detente.models.smp.model import SpatialModelOfPolitics

#: numbers per tile buffer at least (challengers are added while a tile holds fewer)
TILE = 32_768
#: targets a tile at most (the fastest axis: numpy's inner loops run along it, and long
#: inner loops measured faster than a smaller tile: 0.31 against 0.52 CPU s at 300 actors)
TARGETS = 512
#: third-party cells (challengers × targets × third parties) a block of the compiled loop
#: (:func:`~.kernels.third_party_sums`, from :data:`~.primitives.COMPILED_ACTORS` actors)
BLOCK_CELLS = 1_000_000
#: third-party cells (rows × A³) from which a turn's tiles are shared by two threads
THREAD_CELLS = 2_000_000
#: threads at most (the machines this runs on have two cores per user, often fewer free)
MAX_THREADS = 2


@dataclass(frozen=True)
class RowParts:
    """The O(A²) inputs of one row's tiles: ``dT[j, n] = d[n, j]`` and ``1 − dT``,
    ``r[i, n]`` (i's estimate of n's risk attitude), ``uni[i, n]`` (n's utility of i's
    position as i sees it), ``unn[i, n]`` (of its own), ``e1 = unn − uni``, the
    principals' coalitions ``a0[i, j]``, ``b0[i, j]`` and the weights ``w[n]``."""

    d: np.ndarray
    omd: np.ndarray
    r: np.ndarray
    uni: np.ndarray
    unn: np.ndarray
    e1: np.ndarray
    a0: np.ndarray
    b0: np.ndarray
    w: np.ndarray


def own_challenges_tiled(
    model: SpatialModelOfPolitics, st: RowState, threads: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``P[i beats j]`` and i's expected gain, each ``[B, A, A]``, for every challenger
    ``i`` and target ``j`` as ``i`` sees it, in every row of ``st`` (the numbers of
    :func:`~.batch_challenges.own_challenges_rows` with every challenger)."""
    n_rows, n = st.dist.shape[:2]
    rule = model.voting_rule
    semi = model.third_party_commit == "SemiCommit"
    chij = np.empty((n_rows, n, n))
    chji = np.empty((n_rows, n, n))
    parts = [row_parts(rule, st, b) for b in range(n_rows)]
    compiled = n >= COMPILED_ACTORS
    if compiled:  # one compiled loop a block of challengers (loads numba: large runs only)
        from detente.models.smp.kernels import third_party_sums
        ib, jb = max(1, BLOCK_CELLS // (n * n)), n
    else:
        jb = min(n, TARGETS)  # targets a tile
        ib = max(1, TILE // (jb * n))  # challengers a tile
    blocks = [(b, lo, min(n, lo + ib)) for b in range(n_rows) for lo in range(0, n, ib)]
    workers = 1 if threads is None else max(1, threads)
    if threads is None and n_rows * n**3 >= THREAD_CELLS:
        workers = min(MAX_THREADS, len(os.sched_getaffinity(0)))

    def work(share: list[tuple[int, int, int]]) -> None:
        if compiled:
            for b, lo, hi in share:
                third_party_sums(rule, semi, parts[b], lo, hi, chij[b], chji[b])
            return
        buf = Buffers(ib, jb, n)
        for b, lo, hi in share:
            for jlo in range(0, n, jb):
                third_party_tile(rule, semi, parts[b], buf, lo, hi, jlo, min(n, jlo + jb),
                                 chij[b], chji[b])

    if workers == 1:
        work(blocks)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, [blocks[k::workers] for k in range(workers)]))
    a0 = np.stack([p.a0 for p in parts])
    b0 = np.stack([p.b0 for p in parts])
    chij = np.add(a0, chij, out=chij)
    chji = np.subtract(b0, chji, out=chji)
    phij = chij / (chij + chji)
    r_ii = np.diagonal(st.risk_est, axis1=1, axis2=2)[..., None]  # [B, i, 1]: i's own
    uij = utility(st.dist, r_ii)  # [B, i, j]: i's utility of j's position
    uii = np.diagonal(uij, axis1=1, axis2=2)[..., None]
    sj = st.sal_sum[:, None, :]
    eu_vict = uii + uii
    eu_sq = uii + uij
    eu_cntst = phij * eu_vict + (1.0 - phij) * (uij + uij)
    return phij, (1.0 - sj) * eu_vict + sj * eu_cntst - eu_sq


def row_parts(rule: str, st: RowState, b: int) -> RowParts:
    """The O(A²) inputs of row ``b`` (as :func:`~.batch_challenges.own_challenges_rows`
    computes them for every challenger at once)."""
    d, r, w = st.dist[b], st.risk_est[b], st.weight[b]
    n = d.shape[0]
    ar = np.arange(n)
    uij = utility(d, r[ar, ar][:, None])  # [i, j]: i's own utility of j's position
    uii = uij[ar, ar]
    uji = utility(d.T, r)  # [i, j]: j's utility of i's position, as i sees it
    ujj = utility(np.diagonal(d)[None, :], r)
    ci = vote(rule, w[:, None], uii[:, None] - uij)
    cj = vote(rule, w[None, :], uji - ujj)
    a0 = MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    b0 = MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
    d = np.ascontiguousarray(d)
    return RowParts(d=d, omd=1.0 - d, r=np.ascontiguousarray(r), uni=uji, unn=ujj,
                    e1=ujj - uji, a0=a0, b0=b0, w=np.ascontiguousarray(w))


class Buffers:
    """One thread's tile buffers: three ``[ib, jb, n]`` and two ``[ib, jb]``."""

    def __init__(self, ib: int, jb: int, n: int) -> None:
        self.u = np.empty((ib, n, jb))
        self.v = np.empty((ib, n, jb))
        self.c = np.empty((ib, n, jb))
        self.s = np.empty((ib, jb))


def third_party_tile(
    rule: str, semi: bool, p: RowParts, buf: Buffers, lo: int, hi: int, jlo: int, jhi: int,
    chij: np.ndarray, chji: np.ndarray,
) -> None:
    """The third parties' sums for challengers ``lo:hi`` and targets ``jlo:jhi`` of one
    row: ``chij[i, j] = Σ_n max(0, v_n)`` and ``chji[i, j] = Σ_n min(0, v_n)`` (to be
    added to ``a0`` and taken from ``b0``), ``v_n`` the third party's vote (zero for the
    principals)."""
    mi, mj = hi - lo, jhi - jlo
    u, v, c = buf.u[:mi, :, :mj], buf.v[:mi, :, :mj], buf.c[:mi, :, :mj]
    rows, cols = slice(lo, hi), slice(jlo, jhi)
    a0 = p.a0[rows, None, cols]
    b0 = p.b0[rows, None, cols]
    w = p.w[:, None]
    # unj[i, n, j] = (1 − d[n, j]) (1 + d[n, j] r[i, n])
    np.multiply(p.d[None, :, cols], p.r[rows, :, None], out=u)
    np.add(u, 1.0, out=u)
    np.multiply(u, p.omd[None, :, cols], out=u)
    # v0 = vote(w_n, u_ni − u_nj)
    np.subtract(p.uni[rows, :, None], u, out=v)
    vote_into(rule, w, v)
    # π_n = (a0 + max(0, v0)) / (a0 + max(0, v0) + b0 + max(0, −v0))
    np.maximum(v, 0.0, out=c)
    np.add(c, a0, out=c)
    np.minimum(v, 0.0, out=v)
    np.subtract(b0, v, out=v)
    np.add(v, c, out=v)
    np.divide(c, v, out=c)
    if semi:  # diff = π (u_nn − u_ni) + (1 − π)(u_nj − u_nn)
        np.multiply(c, p.e1[rows, :, None], out=v)
        np.subtract(u, p.unn[rows, :, None], out=u)
        np.subtract(1.0, c, out=c)
        np.multiply(c, u, out=c)
        np.add(v, c, out=v)
    else:  # FullCommit and NoCommit value both sides alike: no third-party vote
        v.fill(0.0)
    vote_into(rule, w, v)
    # principals are not third parties
    v[np.arange(mi), np.arange(lo, hi), :] = 0.0
    jj = np.arange(jlo, jhi)
    v[:, jj, jj - jlo] = 0.0
    s = buf.s[:mi, :mj]
    np.maximum(v, 0.0, out=c)
    np.add.reduce(c, axis=1, out=s)
    chij[rows, cols] = s
    np.minimum(v, 0.0, out=c)
    np.add.reduce(c, axis=1, out=s)
    chji[rows, cols] = s


def vote_into(rule: str, weight: np.ndarray, du: np.ndarray) -> None:
    """``du ← vote(rule, weight, du)`` in place (:func:`~.primitives.vote`)."""
    if rule == "Prop":
        np.multiply(du, weight, out=du)
    else:
        du[...] = vote(rule, weight, du)
