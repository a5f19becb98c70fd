"""The Nash solver's unanimity (status-quo) form agrees with a plain scalar bisection.

The reference below is the reflected bisection the linear status-quo form used until
issue 30 removed it (the general solver now serves every form), one issue at a time,
in plain Python floats, summing over actors in order. The two agree within 1e-9 of the
scale (measured: at most 9.8e-12); where no actor has weight both keep the status quo.
"""

from __future__ import annotations

import math

import numpy as np

from detente.models.nash import nash_general


def scalar_nash(pos: list[float], w: list[float], q: float, iterations: int = 64) -> float:
    act = [(p - q, wa) for p, wa in zip(pos, w, strict=True) if wa > 0]
    if not act or not (all(r > 0 for r, _ in act) or all(r < 0 for r, _ in act)):
        return q
    side = 1.0 if act[0][0] > 0 else -1.0
    ys = [(r * side, wa) for r, wa in act]
    ys_all = [(r * side if wa > 0 else math.inf, wa if wa > 0 else 0.0)
              for r, wa in ((p - q, wa) for p, wa in zip(pos, w, strict=True))]
    lo, hi = 0.0, min(2 * y for y, _ in ys)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        up = down = 0.0  # plain left-to-right sums (Python 3.12's sum() compensates)
        for y, wa in ys_all:
            up += wa / mid if y > mid else 0.0
            down += wa / (2 * y - mid) if y < mid else 0.0
        if up - down > 0:
            lo = mid
        else:
            hi = mid
    return q + side * 0.5 * (lo + hi)


def test_status_quo_nash_equals_the_scalar_reference():
    rng = np.random.default_rng(42)
    for n_actors in (1, 2, 3, 5, 12):
        d, i = 40, 3
        sq = rng.uniform(0, 40, i)
        pos = sq + rng.uniform(-5, 60, (d, n_actors, i))
        pos = np.clip(pos, 0, 100)
        w = rng.uniform(0, 2, (d, n_actors, i)) * (rng.random((d, n_actors, i)) > 0.25)
        pos = np.where(w > 0, pos, np.nan)
        got = nash_general(pos, w, sq, np.zeros(i), np.full(i, 100.0),
                           disagreement="status-quo")
        for a in range(d):
            for k in range(i):
                want = scalar_nash(list(pos[a, :, k]), list(w[a, :, k]), float(sq[k]))
                assert abs(got[a, k] - want) <= 1e-9, (n_actors, a, k, got[a, k], want)
                if not (w[a, :, k] > 0).any():  # nobody to consent: the status quo
                    assert got[a, k] == sq[k]
