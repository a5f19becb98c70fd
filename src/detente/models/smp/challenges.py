"""Challenges: who each actor challenges, and what it expects from it.

A challenge ``i → j`` as seen by ``h`` and valued for ``k``: the principals'
own votes ``vote(s_i c_i, u_ii − u_ij)`` and ``vote(s_j c_j, u_ji − u_jj)``
start the coalitions ``A`` (for i) and ``B`` (for j); each third party ``n``
first estimates ``π_n = (A + max(0, v)) / (A + B + |v|)`` with
``v = vote(s_n c_n, u_ni − u_nj)``, then votes
``vote(s_n c_n, π_n (2u_ni + u_nn) + (1 − π_n) 3u_nj − [π_n 3u_ni + (1 − π_n)(2u_nj + u_nn)])``
("SemiCommit"); ``P = C_ij / (C_ij + C_ji)``; the expected gain is
``Δ = (1 − s_j) 2u_ki + s_j (P 2u_ki + (1 − P) 2u_kj) − (u_ki + u_kj)``.

KTAB evaluates every challenge from every perspective, an O(n⁴) loop per
turn, but the run only uses each challenger's own view of its n − 1 possible
challenges (h = k = i, :func:`own_challenges`, O(n³) as array algebra over
challenger, target and third party) and the target's view of the one chosen
(:func:`challenges`, for the bargaining models that need it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from detente.models.smp.primitives import MIN_CHALLENGE_COALITION, utility, vote

if TYPE_CHECKING:
    from detente.models.smp.model import SpatialModelOfPolitics
    from detente.models.smp.turn import Turn


def challenges(
    model: SpatialModelOfPolitics, st: Turn, sal: np.ndarray, cap: np.ndarray,
    h: np.ndarray, k: np.ndarray, i: np.ndarray, j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """h's estimate of P[i beats j] and of the gain to k of i challenging j (batched)."""
    d, rest = st.dist, st.risk_est
    ssum = sal.sum(axis=1)
    w = ssum * cap
    rule = model.voting_rule

    def u(hh: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return utility(d[a, b], rest[hh, a])

    uii, uij, uji, ujj = u(h, i, i), u(h, i, j), u(h, j, i), u(h, j, j)
    ci = vote(rule, w[i], uii - uij)
    cj = vote(rule, w[j], uji - ujj)
    a0 = MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    b0 = MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)

    # third parties n (all actors, principals masked out): [B, A]
    rh = rest[h]  # h's estimates of every actor's risk attitude
    uni = utility(d[:, i].T, rh)
    unj = utility(d[:, j].T, rh)
    unn = utility(np.diag(d)[None, :], rh)
    wn = w[None, :]
    v0 = vote(rule, wn, uni - unj)
    cni = a0[:, None] + np.maximum(v0, 0.0)
    cnj = b0[:, None] + np.maximum(-v0, 0.0)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    tpc = model.third_party_commit
    if tpc == "SemiCommit":
        u_ik_j = pin * (uni + uni + unn) + pjn * (unj + unj + unj)
        u_i_jk = pin * (uni + uni + uni) + pjn * (unj + unj + unn)
    elif tpc == "FullCommit":
        u_ik_j = pin * (uni + uni + uni) + pjn * (unj + unj + unj)
        u_i_jk = u_ik_j
    else:
        u_ik_j = pin * (uni + uni + unn) + pjn * (unj + unj + unn)
        u_i_jk = u_ik_j
    vn = vote(rule, wn, u_ik_j - u_i_jk)
    n_idx = np.arange(d.shape[0])[None, :]
    third = (n_idx != i[:, None]) & (n_idx != j[:, None])
    chij = a0 + np.where(third, np.maximum(vn, 0.0), 0.0).sum(axis=1)
    chji = b0 + np.where(third, np.maximum(-vn, 0.0), 0.0).sum(axis=1)
    phij = chij / (chij + chji)

    uki, ukj = u(h, k, i), u(h, k, j)
    eu_sq = uki + ukj
    eu_vict = uki + uki
    eu_cntst = phij * eu_vict + (1.0 - phij) * (ukj + ukj)
    sj = ssum[j]
    return phij, (1.0 - sj) * eu_vict + sj * eu_cntst - eu_sq

