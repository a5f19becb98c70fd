"""Exact Pareto frontiers: of a set of utility points, and of an additive deal space.

A point ``q`` *dominates* ``p`` when ``q_a ≥ p_a`` for every actor and
``q ≠ p``. The frontier is the set of points no other point dominates; equal
points do not dominate each other, so every outcome whose utility vector is
on the frontier is kept (negmas keeps one outcome per vector: compare the
sets of vectors).

Algorithms (N points, A actors, S frontier points):

- ``A = 1``: the maximum, ``O(N)``.
- ``A = 2``: sort lexicographically descending and keep a point when its
  second utility beats the running maximum of those before it: ``O(N log N)``.
- ``A ≥ 3``: (1) *grid pruning*: bin the points into a ``g^A`` grid
  (``g^A ≈ 2^16``); a point whose cell has a non-empty cell strictly above it
  on every axis is strictly dominated (binning is monotone), found for all
  cells at once with a suffix-OR over the grid, ``O(N + A g^A)``, repeated
  while it removes points; (2) Kung, Luccio & Preparata's divide and conquer
  on the survivors: sort lexicographically (a dominator always comes earlier),
  solve blocks of 64 by vectorised brute force, then merge halves bottom-up:
  the later half's survivors are filtered against the earlier half's on the
  remaining ``A−1`` utilities by a recursive median split (2 utilities left:
  a sort-and-running-max sweep). Worst case ``O(N log^{A−1} N)``; in practice
  grid pruning leaves a thin shell around the frontier.

For a deal space the utilities are additive over issues, ``u(x) = Σ_i
t_i(x_i)``, and a deal on the frontier can only use options that are on the
frontier of their own issue (else swapping the option dominates it), and the
frontier of a Minkowski sum is within the sum of the frontiers. So
:func:`deal_frontier` merges issue by issue, ``F_k = frontier(F_{k−1} ⊕ t_k)``,
and drops partial deals that cannot reach every actor's BATNA even with its
best options on the issues still to come (pruning by BATNA *before* the
frontier: the frontier of the deals above the BATNAs equals the frontier of
all deals cut at the BATNAs, since a dominator of a deal above them is above
them too). Memory stays ``O(|F_{k−1}| n_k)``.
"""

from __future__ import annotations

import numpy as np

_LEAF = 64
_BRUTE = 1 << 15
_GRID_CELLS = 1 << 16


def pareto_mask(points: np.ndarray) -> np.ndarray:
    """Boolean mask of the Pareto-optimal rows of ``points[N, A]`` (maximising).

    ``points`` may be an object array of exact numbers (Python ints, Fractions):
    each column is then replaced by its dense ranks, which keeps every
    comparison and so the frontier.
    """
    pts = np.asarray(points)
    pts = _ranks(pts) if pts.dtype == object else np.asarray(pts, dtype=float)
    if pts.ndim != 2:
        raise ValueError("points must be a 2-D array [N, A]")
    n, a = pts.shape
    mask = np.zeros(n, dtype=bool)
    if n == 0:
        return mask
    if a == 0:
        mask[:] = True
        return mask
    if np.isnan(pts).any():
        raise ValueError("utility points contain NaN")
    if a == 1:
        return pts[:, 0] == pts[:, 0].max()
    idx = np.arange(n)
    if a >= 3 and 2**a <= _GRID_CELLS:  # past 16 actors a grid of 2 per axis is too big
        idx = _grid_prune(pts, idx)
    sub = pts[idx]
    order = np.lexsort(sub.T[::-1])[::-1]  # lexicographically descending
    srt = sub[order]
    first = np.ones(len(srt), dtype=bool)
    first[1:] = (srt[1:] != srt[:-1]).any(axis=1)
    uniq = srt[first]
    keep_u = _front_2d(uniq) if a == 2 else _kung(uniq)
    group = np.cumsum(first) - 1  # unique-row group of every sorted row
    mask[idx[order]] = keep_u[group]
    return mask


