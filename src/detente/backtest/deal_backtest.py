"""The deal tools on whole DEU proposals: which package would they pick, and how near is it?

A proposal-level scenario (:mod:`detente.backtest.proposals`) becomes a
:class:`~detente.deals.utility.DealProblem` with the deals package's own
utilities: actor ``a`` values option ``o`` of issue ``i`` at
``w_ai v_ai(o)``, ``w`` its saliences normalised over the proposal's issues,
``v`` the distance utility (linear: ``1 − |o − x_ai| / span``); a package's
utility is the sum over issues. Two of the deal tools' bargaining solutions
(:mod:`detente.deals.solutions`) are scored:

- **utilitarian** (``argmax Σ_a u_a``): additive, so solved exactly issue by
  issue (each issue's option maximising ``Σ_a w_ai v_ai``; with linear
  utilities a weighted median of the positions with weights ``w_ai``, which
  differ from the single-issue saliences because each actor's weights are
  spread over the whole proposal).
- **Nash** (``argmax Σ_a log(u_a − d_a)``), ``d`` either each actor's worst
  package (``Σ_i min_o w_ai v_ai(o)``, minus 1e-9 so that a package giving
  an actor its worst stays finite) or the status quo (the deals package's
  default BATNA: the reference points, an actor's minimum on an issue
  without one). The exact solution enumerates every package of the
  frontier, minutes per proposal of 4–6 issues and 20+ actors; here it is
  found by **coordinate ascent**: from a start, each issue in turn is set to
  its best option with the others fixed, until no issue changes; starts are
  the options nearest the compromise (salience-weighted mean) and
  ``restarts`` random packages (``rng``), and the best end point is kept.
  Infeasible packages (some ``u_a ≤ d_a``) are ranked by their total
  shortfall, so the ascent first moves toward the rational set. With linear
  utilities ``log(u_a − d_a)`` is concave in the continuous package, so the
  ascent approximates the exact optimum up to the grid step and the
  non-smooth kinks where it can stall; when no rational package is found, the
  forecast is "no deal": the status quo where the issue has one, none
  elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detente.deals.utility import DealProblem
from detente.scenario import Scenario

#: options per issue (0, 1, …, 100 on the DEU scale)
DEAL_GRID = 101
NASH_RESTARTS = 8


def deal_problem_of(scenario: Scenario, grid: int = DEAL_GRID) -> DealProblem:
    """The deal problem of a proposal scenario, linear utilities, ``grid`` options per issue."""
    return DealProblem.from_scenario(scenario, utility="linear", grid=grid)


def utilitarian_package(problem: DealProblem) -> np.ndarray:
    """Option index per issue maximising total utility (exact: the problem is additive)."""
    return np.array([int(np.argmax(t.sum(axis=1))) for t in problem.tables])


def worst_disagreement(problem: DealProblem) -> np.ndarray:
    """Each actor's utility of its worst package, less 1e-9."""
    return sum(t.min(axis=0) for t in problem.tables) - 1e-9


def _objective(u: np.ndarray, d: np.ndarray) -> tuple[float, float]:
    """(feasible?, value): Nash log-product when every gain is positive, else the total
    shortfall (negative); compared lexicographically."""
    g = u - d
    if (g > 0).all():
        return 1.0, float(np.log(g).sum())
    return 0.0, float(np.minimum(g, 0).sum())


def nash_package(problem: DealProblem, d: np.ndarray, start: np.ndarray, *,
                 max_sweeps: int = 50) -> tuple[np.ndarray, tuple[float, float]]:
    """Coordinate ascent on the Nash objective from ``start``; the package and its score."""
    x = start.copy()
    tables = problem.tables
    u = sum(t[x[i]] for i, t in enumerate(tables))
    best = _objective(u, d)
    for _ in range(max_sweeps):
        changed = False
        for i, t in enumerate(tables):
            rest = u - t[x[i]]
            cand = rest[None, :] + t  # [options, A]
            g = cand - d[None, :]
            feasible = (g > 0).all(axis=1)
            if feasible.any():
                vals = np.where(feasible, np.log(np.where(g > 0, g, 1.0)).sum(axis=1), -np.inf)
                o = int(np.argmax(vals))
                score = (1.0, float(vals[o]))
            else:
                vals = np.minimum(g, 0).sum(axis=1)
                o = int(np.argmax(vals))
                score = (0.0, float(vals[o]))
            if score > best and o != x[i]:
                x[i], u, best, changed = o, rest + t[o], score, True
        if not changed:
            break
    return x, best


