"""Against negmas (a dev-only dependency) on random domains: same frontier, Nash and KS points.

negmas's definitions, aligned here: it keeps one outcome per frontier utility
vector (we compare sets of vectors); its disagreement point is each reserved
value raised to the utility minimum over the outcome space; its Nash point
maximises ``Π (u − d)`` over the rational frontier; its ``ks_points``
minimise the spread of ``(u − d) / (max u − d)`` with ``max u`` over the whole
space (our ``kalai_smorodinsky(rule="equal", ideal=max u)``).
"""

import numpy as np
import pytest

from detente.deals import DealProblem, deal_frontier, kalai_smorodinsky, nash, pareto_mask

# negmas is a development extra (AGPL, heavy): without it, this module is skipped, never
# an import error in a plain `pytest` run
ops = pytest.importorskip("negmas.preferences.ops")

pytestmark = pytest.mark.oracle


def _vectors(u):
    return {tuple(np.round(row, 12)) for row in np.asarray(u)}


@pytest.mark.parametrize("seed", range(6))
def test_frontier_matches_negmas(seed):
    rng = np.random.default_rng(seed)
    n_a = 2 + seed % 3
    tables = [rng.random((int(rng.integers(2, 6)), n_a)) for _ in range(4)]
    p = DealProblem.from_tables(tables)
    u = p.utilities(np.arange(p.space.size))
    theirs = ops.pareto_frontier_numpy(u, sort_by_welfare=False)
    assert _vectors(u[pareto_mask(u)]) == _vectors(u[theirs])
    _, fu = deal_frontier(tables)
    assert _vectors(fu) == _vectors(u[theirs])


@pytest.mark.parametrize("seed", range(6))
def test_nash_and_ks_match_negmas(seed):
    rng = np.random.default_rng(100 + seed)
    n_a = 2 + seed % 2
    tables = [rng.random((int(rng.integers(2, 5)), n_a)) for _ in range(3)]
    p = DealProblem.from_tables(tables)
    u = p.utilities(np.arange(p.space.size))
    lo, hi = u.min(axis=0), u.max(axis=0)
    reserve = lo + rng.random(n_a) * 0.3 * (hi - lo)
    front = u[pareto_mask(u)]
    rational = front[(front >= reserve).all(axis=1)]
    frontier = [tuple(r) for r in rational]
    ranges = [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]

    class U:
        def __init__(self, r):
            self.reserved_value = float(r)

    ufuns = [U(r) for r in reserve]
    d = np.maximum(reserve, lo)
    their_nash = {tuple(np.round(x, 12)) for x, _ in ops.nash_points(ufuns, frontier, ranges)}
    ours = nash(rational, d)
    assert tuple(np.round(rational[ours], 12)) in their_nash
    their_ks = {tuple(np.round(x, 12)) for x, _ in ops.ks_points(ufuns, frontier, ranges)}
    ks = kalai_smorodinsky(rational, d, ideal=hi, rule="equal")
    assert tuple(np.round(rational[ks], 12)) in their_ks
