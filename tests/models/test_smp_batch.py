"""The SMP run over a batch of draws gives, draw for draw, the numbers of one run per draw."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.arrays import ScenarioArrays, compile_scenario
from detente.extras import extras_of
from detente.formats import read
from detente.models.base import Forecast
from detente.models.smp import SpatialModelOfPolitics, batch_challenges, batch_run, tiles
from detente.models.smp.batch_turn import assess_rows
from detente.uncertainty.sampling import input_space


def reference(model: SpatialModelOfPolitics, arrays: ScenarioArrays,
              monkeypatch: pytest.MonkeyPatch) -> Forecast:
    """The forecast with one :meth:`simulate` per draw (the reference path)."""
    with monkeypatch.context() as m:
        m.setattr(SpatialModelOfPolitics, "batched", property(lambda self: False))
        return model.forecast(arrays, seed=5)


def assert_same(batched: Forecast, single: Forecast) -> None:
    """Equal bit for bit: outcomes, every turn of every draw, and the first draw's records."""
    np.testing.assert_array_equal(batched.outcome, single.outcome)
    np.testing.assert_array_equal(batched.trajectory.outcome, single.trajectory.outcome)
    np.testing.assert_array_equal(batched.trajectory.position, single.trajectory.position)
    assert batched.details.to_dict() == single.details.to_dict()


def jittered(arrays: ScenarioArrays, draws: int, seed: int) -> ScenarioArrays:
    """``draws`` copies of a one-draw scenario with positions, saliences and capabilities
    moved at random (KTAB files state no uncertainty to sample)."""
    rng = np.random.default_rng(seed)
    span = arrays.high - arrays.low
    shape = (draws, *arrays.position.shape[1:])
    pos = arrays.position.repeat(draws, 0) + rng.normal(0, 0.1, shape) * span
    sal = arrays.salience.repeat(draws, 0) * rng.uniform(0.5, 1.5, shape)
    cap = arrays.capability.repeat(draws, 0) * rng.uniform(0.5, 1.5, (draws, arrays.n_actors))
    return dataclasses.replace(arrays, position=np.clip(pos, arrays.low, arrays.high),
                               salience=np.clip(sal, 0, 1), capability=cap)


VARIANTS: list[dict[str, Any]] = [
    {},
    {"groups": "separate"},
    {"readout": "weighted_mean", "groups": [["donetsk", "tunnel"]]},
    {"bargn_model": "InitRcvrInterp"},
    {"bargn_model": "PWCompInterp", "third_party_commit": "FullCommit"},
    {"voting_rule": "ASymProsp", "victory_prob_model": "Binary"},
    {"voting_rule": "PropCbc", "big_r_range": "Min", "big_r_adjust": "Full"},
    {"inter_vec_brgn": "S2PMax", "third_party_commit": "NoCommit"},
    {"accommodation": np.full((5, 5), 0.3)},
    {"pce_model": "MarkovUniform", "max_turns": 6},
]


