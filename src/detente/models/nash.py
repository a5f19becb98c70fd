"""The asymmetric Nash bargaining solution, in the variants of the EU-decision literature.

On each issue, actor a with ideal p_a and utility u_a gains
g_a(x) = u_a(x) − u_a(d_a) from a settlement x over its disagreement outcome
d_a. The forecast maximises the capability × salience weighted Nash product

    x̂ = argmax_x Σ_a w_a log g_a(x),   w_a = c_a s_a,

over the x at which every actor with weight gains (g_a(x) > 0).

Named variants (parameters ``utility`` and ``disagreement``):

- ``utility="linear"``: u_a(x) = −|x − p_a| (loss on the issue's own scale);
  ``"quadratic"``: u_a(x) = −(x − p_a)² (risk-averse actors, Achen 2006).
- ``disagreement="status-quo"`` (*unanimity*): d_a = q, the issue's status quo,
  for everyone. Then g_a > 0 on the open interval (p_a − |q − p_a|,
  p_a + |q − p_a|), which has q on its edge: the set where all gain is empty
  as soon as two weighted actors stand on opposite sides of q (or one at q),
  and the forecast is q. Every party holds a veto.
- ``"worst"``: d_a = the end of the scale farthest from p_a (what an actor
  fears if talks break down and it is outvoted): every interior x gains for
  everyone, no status quo is needed.
- ``"decisive"``: the status quo binds through the voting rule's *decisive
  coalitions* rather than through everyone: x is admissible when the actors
  who strictly prefer it to q hold at least ``quota`` of the total capability
  (the win set of q; q itself always is). Among admissible x the forecast
  maximises the Nash product with worst-outcome disagreement (so an outvoted
  actor still counts, with its fallback of being outvoted). ``quota=1``
  asks every actor with a stance to gain.

Solving. For ``status-quo`` and ``worst`` every g_a is concave and positive on
the interval I = (max_a(p_a − D_a), min_a(p_a + D_a)) ∩ [low, high], with
D_a = |q − p_a| or D_a = max(p_a − low, high − p_a); the derivative of the
objective,

    Σ_a w_a g'_a(x) / g_a(x),   g'_a = sign(p_a − x) (linear), 2 (p_a − x) (quadratic),

falls from +∞ to −∞ on I: a Newton iteration safeguarded by bisection finds
x̂ to about 1e-13 of the scale, for every form (the linear status-quo form's own
reflected bisection, kept until issue 30, gave the same x̂ within 1e-11). For
``decisive`` the win set is a union of
intervals between the points q and 2p_a − q; by concavity the constrained
maximum is the unconstrained one if it lies in the win set, else the better of
the nearest admissible points on either side.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from detente.arrays import ScenarioArrays
from detente.models.base import (
    Constraint,
    Integer,
    Model,
    ModelOutput,
    Number,
    OneOf,
    single_round,
)
from detente.models.winset import win_set

_FAR = 1e100  # the reach of an actor without weight: finite, so that its zero terms stay 0
#: from this many elements (draws × issues) on, :func:`nash_general` runs as one compiled
#: pass (:mod:`.nash_kernels`, the same numbers); below it the array code runs and numba
#: is never imported (its load costs about 0.5 CPU s and 65 MiB once per process)
COMPILED_ELEMENTS = 32_768
Utility = Literal["linear", "quadratic"]
Disagreement = Literal["status-quo", "worst", "decisive"]


def _gain(x: np.ndarray, p: np.ndarray, reach: np.ndarray, utility: str) -> np.ndarray:
    """g_a(x) for ideal ``p`` and disagreement distance ``reach`` = |d_a − p_a|."""
    if utility == "quadratic":
        return reach**2 - (x - p) ** 2
    return reach - np.abs(x - p)


def _nash_objective(x: np.ndarray, p: np.ndarray, w: np.ndarray, reach: np.ndarray,
                    utility: str) -> np.ndarray:
    """Σ_a w_a log g_a(x) over the actor axis (-2); −∞ where a weighted actor does not gain.

    ``x[..., 1, I]`` broadcasts against ``p``, ``w``, ``reach`` ``[..., A, I]``.
    """
    g = _gain(x, p, reach, utility)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(w > 0, w * np.log(np.where(g > 0, g, 0.0)), 0.0)
    return term.sum(axis=-2)


def _slope_and_curvature(x: np.ndarray, p: np.ndarray, w: np.ndarray, r: np.ndarray,
                         quadratic: bool) -> tuple[np.ndarray, np.ndarray]:
    """h(x) = Σ_a w_a g'_a/g_a and h'(x) over the (first) actor axis.

    Linear: g = r − |d|, d = p − x: h = Σ w sign(d)/g, h' = −Σ w/g².
    Quadratic (``r`` holds r²): g = r − d²: h = Σ 2wd/g, h' = −Σ 2w(r + d²)/g².
    """
    d = p - x
    if quadratic:
        d2 = d * d
        inv = 1.0 / (r - d2)
        return (2.0 * w * d * inv).sum(axis=0), (-2.0 * w * (r + d2) * inv * inv).sum(axis=0)
    inv = 1.0 / (r - np.abs(d))
    return (w * np.sign(d) * inv).sum(axis=0), (-w * inv * inv).sum(axis=0)


def _kink_step(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, p: np.ndarray, w: np.ndarray,
               r: np.ndarray) -> tuple[np.ndarray, ...]:
    """Linear utilities: test the kink p_c inside (lo, hi) nearest the bracket's middle.

    h jumps at each weighted ideal point: h(c∓) = Σ_{p_a ≠ c} w_a sign(p_a − c)/g_a(c)
    ± Σ_{p_a = c} w_a/r_a. If h(c−) ≥ 0 ≥ h(c+) the root is c; otherwise c narrows
    the bracket, so that after at most A such steps h is smooth on it and Newton
    converges. Returns the new iterate (c where tested, else ``x``), bracket,
    and where the root is a kink.
    """
    mid = 0.5 * (lo + hi)
    inside = (w > 0) & (p > lo) & (p < hi)
    k = np.argmin(np.where(inside, np.abs(p - mid), np.inf), axis=0)
    has = inside.any(axis=0)
    c = np.take_along_axis(p, k[None], axis=0)[0]
    d = p - c
    with np.errstate(divide="ignore", invalid="ignore"):
        base = np.where(d != 0, w * np.sign(d) / (r - np.abs(d)), 0.0).sum(axis=0)
    jump = np.where(d == 0, w / r, 0.0).sum(axis=0)
    left, right = base + jump, base - jump
    root = has & (left >= 0) & (right <= 0)
    lo = np.where(has & (right > 0), c, lo)
    hi = np.where(has & (left < 0), c, hi)
    x = np.where(has, np.clip(c, lo, hi), x)
    return x, lo, hi, root


def _bisect(p: np.ndarray, w: np.ndarray, reach: np.ndarray, lo: np.ndarray, hi: np.ndarray,
            utility: str, iterations: int) -> np.ndarray:
    """The root of h(x) = Σ_a w_a g'_a / g_a on (lo, hi) per issue (h falls there).

    Safeguarded Newton: each step keeps a bracket [lo, hi] with h(lo) > 0 >
    h(hi) and takes the Newton step x − h/h' when it lands inside the
    bracket, else the midpoint; it stops when no bracket or iterate moves by
    more than 1e-13 of the starting width (at most ``iterations`` steps).
    Actors without weight must come with ``w = 0`` and ``reach = _FAR`` (their
    terms are then exactly 0; with an infinite reach, 0·∞ would poison h').
    The actor axis is moved first and made contiguous.
    """
    p = np.ascontiguousarray(np.moveaxis(p, -2, 0))
    w = np.ascontiguousarray(np.moveaxis(w, -2, 0))
    quadratic = utility == "quadratic"
    r = np.ascontiguousarray(np.moveaxis(reach**2 if quadratic else reach, -2, 0))
    shape = np.broadcast_shapes(lo.shape, hi.shape)
    lo = np.broadcast_to(lo, shape).ravel().copy()
    hi = np.broadcast_to(hi, shape).ravel().copy()
    p, w, r = (np.broadcast_to(v, (v.shape[0], *shape)).reshape(v.shape[0], -1)
               for v in (p, w, r))
    tol = 1e-13 * np.max(hi - lo, initial=0.0)
    x = 0.5 * (lo + hi)
    todo = np.arange(x.size)  # elements still moving; the others are final
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _ in range(iterations):
            if todo.size == 0:
                break
            xs, los, his = x[todo], lo[todo], hi[todo]
            pt, wt, rt = p[:, todo], w[:, todo], r[:, todo]
            h, dh = _slope_and_curvature(xs, pt, wt, rt, quadratic)
            los = np.where(h > 0, xs, los)
            his = np.where(h < 0, xs, his)
            at_kink = np.zeros(xs.shape, dtype=bool)
            if not quadratic:
                xs, los, his, at_kink = _kink_step(xs, los, his, pt, wt, rt)
                h, dh = _slope_and_curvature(xs, pt, wt, rt, quadratic)
            newton = xs - h / dh
            done = (at_kink | (h == 0) | (np.abs(newton - xs) <= tol) | (his - los <= tol))
            inside = (newton >= los) & (newton <= his) & np.isfinite(newton)
            step = np.where(done, xs, np.where(inside, newton, 0.5 * (los + his)))
            moving = ~done
            x[todo], lo[todo], hi[todo] = step, los, his
            todo = todo[moving]
    return x.reshape(shape)


def _reach(position: np.ndarray, status_quo: np.ndarray, low: np.ndarray, high: np.ndarray,
           disagreement: str) -> np.ndarray:
    """|d_a − p_a|: distance to the status quo, or to the farther end of the scale."""
    if disagreement == "status-quo":
        return np.abs(status_quo[..., None, :] - position)
    return np.maximum(position - low, high - position)


def nash_general(
    position: np.ndarray,
    weight: np.ndarray,
    status_quo: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    utility: Utility = "linear",
    disagreement: Literal["status-quo", "worst"] = "worst",
    iterations: int = 64,
) -> np.ndarray:
    """Nash solution with the given utility and disagreement point (see the module docstring).

    ``position[..., A, I]``, ``weight[..., A, I]`` (0 where no stance), ``status_quo[I]``
    and the scale ``low[I]``, ``high[I]``.
    Returns ``[..., I]``: the status quo (``status-quo`` form) where no
    settlement makes every weighted actor gain, or where no actor has weight (nobody to
    consent: the status quo stands); otherwise NaN where no actor has weight.
    """
    lead = position.shape[:-2] + position.shape[-1:]
    if math.prod(lead) >= COMPILED_ELEMENTS and max(map(np.ndim, (status_quo, low, high))) <= 1:
        from detente.models import nash_kernels

        a, i = position.shape[-2:]
        x = nash_kernels.general(position.reshape(-1, a, i),
                                 np.broadcast_to(weight, position.shape).reshape(-1, a, i),
                                 status_quo, low, high, worst=disagreement == "worst",
                                 quadratic=utility == "quadratic", iterations=iterations,
                                 far=_FAR)
        return x.reshape(lead)
    q = np.broadcast_to(status_quo, lead)
    active = weight > 0
    p = np.where(active, position, 0.0)
    reach = np.where(active, _reach(p, q, low, high, disagreement), _FAR)
    lo = np.maximum(np.where(active, p - reach, -np.inf).max(axis=-2), low)
    hi = np.minimum(np.where(active, p + reach, np.inf).min(axis=-2), high)
    feasible = active.any(axis=-2) & (lo < hi)
    x = _bisect(p, np.where(active, weight, 0.0), reach,
                np.where(feasible, lo, 0.0), np.where(feasible, hi, 0.0), utility, iterations)
    if disagreement == "status-quo":  # unanimity: without everyone's gain, q stands
        return np.where(feasible, x, q)
    return np.where(feasible, x, np.nan)


def nash_decisive(
    position: np.ndarray,
    weight: np.ndarray,
    capability: np.ndarray,
    status_quo: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    quota: float,
    utility: Utility = "linear",
    iterations: int = 64,
) -> np.ndarray:
    """Nash solution (worst-outcome disagreement) over the win set of q under ``quota``.

    ``capability[..., A, I]`` counts in the decisive coalitions (actors with a
    stance); ``weight`` in the Nash product. Returns ``[..., I]``.
    """
    active = weight > 0
    free = nash_general(position, weight, status_quo, low, high, utility=utility,
                        disagreement="worst", iterations=iterations)
    q = np.broadcast_to(status_quo, free.shape)
    p = np.where(active, position, 0.0)
    left, right, ok = win_set(p, capability, active, q, quota=quota)
    x = free[..., None, :]
    inside = (ok & (left <= x) & (x <= right)).any(axis=-2)
    # nearest admissible point below and above the free optimum
    below = np.where(ok & (right <= x), right, -np.inf).max(axis=-2)
    above = np.where(ok & (left >= x), left, np.inf).min(axis=-2)
    w = np.where(active, weight, 0.0)
    reach = np.where(active, _reach(p, q, low, high, "worst"), 1.0)
    cands = np.stack([below, above], axis=-2)  # [..., 2, I]
    value = np.stack([
        np.where(np.isfinite(c), _nash_objective(np.where(np.isfinite(c), c, 0.0)[..., None, :],
                                                 p, w, reach, utility), -np.inf)
        for c in (below, above)
    ], axis=-2)
    pick = np.take_along_axis(cands, np.argmax(value, axis=-2)[..., None, :], axis=-2)[..., 0, :]
    any_ok = ok.any(axis=-2)
    out = np.where(inside, free, np.where(any_ok, pick, q))
    return np.where(active.any(axis=-2), out, np.nan)


@dataclass(frozen=True, kw_only=True)
class NashBargaining(Model):
    """Asymmetric (capability × salience weighted) Nash bargaining solution.

    ``x̂ = argmax_x Σ_a c_a s_a log(u_a(x) − u_a(d_a))`` over the x at which
    every weighted actor gains (see the module docstring for the variants).

    Parameters:

    - ``utility`` (default ``"linear"``): ``"linear"`` loss −|x − p| or
      ``"quadratic"`` loss −(x − p)².
    - ``disagreement`` (default ``"worst"``, the variant that scored best in
      proposal-grouped CV on DEU I/II: docs/accuracy.md): ``"status-quo"``
      (unanimity: everyone's fallback is the status quo; every party holds a
      veto), ``"worst"`` (each actor's worst outcome on the scale; needs no
      status quo) or ``"decisive"`` (the settlement must be preferred to the
      status quo by actors holding ``quota`` of the capability).
    - ``quota`` (default 0.5): share of the total capability a decisive
      coalition needs, in (0, 1]; read only by ``"decisive"``.
    - ``iterations`` (default 64): bisection steps, an integer >= 0; 64 halve
      the interval below 1e-15 of the scale.
    """

    name = "nash"
    label = "Nash bargaining"
    needs_status_quo = False  # the default (worst-outcome) form needs none; see check()
    utility: Utility = "linear"
    disagreement: Disagreement = "worst"
    quota: float = 0.5
    iterations: int = 64

    constraints: ClassVar[Mapping[str, Constraint]] = {
        "iterations": Integer(0),
        "utility": OneOf.literal(Utility),
        "disagreement": OneOf.literal(Disagreement),
        "quota": Number(above=0, high=1),
    }

    def check(self, arrays: ScenarioArrays) -> None:
        """The status-quo and decisive forms need a status quo on every issue."""
        if self.disagreement != "worst":
            self._require_status_quo(arrays)

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        args = (arrays.position, arrays.weight)
        if self.disagreement == "decisive":
            cap = np.broadcast_to(arrays.capability[:, :, None], arrays.position.shape)
            outcome = nash_decisive(*args, cap, arrays.status_quo, arrays.low, arrays.high,
                                    quota=self.quota, utility=self.utility,
                                    iterations=self.iterations)
        else:
            outcome = nash_general(*args, arrays.status_quo, arrays.low, arrays.high,
                                   utility=self.utility, disagreement=self.disagreement,
                                   iterations=self.iterations)
        return single_round(arrays, outcome)
