"""Challenges over a batch of independent runs (rows): :mod:`.challenges` with a leading
row axis.

The formulas are those of :func:`~detente.models.smp.challenges.challenges` and
:func:`~detente.models.smp.challenges.own_challenges`, written once more over
``[row, ...]`` arrays with the same operations in the same order, so that each row's
numbers are those of a run of its own, bit for bit (``tests/models/test_smp_batch.py``).
Memory: :func:`best_challenges_rows` takes the challengers in slices so that no
intermediate array holds more than about :data:`CELL_BUDGET` numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from detente.models.smp.primitives import (
    MIN_CHALLENGE_COALITION,
    SHORT_SUM,
    add_up,
    utility,
    vote,
)
from detente.models.smp.tiles import own_challenges_tiled

if TYPE_CHECKING:
    from detente.models.smp.batch_turn import RowState
    from detente.models.smp.model import SpatialModelOfPolitics

#: numbers per intermediate array (about 8 MB) in a slice of challenges
CELL_BUDGET = 1_000_000


def own_challenges_rows(
    model: SpatialModelOfPolitics, st: RowState, ii: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``P[i beats j]`` and i's expected gain, each ``[B, len(ii), A]``, for challengers
    ``ii`` against every target ``j`` as ``i`` sees it (h = k = i), in every row."""
    d, rest, w, ssum = st.dist, st.risk_est, st.weight, st.sal_sum
    n = d.shape[-1]
    rule = model.voting_rule
    m = ii.size
    mm = np.arange(m)
    r_in = rest[:, ii]  # [B, m, n]: i's estimate of n's risk attitude
    uij = utility(d[:, ii], r_in[:, mm, ii][..., None])  # [B, m, j]: i's utility of j
    uii = uij[:, mm, ii]  # [B, m]
    uji = utility(np.swapaxes(d[:, :, ii], 1, 2), r_in)  # [B, m, j]: j's utility of i
    ujj = utility(np.diagonal(d, axis1=1, axis2=2)[:, None, :], r_in)  # [B, m, j]
    ci = vote(rule, w[:, ii][..., None], uii[..., None] - uij)
    cj = vote(rule, w[:, None, :], uji - ujj)
    a0 = MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    b0 = MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)

    uni = uji[:, :, None, :]  # [B, m, 1, n]: n's utility of i's position
    unn = ujj[:, :, None, :]
    dj = np.swapaxes(d, 1, 2)[:, None, :, :]  # [B, 1, j, n]
    unj = (1.0 - dj) * (1.0 + dj * r_in[:, :, None, :])  # [B, m, j, n]
    wn = w[:, None, None, :]
    v0 = vote(rule, wn, uni - unj)
    cni = a0[..., None] + np.maximum(v0, 0.0)
    tot = cni + (b0[..., None] + np.maximum(-v0, 0.0))
    pin = np.divide(cni, tot, out=cni)
    if model.third_party_commit == "SemiCommit":
        diff = pin * (unn - uni) + (1.0 - pin) * (unj - unn)
    else:  # FullCommit and NoCommit value both sides alike: no third-party vote
        diff = np.zeros_like(unj)
    vn = vote(rule, wn, diff)
    vn[:, mm, :, ii] = 0.0  # principals are not third parties
    jj = np.arange(n)
    vn[:, :, jj, jj] = 0.0
    chij = a0 + add_up(np.maximum(vn, 0.0), -1)
    chji = b0 + add_up(np.maximum(-vn, 0.0), -1)
    phij = chij / (chij + chji)
    sj = ssum[:, None, :]
    eu_vict = uii[..., None] + uii[..., None]
    eu_sq = uii[..., None] + uij
    eu_cntst = phij * eu_vict + (1.0 - phij) * (uij + uij)
    return phij, (1.0 - sj) * eu_vict + sj * eu_cntst - eu_sq


