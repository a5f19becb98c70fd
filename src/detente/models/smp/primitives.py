"""The SMP's elementary pieces, as KTAB computes them (all elementwise or broadcasting).

- vote of an actor with weight ``w`` for option 1 over option 2, ``du = u1 − u2``
  (``voting_rule``): ``Prop`` ``w du``, ``Binary`` ``w clip(du / 1e-8, −1, 1)``,
  ``PropBin``, ``PropCbc``, ``Cubic``, ``ASymProsp``;
- utility of a salience-weighted distance ``d`` with risk attitude ``R``:
  ``u = (1 − d)(1 + d R)`` for ``d <= 1``, else ``(1 − d)(1 + R)``;
- distance from ``a``'s ideal to ``b``'s position, with ``a``'s saliences:
  ``d_ab = sqrt( Σ_k (s_ak (ideal_ak − x_bk))² / Σ_k s_ak² )``;
- coalitions ``C_ij = 1e-8 + Σ_k max(0, v_k(i, j))``, victory probabilities
  ``P[i > j] = C_ij^e / (C_ij^e + C_ji^e)`` and the probabilistic Condorcet
  election (PCE) over options;
- risk attitudes from position probabilities (``big_r``) and each actor's
  estimate of the others' (``estimated_risk``);
- the bargain two actors strike per dimension (``interpolate``), rounded as
  KTAB rounds (``round4``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.errors import DetenteError

#: numpy adds fewer terms than this one after the other (more: pairwise)
SHORT_SUM = 8
MIN_COALITION = 1e-8  # KTAB Model::coalitions
MIN_CHALLENGE_COALITION = 1e-10  # KTAB SMPState::probEduChlg
MIN_BARGAIN_WEIGHT = 1e-6  # KTAB interpBrgnSnPm / interpBrgnS2PMax
#: votes formed at a time by :func:`array_coalitions` (512 kB)
COALITION_CELLS = 65_536
#: actors (voters) from which the O(A³) sums run as compiled loops (:mod:`.kernels`).
#: Below it loading the compiler once per process (about 0.6–0.9 CPU s, 120 MiB) costs
#: more than the loops save over a run: at 80 × 1 a fresh process took 1.01 CPU s
#: compiled against 0.35 in arrays, at 100 × 5 1.60 against about 1.0 (0.52 once
#: loaded); at 200 × 5 4.1 against 11.4 (load average 10, benchmarks/bench_smp.py)
COMPILED_ACTORS = 128


def add_up(x: np.ndarray, axis: int) -> np.ndarray:
    """``x.sum(axis)``, bit for bit, faster over a short axis.

    numpy adds fewer than :data:`SHORT_SUM` terms one after the other whatever the
    memory layout; over such an axis the same additions written out over whole slices
    skip numpy's per-row overhead (large over the SMP's axes of 3 to 7 actors or
    issues). Longer axes are left to numpy's own (pairwise) summation.
    """
    n = x.shape[axis]
    if n < 2 or n >= SHORT_SUM:
        return x.sum(axis=axis)
    after: tuple[slice, ...] = (slice(None),) * (x.ndim - 1 - axis % x.ndim)

    def term(k: int) -> np.ndarray:
        index: tuple[Any, ...] = (Ellipsis, k, *after)
        return x[index]

    out = term(0) + term(1)
    for k in range(2, n):
        out += term(k)
    return out


def multiply_up(x: np.ndarray) -> np.ndarray:
    """``np.prod(x, axis=-1)``, bit for bit: numpy multiplies one term after the other."""
    n = x.shape[-1]
    if n < 2 or n >= 4 * SHORT_SUM:
        return np.prod(x, axis=-1)
    out = x[..., 0] * x[..., 1]
    for k in range(2, n):
        out *= x[..., k]
    return out


def vote(rule: str, weight: np.ndarray | float, du: np.ndarray) -> np.ndarray:
    """An actor's vote for option 1 over option 2 given ``du = u1 − u2``.

    ``Prop``: ``w du``; ``Binary``: ``w clip(du / 1e-8, −1, 1)``; ``PropBin``:
    ``w (0.8 du + 0.2 bin)``; ``Cubic``: ``w du³``; ``PropCbc``:
    ``w (du + du³) / 2``; ``ASymProsp``: ``w du`` for losses, ``2/3 w du`` for gains.
    """
    du = np.asarray(du, dtype=float)
    if rule == "Prop":
        r = du
    elif rule == "Binary":
        r = np.clip(du / 1e-8, -1.0, 1.0)
    elif rule == "PropBin":
        r = 0.8 * du + 0.2 * np.clip(du / 1e-8, -1.0, 1.0)
    elif rule == "PropCbc":
        r = 0.5 * du + 0.5 * (du * du * du)
    elif rule == "Cubic":
        r = du * du * du
    elif rule == "ASymProsp":
        return np.where(du > 0, (2.0 * weight * du) / 3.0, weight * du)
    else:  # pragma: no cover - parameters are checked on construction
        raise ValueError(rule)
    return weight * r


def utility(d: np.ndarray, risk: np.ndarray | float) -> np.ndarray:
    """KTAB's scalar utility of a normalised distance: ``(1 − d)(1 + d R)``, d ≤ 1."""
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * risk), (1.0 - d) * (1.0 + risk))


