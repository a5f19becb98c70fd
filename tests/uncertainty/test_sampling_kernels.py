"""Sampling in compiled passes (:mod:`detente.uncertainty.sampling_kernels`) gives the
array code's numbers bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from detente.scenario import Scenario
from detente.uncertainty.sampling import input_space


def every_kind() -> Scenario:
    """Uniform, triangular (one with its mode at an end) and truncated normal inputs, a
    capability range reaching below 0, an actor's salience and position correlation and
    a bloc (overlapping copula groups)."""
    return Scenario.from_dict({
        "name": "kinds",
        "blocs": [{"id": "west", "correlation": 0.6}],
        "actors": [{"id": "a", "capability": 10, "capability_uncertainty": [-5, 20],
                    "salience_correlation": 0.5, "position_correlation": 0.3,
                    "bloc": "west"},
                   {"id": "b", "capability": 4, "capability_uncertainty": [1, 8],
                    "bloc": "west"},
                   {"id": "c", "capability": 6}],
        "issues": [{"id": "x", "status_quo": 10}, {"id": "y", "status_quo": 10},
                   {"id": "z", "status_quo": 10}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 30, "salience": 0.5,
             "uncertainty": {"position": [20, 60], "salience": [0.2, 0.9]}},
            {"actor": "a", "issue": "y", "position": 40, "salience": 0.6,
             "uncertainty": {"position": {"dist": "triangular", "low": 10, "mode": 40,
                                          "high": 90},
                             "salience": {"dist": "triangular", "low": 0.3, "mode": 0.3,
                                          "high": 0.8}}},
            {"actor": "a", "issue": "z", "position": 50, "salience": 0.7,
             "uncertainty": {"position": {"dist": "normal", "mean": 55, "sd": 10,
                                          "low": 45, "high": 100},
                             "salience": [0.4, 0.9]}},
            {"actor": "b", "issue": "x", "position": 80, "salience": 0.4,
             "uncertainty": {"position": [70, 90]}},
            {"actor": "b", "issue": "y", "position": 20, "salience": 0.4,
             "uncertainty": {"position": {"dist": "normal", "mean": 0, "sd": 5,
                                          "low": 20, "high": 30}}},
            {"actor": "c", "issue": "z", "position": 5, "salience": 0.9},
        ],
    })


def same(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("bundled", [False, True])
@pytest.mark.parametrize(("start", "stop", "block"), [(0, 1, 1), (0, 300, 128),
                                                      (250, 2600, 1000)])
def test_compiled_sampling_is_the_array_sampling(ukraine, bundled, start, stop, block):
    """Every step (uniforms, values, arrays) on both paths: every distribution kind and
    overlapping copula groups, and the bundled scenario; whole and partial blocks."""
    space = input_space(ukraine if bundled else every_kind())
    assert space.groups
    unit = [space.sample_unit(5, start, stop, block_size=block, compiled=c)
            for c in (True, False)]
    same(*unit)
    values = [space.from_unit(unit[0], compiled=c) for c in (True, False)]
    same(*values)
    arrays = [space.sample(5, start, stop, block_size=block, compiled=c) for c in (True, False)]
    for name in ("position", "salience", "capability"):
        same(*(np.asarray(getattr(a, name)) for a in arrays))
    assert (np.asarray(arrays[0].capability) >= 0).all()


def test_values_off_the_unit_interval_are_clipped_alike():
    """``from_unit`` clips u to [0, 1] on both paths (and NaN stays NaN)."""
    space = input_space(every_kind())
    rng = np.random.default_rng(3)
    u = rng.uniform(-0.2, 1.2, (500, space.size))
    u[::7, 0] = np.nan
    u[1, :] = 0.0
    u[2, :] = 1.0
    same(space.from_unit(u, compiled=True), space.from_unit(u, compiled=False))