def own_challenges_last(
    model: SpatialModelOfPolitics, st: RowState, ii: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`own_challenges_rows` with the rows on the last (fastest) axis, returned as
    ``[B, len(ii), A]`` views: every operation then runs over long stretches of rows
    instead of the short actor axes (several times faster). Exact for fewer than
    :data:`~.primitives.SHORT_SUM` actors, where numpy's sums over actors add term after
    term whatever the layout; more actors take :func:`own_challenges_rows`."""
    d = np.ascontiguousarray(np.moveaxis(st.dist, 0, -1))  # [a, b, B]
    rest = np.ascontiguousarray(np.moveaxis(st.risk_est, 0, -1))
    w, ssum = st.weight.T, st.sal_sum.T  # [n, B]
    n = d.shape[0]
    rule = model.voting_rule
    mm = np.arange(ii.size)
    r_in = rest[ii]  # [m, n, B]
    uij = utility(d[ii], r_in[mm, ii][:, None, :])  # [m, j, B]
    uii = uij[mm, ii]  # [m, B]
    uji = utility(np.swapaxes(d[:, ii], 0, 1), r_in)
    ujj = utility(np.diagonal(d, axis1=0, axis2=1).T[None], r_in)
    ci = vote(rule, w[ii][:, None, :], uii[:, None, :] - uij)
    cj = vote(rule, w[None], uji - ujj)
    a0 = MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    b0 = MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)

    uni = uji[:, None]  # [m, 1, n, B]
    unn = ujj[:, None]
    dj = np.swapaxes(d, 0, 1)[None]  # [1, j, n, B]
    unj = (1.0 - dj) * (1.0 + dj * r_in[:, None])  # [m, j, n, B]
    wn = w[None, None]
    v0 = vote(rule, wn, uni - unj)
    cni = a0[:, :, None] + np.maximum(v0, 0.0)
    tot = cni + (b0[:, :, None] + np.maximum(-v0, 0.0))
    pin = np.divide(cni, tot, out=cni)
    if model.third_party_commit == "SemiCommit":
        diff = pin * (unn - uni) + (1.0 - pin) * (unj - unn)
    else:
        diff = np.zeros_like(unj)
    vn = vote(rule, wn, diff)
    vn[mm, :, ii] = 0.0
    jj = np.arange(n)
    vn[:, jj, jj] = 0.0
    chij = a0 + add_up(np.maximum(vn, 0.0), 2)
    chji = b0 + add_up(np.maximum(-vn, 0.0), 2)
    phij = chij / (chij + chji)
    sj = ssum[None]
    eu_vict = uii[:, None] + uii[:, None]
    eu_sq = uii[:, None] + uij
    eu_cntst = phij * eu_vict + (1.0 - phij) * (uij + uij)
    gain = (1.0 - sj) * eu_vict + sj * eu_cntst - eu_sq
    return (np.ascontiguousarray(np.moveaxis(phij, -1, 0)),
            np.ascontiguousarray(np.moveaxis(gain, -1, 0)))


def best_challenges_rows(
    model: SpatialModelOfPolitics, st: RowState
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's target (−1 for none), its P[win] and its expected gain, ``[B, A]``."""
    n_rows, n = st.dist.shape[:2]
    target = np.full((n_rows, n), -1)
    pwin = np.zeros((n_rows, n))
    gain = np.zeros((n_rows, n))
    if n >= SHORT_SUM:  # sums over third parties are pairwise: tiles keep them so
        p, du = own_challenges_tiled(model, st)
        ar = np.arange(n)
        du[:, ar, ar] = -np.inf
        best = np.argmax(du, axis=-1)[..., None]
        bdu = np.take_along_axis(du, best, axis=-1)[..., 0]
        ok = bdu > model.min_sig_gain
        target[:] = np.where(ok, best[..., 0], -1)
        pwin[:] = np.where(ok, np.take_along_axis(p, best, axis=-1)[..., 0], 0.0)
        gain[:] = np.where(ok, bdu, 0.0)
        return target, pwin, gain
    chunk = max(1, CELL_BUDGET // max(n_rows * n * n, 1))
    own = own_challenges_last if n < SHORT_SUM else own_challenges_rows
    for lo in range(0, n, chunk):
        ii = np.arange(lo, min(n, lo + chunk))
        p, du = own(model, st, ii)
        du[:, np.arange(ii.size), ii] = -np.inf
        best = np.argmax(du, axis=-1)[..., None]
        bdu = np.take_along_axis(du, best, axis=-1)[..., 0]
        ok = bdu > model.min_sig_gain
        target[:, ii] = np.where(ok, best[..., 0], -1)
        pwin[:, ii] = np.where(ok, np.take_along_axis(p, best, axis=-1)[..., 0], 0.0)
        gain[:, ii] = np.where(ok, bdu, 0.0)
    return target, pwin, gain


def target_view_gain(
    model: SpatialModelOfPolitics, st: RowState, target: np.ndarray
) -> np.ndarray:
    """``[B, A]``: the gain to challenger ``i`` of challenging its target ``j`` as ``j``
    sees it (``challenges(h=j, k=i, i, j)``), for the bargaining models that use the
    target's view; 0 where an actor challenges nobody."""
    d, rest, w, ssum = st.dist, st.risk_est, st.weight, st.sal_sum
    n_rows, n = d.shape[:2]
    rule = model.voting_rule
    bb = np.arange(n_rows)[:, None]
    i = np.broadcast_to(np.arange(n), (n_rows, n))
    j = np.maximum(target, 0)
    h, k = j, i

    def u(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return utility(d[bb, a, b], rest[bb, h, a])

    uii, uij, uji, ujj = u(i, i), u(i, j), u(j, i), u(j, j)
    wi = np.take_along_axis(w, i, axis=-1)
    wj = np.take_along_axis(w, j, axis=-1)
    ci = vote(rule, wi, uii - uij)
    cj = vote(rule, wj, uji - ujj)
    a0 = MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    b0 = MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)

    # third parties n on the last axis: [B, A, n]
    rh = rest[bb, h]  # h's estimates of every actor's risk attitude
    uni = utility(np.swapaxes(d, 1, 2)[bb, i], rh)
    unj = utility(np.swapaxes(d, 1, 2)[bb, j], rh)
    unn = utility(np.diagonal(d, axis1=1, axis2=2)[:, None, :], rh)
    wn = w[:, None, :]
    v0 = vote(rule, wn, uni - unj)
    cni = a0[..., None] + np.maximum(v0, 0.0)
    cnj = b0[..., None] + np.maximum(-v0, 0.0)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    u_ik_j, u_i_jk = third_party_values(model.third_party_commit, pin, pjn, uni, unj, unn)
    vn = vote(rule, wn, u_ik_j - u_i_jk)
    n_idx = np.arange(n)
    third = (n_idx != i[..., None]) & (n_idx != j[..., None])
    chij = a0 + add_up(np.where(third, np.maximum(vn, 0.0), 0.0), -1)
    chji = b0 + add_up(np.where(third, np.maximum(-vn, 0.0), 0.0), -1)
    phij = chij / (chij + chji)

    uki, ukj = u(k, i), u(k, j)
    eu_sq = uki + ukj
    eu_vict = uki + uki
    eu_cntst = phij * eu_vict + (1.0 - phij) * (ukj + ukj)
    sj = np.take_along_axis(ssum, j, axis=-1)
    gain = (1.0 - sj) * eu_vict + sj * eu_cntst - eu_sq
    return np.where(target >= 0, gain, 0.0)


def third_party_values(
    commit: str, pin: np.ndarray, pjn: np.ndarray,
    uni: np.ndarray, unj: np.ndarray, unn: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A third party's expected utility of joining i and of joining j (``third_party_commit``)."""
    if commit == "SemiCommit":
        return (pin * (uni + uni + unn) + pjn * (unj + unj + unj),
                pin * (uni + uni + uni) + pjn * (unj + unj + unn))
    if commit == "FullCommit":
        both = pin * (uni + uni + uni) + pjn * (unj + unj + unj)
    else:
        both = pin * (uni + uni + unn) + pjn * (unj + unj + unn)
    return both, both