def victory_prob(model: str, c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
    """P[1 beats 2] from coalition strengths: ``c1^e / (c1^e + c2^e)`` (e = 1, 2, 4, 8).

    ``Binary``: certain above a 10 % advantage, linear in between.
    """
    if model == "Linear":
        x1, x2 = c1, c2
    elif model == "Square":
        x1, x2 = c1 * c1, c2 * c2
    elif model == "Quartic":
        x1, x2 = (c1 * c1) ** 2, (c2 * c2) ** 2
    elif model == "Octic":
        x1, x2 = ((c1 * c1) ** 2) ** 2, ((c2 * c2) ** 2) ** 2
    elif model == "Binary":
        thresh = 1.10
        r12 = c1 / (c1 + c2)
        p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(c1 >= thresh * c2, 1.0, np.where(c2 >= thresh * c1, 1e-6, p12))
        x2 = np.where(c1 >= thresh * c2, 1e-6, np.where(c2 >= thresh * c1, 1.0, 1.0 - p12))
    else:  # pragma: no cover
        raise ValueError(model)
    return x1 / (x1 + x2)


def coalitions(rule: str, weight: np.ndarray, util: np.ndarray) -> np.ndarray:
    """``C[..., i, j]``: strength of the coalition for option i against option j.

    ``util[..., k, o]`` is actor k's utility of option o, ``weight[..., k]`` its
    voting weight. As in KTAB, votes are cast on the lower triangle (i > j):
    the positive part goes to ``C_ij``, the negative part to ``C_ji``; the
    diagonal is ``1e-8``: ``C_ij = 1e-8 + Σ_k max(0, vote(w_k, u_ki − u_kj))``.

    An O(K·O²) sum, A³ at every assessment of a turn (every actor votes on every
    actor's position): from :data:`COMPILED_ACTORS` voters on it runs as one compiled
    loop (:func:`~detente.models.smp.kernels.coalition_sums`), below that as array
    algebra (:func:`array_coalitions`), where loading the compiler (about 0.6–0.9 CPU s
    and 120 MiB once per process) would cost more than it saves. The two give the same
    numbers bit for bit (``tests/models/test_smp_kernels.py``).
    """
    if util.shape[-2] >= COMPILED_ACTORS:
        from detente.models.smp.kernels import coalition_sums  # loads numba: large runs only

        return coalition_sums(rule, weight, util)
    return array_coalitions(rule, weight, util)


def array_coalitions(rule: str, weight: np.ndarray, util: np.ndarray) -> np.ndarray:
    """:func:`coalitions` as array algebra (below :data:`COMPILED_ACTORS` voters).

    The votes ``[..., k, i, j]`` are formed a few options ``i`` at a time (at most
    :data:`COALITION_CELLS` numbers): the same numbers, laid out as the whole array
    would be (so the sums over actors add the same terms in the same order), without
    an array of A³ numbers (1 GB at 500 actors) made and freed twice a turn.
    """
    n = util.shape[-1]
    step = max(1, COALITION_CELLS // max(util[..., 0].size * n, 1))
    pos_parts, neg_parts = [], []
    for lo in range(0, n, step):
        du = util[..., :, lo:lo + step, None] - util[..., :, None, :]  # [..., k, i, j]
        v = vote(rule, weight[..., :, None, None], du)
        if rule != "ASymProsp":
            # every other rule is exactly antisymmetric (v_k(j, i) = −v_k(i, j) bit for
            # bit), so the negative parts of the lower triangle are the positive parts of
            # the upper
            pos_parts.append(add_up(np.maximum(v, 0.0, out=v), -3))
        else:
            pos_parts.append(add_up(np.maximum(v, 0.0), -3))
            neg_parts.append(add_up(np.maximum(-v, 0.0), -3))
    pos = pos_parts[0] if len(pos_parts) == 1 else np.concatenate(pos_parts, axis=-2)
    idx = np.arange(n)
    if rule != "ASymProsp":
        c = pos + MIN_COALITION
    else:
        neg = neg_parts[0] if len(neg_parts) == 1 else np.concatenate(neg_parts, axis=-2)
        lower = np.tril(np.ones((n, n), dtype=bool), -1)
        c = np.where(lower, pos, np.swapaxes(neg, -1, -2)) + MIN_COALITION
    c[..., idx, idx] = MIN_COALITION
    return c


def victory_matrix(vpm: str, c: np.ndarray) -> np.ndarray:
    """``P[i > j]`` from the coalition matrix; 1/2 on the diagonal."""
    p = victory_prob(vpm, c, np.swapaxes(c, -1, -2))
    n = c.shape[-1]
    idx = np.arange(n)
    p = np.array(p, dtype=float)
    p[..., idx, idx] = 0.5
    return p


def pce(pce_model: str, vpm: str, c: np.ndarray) -> np.ndarray:
    """Option probabilities from a coalition matrix ``c[O, O]`` (one election).

    - ``Conditional``: ``p_i ∝ Π_j P[i > j]`` (the product includes P[i > i] = 1/2);
    - ``MarkovUniform``: iterate ``q_i = Σ_j P[i > j](p_i + p_j) / n``, ``p ← (p + q)/2``
      until the largest change is below 1e-6;
    - ``MarkovIncentive``: challenge probabilities proportional to
      ``C_ij P[i > j]`` (plus 1e-10 on the diagonal), iterate
      ``q_i = Σ_j P[i > j](p_i T_ji + p_j T_ij)``, ``p ← (p + q)/2`` until below 1e-8.
    """
    vp = victory_matrix(vpm, c)
    n = c.shape[-1]
    if pce_model == "Conditional":  # batched over any leading axes
        prod = multiply_up(vp)
        total = add_up(prod, -1)[..., None]
        if np.all((total > 0) & np.isfinite(total)):
            return prod / total
        logp = np.log(vp).sum(axis=-1)  # the product underflowed: same ratio, in logs
        e = np.exp(logp - logp.max(axis=-1, keepdims=True))
        return np.where(total > 0, prod / np.where(total > 0, total, 1.0),
                        e / e.sum(axis=-1, keepdims=True))
    if c.ndim > 2:
        return np.stack([pce(pce_model, vpm, cc) for cc in c])
    p = np.full(n, 1.0 / n)
    if pce_model == "MarkovUniform":
        for _ in range(1000):
            q = (vp * (p[:, None] + p[None, :])).sum(axis=-1) / n
            change = np.abs(q - p).max()
            p = (p + q) / 2.0
            if change <= 1e-6:
                return p
        raise DetenteError("SMP: the MarkovUniform PCE did not converge in 1000 iterations")
    if pce_model == "MarkovIncentive":
        inc = c * vp
        inc[np.arange(n), np.arange(n)] += 1e-10
        chlg = inc / inc.sum(axis=0, keepdims=True)  # T[i, j] = P[i challenges j]
        for _ in range(1000):
            ct = p[:, None] * chlg.T  # ct[i, j] = p_i T[j, i]
            q = (vp * (ct + ct.T)).sum(axis=-1)
            change = np.abs(q - p).max()
            p = (p + q) / 2.0
            if change <= 1e-8:
                return p
        raise DetenteError("SMP: the MarkovIncentive PCE did not converge in 1000 iterations")
    raise ValueError(pce_model)  # pragma: no cover


def scalar_pce(
    weight: np.ndarray, util: np.ndarray, rule: str, vpm: str, pce_model: str
) -> np.ndarray:
    """Probabilities of options ``util[A, O]`` under a vote weighted by ``weight[A]``."""
    return pce(pce_model, vpm, coalitions(rule, weight, util))


def big_r(p: np.ndarray, big_r_range: str) -> np.ndarray:
    """Risk attitudes from position probabilities ``p[..., A]`` (one set per leading index).

    ``Min``: ``(p − p_min)/(p_max − p_min)`` in [0, 1]; ``Mid``:
    ``(3p − (p_max + 2 p_min)) / (2 (p_max − p_min))`` in [−1/2, 1]; ``Max``:
    ``(2p − (p_max + p_min)) / (p_max − p_min)`` in [−1, 1]. All zero when
    every probability is equal (KTAB divides by zero there).
    """
    pmin = p.min(axis=-1, keepdims=True)
    pmax = p.max(axis=-1, keepdims=True)
    span = pmax - pmin
    with np.errstate(invalid="ignore", divide="ignore"):
        if big_r_range == "Min":
            r = (p - pmin) / span
        elif big_r_range == "Mid":
            r = (3 * p - (pmax + 2 * pmin)) / (2 * span)
        else:
            r = (2 * p - (pmax + pmin)) / span
    return np.where(span > 0, r, 0.0)


def estimated_risk(r: np.ndarray, adjust: str) -> np.ndarray:
    """``R[..., h, i]``: h's estimate of i's risk attitude (anchored on its own, ``R_h``)."""
    rh, ri = r[..., :, None], r[..., None, :]
    square = (*r.shape, r.shape[-1])
    if adjust == "Full":
        return np.broadcast_to(ri, square)
    if adjust == "TwoThirds":
        return (rh + 2.0 * ri) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "OneThird":
        return (2.0 * rh + ri) / 3.0
    return np.broadcast_to(rh, square)


def distances(ideal: np.ndarray, pos: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """``d[..., a, b] = sqrt(Σ_k (s_ak (ideal_ak − x_bk))² / Σ_k s_ak²)`` (0 if ``Σ s² = 0``);
    any leading axes are rows of independent runs."""
    diff = (ideal[..., :, None, :] - pos[..., None, :, :]) * sal[..., :, None, :]
    ss = add_up(sal * sal, -1)
    num = add_up(diff * diff, -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ss[..., :, None] > 0,
                        np.sqrt(num / np.where(ss > 0, ss, 1.0)[..., :, None]), 0.0)


def round4(x: np.ndarray) -> np.ndarray:
    """KTAB's rounding of bargains: ``int(0.5 + 10⁴ x) / 10⁴`` (truncation toward 0)."""
    return np.trunc(0.5 + x * 10000.0) / 10000.0


def interpolate(
    scheme: str,
    t_i: np.ndarray,
    s_i: np.ndarray,
    p_i: np.ndarray,
    t_j: np.ndarray,
    s_j: np.ndarray,
    p_j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The bargain two actors strike per dimension: (what i adopts, what j adopts).

    ``S1P1``/``S2P2``: ``w = s^n P^m``; ``b_i = round4(((w_i + ε) t_i + w_j t_j) /
    (w_i + ε + w_j))``, ``b_j = round4((w_i t_i + (ε + w_j) t_j) / (w_i + ε + w_j))``
    with ``ε = 1e-6``. ``S2PMax``: each moves toward the other by
    ``δ s_other² / (δ s_other² + ε + (1 − δ) s_own²)`` with ``δ`` the other's
    probability advantage (no rounding).
    """
    if scheme in ("S1P1", "S2P2"):
        e = 1 if scheme == "S1P1" else 2
        wi = s_i**e * p_i**e
        wj = s_j**e * p_j**e
        den = wi + MIN_BARGAIN_WEIGHT + wj
        bi = round4(((wi + MIN_BARGAIN_WEIGHT) * t_i + wj * t_j) / den)
        bj = round4((wi * t_i + (MIN_BARGAIN_WEIGHT + wj) * t_j) / den)
        return bi, bj
    di = np.maximum(p_j - p_i, 0.0)
    dj = np.maximum(p_i - p_j, 0.0)
    si2, sj2 = s_i * s_i, s_j * s_j
    dik = (di * sj2) / ((di * sj2) + MIN_BARGAIN_WEIGHT + ((1 - di) * si2))
    djk = (dj * si2) / ((dj * si2) + MIN_BARGAIN_WEIGHT + ((1 - dj) * sj2))
    return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)


def state_distance(a: np.ndarray, b: np.ndarray) -> float:
    """``Σ_actors ‖a − b‖`` (Euclidean over dimensions)."""
    return float(state_distances(a, b))


def state_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``Σ_actors ‖a − b‖`` per row of ``a[..., A, K]`` and ``b[..., A, K]``."""
    return add_up(np.sqrt(add_up((a - b) ** 2, -1)), -1)


def unique_positions(pos: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's unique positions (first of each kind) and, per actor, its unique's index.

    An actor is matched to the *last* unique position within ``tol`` (KTAB's
    ``posProb`` scans them all and keeps the last match).
    """
    first, rep = unique_rows(pos[None], tol)
    return np.flatnonzero(first[0]), rep[0]


def unique_rows(pos: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`unique_positions` for every row of ``pos[B, A, K]``: ``first[B, A]`` (the
    actor holds the first copy of a position: no earlier such actor within ``tol``) and
    ``rep[B, A]`` (the rank, among those, of the last one within ``tol`` of the actor)."""
    n_rows, n = pos.shape[:2]
    close = np.sqrt(add_up((pos[:, :, None, :] - pos[:, None, :, :]) ** 2, -1)) < tol
    first = np.zeros((n_rows, n), dtype=bool)
    for a in range(n):
        first[:, a] = ~(close[:, a, :a] & first[:, :a]).any(axis=-1)
    match = close & first[:, None, :]
    last = n - 1 - np.argmax(match[..., ::-1], axis=-1)
    rank = np.cumsum(first, axis=-1) - 1
    return first, np.take_along_axis(rank, last, axis=-1)
