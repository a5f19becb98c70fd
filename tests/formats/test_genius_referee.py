"""detente against an independent exact-arithmetic GENIUS referee (``genius_referee.py``).

On random small GENIUS folders written for the test (decimal weights and
evaluations drawn from short lists so that exact ties are common, weights not
summing to 1, integer issues with lower bounds, stray spaces, reservation
values equal to outcome utilities; linear and nonlinear spaces; short
decimals, and reservation values with 21 decimals that take the keys past
float64 into Python integers), detente's
frontier, as a set of outcomes, must equal the referee's exact frontier, ties
included, and its Nash deal must be one the referee ranks first.
"""

from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import detente
from detente import deals

_spec = importlib.util.spec_from_file_location(
    "genius_referee", Path(__file__).with_name("genius_referee.py"))
referee = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(referee)

pytestmark = pytest.mark.oracle


def _outcomes(problem, rows) -> set[tuple[str, ...]]:
    return {tuple(problem.space.option_names[i][int(o)] for i, o in enumerate(row))
            for row in rows}


@pytest.mark.parametrize("long", [False, True], ids=["short", "long-decimals"])
@pytest.mark.parametrize("nonlinear", [False, True], ids=["linear", "nonlinear"])
@pytest.mark.parametrize("seed", range(40))
def test_frontier_equals_the_exact_referee(tmp_path, seed, nonlinear, long):
    referee.write_random(tmp_path, seed, nonlinear=nonlinear, long=long)
    problem = detente.deal_problem(tmp_path)
    assert problem.keys.big == long
    rep = deals.analyse(problem)
    assert _outcomes(problem, rep.frontier_options) == referee.frontier(tmp_path)
    if rep.frontier_size:
        nash = rep.frontier_options[rep.solutions["nash"]]
        assert _outcomes(problem, [nash]) <= referee.nash_best(tmp_path)


@pytest.mark.parametrize("seed", range(12))
def test_utilities_equal_the_referee(tmp_path, seed):
    referee.write_random(tmp_path, seed, nonlinear=seed % 2 == 1, long=seed % 3 == 0)
    outs, names, exact, _ = referee.table(tmp_path)
    problem = detente.deal_problem(tmp_path)
    order = [problem.actors.index(n.split("-")[-1]) for n in names]
    u = problem.utilities(np.arange(problem.space.size))[:, order]
    keys = problem.keys_of(problem.space.decode(np.arange(problem.space.size)))[:, order]
    scale = problem.key_scale[order]
    for k in range(len(outs)):
        for a in range(len(names)):
            assert Fraction(int(keys[k, a]), int(scale[a])) == exact[k][a]
            assert u[k, a] == pytest.approx(float(exact[k][a]), abs=1e-12)