def _ranks(points: np.ndarray) -> np.ndarray:
    """Per column, the dense rank of each exact value (as float: exact below 2^53).

    Rounding an exact number to float64 is monotone, so sorting by the floats
    orders every pair exactly except pairs with equal floats; only those runs
    are sorted again on the exact values.
    """
    out = np.zeros(points.shape, dtype=float)
    if points.ndim != 2 or not points.size:
        return out
    for c in range(points.shape[1]):
        col = points[:, c]
        approx = col.astype(float)
        order = np.argsort(approx, kind="stable")
        srt = approx[order]
        same = np.flatnonzero(srt[1:] == srt[:-1])
        if len(same):  # runs of equal floats: order them exactly
            starts = same[np.r_[True, np.diff(same) > 1]]
            ends = same[np.r_[np.diff(same) > 1, True]] + 2
            for s, e in zip(starts, ends, strict=True):
                run = order[s:e]
                order[s:e] = sorted(run.tolist(), key=col.__getitem__)
        vals = col[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = vals[1:] != vals[:-1]
        out[order, c] = np.cumsum(new) - 1
    return out


def pareto_indices(points: np.ndarray) -> np.ndarray:
    """Row numbers of the Pareto-optimal points, ascending."""
    return np.flatnonzero(pareto_mask(points))


def _front_2d(p: np.ndarray) -> np.ndarray:
    """Unique rows sorted descending: keep where u1 beats every earlier u1."""
    prev = np.maximum.accumulate(p[:, 1])
    keep = np.ones(len(p), dtype=bool)
    keep[1:] = p[1:, 1] > prev[:-1]
    return keep


def _grid_prune(pts: np.ndarray, idx: np.ndarray, rounds: int = 4) -> np.ndarray:
    """``idx`` without points that a point in a higher grid cell dominates on every axis.

    A round costs about as much as its ``g^a`` cells, so the grid is skipped for fewer
    than a quarter as many points: Kung's merge alone is then faster (measured on the
    bundled scenario's utilities, 5 actors: break-even near 10,000 points). The frontier
    is the same either way; only the time differs."""
    a = pts.shape[1]
    g = max(2, int(_GRID_CELLS ** (1.0 / a)))
    for _ in range(rounds):
        if len(idx) < 4 * _LEAF or 4 * len(idx) < g**a:
            break
        sub = pts[idx]
        lo, hi = sub.min(axis=0), sub.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        cell = np.floor((sub - lo) / span * g).astype(np.int64)
        np.clip(cell, 0, g - 1, out=cell)
        flat = np.ravel_multi_index(tuple(cell.T), (g,) * a)
        occ = np.zeros(g**a, dtype=bool)
        occ[flat] = True
        up = occ.reshape((g,) * a)
        for ax in range(a):  # up[c] = some occupied cell >= c on every axis
            up = np.flip(np.logical_or.accumulate(np.flip(up, ax), axis=ax), ax)
        dead = np.zeros((g,) * a, dtype=bool)
        dead[(slice(0, g - 1),) * a] = up[(slice(1, g),) * a]
        alive = ~dead.reshape(-1)[flat]
        removed = len(idx) - int(alive.sum())
        idx = idx[alive]
        if removed < 0.05 * (len(idx) + removed):
            break
    return idx


def _kung(p: np.ndarray) -> np.ndarray:
    """Nondominated mask of unique rows sorted lexicographically descending."""
    n, a = p.shape
    keep = np.ones(n, dtype=bool)
    # blocks of _LEAF by vectorised brute force (earlier rows dominate later ones)
    nb = -(-n // _LEAF)
    pad = np.full((nb * _LEAF, a), -np.inf)
    pad[:n] = p
    blocks = pad.reshape(nb, _LEAF, a)
    eye = np.eye(_LEAF, dtype=bool)
    step = max(1, (1 << 22) // (_LEAF * _LEAF * a))
    for s in range(0, nb, step):
        b = blocks[s:s + step]
        ge = (b[:, None, :, :] >= b[:, :, None, :]).all(axis=-1)  # ge[k, p, q]: q >= p
        ge &= ~eye
        keep[s * _LEAF:(s + step) * _LEAF] = ~ge.any(axis=2).reshape(-1)[: max(0, n - s * _LEAF)]
    size = _LEAF
    while size < n:
        for start in range(0, n - size, 2 * size):
            mid, stop = start + size, min(start + 2 * size, n)
            left = start + np.flatnonzero(keep[start:mid])
            right = mid + np.flatnonzero(keep[mid:stop])
            if len(left) and len(right):
                dom = dominated_by(p[left, 1:], p[right, 1:])
                keep[right[dom]] = False
        size *= 2
    return keep


def dominated_by(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mask over rows of ``y``: some row of ``x`` is ``>=`` it in every column."""
    m, d = y.shape
    out = np.zeros(m, dtype=bool)
    if len(x) == 0 or m == 0:
        return out
    if d == 0:
        out[:] = True
        return out
    if d == 1:
        return y[:, 0] <= x[:, 0].max()
    if d == 2:
        return _sweep(x, y)
    # only y under x's max corner, only x over y's min corner can matter
    cand = (y <= x.max(axis=0)).all(axis=1)
    x = x[(x >= y[cand].min(axis=0)).all(axis=1)] if cand.any() else x[:0]
    yi = np.flatnonzero(cand)
    if len(x) == 0 or len(yi) == 0:
        return out
    yc = y[yi]
    if len(x) * len(yc) <= _BRUTE:
        out[yi] = _brute(x, yc)
        return out
    col = np.concatenate([x[:, 0], yc[:, 0]])
    med = np.median(col)
    xh, yh = x[:, 0] >= med, yc[:, 0] >= med
    if xh.all() and yh.all():
        xh, yh = x[:, 0] > med, yc[:, 0] > med
        if not xh.any() and not yh.any():  # column constant: it decides nothing
            out[yi] = dominated_by(x[:, 1:], yc[:, 1:])
            return out
    res = np.zeros(len(yc), dtype=bool)
    hi, lo = np.flatnonzero(yh), np.flatnonzero(~yh)
    if len(hi):
        res[hi] = dominated_by(x[xh], yc[hi])
    if len(lo):
        r = dominated_by(x[xh][:, 1:], yc[lo][:, 1:])
        rest = np.flatnonzero(~r)
        if len(rest):
            r[rest] = dominated_by(x[~xh], yc[lo[rest]])
        res[lo] = r
    out[yi] = res
    return out


def _brute(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.empty(len(y), dtype=bool)
    step = max(1, (1 << 21) // (len(x) * x.shape[1]))
    for s in range(0, len(y), step):
        ge = np.asarray(x[None, :, :] >= y[s:s + step, None, :]).all(axis=-1)
        out[s:s + step] = np.asarray(ge).any(axis=1)
    return out


def _sweep(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two columns: sort by the first descending (x before y on ties), running max of x's second."""
    n = len(x)
    v0 = np.concatenate([x[:, 0], y[:, 0]])
    v1 = np.concatenate([x[:, 1], y[:, 1]])
    is_y = np.zeros(n + len(y), dtype=bool)
    is_y[n:] = True
    order = np.lexsort((is_y, -v0))
    best = np.maximum.accumulate(np.where(is_y[order], -np.inf, v1[order]))
    out = np.empty(len(y), dtype=bool)
    sel = is_y[order]
    out[order[sel] - n] = best[sel] >= v1[order][sel]
    return out


def deal_frontier(
    tables: list[np.ndarray] | tuple[np.ndarray, ...],
    floor: np.ndarray | None = None,
    *,
    strict: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Pareto frontier of an additive deal space, pruned by ``floor`` (the BATNAs).

    ``tables[i]`` is ``[n_i, A]`` (utility contributions of issue ``i``'s
    options). Returns ``(options[S, I], U[S, A])``: every frontier deal whose
    utility is above ``floor`` (``>`` when ``strict``, else ``>=``; no floor:
    every frontier deal), sorted by total utility descending, then by option
    indices. Tables may be object arrays of exact numbers (Python ints): sums
    and comparisons are then exact, and dominance is decided on ranks.
    """
    exact = any(np.asarray(t).dtype == object for t in tables)
    kind = object if exact else float
    tables = [np.asarray(t, dtype=kind) for t in tables]
    n_a = tables[0].shape[1]
    best_rest = np.zeros((len(tables) + 1, n_a), dtype=kind)
    for i in range(len(tables) - 1, -1, -1):
        best_rest[i] = best_rest[i + 1] + tables[i].max(axis=0)
    opts = np.zeros((1, 0), dtype=np.int64)
    util = np.zeros((1, n_a), dtype=kind)
    for i, t in enumerate(tables):
        local = np.flatnonzero(pareto_mask(t))  # options on their own issue's frontier
        util = (util[:, None, :] + t[local][None, :, :]).reshape(-1, n_a)
        opts = np.concatenate(
            [np.repeat(opts, len(local), axis=0), np.tile(local, len(opts))[:, None]], axis=1
        )
        if floor is not None:
            reach = util + best_rest[i + 1]
            ok = (reach > floor).all(axis=1) if strict else (reach >= floor).all(axis=1)
            opts, util = opts[ok], util[ok]
        if len(util) == 0:
            return np.zeros((0, len(tables)), dtype=np.int64), np.zeros((0, n_a), dtype=kind)
        front = pareto_mask(util)
        opts, util = opts[front], util[front]
    total = util.sum(axis=1).astype(float)  # exact keys: an order only (callers re-sort)
    order = np.lexsort(tuple(opts.T[::-1]) + (-total,))
    return opts[order], util[order]
