"""Hand-computed ZOPA and phase-ordering cases."""

from dataclasses import replace

import numpy as np
import pytest

from detente.deals import DealProblem, phase, zopa
from detente.deals.phasing import fubini, phase_vectors

T0 = np.array([[0.0, 0.5], [0.25, 0.25], [0.5, 0.0]])
T1 = np.array([[0.0, 0.5], [0.5, 0.0]])


def test_zopa_by_hand():
    # deals (o0,o1): (0,0)=(0,1) (0,1)=(.5,.5) (1,0)=(.25,.75) (1,1)=(.75,.25) (2,0)=(.5,.5)
    # (2,1)=(1,0); BATNA (.3,.3): inside are (0,1) and (2,0)
    p = DealProblem.from_tables([T0, T1], batna=np.array([0.3, 0.3]))
    z = zopa(p, drops={"a0": 0.1, "a1": 0.04})
    assert (z.total, z.size) == (6, 2)
    np.testing.assert_allclose(z.margin, [0.2, 0.2])
    assert z.ruled_out.tolist() == [2, 2]
    assert z.sole_blocker.tolist() == [2, 2]
    a0, a1 = z.openings
    assert a0.count == 1 and a0.deals[0]["options"] == {"i0": "1", "i1": "0"}  # u0 = .25
    assert a1.count == 0  # a1's excluded deals sit at .25 and 0, below .3 - .04


def test_zopa_uncertain_batna():
    p = DealProblem.from_tables([T0, T1])
    draws = np.array([[0.3, 0.3], [0.6, 0.6]])
    z = zopa(p, batna=np.array([0.3, 0.3]), batna_draws=draws)
    assert z.expected_size == pytest.approx(1.0)  # 2 deals in draw 1, none in draw 2
    assert z.p_nonempty == pytest.approx(0.5)


def _three_issue_problem():
    # gains: A (+.4 on x, -.1 on y, +.1 on z), B (-.2 on x, +.3 on y, +.1 on z)
    tx = np.array([[0.0, 0.2], [0.4, 0.0]])
    ty = np.array([[0.1, 0.0], [0.0, 0.3]])
    tz = np.array([[0.0, 0.0], [0.1, 0.1]])
    p = DealProblem.from_tables([tx, ty, tz], actors=("A", "B"), issues=("x", "y", "z"))
    ref = np.array([[0.0, 0.1, 0.0], [0.2, 0.0, 0.0]])
    return replace(p, reference=ref, batna=ref.sum(axis=1), reference_options=np.zeros(3, int))


def test_phasing_by_hand_two_issues():
    p = _three_issue_problem()
    r = phase(p, {"x": "1", "y": "1", "z": "0"})
    assert r.n_plans == 3 and r.n_self_enforcing == 0
    # x then y: A's worst defection .4 vs final .3 (needs .1), B's .1 = final
    best = r.best
    assert best.phases == (("x",), ("y",))
    assert best.guarantee == pytest.approx(0.1)
    assert best.shortfall == pytest.approx({"A": 0.1, "B": 0.0})
    guarantees = sorted(round(pl.guarantee, 10) for pl in r.plans)
    assert guarantees == [0.1, 0.2, 0.3]  # x|y, y|x, all at once


def test_common_interest_issue_last_makes_plan_self_enforcing():
    p = _three_issue_problem()
    r = phase(p, {"x": "1", "y": "1", "z": "1"})
    assert r.n_plans == 13
    assert r.best.self_enforcing
    assert r.best.phases == (("x",), ("y",), ("z",))
    assert r.n_self_enforcing == 1


def test_plan_enumeration_counts_ordered_partitions():
    assert [len(phase_vectors(m)[0]) for m in range(1, 7)] == [fubini(m) for m in range(1, 7)]
    assert [fubini(m) for m in range(1, 6)] == [1, 3, 13, 75, 541]
