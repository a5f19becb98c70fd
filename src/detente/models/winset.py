"""The win set of a status quo on one dimension: the settlements a decisive coalition prefers.

With symmetric single-peaked utilities (linear or quadratic loss), actor a
strictly prefers x to the status quo q exactly when |x − p_a| < |q − p_a|,
i.e. on the open interval between q and 2p_a − q. The win set of q under a
rule is the set of x that

- actors among the *voters* holding at least ``quota`` of the voters'
  capability strictly prefer to q, and
- every *veto player* (e.g. a co-legislator) strictly prefers to q.

It is a union of intervals whose ends are among the points q and 2p_a − q;
:func:`win_set` returns the segments between consecutive sorted points with a
flag saying which are in it (its interior is, so the flag is read at the
segment's midpoint). Used by the ``decisive`` Nash variant and by the
procedural model.
"""

from __future__ import annotations

import numpy as np


def win_set(position: np.ndarray, capability: np.ndarray, voters: np.ndarray,
            status_quo: np.ndarray, *, quota: float,
            vetoes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segments ``(left, right, admissible)``, each ``[..., K, I]`` with K = A.

    ``position``, ``capability``, ``voters`` (bool) and ``vetoes`` (bool, veto
    players with a stance) are ``[..., A, I]``; ``status_quo`` ``[..., I]``.
    A segment is admissible when its interior is in the win set; with no
    voter weight the quota is met trivially (only the veto players decide).
    """
    q = status_quo[..., None, :]
    involved = voters if vetoes is None else voters | vetoes
    far = np.where(involved, 2.0 * position - q, np.broadcast_to(q, position.shape))
    ends = np.concatenate([np.broadcast_to(q, far.shape[:-2] + (1,) + far.shape[-1:]), far],
                          axis=-2)
    points = np.sort(ends, axis=-2)
    left, right = points[..., :-1, :], points[..., 1:, :]
    mid = 0.5 * (left + right)  # [..., K, I]
    gains = (np.abs(mid[..., :, None, :] - position[..., None, :, :])
             < np.abs(q[..., None, :, :] - position[..., None, :, :]))  # [..., K, A, I]
    cap = np.where(voters, capability, 0.0)
    support = np.where(gains & voters[..., None, :, :], cap[..., None, :, :], 0.0).sum(axis=-2)
    total = cap.sum(axis=-2)[..., None, :]
    ok = (right > left) & (support >= quota * total * (1.0 - 1e-12))
    if vetoes is not None:
        ok &= np.where(vetoes[..., None, :, :], gains, True).all(axis=-2)
    return left, right, ok


def nearest_in_win_set(target: np.ndarray, status_quo: np.ndarray, left: np.ndarray,
                       right: np.ndarray, admissible: np.ndarray) -> np.ndarray:
    """The point of (win set ∪ {q}) nearest to ``target[..., I]`` (ties: the win set's)."""
    t = target[..., None, :]
    clipped = np.where(admissible, np.clip(t, left, right), np.nan)
    dist = np.where(admissible, np.abs(clipped - t), np.inf)
    k = np.argmin(dist, axis=-2)[..., None, :]
    best = np.take_along_axis(clipped, k, axis=-2)[..., 0, :]
    best_dist = np.take_along_axis(dist, k, axis=-2)[..., 0, :]
    q = np.broadcast_to(status_quo, target.shape)
    return np.where(best_dist <= np.abs(q - target), best, q)
