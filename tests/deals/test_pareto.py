"""The Pareto frontier against brute force, including ties and duplicates."""

import numpy as np
import pytest

from detente.deals import DealProblem, deal_frontier, pareto_mask


def brute(u):
    ge = (u[None] >= u[:, None]).all(-1)
    gt = (u[None] > u[:, None]).any(-1)
    return ~(ge & gt).any(1)


@pytest.mark.parametrize("n_actors", [1, 2, 3, 4, 5])
def test_matches_brute_force(n_actors):
    rng = np.random.default_rng(n_actors)
    for trial in range(40):
        n = int(rng.integers(1, 600))
        if trial % 2:  # many ties and duplicates
            u = rng.integers(0, 4, (n, n_actors)).astype(float)
        else:
            u = rng.random((n, n_actors))
        np.testing.assert_array_equal(pareto_mask(u), brute(u))


def test_anti_correlated_large_front_matches_brute_force():
    rng = np.random.default_rng(7)
    for a in (3, 4):
        u = rng.random((2500, a))
        u[:, 0] = 1 - u[:, 1:].mean(axis=1) + 0.05 * rng.random(2500)
        np.testing.assert_array_equal(pareto_mask(u), brute(u))


def test_two_party_by_hand():
    u = np.array([[1, 0], [0.5, 0.5], [0.4, 0.4], [0.5, 0.5], [0, 1], [0.2, 0.9]])
    assert pareto_mask(u).tolist() == [True, True, False, True, True, True]


def test_deal_frontier_equals_enumeration_pruned_by_batna():
    rng = np.random.default_rng(3)
    for trial in range(30):
        n_a = int(rng.integers(2, 5))
        tables = [rng.random((int(rng.integers(1, 6)), n_a)) for _ in range(rng.integers(1, 5))]
        p = DealProblem.from_tables(tables)
        u = p.utilities(np.arange(p.space.size))
        floor = np.quantile(u, 0.4, axis=0) if trial % 2 else None
        opts, util = deal_frontier(tables, floor)
        want = brute(u) & ((u > floor).all(axis=1) if floor is not None else True)
        assert sorted(p.space.encode(opts).tolist()) == np.flatnonzero(want).tolist()
        np.testing.assert_allclose(util, p.utilities_of(opts))


@pytest.mark.parametrize("n_actors", [16, 17, 70, 200])
def test_many_actors_match_brute_force(n_actors):
    """Found by tools/fuzz.py: ``deals`` on KTAB's 200-actor file raised numpy's "maximum
    supported dimension ... 64" from the grid pruning (2^actors cells, also 134 MB and
    most of the time at 27 actors); past 16 actors the exact sweep runs alone."""
    rng = np.random.default_rng(n_actors)
    u = rng.integers(0, 3, (400, n_actors)).astype(float)
    u[:150] = rng.random((150, n_actors))
    np.testing.assert_array_equal(pareto_mask(u), brute(u))
