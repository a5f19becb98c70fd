"""A model given a scenario takes the scenario's extras itself: no caller can forget to bind."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from detente.arrays import compile_scenario
from detente.extras import extras_of
from detente.formats import read
from detente.models.smp import SpatialModelOfPolitics


def test_forecast_on_a_scenario_binds_its_ktab_settings(data_dir: Path) -> None:
    scenario = read(data_dir / "ktab" / "smpExample_fixed.xml")
    assert extras_of(scenario).ktab is not None
    bound = SpatialModelOfPolitics().bind(extras_of(scenario)).forecast(scenario, seed=1)
    unbound = SpatialModelOfPolitics().forecast(scenario, seed=1)
    np.testing.assert_array_equal(unbound.outcome, bound.outcome)
    np.testing.assert_array_equal(unbound.trajectory.position, bound.trajectory.position)
    assert unbound.params == bound.params
    # binding is what made the difference: on bare arrays the defaults run
    raw = SpatialModelOfPolitics().forecast(compile_scenario(scenario), seed=1)
    assert raw.params != bound.params


def test_binding_twice_is_binding_once(data_dir: Path) -> None:
    scenario = read(data_dir / "ktab" / "smpExample_fixed.xml")
    once = SpatialModelOfPolitics().bind(extras_of(scenario))
    assert once.bind(extras_of(scenario)) == once
