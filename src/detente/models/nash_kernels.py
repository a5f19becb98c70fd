"""The Nash solution of :func:`~.nash.nash_general` as one compiled pass (numba), bit for
bit the array code.

The array code builds ``[n, A, I]`` arrays for the reach, bracket and weights, then runs
every step of its safeguarded Newton iteration (:func:`~.nash._bisect`) on all elements
(draw × issue) still moving: some forty array passes per step over ``[A, T]``
temporaries. Here a first pass finds every element's bracket
``[max(max_a (p_a − D_a), low), min(min_a (p_a + D_a), high)]`` and the widest one, and
a second solves one element after another from its actors' numbers gathered into a few
scalars' worth of scratch, with the same IEEE operations in the same order (no
fast-math: nothing reassociated or fused into FMAs). Elements are independent, so one
after another gives the lockstep's numbers. Two details keep them exactly the array
code's:

- the tolerance is the array code's: ``1e-13`` of the widest starting bracket of the
  whole call;
- every sum over actors is numpy's pairwise summation
  (:func:`detente.models.smp.kernels.pairwise_sum`; it differs from adding term after
  term from 8 actors on): the array code gathers the moving elements with
  ``p[:, todo]``, which lays each element's actors out contiguously, and its
  temporaries keep that layout, so numpy's reductions over actors run along
  contiguous memory.

``tests/models/test_nash_kernels.py`` checks both paths for identical results.
Compiled on first use and cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np

from detente.models.compiled import clip as _clip
from detente.models.compiled import jit as _jit
from detente.models.compiled import np_max as _np_max
from detente.models.compiled import np_min as _np_min
from detente.models.smp.kernels import pairwise_plan, pairwise_sum


@_jit
def _sign(d):  # pragma: no cover - compiled
    """``np.sign`` (0 for ±0, NaN for NaN)."""
    if d > 0:
        return 1.0
    if d < 0:
        return -1.0
    if d == 0:
        return 0.0
    return d


@_jit
def _slope_terms(d, w, r, quadratic):  # pragma: no cover - compiled
    """One actor's terms of h and h' (:func:`~.nash._slope_and_curvature`) at distance
    ``d = p − x``: linear ``w sign(d)/g``, ``−w/g²`` (g = r − |d|); quadratic
    ``2wd/g``, ``−2w(r + d²)/g²`` (g = r − d², ``r`` holding r²)."""
    if quadratic:
        d2 = d * d
        inv = 1.0 / (r - d2)
        return 2.0 * w * d * inv, -2.0 * w * (r + d2) * inv * inv
    inv = 1.0 / (r - abs(d))
    return w * _sign(d) * inv, -w * inv * inv


@_jit
def _kink_terms(d, w, r):  # pragma: no cover - compiled
    """One actor's terms of h's two sides at a kink c, ``d = p − c``
    (:func:`~.nash._kink_step`): ``w sign(d)/(r − |d|)`` (0 at c), ``w/r`` (at c only)."""
    return (w * _sign(d) / (r - abs(d)) if d != 0 else 0.0), (w / r if d == 0 else 0.0)


@_jit
def _sums(kink, x, p, w, r, quadratic, plan, stack, t1, t2):  # pragma: no cover - compiled
    """Both sums over actors of :func:`_slope_terms` (or :func:`_kink_terms`) at ``x``,
    as numpy sums the array code's ``[A, T]`` temporaries over actors: they are
    column-major (``p[:, todo]`` puts the gathered axis outermost in memory), so each
    element's actors are contiguous and numpy adds them pairwise (through ``t1``, ``t2``
    and :func:`pairwise_sum`); under 8 terms numpy's pairwise sum is a plain loop from 0,
    done here in registers."""
    n = p.shape[0]
    small = n < 8
    s1 = 0.0
    s2 = 0.0
    for a in range(n):
        d = p[a] - x
        u, v = _kink_terms(d, w[a], r[a]) if kink else _slope_terms(d, w[a], r[a], quadratic)
        if small:
            s1 += u
            s2 += v
        else:
            t1[a] = u
            t2[a] = v
    if small:
        return s1, s2
    return 0.0 + pairwise_sum(t1, plan, stack), 0.0 + pairwise_sum(t2, plan, stack)


@_jit
def _kink_and_slope(c, p, w, r):  # pragma: no cover - compiled
    """Under 8 actors (linear utilities): :func:`_sums` at the kink ``c`` both ways in one
    pass over the actors, the same terms added in the same order: ``(base, jump)`` of
    :func:`_kink_terms` and ``(h, h')`` of :func:`_slope_terms`."""
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    for a in range(p.shape[0]):
        d = p[a] - c
        u, v = _kink_terms(d, w[a], r[a])
        s, t = _slope_terms(d, w[a], r[a], False)
        s1 += u
        s2 += v
        s3 += s
        s4 += t
    return s1, s2, s3, s4


@_jit
def _nearest_kink(p, w, lo, hi):  # pragma: no cover - compiled
    """The weighted ideal point strictly inside (lo, hi) nearest the middle (the first on
    a tie, as ``argmin``), and whether there is one."""
    mid = 0.5 * (lo + hi)
    k = 0
    best = np.inf
    has = False
    for a in range(p.shape[0]):  # without branches (which actors are inside is random)
        pa = p[a]
        inside = (w[a] > 0) & (pa > lo) & (pa < hi)
        v = abs(pa - mid)
        better = inside & ((v < best) | ((v != v) & (best == best)))  # argmin: first NaN
        has = has | inside
        best = v if better else best
        k = a if better else k
    return k, has


@_jit
def _solve(p, w, r, x, lo, hi, tol, quadratic, iterations, plan, stack, t1, t2
           ):  # pragma: no cover - compiled
    """One element's steps of :func:`~.nash._bisect` on its actors' ``p, w, r`` from the
    iterate ``x`` and bracket ``[lo, hi]``: the root. Scratch: ``t1``, ``t2`` of A numbers,
    ``stack`` of ``len(plan)``. Elements are independent, so solving one after another
    gives the array code's lockstep numbers. Where no kink lies inside the bracket the
    array code's kink step changes nothing and its h is the same: both are skipped."""
    for _ in range(iterations):
        h, dh = _sums(False, x, p, w, r, quadratic, plan, stack, t1, t2)
        if h > 0:
            lo = x
        if h < 0:
            hi = x
        at_kink = False
        k, has = (0, False) if quadratic else _nearest_kink(p, w, lo, hi)
        if has:  # the kink step (:func:`~.nash._kink_step`; without a kink it changes nothing)
            c = p[k]
            small = p.shape[0] < 8
            if small:  # both sums at c in one pass (the new iterate is c, below)
                base, jump, hc, dhc = _kink_and_slope(c, p, w, r)
            else:
                base, jump = _sums(True, c, p, w, r, quadratic, plan, stack, t1, t2)
            left, right = base + jump, base - jump
            at_kink = left >= 0 and right <= 0
            if right > 0:
                lo = c
            if left < 0:
                hi = c
            x = _clip(c, lo, hi)
            if small and x == c and x != 0:  # c lies in [lo, hi]: always, but for ±0
                h, dh = hc, dhc
            else:
                h, dh = _sums(False, x, p, w, r, quadratic, plan, stack, t1, t2)
        newton = x - h / dh
        if at_kink or h == 0 or abs(newton - x) <= tol or hi - lo <= tol:
            return x
        inside = newton >= lo and newton <= hi and np.isfinite(newton)
        x = newton if inside else 0.5 * (lo + hi)
    return x


@_jit
def _bracket(position, weight, q, low, high, worst, feasible, lo, hi
             ):  # pragma: no cover - compiled
    """:func:`~.nash.nash_general`'s bracket of every element (draw, issue):
    ``lo = max(max_a (p_a − D_a), low)``, ``hi = min(min_a (p_a + D_a), high)`` over the
    weighted actors (``D_a``: :func:`~.nash._reach`), written where some actor has weight
    and ``lo < hi`` (else 0, 0), and whether it is so in ``feasible``; returns the widest
    bracket."""
    n, m, k = position.shape
    widest = 0.0
    for d in range(n):
        for i in range(k):
            left, right, any_active = -np.inf, np.inf, False
            for a in range(m):
                if weight[d, a, i] > 0:
                    p = position[d, a, i]
                    reach = _np_max(p - low[i], high[i] - p) if worst else abs(q[i] - p)
                    left = _np_max(left, p - reach)
                    right = _np_min(right, p + reach)
                    any_active = True
            left, right = _np_max(left, low[i]), _np_min(right, high[i])
            ok = any_active and left < right
            feasible[d, i] = ok
            lo[d, i] = left if ok else 0.0
            hi[d, i] = right if ok else 0.0
            widest = _np_max(widest, hi[d, i] - lo[d, i])
    return widest


@_jit
def _general(position, weight, q, low, high, worst, quadratic, iterations, plan, far, out,
             feasible, lo, hi, pj, wj, rj, t1, t2, stack):  # pragma: no cover - compiled
    """:func:`~.nash.nash_general` on ``position``, ``weight`` ``[n, A, I]``: each
    element's actors gathered (``p = 0``, ``w = 0``, reach ``far`` without weight), its
    root found by :func:`_solve` from the middle of its bracket, with the tolerance
    1e-13 of the widest bracket; an infeasible element gets the status quo (``worst``
    False) or NaN."""
    n, m, k = position.shape
    widest = _bracket(position, weight, q, low, high, worst, feasible, lo, hi)
    tol = 1e-13 * widest
    for d in range(n):
        for i in range(k):
            if not feasible[d, i]:
                out[d, i] = np.nan if worst else q[i]
                continue
            for a in range(m):
                w = weight[d, a, i]
                p = position[d, a, i] if w > 0 else 0.0
                reach = _np_max(p - low[i], high[i] - p) if worst else abs(q[i] - p)
                reach = reach if w > 0 else far
                pj[a], wj[a] = p, (w if w > 0 else 0.0)
                rj[a] = reach * reach if quadratic else reach
            out[d, i] = _solve(pj, wj, rj, 0.5 * (lo[d, i] + hi[d, i]), lo[d, i], hi[d, i],
                               tol, quadratic, iterations, plan, stack, t1, t2)


def general(position: np.ndarray, weight: np.ndarray, status_quo: np.ndarray,
            low: np.ndarray, high: np.ndarray, *, worst: bool, quadratic: bool,
            iterations: int, far: float) -> np.ndarray:
    """:func:`~.nash.nash_general`'s solution ``[n, I]`` of ``position``, ``weight``
    ``[n, A, I]`` in one compiled pass (no ``[n, A, I]`` temporaries)."""
    position, weight = (np.ascontiguousarray(v, dtype=float) for v in (position, weight))
    n, m, k = position.shape
    q, lo_, hi_ = (np.ascontiguousarray(np.broadcast_to(v, (k,)), dtype=float)
                   for v in (status_quo, low, high))
    plan = pairwise_plan(m)
    out, lo, hi = np.empty((n, k)), np.empty((n, k)), np.empty((n, k))
    pj, wj, rj, t1, t2 = np.empty((5, m))
    _general(position, weight, q, lo_, hi_, worst, quadratic, iterations, plan, far, out,
             np.empty((n, k), dtype=np.bool_), lo, hi, pj, wj, rj, t1, t2,
             np.empty(max(len(plan), 1)))
    return out
