"""Shapley–Shubik and Banzhaf indices against brute force and classic results."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from detente.power.indices import VotingGame, banzhaf, coalition_counts, shapley_shubik


def brute_force(game: VotingGame) -> tuple[np.ndarray, np.ndarray]:
    n = game.n
    ss = np.zeros(n)
    for order in itertools.permutations(range(n)):
        members: list[int] = []
        for p in order:
            if not game.is_winning(members) and game.is_winning([*members, p]):
                ss[p] += 1
                break
            members.append(p)
    swings = np.zeros(n)
    for p in range(n):
        others = [x for x in range(n) if x != p]
        for r in range(n):
            for s in itertools.combinations(others, r):
                if game.is_winning([*s, p]) and not game.is_winning(list(s)):
                    swings[p] += 1
    return ss / math.factorial(n), swings / 2 ** (n - 1)


@pytest.mark.parametrize("seed", range(12))
def test_matches_brute_force_on_random_games(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 7))
    weights = tuple(int(x) for x in rng.integers(0, 6, n))
    game = VotingGame(
        weights,
        int(rng.integers(1, sum(weights) + 2)),
        int(rng.integers(0, n + 1)),
        None if seed % 2 else int(rng.integers(1, n + 1)),
    )
    ss, raw = brute_force(game)
    np.testing.assert_allclose(shapley_shubik(game), ss, atol=1e-12)
    np.testing.assert_allclose(banzhaf(game, normalised=False), raw, atol=1e-12)


def test_coalition_counts_are_the_generating_function():
    counts = coalition_counts((1, 2))
    # coalitions: {} (0,0), {a} (1,1), {b} (1,2), {a,b} (2,3)
    expected = np.zeros((3, 4), dtype=int)
    expected[0, 0] = expected[1, 1] = expected[1, 2] = expected[2, 3] = 1
    np.testing.assert_array_equal(counts, expected)
    assert coalition_counts((3,) * 10).sum() == 2**10


def test_luxembourg_was_a_dummy_in_the_eec_of_1958():
    # France, Germany, Italy 4 votes, Belgium and the Netherlands 2, Luxembourg 1; quota 12
    game = VotingGame((4, 4, 4, 2, 2, 1), 12)
    ss = shapley_shubik(game)
    assert ss[5] == 0.0
    assert banzhaf(game)[5] == 0.0
    np.testing.assert_allclose(ss[:3], [7 / 30] * 3)
    np.testing.assert_allclose(ss[3:5], [0.15, 0.15])


def test_eu15_known_values():
    # EU15 weights 10,10,10,10,8,5,5,5,5,4,4,3,3,3,2 with 62 of 87 (Felsenthal & Machover)
    game = VotingGame((10, 10, 10, 10, 8, 5, 5, 5, 5, 4, 4, 3, 3, 3, 2), 62)
    ss = shapley_shubik(game)
    assert ss.sum() == pytest.approx(1.0)
    assert ss[0] == pytest.approx(0.1167, abs=5e-5)
    assert ss[-1] == pytest.approx(0.0207, abs=5e-5)
    assert banzhaf(game).sum() == pytest.approx(1.0)


def test_unanimity_and_dictator():
    assert shapley_shubik(VotingGame((1, 1, 1, 1), 4)) == pytest.approx([0.25] * 4)
    assert banzhaf(VotingGame((5, 1, 1), 5)) == pytest.approx([1.0, 0.0, 0.0])


def test_blocking_minority_clause_gives_small_members_power():
    # weight quota unreachable without the big player; the clause lets 3 small ones win
    plain = VotingGame((10, 1, 1, 1), 11)
    clause = VotingGame((10, 1, 1, 1), 11, blocking_min=2)
    assert shapley_shubik(plain)[1] < shapley_shubik(clause)[1]
    assert clause.is_winning([1, 2, 3]) and not plain.is_winning([1, 2, 3])


def test_rejects_bad_weights():
    with pytest.raises(ValueError):
        VotingGame((1.5, 2), 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        VotingGame((), 1)
