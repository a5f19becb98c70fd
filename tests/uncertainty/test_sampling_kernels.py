"""Sampling in compiled passes (:mod:`detente.uncertainty.sampling_kernels`) gives the
array code's numbers bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from detente.scenario import Scenario
from detente.uncertainty.sampling import input_space


def every_kind(normal: bool = True, correlated: bool = True) -> Scenario:
    """Uniform, triangular (one with its mode at an end) and truncated normal inputs, a
    capability range reaching below 0, an actor's salience and position correlation and
    a bloc (overlapping copula groups). ``normal`` False: the normal inputs uniform
    instead; ``correlated`` False: no correlation and no bloc (no copula group)."""
    data: dict = {
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
    }
    for stance in data["stances"]:
        for key, dist in stance.get("uncertainty", {}).items():
            if not normal and isinstance(dist, dict) and dist["dist"] == "normal":
                stance["uncertainty"][key] = [dist["low"], dist["high"]]
    if not correlated:
        del data["blocs"]
        for actor in data["actors"]:
            for key in ("salience_correlation", "position_correlation", "bloc"):
                actor.pop(key, None)
    return Scenario.from_dict(data)


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


def test_phi_is_scipys_ndtr():
    """The compiled Φ against ``scipy.special.ndtr``, bit for bit: standard normals, a
    wide range, and the floats around each branch's edge (|a/√2| = 1 and 8, erfc's
    underflow near 37.5), signed zeros, infinities, NaN and subnormals."""
    from scipy.special import ndtr

    from detente.uncertainty import sampling_kernels

    rng = np.random.default_rng(11)
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e-300]
    for edge in (np.sqrt(2), 8 * np.sqrt(2), 1.0, 8.0, 26.55, 37.519379347, 37.67):
        for x in (edge, -edge):
            below = above = np.float64(x)
            for _ in range(40):
                below, above = np.nextafter(below, -np.inf), np.nextafter(above, np.inf)
                edges += [float(below), float(above)]
            edges.append(x)
    z = np.concatenate([rng.standard_normal(200_000), rng.uniform(-40, 40, 200_000),
                        np.array(edges)])
    out = np.empty_like(z)
    sampling_kernels.ndtr_into(z, out)
    expected = ndtr(z)
    assert np.isnan(out).sum() == 1 == np.isnan(expected).sum()
    same(out[~np.isnan(out)], expected[~np.isnan(expected)])
    assert [sampling_kernels.ndtr(v) for v in edges[:4]] == list(ndtr(edges[:4]))


@pytest.mark.parametrize("scenario", ["bundled", "uniform-triangular", "uncorrelated"])
@pytest.mark.parametrize(("start", "stop"), [(0, 128), (5, 100), (130, 131), (200, 256)])
def test_sampling_in_one_pass_is_the_array_sampling(ukraine, scenario, start, stop):
    """A range within one block of a space of uniform and triangular inputs is sampled
    in one compiled pass (copula, Φ, inverse CDFs, placement): the array code's numbers,
    with and without copula groups, whole and partial blocks."""
    sc = {"bundled": ukraine, "uniform-triangular": every_kind(normal=False),
          "uncorrelated": every_kind(normal=False, correlated=False)}[scenario]
    space = input_space(sc)
    assert space._uniform_or_triangular
    assert bool(space.groups) == (scenario != "uncorrelated")
    arrays = [space.sample(9, start, stop, block_size=128, compiled=c) for c in (True, False)]
    for name in ("position", "salience", "capability"):
        same(*(np.asarray(getattr(a, name)) for a in arrays))
    unit = [space.sample_unit(9, start, stop, block_size=128, compiled=c)
            for c in (True, False)]
    same(*unit)


def test_a_space_with_normal_inputs_is_not_sampled_in_one_pass():
    """Truncated normals need ``ndtri`` (array code): such a space takes the other path."""
    assert not input_space(every_kind())._uniform_or_triangular