def compromise_start(problem: DealProblem, scenario: Scenario) -> np.ndarray:
    """Per issue, the option nearest the salience × capability weighted mean position."""
    cap = {a.id: a.capability for a in scenario.actors}
    out = []
    for i, issue in enumerate(problem.issues):
        st = [s for s in scenario.stances if s.issue == issue]
        w = np.array([s.salience * cap[s.actor] for s in st])
        x = np.array([s.position for s in st])
        mean = float(w @ x / w.sum()) if w.sum() > 0 else float(x.mean())
        out.append(int(np.argmin(np.abs(problem.space.option_values[i] - mean))))
    return np.array(out)


def best_nash_package(problem: DealProblem, scenario: Scenario, d: np.ndarray,
                      rng: np.random.Generator, restarts: int = NASH_RESTARTS
                      ) -> np.ndarray | None:
    """The best coordinate-ascent end point over the starts; None if none is rational."""
    sizes = problem.space.sizes
    starts = [compromise_start(problem, scenario)]
    starts += [np.array([rng.integers(n) for n in sizes]) for _ in range(restarts)]
    best_x, best = None, (-1.0, -np.inf)
    for s in starts:
        x, score = nash_package(problem, d, s)
        if score > best:
            best_x, best = x, score
    return best_x if best[0] == 1.0 else None


@dataclass(frozen=True)
class DealForecasts:
    """Per issue of one proposal, the package each deal tool picks (values on the scale)."""

    utilitarian: dict[str, float]
    nash_worst: dict[str, float]
    nash_status_quo: dict[str, float]


def deal_forecasts(scenario: Scenario, *, seed: int = 0, grid: int = DEAL_GRID
                   ) -> DealForecasts:
    """The three deal-tool forecasts on one proposal scenario (see module)."""
    problem = deal_problem_of(scenario, grid)
    values = problem.space.option_values
    issues = problem.issues

    def as_values(x: np.ndarray | None) -> dict[str, float]:
        if x is None:  # no rational package: the status quo stays
            return {i: (float("nan") if (sq := scenario.issue(i).status_quo) is None
                        else float(sq)) for i in issues}
        return {i: float(values[k][x[k]]) for k, i in enumerate(issues)}

    rng = np.random.default_rng(seed)
    worst = best_nash_package(problem, scenario, worst_disagreement(problem), rng)
    sq = best_nash_package(problem, scenario, problem.batna, rng)
    return DealForecasts(as_values(utilitarian_package(problem)), as_values(worst),
                         as_values(sq))


def exhaustive_nash(problem: DealProblem, d: np.ndarray) -> np.ndarray | None:
    """The exact Nash package by enumeration (small problems only: tests)."""
    grids = np.stack(np.meshgrid(*[np.arange(n) for n in problem.space.sizes],
                                 indexing="ij"), axis=-1).reshape(-1, len(problem.tables))
    u = sum(t[grids[:, i]] for i, t in enumerate(problem.tables))
    g = u - d
    ok = (g > 0).all(axis=1)
    if not ok.any():
        return None
    vals = np.where(ok, np.log(np.where(g > 0, g, 1.0)).sum(axis=1), -np.inf)
    return grids[int(np.argmax(vals))]


def proposal_deal_columns(cases: Sequence, every: Sequence, *, seed: int = 0
                          ) -> dict[str, np.ndarray]:
    """Each deal tool's forecast per scored case (NaN where it gives none)."""
    from detente.backtest.proposals import proposal_cases

    out = {k: np.full(len(cases), np.nan) for k in ("deal-utilitarian", "deal-nash/worst",
                                                    "deal-nash/status-quo")}
    for pc in proposal_cases(every, cases):
        f = deal_forecasts(pc.scenario, seed=seed)
        for issue, k in pc.scored:
            out["deal-utilitarian"][k] = f.utilitarian[issue]
            out["deal-nash/worst"][k] = f.nash_worst[issue]
            out["deal-nash/status-quo"][k] = f.nash_status_quo[issue]
    return out
