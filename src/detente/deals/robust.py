"""Robust deals: how often a package stays acceptable across the stated uncertainty.

A package that every party accepts at the point estimate may do so by a hair.
:func:`survival` draws the scenario's uncertain inputs (positions, saliences,
capabilities and BATNAs, as declared; :mod:`detente.uncertainty.sampling`,
the same draws and seeds as :func:`detente.uncertainty.simulate.simulate`),
rebuilds every actor's utility of each package in each draw by the problem's
distance rule,

    u_a(x) = Σ_i w_ai v(|x_i − p_ai| / span_i),  w_ai = s_ai / Σ_j s_aj,

and its no-deal value (a stated BATNA as drawn; a status-quo BATNA as the
drawn utility of the status quo; a BATNA given on the command line as given),
and applies the problem's one acceptability test (:func:`acceptable`) in each
draw. The *survival probability* of a package is the share of draws in which
it is acceptable. Capabilities are drawn too but do not enter the acceptance
test (a party accepts or refuses a package on its own utility).

Stated utilities (GENIUS spaces) are not rebuilt from positions: only their
BATNAs vary, where declared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.scenario import Scenario

from .utility import DealProblem, _reference, distance_value

if TYPE_CHECKING:
    from .logrolls import Logroll

DEFAULT_ROBUST_DRAWS = 500
"""Draws for the survival probabilities by default."""


def acceptable(problem: DealProblem, options: np.ndarray,
               batna: np.ndarray | None = None) -> np.ndarray:
    """``ok[...]`` for packages ``options[..., I]``: the one acceptability test of the deal
    tools (:func:`detente.deals.acceptability.acceptable`: with structure, vetoes, red
    lines and linkages; without, every actor above its BATNA)."""
    from .acceptability import acceptable as test

    return np.asarray(test(problem, np.asarray(options, dtype=np.int64), batna))


@dataclass(frozen=True, eq=False)
class Survival:
    """Survival probabilities of packages across ``draws`` draws with ``seed``."""

    probability: np.ndarray  # [S]
    draws: int
    seed: int
    varied: tuple[str, ...]
    """What was drawn: kinds of inputs with declared uncertainty."""

    def to_dict(self) -> dict[str, Any]:
        return {"draws": self.draws, "seed": self.seed, "varied": list(self.varied)}


def drawn_problems(problem: DealProblem, scenario: Scenario, *, draws: int, seed: int
                   ) -> Iterator[tuple[DealProblem, np.ndarray]]:
    """Each draw's problem (utilities rebuilt from the drawn positions and saliences) and
    no-deal values ``β[A]``; the draws of :mod:`detente.uncertainty.sampling` with ``seed``."""
    from detente.uncertainty.sampling import input_space

    space = input_space(scenario)
    values = space.from_unit(space.sample_unit(seed, 0, draws))
    arrays = space.apply(values)
    stated = space.batna(values)
    rebuild = problem.weight is not None and problem.keys is None and problem.terms is None
    for d in range(draws):
        drawn = problem
        if rebuild:
            drawn = _redrawn(problem, scenario, np.asarray(arrays.position[d]),
                             np.asarray(arrays.salience[d]))
        yield drawn, _batna(problem, drawn, stated[d], scenario)


def _varied(scenario: Scenario) -> tuple[str, ...]:
    from detente.uncertainty.sampling import input_space

    return tuple(sorted({x.kind for x in input_space(scenario).inputs}))


def survival(problem: DealProblem, scenario: Scenario, options: np.ndarray, *,
             draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0) -> Survival:
    """The share of ``draws`` draws in which each package ``options[S, I]`` is acceptable
    (see the module docstring)."""
    options = np.asarray(options, dtype=np.int64).reshape(-1, len(problem.issues))
    varied = _varied(scenario)
    if draws < 1 or not varied or len(options) == 0:
        point = acceptable(problem, options).astype(float) if len(options) else np.zeros(0)
        return Survival(point, 0, seed, varied)
    ok = np.zeros(len(options), dtype=np.int64)
    for drawn, beta in drawn_problems(problem, scenario, draws=draws, seed=seed):
        ok += acceptable(drawn, options, beta)
    return Survival(ok / draws, draws, seed, varied)


def logroll_survival(problem: DealProblem, scenario: Scenario, found: Sequence[Logroll], *,
                     draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0) -> Survival:
    """The share of draws in which each logroll still holds: both traders' net gains stay
    positive, ``Δ_a(i, o_i) + Δ_a(j, o_j) > 0`` and the same for ``b``
    (:mod:`detente.deals.logrolls`)."""
    from .logrolls import gain_table

    varied = _varied(scenario)
    if not found:
        return Survival(np.zeros(0), draws, seed, varied)
    a_of = {a: k for k, a in enumerate(problem.actors)}
    i_of = {i: k for k, i in enumerate(problem.issues)}
    names = problem.space.option_names
    ia = np.array([i_of[r.issue_a] for r in found])
    ib = np.array([i_of[r.issue_b] for r in found])
    oa = np.array([names[i].index(r.option_a) for i, r in zip(ia, found, strict=True)])
    ob = np.array([names[i].index(r.option_b) for i, r in zip(ib, found, strict=True)])
    aa = np.array([a_of[r.a] for r in found])
    bb = np.array([a_of[r.b] for r in found])
    pairs = [(problem, problem.batna)] if draws < 1 or not varied else drawn_problems(
        problem, scenario, draws=draws, seed=seed)
    ok = np.zeros(len(found), dtype=np.int64)
    n = 0
    for drawn, _ in pairs:
        delta = gain_table(drawn)
        net_a = delta[aa, ia, oa] + delta[aa, ib, ob]
        net_b = delta[bb, ia, oa] + delta[bb, ib, ob]
        ok += (net_a > 0) & (net_b > 0)
        n += 1
    return Survival(ok / n, draws if n > 1 or draws == 1 else 0, seed, varied)


@dataclass(frozen=True, eq=False)
class PlanSurvival:
    """A phased deal across the stated uncertainty: the share of draws in which the deal
    is acceptable, and per plan the share in which it is acceptable and the plan's
    guarantee at the point estimate still suffices."""

    deal: float
    plans: Survival

    def to_dict(self) -> dict[str, Any]:
        return {**self.plans.to_dict(), "deal": self.deal,
                "plans": [float(p) for p in self.plans.probability]}


def plan_survival(problem: DealProblem, scenario: Scenario, options: np.ndarray,
                  plans: Sequence[Sequence[Sequence[str]]], guarantees: Sequence[float], *,
                  draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0) -> PlanSurvival:
    """For a deal ``options[I]`` and its phased ``plans`` (issue ids per phase) with their
    ``guarantees`` at the point: the share of draws in which the deal is acceptable, and
    per plan the share in which it is acceptable *and* the guarantee the plan needs
    (the actors' summed shortfalls, :func:`detente.deals.phasing.evaluate_plans`) is at
    most its point value (so a self-enforcing plan must stay self-enforcing)."""
    from .logrolls import gain_table
    from .phasing import evaluate_plans

    varied = _varied(scenario)
    options = np.asarray(options, dtype=np.int64)
    moved = [i for p in plans[:1] for phase in p for i in phase]
    cols = [problem.issues.index(i) for i in moved]
    phi = np.array([[next(k for k, phase in enumerate(p) if i in phase) for i in moved]
                    for p in plans], dtype=np.int64).reshape(len(plans), len(moved))
    pairs = [(problem, problem.batna)] if draws < 1 or not varied else drawn_problems(
        problem, scenario, draws=draws, seed=seed)
    deal_ok = 0
    plan_ok = np.zeros(len(plans), dtype=np.int64)
    n = 0
    for drawn, beta in pairs:
        n += 1
        if not acceptable(drawn, options[None], beta)[0]:
            continue
        deal_ok += 1
        g = gain_table(drawn)[:, cols, options[cols]]
        short, _ = evaluate_plans(g, beta - drawn.reference.sum(axis=1), phi)
        plan_ok += short.sum(axis=1) <= np.asarray(guarantees, dtype=float) + 1e-12
    return PlanSurvival(deal_ok / n, Survival(plan_ok / n, draws if n > 1 else 0, seed, varied))


def _redrawn(problem: DealProblem, scenario: Scenario, pos: np.ndarray,
             sal: np.ndarray) -> DealProblem:
    """The problem with utilities rebuilt from one draw's positions and saliences
    ``[A, I]`` (stances not stated weigh nothing)."""
    stated = np.zeros(sal.shape, dtype=bool)
    actors, issues = problem.actors, problem.issues
    for st in scenario.stances:
        stated[actors.index(st.actor), issues.index(st.issue)] = True
    sal = np.where(stated, sal, 0.0)
    total = sal.sum(axis=1, keepdims=True)
    weight = np.divide(sal, total, out=np.zeros_like(sal), where=total > 0)
    tables = []
    for i, issue in enumerate(scenario.issues):
        values = problem.space.option_values[i]
        v = distance_value(values[:, None], np.nan_to_num(pos[:, i]), issue.span,
                           problem.utility)  # type: ignore[arg-type]
        tables.append(np.where(stated[:, i][None, :], v, 0.0) * weight[:, i])
    reference, _ = _reference(scenario, problem.space, tables)
    return replace(problem, tables=tuple(tables), weight=weight, reference=reference)


def _batna(point: DealProblem, drawn: DealProblem, stated: np.ndarray,
           scenario: Scenario) -> np.ndarray:
    """One draw's no-deal values: by each BATNA's source (see the module docstring); a
    pressure's shift (``+ pressures``) is kept at its point value."""
    beta = point.batna.copy()
    for a, source in enumerate(point.batna_source):
        base = source.split(" + ")[0]
        if base == "status quo":
            beta[a] += drawn.reference[a].sum() - point.reference[a].sum()
        elif base == "scenario" and not np.isnan(stated[a]):
            stated_point = scenario.actors[a].batna
            beta[a] += stated[a] - (stated_point if stated_point is not None else stated[a])
    return beta
