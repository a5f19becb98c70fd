"""The Nash solver's safeguarded Newton iteration (:func:`~.nash._bisect`) as one compiled
loop (numba), bit for bit the array code.

The array code runs every step on all elements (draw × issue) still moving: some forty
array passes per step over ``[A, T]`` temporaries. Here each element's step is a few
dozen scalar operations per actor, with the same IEEE operations in the same order
(no fast-math: nothing reassociated or fused into FMAs). Two details keep the numbers
exactly the array code's:

- the tolerance is the array code's: ``1e-13`` of the widest starting bracket of the
  whole call, computed by the caller;
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

from typing import Any

import numba
import numpy as np

from detente.models.smp.kernels import pairwise_plan, pairwise_sum

#: without numba's reference counting (``_nrt=False``; the scratch arrays come from
#: :func:`bisect`): with it, every helper call counted references on the arrays passed,
#: which cost more than the arithmetic of a step
_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy",
                            "_nrt": False}
_jit = numba.njit(**_OPTIONS)


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
def _total(terms, n, plan, stack):  # pragma: no cover - compiled
    """``terms[:n]`` summed as numpy sums the array code's ``[A, T]`` temporaries over
    actors: they are column-major (``p[:, todo]`` puts the gathered axis outermost in
    memory), so each element's actors are contiguous and numpy adds them pairwise. Under
    8 terms numpy's pairwise sum is a plain loop from 0: done here without the plan."""
    if n < 8:
        s = 0.0
        for a in range(n):
            s += terms[a]
        return s
    return 0.0 + pairwise_sum(terms, plan, stack)


@_jit
def _slope(x, p, w, r, quadratic, plan, stack, t1, t2):  # pragma: no cover
    """h(x) and h'(x) (:func:`~.nash._slope_and_curvature`) for one element."""
    n = p.shape[0]
    for a in range(n):
        d = p[a] - x
        if quadratic:
            d2 = d * d
            inv = 1.0 / (r[a] - d2)
            t1[a] = 2.0 * w[a] * d * inv
            t2[a] = -2.0 * w[a] * (r[a] + d2) * inv * inv
        else:
            inv = 1.0 / (r[a] - abs(d))
            t1[a] = w[a] * _sign(d) * inv
            t2[a] = -w[a] * inv * inv
    return _total(t1, n, plan, stack), _total(t2, n, plan, stack)


@_jit
def _np_max(a, b):  # pragma: no cover - compiled
    return a if a != a else (a if a > b else b)


@_jit
def _np_min(a, b):  # pragma: no cover - compiled
    return a if a != a else (a if a < b else b)


@_jit
def bisect_loop(p, w, r, x, lo, hi, tol, quadratic, iterations, plan, todo, t1, t2, stack
                ):  # pragma: no cover - compiled
    """:func:`~.nash._bisect`'s steps on ``p, w, r`` ``[M, A]`` (element-major), updating
    ``x, lo, hi`` ``[M]`` in place; ``plan``: :func:`pairwise_plan` of A; scratch:
    ``todo = arange(M)``, ``t1``, ``t2`` of A numbers, ``stack`` of ``len(plan)``."""
    m, n = p.shape
    n_todo = m
    for _ in range(iterations):
        if n_todo == 0:
            break
        keep = 0
        for t in range(n_todo):
            j = todo[t]
            pj, wj, rj = p[j], w[j], r[j]
            xs, los, his = x[j], lo[j], hi[j]
            h, dh = _slope(xs, pj, wj, rj, quadratic, plan, stack, t1, t2)
            if h > 0:
                los = xs
            if h < 0:
                his = xs
            at_kink = False
            if not quadratic:  # the kink step (:func:`~.nash._kink_step`)
                mid = 0.5 * (los + his)
                k = 0
                best = np.inf
                has = False
                for a in range(n):
                    if wj[a] > 0 and pj[a] > los and pj[a] < his:
                        has = True
                        v = abs(pj[a] - mid)
                        if v < best or (v != v and best == best):  # argmin: first NaN
                            best = v
                            k = a
                c = pj[k]
                for a in range(n):
                    d = pj[a] - c
                    t1[a] = wj[a] * _sign(d) / (rj[a] - abs(d)) if d != 0 else 0.0
                    t2[a] = wj[a] / rj[a] if d == 0 else 0.0
                base = _total(t1, n, plan, stack)
                jump = _total(t2, n, plan, stack)
                left, right = base + jump, base - jump
                at_kink = has and left >= 0 and right <= 0
                if has and right > 0:
                    los = c
                if has and left < 0:
                    his = c
                if has:
                    xs = _np_min(_np_max(c, los), his)
                h, dh = _slope(xs, pj, wj, rj, quadratic, plan, stack, t1, t2)
            newton = xs - h / dh
            done = at_kink or h == 0 or abs(newton - xs) <= tol or his - los <= tol
            inside = newton >= los and newton <= his and np.isfinite(newton)
            if done:
                step = xs
            elif inside:
                step = newton
            else:
                step = 0.5 * (los + his)
            x[j], lo[j], hi[j] = step, los, his
            if not done:
                todo[keep] = j
                keep += 1
        n_todo = keep


def bisect(p: np.ndarray, w: np.ndarray, r: np.ndarray, x: np.ndarray, lo: np.ndarray,
           hi: np.ndarray, tol: float, quadratic: bool, iterations: int) -> None:
    """Run :func:`bisect_loop` on the array code's actor-first ``p, w, r`` ``[A, M]``."""
    n = p.shape[0]
    pt, wt, rt = (np.ascontiguousarray(v.T) for v in (p, w, r))
    plan = pairwise_plan(n)
    bisect_loop(pt, wt, rt, x, lo, hi, tol, quadratic, iterations, plan, np.arange(x.size),
                np.empty(n), np.empty(n), np.empty(max(len(plan), 1)))
