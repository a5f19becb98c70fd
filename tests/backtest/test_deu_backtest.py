"""The published DEU benchmarks, reproduced (issue 2 and issue 7 acceptance)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.backtest.deu import load_cases
from detente.backtest.run import default_models, run_backtest
from detente.models.registry import available_models


@pytest.fixture(scope="module")
def deu_path(data_dir):
    return data_dir / "deu" / "deu_i_ii.tsv"


@pytest.fixture(scope="module")
def equal_result(deu_path):
    cases = load_cases(deu_path, capability="equal")
    return run_backtest(cases, ["compromise", "median", "reference-point", "median-position"])


def test_compromise_with_equal_capability_scores_23_03(equal_result):
    scores = {s.model: s for s in equal_result.scores(n_boot=0)}
    assert scores["compromise"].n == 203
    assert round(scores["compromise"].values["mae"], 2) == 23.03


def test_median_position_and_reference_point(equal_result):
    scores = {s.model: s for s in equal_result.scores(n_boot=0)}
    assert round(scores["median-position"].values["mae"], 2) == 27.88
    assert scores["median-position"].n == 203
    assert round(scores["reference-point"].values["mae"], 2) == 52.39
    assert scores["reference-point"].n == 145


def test_scoreable_convention(deu_path):
    every = load_cases(deu_path, scoreable_only=False)
    assert len(every) == 214
    kept = [c for c in every if c.scoreable]
    assert len(kept) == 203
    assert all(0 <= c.outcome <= 100 and c.n_actors >= 3 for c in kept)


@pytest.mark.parametrize("scheme", ["council-votes", "shapley-shubik", "banzhaf"])
def test_capability_schemes_change_the_compromise(deu_path, equal_result, scheme):
    cases = load_cases(deu_path, capability=scheme)
    res = run_backtest(cases, ["compromise"])
    assert len(cases) == 203
    assert not np.allclose(res.forecasts["compromise"], equal_result.forecasts["compromise"])
    # the Commission and Parliament keep the average member's weight under co-decision
    sc = cases[0].scenario
    assert sc.actor("com").capability == 1.0 and sc.actor("ep").capability == 1.0
    assert sc.actor("de").capability > sc.actor("lu").capability


def test_every_registered_model_is_in_the_default_run():
    names = default_models()
    assert set(available_models()) <= set(names)
    assert {"reference-point", "median-position"} <= set(names)


def test_models_needing_a_status_quo_are_scored_where_there_is_one(deu_path):
    cases = load_cases(deu_path)[:30]
    res = run_backtest(cases, ["procedural", "nash"])
    has_sq = np.array([c.reference_point is not None for c in cases])
    assert np.isnan(res.forecasts["procedural"][~has_sq]).all()
    assert not np.isnan(res.forecasts["procedural"][has_sq]).any()
    assert not np.isnan(res.forecasts["nash"]).any()  # the default form needs no status quo
    assert res.failures == {}


def test_a_failing_model_is_counted_not_fatal(deu_path):
    from dataclasses import dataclass

    from detente.models.base import Model

    @dataclass(frozen=True, kw_only=True)
    class Broken(Model):
        name = "broken"

        def _run(self, arrays, rng):
            raise RuntimeError("boom")

    cases = load_cases(deu_path)[:5]
    res = run_backtest(cases, [Broken(), "compromise"])
    assert res.failures == {"broken": 5}
    assert "boom" in res.failure_messages["broken"]
    assert not np.isnan(res.forecasts["compromise"]).any()


def test_per_issue_rows(equal_result):
    frame = equal_result.to_frame()
    assert len(frame) == 203
    assert {"issue", "proposal", "outcome", "compromise", "compromise_error"} <= set(frame.columns)
    row = frame.iloc[0]
    assert row["compromise_error"] == pytest.approx(abs(row["compromise"] - row["outcome"]))
