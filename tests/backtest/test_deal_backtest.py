"""Deal tools on proposal scenarios: the cheap searches against exact ones."""

from __future__ import annotations

import numpy as np
import pytest

from detente.backtest.deal_backtest import (
    best_nash_package,
    deal_forecasts,
    deal_problem_of,
    exhaustive_nash,
    utilitarian_package,
    worst_disagreement,
)
from detente.scenario import Scenario


def _scenario(seed: int, n_actors: int = 6, n_issues: int = 3, sq: bool = True) -> Scenario:
    rng = np.random.default_rng(seed)
    return Scenario.from_dict({
        "name": f"s{seed}",
        "actors": [{"id": f"a{k}", "capability": 1} for k in range(n_actors)],
        "issues": [{"id": f"i{j}", "low": 0, "high": 100,
                    **({"status_quo": float(rng.integers(0, 101))} if sq else {})}
                   for j in range(n_issues)],
        "stances": [{"actor": f"a{k}", "issue": f"i{j}",
                     "position": float(rng.integers(0, 101)),
                     "salience": float(rng.uniform(0.1, 1))}
                    for k in range(n_actors) for j in range(n_issues)],
    })


@pytest.mark.parametrize("seed", range(6))
def test_coordinate_ascent_reaches_the_exhaustive_nash_package(seed):
    sc = _scenario(seed)
    problem = deal_problem_of(sc, grid=11)
    d = worst_disagreement(problem)
    exact = exhaustive_nash(problem, d)
    found = best_nash_package(problem, sc, d, np.random.default_rng(0))
    u = [sum(t[x[i]] for i, t in enumerate(problem.tables)) for x in (exact, found)]
    # the same Nash product (the package itself may differ only on an exact tie)
    assert np.log(u[1] - d).sum() == pytest.approx(np.log(u[0] - d).sum(), abs=1e-9)


def test_utilitarian_package_maximises_the_total_exactly():
    sc = _scenario(7, n_issues=2)
    problem = deal_problem_of(sc, grid=11)
    x = utilitarian_package(problem)
    grids = np.stack(np.meshgrid(*[np.arange(n) for n in problem.space.sizes], indexing="ij"),
                     axis=-1).reshape(-1, 2)
    totals = sum(t[grids[:, i]] for i, t in enumerate(problem.tables)).sum(axis=1)
    best = sum(t[x[i]] for i, t in enumerate(problem.tables)).sum()
    assert best == pytest.approx(totals.max())


def test_no_rational_package_leaves_the_status_quo():
    """Two actors at opposite ends and the status quo in the middle: under status-quo
    disagreement no package makes both better off on a single issue."""
    sc = Scenario.from_dict({
        "name": "x", "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 1}],
        "issues": [{"id": "i", "low": 0, "high": 100, "status_quo": 50}],
        "stances": [{"actor": "a", "issue": "i", "position": 0, "salience": 1},
                    {"actor": "b", "issue": "i", "position": 100, "salience": 1}]})
    f = deal_forecasts(sc, grid=11)
    assert f.nash_status_quo == {"i": 50.0}
    assert f.nash_worst == {"i": 50.0}  # the symmetric Nash point with worst disagreement
