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

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from detente.scenario import Scenario

from .utility import DealProblem, _reference, distance_value

DEFAULT_ROBUST_DRAWS = 500
"""Draws for the survival probabilities by default."""


def acceptable(problem: DealProblem, options: np.ndarray,
               batna: np.ndarray | None = None) -> np.ndarray:
    """``ok[...]`` for packages ``options[..., I]``: every actor accepts (``u_a > β_a``, or
    ``>=`` under the ``at_least`` rule), the plain BATNA test."""
    beta = problem.batna if batna is None else np.asarray(batna, dtype=float)
    u = problem.utilities_of(np.asarray(options, dtype=np.int64))
    return problem.accepts(u, beta).all(axis=-1)


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


def survival(problem: DealProblem, scenario: Scenario, options: np.ndarray, *,
             draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0) -> Survival:
    """The share of ``draws`` draws in which each package ``options[S, I]`` is acceptable
    (see the module docstring)."""
    from detente.uncertainty.sampling import input_space

    options = np.asarray(options, dtype=np.int64).reshape(-1, len(problem.issues))
    space = input_space(scenario)
    varied = tuple(sorted({x.kind for x in space.inputs}))
    if draws < 1 or space.size == 0 or len(options) == 0:
        point = acceptable(problem, options).astype(float) if len(options) else np.zeros(0)
        return Survival(point, 0 if space.size == 0 else draws, seed, varied)
    values = space.from_unit(space.sample_unit(seed, 0, draws))
    arrays = space.apply(values)
    stated = space.batna(values)
    rebuild = problem.weight is not None and problem.keys is None and problem.terms is None
    ok = np.zeros(len(options), dtype=np.int64)
    for d in range(draws):
        drawn = problem
        if rebuild:
            drawn = _redrawn(problem, scenario, np.asarray(arrays.position[d]),
                             np.asarray(arrays.salience[d]))
        beta = _batna(problem, drawn, stated[d])
        ok += acceptable(drawn, options, beta)
    return Survival(ok / draws, draws, seed, varied)


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


def _batna(point: DealProblem, drawn: DealProblem, stated: np.ndarray) -> np.ndarray:
    """One draw's no-deal values: by each BATNA's source (see the module docstring)."""
    beta = point.batna.copy()
    for a, source in enumerate(point.batna_source):
        if source == "status quo":
            beta[a] = drawn.reference[a].sum()
        elif source == "scenario" and not np.isnan(stated[a]):
            beta[a] = stated[a]
    return beta
