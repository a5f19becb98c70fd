"""Sampled inputs follow their declared distributions, respect their ranges and seeds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from detente.scenario import Scenario
from detente.uncertainty.sampling import input_space


def scenario(**extra_actor: object) -> Scenario:
    """Three stances with one distribution kind each; one actor with a capability range."""
    return Scenario.from_dict({
        "name": "dists",
        "actors": [{"id": "a", "capability": 10, "capability_uncertainty": [5, 20],
                    **extra_actor},
                   {"id": "b", "capability": 4}],
        "issues": [{"id": "x", "status_quo": 10}, {"id": "y", "status_quo": 10},
                   {"id": "z", "status_quo": 10}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 30, "salience": 0.5,
             "uncertainty": {"position": [20, 60], "salience": [0.2, 0.9]}},
            {"actor": "a", "issue": "y", "position": 40, "salience": 0.6,
             "uncertainty": {"position": {"dist": "triangular", "low": 10, "mode": 40,
                                          "high": 90},
                             "salience": [0.3, 0.8]}},
            {"actor": "a", "issue": "z", "position": 50, "salience": 0.7,
             "uncertainty": {"position": {"dist": "normal", "mean": 55, "sd": 10,
                                          "low": 45, "high": 100},
                             "salience": [0.4, 0.9]}},
            {"actor": "b", "issue": "x", "position": 80, "salience": 0.4},
        ],
    })


def test_inputs_listed_in_a_fixed_order_with_names():
    space = input_space(scenario())
    assert space.names == [
        "position[a, x]", "salience[a, x]", "position[a, y]", "salience[a, y]",
        "position[a, z]", "salience[a, z]", "capability[a]",
    ]


@pytest.mark.parametrize(("col", "dist"), [
    (0, stats.uniform(20, 40)),
    (2, stats.triang(c=(40 - 10) / 80, loc=10, scale=80)),
    (4, stats.truncnorm((45 - 55) / 10, (100 - 55) / 10, loc=55, scale=10)),
    (6, stats.uniform(5, 15)),
])
def test_samples_follow_the_declared_distribution(col, dist):
    space = input_space(scenario())
    values = space.from_unit(space.sample_unit(seed=7, start=0, stop=20_000))[:, col]
    result = stats.kstest(values, dist.cdf)
    assert result.pvalue > 0.001, result
    # and a clearly different distribution is rejected (the test has power)
    shifted = stats.kstest(values + 0.05 * (dist.ppf(0.9) - dist.ppf(0.1)), dist.cdf)
    assert shifted.pvalue < 1e-6


def test_ranges_are_respected_and_arrays_get_the_values():
    sc = scenario()
    space = input_space(sc)
    arrays = space.sample(seed=3, start=0, stop=5000)
    pos, sal, cap = arrays.position, arrays.salience, arrays.capability
    assert pos.shape == (5000, 2, 3)
    assert ((pos[:, 0, 0] >= 20) & (pos[:, 0, 0] <= 60)).all()
    assert ((pos[:, 0, 1] >= 10) & (pos[:, 0, 1] <= 90)).all()
    assert ((pos[:, 0, 2] >= 45) & (pos[:, 0, 2] <= 100)).all()
    assert ((sal[:, 0] >= 0.2) & (sal[:, 0] <= 0.9)).all()
    assert ((cap[:, 0] >= 5) & (cap[:, 0] <= 20)).all()
    # inputs without uncertainty stay at their points; no stance stays NaN / 0
    assert (pos[:, 1, 0] == 80).all() and (sal[:, 1, 0] == 0.4).all() and (cap[:, 1] == 4).all()
    assert np.isnan(pos[:, 1, 1:]).all() and (sal[:, 1, 1:] == 0).all()


def test_extreme_truncation_stays_in_range():
    sc = Scenario.from_dict({
        "name": "tails", "actors": [{"id": "a"}], "issues": [{"id": "x"}],
        "stances": [{"actor": "a", "issue": "x", "position": 99, "salience": 0.5,
                     "uncertainty": {"position": {"dist": "normal", "mean": 0, "sd": 5,
                                                  "low": 98, "high": 100}}}],
    })
    space = input_space(sc)
    v = space.from_unit(space.sample_unit(1, 0, 5000))[:, 0]
    assert np.isfinite(v).all() and (v >= 98).all() and (v <= 100).all()
    # 19.6 sd above the mean: still the right shape (P(v < 98.5) ≈ 0.859)
    assert stats.kstest(v, stats.truncnorm(98 / 5, 100 / 5, loc=0, scale=5).cdf).pvalue > 0.001


def test_draws_do_not_depend_on_the_range_asked_for():
    space = input_space(scenario())
    whole = space.sample_unit(11, 0, 10_000, block_size=1000)
    parts = np.concatenate([space.sample_unit(11, a, b, block_size=1000)
                            for a, b in [(0, 1), (1, 2500), (2500, 2501), (2501, 10_000)]])
    assert np.array_equal(whole, parts)
    assert np.array_equal(space.sample_unit(11, 0, 300, block_size=1000), whole[:300])
    assert not np.array_equal(space.sample_unit(12, 0, 300, block_size=1000), whole[:300])


def test_salience_correlation_is_a_gaussian_copula():
    space = input_space(scenario(salience_correlation=0.8))
    assert space.groups == (((1, 3, 5), 0.8),)
    u = space.sample_unit(5, 0, 20_000)
    z = stats.norm.ppf(u)
    corr = np.corrcoef(z, rowvar=False)
    assert corr[1, 3] == pytest.approx(0.8, abs=0.02)
    assert corr[3, 5] == pytest.approx(0.8, abs=0.02)
    assert abs(corr[0, 2]) < 0.03  # positions stay independent
    # marginals unchanged: each correlated salience still uniform on its range
    values = space.from_unit(u)[:, 3]
    assert stats.kstest(values, stats.uniform(0.3, 0.5).cdf).pvalue > 0.001
    independent = np.corrcoef(stats.norm.ppf(input_space(scenario()).sample_unit(5, 0, 20_000)),
                              rowvar=False)
    assert abs(independent[1, 3]) < 0.03


def test_correlation_field_is_validated():
    from detente.errors import ScenarioError

    with pytest.raises(ScenarioError, match="salience_correlation"):
        scenario(salience_correlation=1.5)


def test_zero_width_ranges_are_not_inputs():
    sc = Scenario.from_dict({
        "name": "fixed", "actors": [{"id": "a", "capability_uncertainty": [1, 1]}],
        "issues": [{"id": "x"}],
        "stances": [{"actor": "a", "issue": "x", "position": 50, "salience": 0.5,
                     "uncertainty": {"position": [50, 50]}}],
    })
    assert input_space(sc).size == 0


def test_batna_inputs_when_the_scenario_declares_them():
    data = scenario().to_dict()
    data["actors"][1]["batna"] = 0.4
    data["actors"][1]["batna_uncertainty"] = {"kind": "triangular", "low": 0.2,
                                              "mode": 0.4, "high": 0.5}
    sc = Scenario.from_dict(data)
    # models read no BATNA: the default inputs (and so the random streams) are unchanged
    assert input_space(sc).names == input_space(scenario()).names
    space = input_space(sc, kinds=("batna",))
    assert space.names == ["batna[b]"]
    b = space.batna(space.from_unit(space.sample_unit(2, 0, 20_000)))
    assert b.shape == (20_000, 2) and np.isnan(b[:, 0]).all()
    dist = stats.triang(c=(0.4 - 0.2) / 0.3, loc=0.2, scale=0.3)
    assert stats.kstest(b[:, 1], dist.cdf).pvalue > 0.001


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["uniform", "triangular", "normal"]),
    low=st.floats(0, 90),
    width=st.floats(0.001, 10),
    mode_at=st.floats(0, 1),
    mean_at=st.floats(-2, 3),
    sd=st.floats(0.01, 50),
)
def test_any_declared_distribution_stays_in_its_range(kind, low, width, mode_at, mean_at, sd):
    high = low + width
    dist = {"kind": kind, "low": low, "high": high}
    if kind == "triangular":
        dist["mode"] = low + mode_at * width
    if kind == "normal":
        dist.update(mean=low + mean_at * width, sd=sd)
    sc = Scenario.from_dict({
        "name": "h", "actors": [{"id": "a"}], "issues": [{"id": "x"}],
        "stances": [{"actor": "a", "issue": "x", "position": low, "salience": 0.5,
                     "uncertainty": {"position": dist}}],
    })
    space = input_space(sc)
    u = np.concatenate([[[0.0], [1.0], [0.5]], space.sample_unit(0, 0, 500)])
    v = space.from_unit(u)[:, 0]
    assert np.isfinite(v).all() and (v >= low).all() and (v <= high).all()
    assert np.all(np.diff(space.from_unit(np.linspace(0, 1, 50)[:, None])[:, 0]) >= 0)


@pytest.mark.parametrize("compiled", [False, True])
def test_only_the_draws_asked_for_are_transformed(monkeypatch, compiled):
    """A range draws its blocks' every normal (the copula's factors follow them in the
    stream) but applies the copula and ``ndtr`` to its own rows only: the same numbers
    as the whole block's, at a fraction of the work (1,000 draws of a 16,384 block)."""
    import detente.uncertainty.sampling as sampling

    space = input_space(scenario(salience_correlation=0.6))
    assert space.groups
    whole = [space.sample_block(4, b, block_size=1000) for b in (0, 1)]
    shapes: list[tuple[int, ...]] = []
    if compiled:  # Φ compiled, on the rows flattened
        from detente.uncertainty import sampling_kernels

        real = sampling_kernels.ndtr_into
        monkeypatch.setattr(sampling_kernels, "ndtr_into",
                            lambda z, out: shapes.append(z.shape) or real(z, out))
        expected = [(800 * space.size,), (300 * space.size,)]
    else:
        real = sampling.ndtr
        monkeypatch.setattr(sampling, "ndtr",
                            lambda z, **kw: shapes.append(z.shape) or real(z, **kw))
        expected = [(800, space.size), (300, space.size)]
    part = space.sample_unit(4, 200, 1300, block_size=1000, compiled=compiled)
    assert shapes == expected
    assert np.array_equal(part, np.concatenate([whole[0][200:], whole[1][:300]]))


def test_weight_is_computed_once_and_read_only():
    import detente
    from detente.uncertainty.sampling import input_space

    space = input_space(detente.load("ukraine-2025-11"))
    arrays = space.sample(1, 0, 50)
    w = arrays.weight
    assert arrays.weight is w and not w.flags.writeable
    expected = np.where(arrays.mask[None],
                        arrays.capability[:, :, None] * arrays.salience, 0.0)
    if arrays.issue_capability is not None:
        expected = np.where(arrays.mask[None], arrays.capability[:, :, None]
                            * arrays.salience * arrays.issue_capability[None], 0.0)
    assert np.array_equal(w, expected)
    other = arrays.with_values(salience=arrays.salience * 2)
    assert other.weight is not w and np.array_equal(other.weight[w > 0], 2 * w[w > 0])
