"""The spatial model of politics: its pieces on hand-computed cases, and whole runs."""

from __future__ import annotations

import numpy as np
import pytest

from detente.arrays import compile_scenario
from detente.errors import DetenteError
from detente.models.registry import get_model
from detente.models.smp import (
    KtabPRNG,
    SpatialModelOfPolitics,
    big_r,
    coalitions,
    interpolate,
    pce,
    round4,
    utility,
    vote,
)


def test_vote_rules() -> None:
    du = np.array([-0.2, 0.0, 0.3])
    np.testing.assert_allclose(vote("Prop", 2.0, du), [-0.4, 0.0, 0.6])
    np.testing.assert_allclose(vote("Cubic", 1.0, du), du**3)
    np.testing.assert_allclose(vote("PropCbc", 1.0, du), 0.5 * du + 0.5 * du**3)
    np.testing.assert_allclose(vote("Binary", 1.0, du), [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(vote("ASymProsp", 3.0, du), [-0.6, 0.0, 0.6])


def test_utility_is_one_at_the_ideal_and_bends_with_risk() -> None:
    assert utility(np.array(0.0), 0.7) == 1.0
    assert utility(np.array(1.0), 0.7) == 0.0
    # risk-acceptant (R > 0) values a half-way point above 1/2, risk-averse below
    assert utility(np.array(0.5), 1.0) == pytest.approx(0.75)
    assert utility(np.array(0.5), -0.5) == pytest.approx(0.375)


def test_two_option_election_by_hand() -> None:
    # actor 0 (weight 2) prefers option 0 by 0.5, actor 1 (weight 1) prefers option 1 by 0.5
    util = np.array([[1.0, 0.5], [0.5, 1.0]])
    c = coalitions("Prop", np.array([2.0, 1.0]), util)
    np.testing.assert_allclose(c, [[1e-8, 1.0 + 1e-8], [0.5 + 1e-8, 1e-8]])
    p01 = (1.0 + 1e-8) / (1.5 + 2e-8)
    # Conditional PCE: p_i ∝ P[i > j] · 1/2
    np.testing.assert_allclose(pce("Conditional", "Linear", c), [p01, 1 - p01])
    for model in ("MarkovUniform", "MarkovIncentive"):
        p = pce(model, "Linear", c)
        assert p.sum() == pytest.approx(1.0) and p[0] > p[1]


def test_risk_attitudes_span_minus_half_to_one() -> None:
    r = big_r(np.array([0.1, 0.2, 0.7]), "Mid")
    np.testing.assert_allclose(r, [-0.5, -0.25, 1.0])
    np.testing.assert_allclose(big_r(np.array([0.5, 0.5]), "Mid"), [0.0, 0.0])


def test_bargain_interpolation_rounds_and_leans_to_the_proposer() -> None:
    assert round4(np.array(0.123449999)) == pytest.approx(0.1234)
    assert round4(np.array(0.12345)) == pytest.approx(0.1235)
    # equal salience and probability: the midpoint
    bi, bj = interpolate("S2P2", np.array(0.2), np.array(0.5), np.array(0.5),
                         np.array(0.6), np.array(0.5), np.array(0.5))
    assert bi == pytest.approx(0.4) and bj == pytest.approx(0.4)
    # nobody cares: each keeps its own position (the 1e-6 tie-break)
    bi, bj = interpolate("S2P2", np.array(0.2), np.array(0.0), np.array(0.5),
                         np.array(0.6), np.array(0.0), np.array(0.5))
    assert bi == pytest.approx(0.2) and bj == pytest.approx(0.6)


def test_ktab_generator_is_the_64_bit_mersenne_twister() -> None:
    assert KtabPRNG(5489).raw() == 14514284786278117030
    u = [KtabPRNG(3507583219545544127).uniform() for _ in range(2)]
    assert u[0] == u[1] and 0.0 <= u[0] <= 1.0


def test_runs_on_the_bundled_scenario(ukraine) -> None:
    f = get_model("smp").forecast(ukraine)
    arrays = compile_scenario(ukraine)
    assert f.outcome.shape == (1, arrays.n_issues)
    assert np.all((f.outcome >= arrays.low) & (f.outcome <= arrays.high))
    d = f.details
    assert set(d.most_probable) == set(arrays.issues)
    assert set(d.weighted_mean) == set(arrays.issues)
    np.testing.assert_allclose(f.outcome[0], [d.most_probable[i] for i in arrays.issues])
    assert len(d.rounds) == f.trajectory.n_rounds - 1
    assert f.trajectory.position.shape[1] == f.trajectory.n_rounds
    wm = SpatialModelOfPolitics(readout="weighted_mean").forecast(ukraine)
    np.testing.assert_allclose(wm.outcome[0], [d.weighted_mean[i] for i in arrays.issues])


def test_issue_groups(ukraine) -> None:
    ids = compile_scenario(ukraine).issues
    sep = SpatialModelOfPolitics(groups="separate").forecast(ukraine)
    assert sep.details.groups == [[i] for i in ids]
    grouped = SpatialModelOfPolitics(groups=[list(ids[:2])]).forecast(ukraine)
    assert grouped.details.groups[0] == list(ids[:2])
    assert len(grouped.details.groups) == len(ids) - 1
    # a one-dimensional group is the one-issue run
    alone = SpatialModelOfPolitics().forecast(compile_scenario(ukraine).select_issues([0]))
    np.testing.assert_allclose(alone.outcome[0, 0], sep.outcome[0, 0])
    with pytest.raises(DetenteError):
        SpatialModelOfPolitics(groups=[["no-such-issue"]]).forecast(ukraine)


def test_stochastic_runs_are_seeded_and_draws_are_independent(ukraine) -> None:
    model = SpatialModelOfPolitics(state_transitions="Stochastic")
    arrays = compile_scenario(ukraine, draws=3)
    a = model.forecast(arrays, seed=11)
    b = model.forecast(arrays, seed=11)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    assert a.outcome.shape == (3, arrays.n_issues)
    assert a.trajectory.outcome.shape[0] == 3


def test_bad_parameters_are_named() -> None:
    with pytest.raises(DetenteError, match="voting_rule"):
        SpatialModelOfPolitics(voting_rule="Plurality")


@pytest.mark.parametrize("bargain", ["InitRcvrInterp", "PWCompInterp"])
@pytest.mark.parametrize("vpm", ["Square", "Binary"])
def test_other_bargaining_models_run(ukraine, bargain: str, vpm: str) -> None:
    f = SpatialModelOfPolitics(bargn_model=bargain, victory_prob_model=vpm,
                               pce_model="MarkovUniform", max_turns=5).forecast(ukraine)
    assert np.isfinite(f.outcome).all()


def test_accommodation_matrix_keyword(ukraine) -> None:
    n = len(ukraine.actors)
    stubborn = SpatialModelOfPolitics(accommodation=np.zeros((n, n))).forecast(ukraine)
    ideal = np.array(stubborn.details.ideal)
    # with a zero matrix nobody's ideal ever moves
    np.testing.assert_allclose(ideal, np.broadcast_to(ideal[0], ideal.shape))
    with pytest.raises(DetenteError):
        SpatialModelOfPolitics(accommodation=np.eye(n + 1)).forecast(ukraine)
