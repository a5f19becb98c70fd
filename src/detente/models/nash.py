"""The asymmetric Nash bargaining solution with the status quo as disagreement point.

On each issue, with status quo q and linear loss utility u_a(x) = −|x − p_a|,
actor a gains g_a(x) = u_a(x) − u_a(q) = |q − p_a| − |x − p_a| from a
settlement x. The forecast maximises the capability × salience weighted Nash
product

    x̂ = argmax_x Σ_a w_a log g_a(x),   w_a = c_a s_a,

over the x at which every actor with weight gains (g_a(x) > 0). That set is
the intersection of the open intervals (p_a − |q − p_a|, p_a + |q − p_a|),
each of which has q on its edge: it is empty as soon as two weighted actors
stand on opposite sides of q, or one stands exactly at q. Then no settlement
is better for everyone and the forecast is the status quo.

Why linear loss: it keeps the utilities on the issue's own scale (the same
units as the compromise and median models), needs no curvature parameter
that the sources could not support, and makes the problem one-dimensional
and concave, so the maximiser is unique. With every weighted actor on the
side x > q (reflect otherwise), g_a(x) = x − q for x ≤ p_a and 2p_a − q − x
beyond, so the objective is concave on (q, min_a(2p_a − q)) and its
derivative

    Σ_{p_a > x} w_a / (x − q) − Σ_{p_a < x} w_a / (2 p_a − q − x)

falls from +∞ to −∞: bisection on it finds x̂ to machine precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from detente.arrays import ScenarioArrays
from detente.models.base import Constraint, Integer, Model, ModelOutput, single_round


def nash_bargaining(
    position: np.ndarray,
    weight: np.ndarray,
    status_quo: np.ndarray,
    *,
    iterations: int = 64,
) -> np.ndarray:
    """Asymmetric Nash solution per issue over the actor axis (-2).

    ``position[..., A, I]``, ``weight[..., A, I]`` (0 where no stance),
    ``status_quo[I]``. Returns ``[..., I]``; the status quo where no
    settlement makes every weighted actor gain.
    """
    active = weight > 0
    q = np.broadcast_to(status_quo, position.shape[:-2] + position.shape[-1:])
    rel = np.where(active, position - q[..., None, :], 0.0)
    right = np.where(active, rel > 0, True).all(axis=-2)
    left = np.where(active, rel < 0, True).all(axis=-2)
    any_active = active.any(axis=-2)
    feasible = any_active & (right | left)
    side = np.where(right, 1.0, -1.0)
    x = np.array(q, dtype=float)
    if not feasible.any():
        return x
    # Bisect only where a settlement exists, with the actor axis first and contiguous:
    # each sum over actors then adds whole rows in actor order (the same arithmetic as a
    # sum over axis -2). Reflect so that every weighted actor stands at y = side·(p − q) > 0.
    sel = np.nonzero(feasible)
    act = np.moveaxis(active, -2, -1)[sel].T  # [A, F]
    y = np.moveaxis(rel, -2, -1)[sel].T * side[sel]
    y = np.ascontiguousarray(np.where(act, y, np.inf))
    w = np.ascontiguousarray(np.where(act, np.moveaxis(weight, -2, -1)[sel].T, 0.0))
    two_y = 2 * y
    lo = np.zeros(y.shape[1])
    hi = np.min(two_y, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(iterations):
            mid = 0.5 * (lo + hi)
            up = np.where(y > mid, w / mid, 0.0).sum(axis=0)
            down = np.where(y < mid, w / (two_y - mid), 0.0).sum(axis=0)
            rising = up - down > 0
            new_lo = np.where(rising, mid, lo)
            new_hi = np.where(rising, hi, mid)
            if np.array_equal(new_lo, lo) and np.array_equal(new_hi, hi):
                break  # converged to the last bit: further steps change nothing
            lo, hi = new_lo, new_hi
    x[sel] = q[sel] + side[sel] * 0.5 * (lo + hi)
    return x


@dataclass(frozen=True, kw_only=True)
class NashBargaining(Model):
    """Asymmetric (capability × salience weighted) Nash bargaining solution.

    ``x̂ = argmax_x Σ_a c_a s_a log(|q − p_a| − |x − p_a|)`` over the x at which
    every weighted actor gains; the status quo ``q`` where there is none.
    Disagreement point: the issue's status quo; utilities: linear loss.

    Parameters:

    - ``iterations`` (default 64): bisection steps, an integer >= 0; 64 halve
      the interval below 1e-15 of the scale.
    """

    name = "nash"
    label = "Nash bargaining"
    needs_status_quo = True
    iterations: int = 64

    constraints: ClassVar[Mapping[str, Constraint]] = {"iterations": Integer(0)}

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        outcome = nash_bargaining(
            arrays.position, arrays.weight, arrays.status_quo, iterations=self.iterations
        )
        return single_round(arrays, outcome)
