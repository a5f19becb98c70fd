"""Compromise, weighted median and Nash bargaining on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

import detente
from detente.arrays import compile_scenario
from detente.errors import DetenteError, ModelInputError
from detente.models.compromise import weighted_mean
from detente.models.median import weighted_median
from detente.models.nash import NashBargaining, nash_general
from detente.scenario import Scenario


def scenario(stances, caps=None, sq=50.0) -> Scenario:
    caps = caps or {}
    actors = sorted({a for a, *_ in stances} | set(caps))
    return Scenario.from_dict({
        "name": "t",
        "actors": [{"id": a, "capability": caps.get(a, 1.0)} for a in actors],
        "issues": [{"id": "x", "status_quo": sq}],
        "stances": [{"actor": a, "issue": "x", "position": p, "salience": s}
                    for a, p, s in stances],
    })


UNANIMITY = {"disagreement": "status-quo"}  # the Nash form in which every party holds a veto


def run(model: str, sc: Scenario, **params) -> float:
    return detente.get_model(model, **params).forecast(sc).point["x"]


def test_compromise_hand_computed():
    # weights 2*0.5=1 at 20 and 1*1=1 at 80 and 3*0 at 100 -> (20+80)/2
    sc = scenario([("A", 20, 0.5), ("B", 80, 1.0), ("C", 100, 0.0)], caps={"A": 2, "C": 3})
    assert run("compromise", sc) == pytest.approx(50.0)
    # 3 at 10, 1 at 90 -> (30 + 90)/4 = 30
    sc = scenario([("A", 10, 1.0), ("B", 90, 1.0)], caps={"A": 3})
    assert run("compromise", sc) == pytest.approx(30.0)


def test_median_hand_computed_and_ties():
    sc = scenario([("A", 10, 1.0), ("B", 40, 1.0), ("C", 90, 1.0)], caps={"C": 1.5})
    assert run("median", sc) == 40.0  # cumulative 1, 2 of 3.5: 2 >= 1.75
    sc = scenario([("A", 10, 1.0), ("B", 90, 1.0)])
    assert run("median", sc) == 10.0  # exact tie: the lower position first reaches half
    sc = scenario([("A", 10, 0.1), ("B", 90, 0.2), ("C", 30, 0.3)])
    # sorted 10 (0.1), 30 (0.3), 90 (0.2); total 0.6, half 0.3: cum 0.1, 0.4 -> 30
    assert run("median", sc) == 30.0


def test_zero_weights_and_no_stance():
    sc = Scenario.from_dict({
        "name": "t",
        "actors": [{"id": "A"}, {"id": "B", "capability": 0}, {"id": "C"}],
        "issues": [{"id": "x", "status_quo": 50}, {"id": "y", "status_quo": 50}],
        "stances": [
            {"actor": "A", "issue": "x", "position": 20, "salience": 1},
            {"actor": "B", "issue": "x", "position": 99, "salience": 1},
            {"actor": "C", "issue": "x", "position": 40, "salience": 0},
            {"actor": "C", "issue": "y", "position": 70, "salience": 0},
        ],
    })
    for model in ("compromise", "median", "nash"):
        f = detente.get_model(model).forecast(sc)
        assert f.point["x"] == pytest.approx(20.0), model  # only A has weight
    assert np.isnan(detente.get_model("compromise").forecast(sc).point["y"])
    assert np.isnan(detente.get_model("median").forecast(sc).point["y"])
    # nobody to bargain: the unanimity form keeps the status quo, the default has nothing
    assert detente.get_model("nash", **UNANIMITY).forecast(sc).point["y"] == 50.0
    assert np.isnan(detente.get_model("nash").forecast(sc).point["y"])


def test_single_actor_gets_its_position():
    sc = scenario([("A", 73, 0.4)])
    for model in ("compromise", "median", "nash"):
        assert run(model, sc) == pytest.approx(73.0, abs=1e-9), model


def test_nash_two_actors_same_side():
    # sq=0; A at 40 (w=1), B at 100 (w=1). Feasible (0, 80). For 40 < x < 80:
    # d/dx [log(80 - x) + log(x)] = 0 -> x = 40: the optimum sits at A's kink.
    sc = scenario([("A", 40, 1.0), ("B", 100, 1.0)], sq=0.0)
    assert run("nash", sc, **UNANIMITY) == pytest.approx(40.0, abs=1e-9)
    # A at 60, B at 100, weights 1 and 1, sq 0: for x <= 60 gains x, x -> x=60 is a kink;
    # beyond: log(120 - x) + log(x), maximised at 60 -> 60
    sc = scenario([("A", 60, 1.0), ("B", 100, 1.0)], sq=0.0)
    assert run("nash", sc, **UNANIMITY) == pytest.approx(60.0, abs=1e-9)
    # A at 20 (w 1), B at 100 (w 3), sq 0: beyond 20, f = log(40-x) + 3 log x,
    # f' = -1/(40-x) + 3/x = 0 -> x = 30 (inside (20, 40))
    sc = scenario([("A", 20, 1.0), ("B", 100, 1.0)], caps={"B": 3}, sq=0.0)
    assert run("nash", sc, **UNANIMITY) == pytest.approx(30.0, abs=1e-9)


def test_nash_mirror_and_opposite_sides():
    # mirrored version of the last case: sq 100, A at 80, B at 0 (w 3) -> 70
    sc = scenario([("A", 80, 1.0), ("B", 0, 1.0)], caps={"B": 3}, sq=100.0)
    assert run("nash", sc, **UNANIMITY) == pytest.approx(70.0, abs=1e-9)
    # actors on both sides of the status quo: no deal makes both gain -> status quo
    sc = scenario([("A", 20, 1.0), ("B", 80, 1.0)], sq=50.0)
    assert run("nash", sc, **UNANIMITY) == 50.0
    # an actor at the status quo cannot gain -> status quo
    sc = scenario([("A", 50, 1.0), ("B", 80, 1.0)], sq=50.0)
    assert run("nash", sc, **UNANIMITY) == 50.0


def test_nash_needs_status_quo():
    sc = Scenario.from_dict({
        "name": "t", "actors": [{"id": "A"}], "issues": [{"id": "x"}],
        "stances": [{"actor": "A", "issue": "x", "position": 3, "salience": 1}],
    })
    with pytest.raises(ModelInputError, match="status quo"):
        detente.get_model("nash", **UNANIMITY).forecast(sc)
    with pytest.raises(ModelInputError, match="status quo"):
        detente.get_model("nash", disagreement="decisive").forecast(sc)
    assert detente.get_model("nash").forecast(sc).point["x"] == pytest.approx(3.0)


def nash_bargaining(pos, w, sq):
    """The unanimity (status-quo) form on a 0..100 scale."""
    n = np.shape(sq)[-1]
    return nash_general(pos, w, sq, np.zeros(n), np.full(n, 100.0), disagreement="status-quo")


def test_vectorised_over_draws_matches_single_runs():
    rng = np.random.default_rng(1)
    pos = rng.uniform(0, 100, size=(50, 6, 3))
    w = rng.uniform(0, 1, size=(50, 6, 3)) * (rng.uniform(size=(50, 6, 3)) > 0.2)
    sq = np.array([10.0, 50.0, 90.0])
    mean_all = weighted_mean(pos, w)
    med_all = weighted_median(pos, w)
    nash_all = nash_bargaining(pos, w, sq)
    for d in range(50):
        np.testing.assert_allclose(weighted_mean(pos[d], w[d]), mean_all[d])
        np.testing.assert_allclose(weighted_median(pos[d], w[d]), med_all[d])
        np.testing.assert_allclose(nash_bargaining(pos[d], w[d], sq), nash_all[d])


def test_nash_maximises_the_product_on_random_cases():
    rng = np.random.default_rng(7)
    grid = np.linspace(0, 100, 200001)
    for _ in range(30):
        pos = rng.uniform(0, 100, size=(4, 1))
        w = rng.uniform(0.1, 1, size=(4, 1))
        sq = np.array([rng.uniform(0, 100)])
        x = nash_bargaining(pos, w, sq)[0]
        gains = np.abs(sq[0] - pos) - np.abs(grid[None] - pos)
        ok = (gains > 0).all(axis=0)
        if not ok.any():
            assert x == pytest.approx(sq[0], abs=1e-9)
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            obj = np.where(ok, (w * np.log(np.where(gains > 0, gains, 1))).sum(axis=0), -np.inf)
        best = grid[np.argmax(obj)]
        assert abs(x - best) < 1e-3


def test_forecast_provenance_and_outputs(ukraine):
    f = detente.get_model("compromise").forecast(ukraine, seed=3)
    assert f.seed == 3 and f.scenario_hash == ukraine.hash
    assert f.outcome.shape == (1, len(ukraine.issues))
    assert f.trajectory.outcome.shape == (1, 1, len(ukraine.issues))
    frame = f.to_frame()
    assert list(frame.index) == list(ukraine.issue_ids)
    assert "nearest_anchor" in frame.columns
    assert "<table" in f._repr_html_()
    d = f.to_dict(trajectory=True)
    assert d["outcome"]["donetsk"] == pytest.approx(f.point["donetsk"])
    result = detente.forecast(ukraine)
    assert result.models == ("compromise", "median", "nash")
    assert "<table" in result._repr_html_()
    # parties on both sides of the line: the unanimity form keeps the status quo;
    # the default (worst-outcome disagreement) settles between them
    unanimity = detente.get_model("nash", **UNANIMITY).forecast(ukraine)
    assert unanimity.point["donetsk"] == 50.0
    arr = compile_scenario(ukraine)
    want = nash_general(arr.position, arr.weight, arr.status_quo, arr.low, arr.high,
                        disagreement="worst")[0]
    assert result["nash"].point == pytest.approx(dict(zip(ukraine.issue_ids, want,
                                                          strict=True)))
    assert result["nash"].point["donetsk"] != 50.0


def test_arrays_shape_and_mask(ukraine):
    arr = compile_scenario(ukraine, draws=4)
    assert arr.position.shape == (4, len(ukraine.actors), len(ukraine.issues))
    r, d = ukraine.actor_ids.index("RUS"), ukraine.issue_ids.index("drones")
    assert not arr.mask[r, d] and np.isnan(arr.position[0, r, d]) and arr.weight[0, r, d] == 0


@pytest.mark.parametrize("iterations", [-1, "x", 2.5, True])
def test_nash_rejects_iterations_that_are_not_a_count(iterations):
    with pytest.raises(DetenteError, match=r"model 'nash': bad parameter iterations="):
        NashBargaining(iterations=iterations)
    assert NashBargaining(iterations=0).iterations == 0  # no bisection step is allowed


def test_forecast_to_xarray_has_named_dimensions(ukraine):
    from detente.models.registry import get_model

    f = get_model("eum", rounds=3).forecast(ukraine, seed=1)
    ds = f.to_xarray()
    assert ds["outcome"].dims == ("draw", "issue")
    assert ds["trajectory"].dims == ("draw", "round", "issue")
    assert ds["position"].dims == ("draw", "round", "actor", "issue")
    assert list(ds["actor"].values) == list(f.actors)
    assert list(ds["issue"].values) == list(f.issues)
    issue = f.issues[1]
    assert float(ds["outcome"].sel(draw=0, issue=issue)) == f.point[issue]
    np.testing.assert_array_equal(ds["trajectory"].values, f.trajectory.outcome)
    assert ds.attrs["model"] == "eum" and ds.attrs["seed"] == 1


@pytest.mark.parametrize("actors", [1, 2, 5, 9])
def test_compiled_median_is_the_array_median(actors, monkeypatch):
    """The compiled pass (:mod:`detente.models.median_kernels`) and the array code agree
    bit for bit: tied positions (the stable order), exact half-way ties (equal weights),
    actors without weight or stance, issues where nobody has weight (NaN)."""
    from detente.models import median

    rng = np.random.default_rng(actors)
    pos = rng.choice([10.0, 20.0, 20.0, 35.5, 50.0, 90.0], (400, actors, 6))
    pos[:, :, 5] = rng.uniform(0, 100, (400, actors))
    w = rng.choice([0.0, 0.5, 1.0, 1.0, 2.0], (400, actors, 6))
    w[:, :, 4] = 0.0
    pos[rng.random(pos.shape) < 0.05] = np.nan
    w[np.isnan(pos)] = 0.0
    out = []
    for threshold in (0, 1 << 62):
        monkeypatch.setattr(median, "COMPILED_ELEMENTS", threshold)
        out.append(median.weighted_median(pos, w))
    assert out[0].tobytes() == out[1].tobytes()
    assert np.isnan(out[0][:, 4]).all() and not np.isnan(out[0][:, 5]).all()


@pytest.mark.parametrize(("actors", "issues"), [(1, 3), (5, 8), (12, 2), (30, 4), (12, 1),
                                                (5, 1)])
def test_compiled_mean_is_the_array_mean(actors, issues, monkeypatch):
    """The compiled weighted mean (:mod:`detente.models.compromise_kernels`) and the array
    code agree bit for bit: weights 0 (positions NaN there), NaN positions with weight,
    issues where nobody has weight, many actors (numpy's order of a sum over the actor
    axis), one issue (numpy sums pairwise there from 8 actors: the array code runs)."""
    from detente.models import compromise

    rng = np.random.default_rng(actors * 10 + issues)
    pos = rng.uniform(0, 100, (700, actors, issues))
    shape = (700, actors, issues)
    w = rng.choice([0.0, 0.1, 0.7, 1.0, 3.3], shape) * rng.uniform(0.5, 2, shape)
    pos[w == 0] = np.nan
    pos[rng.random(pos.shape) < 0.01] = np.nan
    w[:, :, 0] = np.where(rng.random((700, actors)) < 0.3, 0.0, w[:, :, 0])
    out = []
    for threshold in (0, 1 << 62):
        monkeypatch.setattr(compromise, "COMPILED_ELEMENTS", threshold)
        out.append(compromise.weighted_mean(pos, w))
    assert out[0].shape == (700, issues)
    assert out[0].tobytes() == out[1].tobytes()
    assert np.isfinite(out[0]).any()