@pytest.mark.parametrize("params", VARIANTS, ids=lambda p: ",".join(p) or "defaults")
def test_batch_equals_one_run_per_draw_on_the_bundled_scenario(
    ukraine, monkeypatch: pytest.MonkeyPatch, params: dict[str, Any]
) -> None:
    draws = 50 if not params else 12
    arrays = input_space(ukraine).sample(1, 0, draws)
    model = SpatialModelOfPolitics(**params)
    assert model.batched
    batched = model.forecast(arrays, seed=5)
    assert_same(batched, reference(model, arrays, monkeypatch))
    assert len(np.unique(batched.outcome, axis=0)) > 1  # the draws differ


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SOE-Pol-Comp", "dummyData_6Dim"])
def test_batch_equals_one_run_per_draw_on_ktab_examples(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Thirteen actors and more: the sums over actors are numpy's pairwise ones, so this
    checks that every array of the batch is laid out as the single run's."""
    scenario = read(data_dir / "ktab" / f"{name}.csv")
    arrays = jittered(compile_scenario(scenario), 8, seed=2)
    model = SpatialModelOfPolitics().bind(extras_of(scenario))
    assert_same(model.forecast(arrays, seed=5), reference(model, arrays, monkeypatch))
    # one issue: sums over actors are then over the fastest axis
    one = arrays.select_issues([0])
    assert_same(model.forecast(one, seed=5), reference(model, one, monkeypatch))


def test_single_forecast_is_the_reference_run(ukraine, monkeypatch: pytest.MonkeyPatch) -> None:
    model = SpatialModelOfPolitics()
    arrays = compile_scenario(ukraine)
    assert_same(model.forecast(arrays), reference(model, arrays, monkeypatch))


@pytest.mark.parametrize("slice_rows", [40, 9, 1])
def test_chunks_do_not_change_the_numbers(ukraine, monkeypatch: pytest.MonkeyPatch,
                                          slice_rows: int) -> None:
    """Rows run their first turns a slice at a time (``SLICE_ROWS``), each turn in
    chunks: the numbers of every row, every turn and the first row's records are the
    run's with everything at once, bit for bit (40 draws; slices of 9 end with one of 4)."""
    arrays = input_space(ukraine).sample(3, 0, 40)
    model = SpatialModelOfPolitics()
    monkeypatch.setattr(batch_run, "SLICE_ROWS", 1 << 20)
    whole = model.forecast(arrays)
    assert whole.trajectory.outcome.shape[1] > 3  # some draws run past the first turns
    monkeypatch.setattr(batch_run, "SLICE_ROWS", slice_rows)
    monkeypatch.setattr(batch_run, "ROW_BUDGET", 125 * 7)  # 7 rows a chunk
    monkeypatch.setattr(batch_challenges, "CELL_BUDGET", 125 * 3)  # and 3 challengers
    assert_same(model.forecast(arrays), whole)
    np.testing.assert_array_equal(model.outcomes(arrays, np.random.default_rng(0)),
                                  whole.outcome)


def test_stochastic_runs_draw_by_draw(ukraine) -> None:
    model = SpatialModelOfPolitics(state_transitions="Stochastic")
    assert not model.batched
    assert not SpatialModelOfPolitics(ktab_schedule=[((0, 1), "0011")]).batched


def test_tiles_threads_and_blocks_do_not_change_the_numbers(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thirteen actors (the tiled challenges): tiny tiles, two threads and votes formed
    one option at a time give the numbers of the whole-array path, bit for bit."""
    scenario = read(data_dir / "ktab" / "SOE-Pol-Comp.csv")
    arrays = jittered(compile_scenario(scenario), 3, seed=4)
    model = SpatialModelOfPolitics().bind(extras_of(scenario))
    whole = model.forecast(arrays, seed=5)
    monkeypatch.setattr(tiles, "TILE", 13 * 5 * 2)  # two challengers × five targets
    monkeypatch.setattr(tiles, "TARGETS", 5)
    monkeypatch.setattr(tiles, "THREAD_CELLS", 0)
    monkeypatch.setattr("detente.models.smp.primitives.COALITION_CELLS", 13 * 13)
    assert_same(model.forecast(arrays, seed=5), whole)


def test_tiled_challenges_equal_the_whole_array_formula() -> None:
    """:func:`own_challenges_tiled` gives :func:`own_challenges_rows`'s numbers bit for
    bit, for every voting rule and third-party commitment, on one and two threads."""
    rng = np.random.default_rng(11)
    rows, n = 2, 21
    pos = rng.uniform(size=(rows, n, 3))
    ideal = np.clip(pos + rng.normal(0, 0.1, pos.shape), 0, 1)
    sal = rng.uniform(0.05, 0.3, pos.shape)
    cap = rng.uniform(10, 200, (rows, n))
    for rule, commit in [("Prop", "SemiCommit"), ("ASymProsp", "SemiCommit"),
                         ("PropCbc", "NoCommit"), ("Binary", "FullCommit")]:
        model = SpatialModelOfPolitics(voting_rule=rule, third_party_commit=commit)
        st = assess_rows(model, pos, ideal, sal, cap)
        p_ref, du_ref = batch_challenges.own_challenges_rows(model, st, np.arange(n))
        for threads in (1, 2):
            p, du = tiles.own_challenges_tiled(model, st, threads=threads)
            np.testing.assert_array_equal(p, p_ref)
            np.testing.assert_array_equal(du, du_ref)


@pytest.mark.parametrize("params", VARIANTS, ids=lambda p: ",".join(p) or "defaults")
def test_outcomes_alone_are_the_forecasts_outcomes(ukraine, params: dict[str, Any]) -> None:
    """What a Monte Carlo run keeps (:meth:`outcomes`, no padded paths) is the forecast's
    outcome bit for bit."""
    arrays = input_space(ukraine).sample(1, 0, 30)
    model = SpatialModelOfPolitics(**params)
    want = model.forecast(arrays, seed=5).outcome
    got = model.outcomes(arrays, np.random.default_rng(5))
    np.testing.assert_array_equal(got, want)
    assert not np.isnan(got).all()
