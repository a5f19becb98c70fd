"""Expected utilities of challenges (step 4) and risk exponents (step 5)."""

from __future__ import annotations

import numpy as np


def expected_utility(
    rel: np.ndarray,
    rel_mu: np.ndarray,
    p: np.ndarray,
    s_target: np.ndarray,
    r: np.ndarray | None,
    q: float,
    t_rule: str,
) -> np.ndarray:
    """``E[b, i, j] = E^i(U_ij)`` from ``rel = |x_i − x_j|/R``, ``rel_mu = |x_i − μ|/R``.

    ``r`` is the risk exponent of whoever evaluates, broadcast against
    ``[B, A, A]``: ``r[:, :, None]`` for the challenger's own view,
    ``r[:, None, :]`` for the target's view of the challenge (``None`` for
    r = 1, which skips the powers: ``U_s = 2δ``, ``U_f = −2δ``, ``U_sq = 0``).
    """
    if r is None and q == 1.0:
        # U_s = 2δ, U_f = −2δ, U_sq = 0: E = 2δ (1 − 2 s_j (1 − P))
        return (2.0 * rel) * (1.0 - 2.0 * s_target[:, None, :] * (1.0 - p))
    if r is None:
        u_s = 2.0 * rel
        u_f = -2.0 * rel
        u_sq = 0.0
    else:
        ri = r
        u_s = 2.0 - 4.0 * np.power(np.maximum(0.5 - 0.5 * rel, 0.0), ri)
        u_f = 2.0 - 4.0 * np.power(0.5 + 0.5 * rel, ri)
        u_sq = 2.0 - 4.0 * np.power(0.5, ri)
    sj = s_target[:, None, :]
    eu = sj * (p * u_s + (1.0 - p) * u_f) + (1.0 - sj) * u_s - q * u_sq
    if q < 1.0:
        drift = 0.25 * (rel_mu[:, :, None] + rel)
        if r is None:
            u_b = 4.0 * drift
            u_w = -4.0 * drift
        else:
            u_b = 2.0 - 4.0 * np.power(np.maximum(0.5 - drift, 0.0), ri)
            u_w = 2.0 - 4.0 * np.power(0.5 + drift, ri)
        t: np.ndarray | float
        if t_rule == "median":
            t = (rel_mu[:, :, None] < rel).astype(float)
        else:
            t = 1.0 if t_rule == "one" else 0.0
        eu = eu - (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return eu


def risk_exponents(security: np.ndarray, active: np.ndarray) -> np.ndarray:
    """``r_i = (1 − R_i/3)/(1 + R_i/3)`` from the security ``Sec_i = Σ_j E^j(U_ji)``.

    ``R_i = (2 Sec_i − max Sec − min Sec)/(max Sec − min Sec)`` over the actors
    taking part (0 when all are equal).
    """
    sec = security
    anyone = active.any(axis=1, keepdims=True)
    hi = np.where(anyone, np.where(active, sec, -np.inf).max(axis=1, keepdims=True), 0.0)
    lo = np.where(anyone, np.where(active, sec, np.inf).min(axis=1, keepdims=True), 0.0)
    spread = hi - lo
    flat = ~(spread > 0)
    big_r = np.where(flat, 0.0, (2.0 * sec - hi - lo) / np.where(flat, 1.0, spread))
    big_r = np.clip(big_r, -1.0, 1.0)
    # (1 − R/3)/(1 + R/3) written as (3 − R)/(3 + R): exactly ½ and 2 at the ends
    return np.where(active, (3.0 - big_r) / (3.0 + big_r), 1.0)