def own_challenges(
    model: SpatialModelOfPolitics, st: Turn, sal: np.ndarray, cap: np.ndarray, ii: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``challenges(h=i, k=i, i, j)`` for challengers ``ii`` and every target j.

    The same formulas as :func:`challenges`, arranged for speed: with h = i,
    a third party's utilities of i's position and of its own (u_ni, u_nn)
    do not depend on j, and under SemiCommit its vote reduces to
    ``vote(w_n, π_n (u_nn − u_ni) + (1 − π_n)(u_nj − u_nn))``.
    Returns ``P[i beats j]`` and the gain, both ``[len(ii), A]``.
    """
    d, rest = st.dist, st.risk_est
    n = d.shape[0]
    ssum = sal.sum(axis=1)
    w = ssum * cap
    rule = model.voting_rule
    m = ii.size
    rows = np.arange(m)
    r_in = rest[ii]  # [m, n]: i's estimate of n's risk attitude
    # u[i, a, b] = utility(d[a, b], r_in[i, a]) for the principals
    uij = utility(d[ii], r_in[rows, ii][:, None])  # [m, j]: i's own utility of j
    uii = uij[rows, ii]
    uji = utility(d[:, ii].T, r_in)  # [m, j]: j's utility of i (as i sees it)
    ujj = utility(np.diag(d)[None, :], r_in)  # [m, j]
    ci = vote(rule, w[ii][:, None], uii[:, None] - uij)
    cj = vote(rule, w[None, :], uji - ujj)
    a0 = MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    b0 = MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)

    uni = uji[:, None, :]  # [m, 1, n]: n's utility of i's position
    unn = ujj[:, None, :]  # [m, 1, n]
    # unj[i, j, n] = utility(d[n, j], r_in[i, n])
    dj = d.T[None, :, :]  # [1, j, n]
    unj = (1.0 - dj) * (1.0 + dj * r_in[:, None, :])
    v0 = vote(rule, w[None, None, :], uni - unj)
    cni = a0[:, :, None] + np.maximum(v0, 0.0)
    tot = cni + (b0[:, :, None] + np.maximum(-v0, 0.0))
    pin = np.divide(cni, tot, out=cni)
    tpc = model.third_party_commit
    if tpc == "SemiCommit":
        diff = pin * (unn - uni) + (1.0 - pin) * (unj - unn)
    else:  # FullCommit and NoCommit value both sides alike: no third-party vote
        diff = np.zeros_like(unj)
    vn = vote(rule, w[None, None, :], diff)
    vn[rows, :, ii] = 0.0  # principals are not third parties
    jj = np.arange(n)
    vn[:, jj, jj] = 0.0
    chij = a0 + np.maximum(vn, 0.0).sum(axis=2)
    chji = b0 + np.maximum(-vn, 0.0).sum(axis=2)
    phij = chij / (chij + chji)
    sj = ssum[None, :]
    eu_vict = uii[:, None] + uii[:, None]
    eu_sq = uii[:, None] + uij
    eu_cntst = phij * eu_vict + (1.0 - phij) * (uij + uij)
    return phij, (1.0 - sj) * eu_vict + sj * eu_cntst - eu_sq

def best_challenges(
    model: SpatialModelOfPolitics, st: Turn, sal: np.ndarray, cap: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's target (−1 for none), its P[win] and its expected gain."""
    n = st.pos.shape[0]
    target = np.full(n, -1)
    pwin = np.zeros(n)
    gain = np.zeros(n)
    chunk = max(1, 1_000_000 // max(n * n, 1))  # challengers per batch (bounded memory)
    for lo in range(0, n, chunk):
        ii = np.arange(lo, min(n, lo + chunk))
        p, du = own_challenges(model, st, sal, cap, ii)
        du[np.arange(ii.size), ii] = -np.inf
        best = np.argmax(du, axis=1)
        bdu = du[np.arange(ii.size), best]
        ok = bdu > model.min_sig_gain
        target[ii] = np.where(ok, best, -1)
        pwin[ii] = np.where(ok, p[np.arange(ii.size), best], 0.0)
        gain[ii] = np.where(ok, bdu, 0.0)
    return target, pwin, gain
