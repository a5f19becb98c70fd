"""Pressures as processes: month-by-month paths of the pressures and of each actor's
expectation of them.

A pressure with a ``process`` (:class:`detente.scenario.Process`) moves as a random
walk with drift, bounded, plus the named shocks that carry a monthly probability:

    v_p(0)   = the stated value (drawn from the pressure's ``uncertainty`` when given;
               shocks applied by hand stay added on top)
    v_p(t+1) = clip(v_p(t) + μ_p + σ_p ε_pt + Σ_s J_st Δ_sp,  low_p, high_p)

with ``μ_p`` the trend (drawn per path from ``trend_uncertainty`` when given),
``σ_p`` the volatility, ``ε_pt`` standard normal, ``J_st = 1`` when shock ``s``
happens in month ``t`` (probability ``q_s`` per month; at most once per path unless
``recurring``) and ``Δ_sp`` its change to pressure ``p``.

Each actor ``a`` holds an expected trend ``m_ap(t)`` of each pressure: its stated
``expectations[p].trend`` (drawn from its range when given), closing a share
``λ_ap`` (``convergence``) of the gap to the path's actual trend every month as
fighting reveals it (Wagner 2000; Filson & Werner 2002; Slantchev 2003):

    m_ap(t) = μ_p + (m_ap(0) − μ_p)(1 − λ_ap)^t.

An actor without a stated expectation expects the actual trend (``m = μ``). The
pressure level an actor bargains on is where it expects the pressure ``H`` months
ahead (``lookahead``): ``v̂_ap(t) = v_p(t) + H m_ap(t)``.

Random numbers: every draw comes from uniforms and normals of fixed shapes, drawn in
a fixed order from the block's own stream, then mapped by inverse CDFs, so two
variants of a scenario that differ only in numbers (a trend, a rate, a probability)
see the same random numbers (common random numbers: their paths differ only by the
numbers changed). Members of a declared bloc share the draw of their expectation of
each pressure (Gaussian copula with the bloc's correlation, 1: the same quantile).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.deals.utility import DealProblem
from detente.scenario import Distribution, Scenario
from detente.uncertainty.normal import ndtr
from detente.uncertainty.sampling import distribution_ppf


@dataclass(frozen=True, eq=False)
class Processes:
    """The compiled processes of a scenario's pressures (``P`` pressures, ``S`` shocks
    with a monthly probability, ``A`` actors), as arrays."""

    pressures: tuple[str, ...]
    start: np.ndarray
    """``[P]``: the values at month 0 (the deal problem's, after shocks applied by hand)."""
    start_dist: tuple[Distribution | None, ...]
    stated: np.ndarray
    """``[P]``: the stated values (a drawn start replaces these; hand shocks stay on top)."""
    trend: np.ndarray
    trend_dist: tuple[Distribution | None, ...]
    volatility: np.ndarray
    low: np.ndarray
    high: np.ndarray
    after: np.ndarray
    """``[P]``: the monthly move after an agreement (stated power shifts)."""
    shocks: tuple[str, ...]
    shock_probability: np.ndarray
    shock_recurring: np.ndarray
    shock_change: np.ndarray
    """``[S, P]``."""
    expected: np.ndarray
    """``[A, P]``: each actor's stated expected trend (NaN: none stated, the actual one)."""
    expected_dist: tuple[tuple[Distribution | None, ...], ...]
    convergence: np.ndarray
    """``[A, P]``: the share of the gap to the actual trend closed per month."""
    blocs: tuple[tuple[tuple[int, ...], float], ...]
    """Declared blocs: member actor indices and their correlation."""

    @property
    def moving(self) -> bool:
        """Whether anything moves over the months (a trend, a volatility, a shock, an
        expectation that differs from the trend)."""
        return bool(np.any(self.trend != 0) or any(d is not None for d in self.trend_dist)
                    or np.any(self.volatility > 0) or np.any(self.shock_probability > 0)
                    or np.any(~np.isnan(self.expected)))

    @classmethod
    def from_scenario(cls, scenario: Scenario, problem: DealProblem) -> Processes:
        """The processes of ``scenario`` in the order of ``problem.pressures``."""
        ids = problem.pressures
        n_p, n_a = len(ids), len(scenario.actors)
        by_id = {p.id: p for p in scenario.pressures}
        procs = [by_id[p].process for p in ids]
        start = (np.asarray(problem.pressure_value, dtype=float)
                 if problem.pressure_value is not None
                 else np.array([by_id[p].value for p in ids], dtype=float))
        timed = [k for k in scenario.shocks if k.monthly_probability is not None]
        change = np.zeros((len(timed), n_p))
        for s, shock in enumerate(timed):
            for p, x in shock.changes.items():
                change[s, ids.index(p)] = x
        expected = np.full((n_a, n_p), np.nan)
        rate = np.zeros((n_a, n_p))
        exp_dist: list[list[Distribution | None]] = [[None] * n_p for _ in range(n_a)]
        for a, actor in enumerate(scenario.actors):
            for p, e in actor.expectations.items():
                expected[a, ids.index(p)] = e.trend
                rate[a, ids.index(p)] = e.convergence
                exp_dist[a][ids.index(p)] = e.trend_uncertainty
        blocs = tuple(
            (tuple(a for a, x in enumerate(scenario.actors) if x.bloc == b.id),
             float(b.correlation)) for b in scenario.blocs)

        def field(name: str, default: float) -> np.ndarray:
            return np.array([default if pr is None or getattr(pr, name) is None
                             else getattr(pr, name) for pr in procs], dtype=float)

        return cls(
            pressures=ids, start=start,
            start_dist=tuple(by_id[p].uncertainty for p in ids),
            stated=np.array([by_id[p].value for p in ids], dtype=float),
            trend=field("trend", 0.0),
            trend_dist=tuple(None if pr is None else pr.trend_uncertainty for pr in procs),
            volatility=field("volatility", 0.0),
            low=field("low", -np.inf), high=field("high", np.inf),
            after=field("after_agreement", 0.0),
            shocks=tuple(k.id for k in timed),
            shock_probability=np.array([k.monthly_probability for k in timed], dtype=float),
            shock_recurring=np.array([k.recurring for k in timed], dtype=bool),
            shock_change=change,
            expected=expected, expected_dist=tuple(tuple(r) for r in exp_dist),
            convergence=rate, blocs=blocs,
        )


@dataclass(frozen=True, eq=False)
class Paths:
    """``n`` drawn paths over months ``0 … T``."""

    value: np.ndarray
    """``[n, T+1, P]``: the pressures."""
    trend: np.ndarray
    """``[n, P]``: each path's actual trend."""
    expected: np.ndarray
    """``[n, T+1, A, P]``: each actor's expected trend."""
    uniform: np.ndarray
    """``[n, T+1]``: one uniform per path and month for a hazard agreement rule."""


def draw_paths(proc: Processes, rng: np.random.Generator, n: int, months: int,
               n_actors: int) -> Paths:
    """``n`` paths of ``months`` months (see the module docstring); the random numbers
    are drawn in a fixed order and shape whatever the numbers of ``proc``."""
    n_p, n_s, t1 = len(proc.pressures), len(proc.shocks), months + 1
    u_start = rng.random((n, n_p))
    u_trend = rng.random((n, n_p))
    z_exp = rng.standard_normal((n, n_actors, n_p))
    bloc_factor = rng.standard_normal((len(proc.blocs), n, n_p))
    eps = rng.standard_normal((n, months, n_p))
    u_shock = rng.random((n, months, n_s))
    u_agree = rng.random((n, t1))

    start = np.repeat(proc.start[None, :], n, axis=0)
    trend = np.repeat(proc.trend[None, :], n, axis=0)
    for p in range(n_p):
        if proc.start_dist[p] is not None:
            start[:, p] = (distribution_ppf(proc.start_dist[p], u_start[:, p])  # type: ignore[arg-type]
                           + proc.start[p] - proc.stated[p])
        if proc.trend_dist[p] is not None:
            trend[:, p] = distribution_ppf(proc.trend_dist[p], u_trend[:, p])  # type: ignore[arg-type]
    for (members, rho), factor in zip(proc.blocs, bloc_factor, strict=True):
        if members and rho > 0:
            m = np.asarray(members)
            z_exp[:, m, :] = np.sqrt(rho) * factor[:, None, :] + np.sqrt(1 - rho) * z_exp[:, m, :]
    u_exp = ndtr(z_exp)
    m0 = np.where(np.isnan(proc.expected)[None], trend[:, None, :], proc.expected[None])
    for a in range(n_actors):
        for p in range(n_p):
            dist = proc.expected_dist[a][p]
            if dist is not None:
                m0[:, a, p] = distribution_ppf(dist, u_exp[:, a, p])

    happen = u_shock < proc.shock_probability
    if n_s:
        first = np.cumsum(happen, axis=1) == 1
        happen = np.where(proc.shock_recurring, happen, happen & first)
    jump = happen.astype(float) @ proc.shock_change if n_s else np.zeros((n, months, n_p))
    value = np.empty((n, t1, n_p))
    value[:, 0] = np.clip(start, proc.low, proc.high)
    for t in range(months):
        step = trend + proc.volatility * eps[:, t] + jump[:, t]
        value[:, t + 1] = np.clip(value[:, t] + step, proc.low, proc.high)
    keep = (1.0 - proc.convergence)[None] ** np.arange(t1)[:, None, None]  # [T+1, A, P]
    expected = trend[:, None, None, :] + (m0 - trend[:, None, :])[:, None] * keep[None]
    return Paths(value, trend, expected, u_agree)


def perceived(paths: Paths, lookahead: float) -> np.ndarray:
    """``v̂[n, T+1, A, P] = v(t) + H m_a(t)``: the pressures each actor bargains on."""
    return paths.value[:, :, None, :] + lookahead * paths.expected


def after_agreement(proc: Processes, value: np.ndarray, months: int) -> np.ndarray:
    """``[n, M, P]``: the pressures ``1 … M`` months after an agreement reached at
    ``value[n, P]``, moving by the stated post-agreement trend (bounded)."""
    s = np.arange(1, months + 1, dtype=float)[None, :, None]
    return np.clip(value[:, None, :] + s * proc.after[None, None, :], proc.low, proc.high)
