"""The probability that one actor prevails over another (step 2 of the model), two ways.

:func:`win_probability`: Scholz's eq. 30/31 (or the clipped net margin of
dmasad's code), in O(A² log A) per round from prefix sums over the sorted
positions. :func:`triples_probability`: the risk-powered votes over all
triples of Scholz's code as ported by jmckib, O(A³).
"""

from __future__ import annotations

import numpy as np

_LOOP_ACTORS = 32


def _g_at_points(t: np.ndarray, xs: np.ndarray, w: np.ndarray, g_at: np.ndarray) -> np.ndarray:
    """``G(t) = Σ_k w_k max(x_k − t, 0)`` row by row, at points ``t[B, ...]``.

    ``G`` is piecewise linear with knots at the sorted positions ``xs[B, A]``
    (where it is ``g_at``). Few actors: the sum itself, a loop over the A
    actors; many actors: ``np.interp`` row by row (each call then handles A²
    points). Either way every row is computed
    on its own, so the numbers do not depend on how draws are chunked.
    """
    n_rows, n = xs.shape
    if n > _LOOP_ACTORS:
        out = np.empty(t.shape)
        for b in range(n_rows):
            out[b] = np.interp(t[b].ravel(), xs[b], g_at[b]).reshape(t.shape[1:])
        return out
    shape = (n_rows,) + (1,) * (t.ndim - 1)
    out = np.zeros(t.shape)
    for k in range(n):
        out += w[:, k].reshape(shape) * np.maximum(xs[:, k].reshape(shape) - t, 0.0)
    return out


def _first_of_ties(values: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """``values[b, k]`` replaced by its value at the first slot of each run of equal ``xs``."""
    n = xs.shape[1]
    start = np.ones(xs.shape, dtype=bool)
    start[:, 1:] = xs[:, 1:] != xs[:, :-1]
    first = np.maximum.accumulate(np.where(start, np.arange(n), 0), axis=1)
    return np.take_along_axis(values, first, axis=1)


def win_probability(
    xs: np.ndarray, w: np.ndarray, rule: str = "scholz", rows: slice | None = None
) -> np.ndarray:
    """``P[b, i, j]``: probability that i prevails over j, from sorted positions ``xs[B, A]``.

    ``P_ij = Σ_{k: a_k>0} w_k a_k / Σ_k w_k |a_k|``, ``a_k = |x_k − x_j| − |x_k − x_i|``;
    ½ where no weight separates i from j (then it does not matter). With
    ``rule="net"`` (dmasad's code) the numerator is the clipped net support
    ``max(Σ_k w_k a_k, 0)`` instead, so ``P_ij + P_ji`` is no longer 1. The
    rows of ``xs`` must be sorted ascending. ``rows`` limits the challengers
    i to a block (the result is then ``P[b, rows, j]``).

    With ``G(t) = Σ_k w_k max(x_k − t, 0)``, ``m`` the midpoint of x_i and x_j
    and ``W = Σ_k w_k``, the supporters' margin is
    ``Σ_k w_k max(a_k, 0) = W·max(x_j − x_i, 0) + 2(G(m) − G(x_i))``, the net
    margin ``Σ_k w_k a_k = D(x_j) − D(x_i)`` with ``D(t) = Σ_k w_k |x_k − t|``,
    and ``Σ_k w_k |a_k| = 2·support − net``. ``G`` is exact at the positions
    from prefix sums, and piecewise linear between them, so ``G(m)`` is a
    linear interpolation: a round costs O(A² log A), not O(A³).
    """
    cw = np.cumsum(w, axis=1) - w  # Σ_{l<k} w_l
    cwx = np.cumsum(w * xs, axis=1) - w * xs
    total_w = cw[:, -1] + w[:, -1]
    total_wx = cwx[:, -1] + w[:, -1] * xs[:, -1]
    # G at the (sorted) positions themselves: Σ_{l>=k} w_l (x_l − x_k)
    g_at = (total_wx[:, None] - cwx) - xs * (total_w[:, None] - cw)
    # actors on one spot share G exactly (the prefix sums differ in the last bit), so
    # that interchangeable actors get identical numbers whatever order they are listed in
    g_at = _first_of_ties(g_at, xs)
    dist_sum = 2.0 * g_at + xs * total_w[:, None] - total_wx[:, None]  # D = G + H
    rows = slice(None) if rows is None else rows
    xi = xs[:, rows, None]
    xj = xs[:, None, :]
    tw = total_w[:, None, None]
    diff = xj - xi
    # G is piecewise linear with knots at the positions, and every midpoint
    # lies within them: interpolation is exact
    g_mid = _g_at_points(0.5 * (xi + xj), xs, w, g_at)
    support = tw * np.maximum(diff, 0.0) + 2.0 * (g_mid - g_at[:, rows, None])
    net = dist_sum[:, None, :] - dist_sum[:, rows, None]
    both = 2.0 * support - net
    if rule == "net":
        support = np.maximum(net, 0.0)
    ok = both > 1e-12 * np.abs(diff) * tw
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(ok, support / both, 0.5)
    return np.clip(p, 0.0, 1.0)


def triples_probability(
    xs: np.ndarray, w: np.ndarray, r: np.ndarray | None, span: np.ndarray, active: np.ndarray
) -> np.ndarray:
    """The win probability of jmckib's port, which it reports as Scholz's code.

    Voter k's vote for i over j is ``v_k(i, j) = w_k (δ_kj^{r_k} − δ_ki^{r_k})``
    with ``δ_ka = |x_k − x_a|/R`` and ``r_k`` the voter's risk exponent
    (``None``: all 1). Then::

        P_ij = Σ_k max(v_k(i, j), 0) / Σ_k Σ_a Σ_b |v_k(a, b)|

    The denominator runs over every triple of actors, so ``P`` is small and
    ``P_ij + P_ji`` is far below 1. The inner double sum is the sum of
    pairwise absolute differences of voter k's ``δ^{r_k}``, from its sorted
    values: ``2 Σ_m u_(m) (2m − A + 1)``. The numerator is a loop over the
    voters, O(A³) per round: meant for reproducing the published cases.
    """
    n_rows, n = xs.shape
    delta = np.abs(xs[:, :, None] - xs[:, None, :]) / span[:, None, None]  # [B, k, a]
    u = delta if r is None else np.power(delta, r[:, :, None])
    # only actors taking part count as a and b: the others sort last as NaN
    ranked = np.sort(np.where(active[:, None, :], u, np.nan), axis=2)
    n_act = active.sum(axis=1)[:, None, None]
    m = np.arange(n)[None, None, :]
    coef = np.where(m < n_act, 2.0 * m - n_act + 1.0, 0.0)
    den = 2.0 * (w * np.nan_to_num(ranked * coef).sum(axis=2)).sum(axis=1)
    num = np.zeros((n_rows, n, n))
    for k in range(n):
        uk = u[:, k, :]
        num += w[:, k, None, None] * np.maximum(uk[:, None, :] - uk[:, :, None], 0.0)
    ok = den > 0
    return np.where(ok[:, None, None], num / np.where(ok, den, 1.0)[:, None, None], 0.5)
