"""The vectorised pieces of :mod:`detente.violations` against their plain definitions."""

from __future__ import annotations

import numpy as np

import detente
from detente.violations import _nearest, forecast_rules


def test_nearest_option_is_argmin_with_its_ties_nan_and_infinities():
    rng = np.random.default_rng(5)
    values = np.array([0.0, 25.0, 50.0, 75.0, 100.0])
    v = rng.uniform(-10, 110, (4000, 3))
    v[::7] = np.round(v[::7] / 12.5) * 12.5  # exactly on values and on midpoints (ties)
    v[1::11] = np.nan
    v[2::13] = np.inf
    v[3::17] = -np.inf
    v[4::19] = np.nextafter(37.5, np.inf)
    expected = np.argmin(np.abs(np.nan_to_num(v, nan=np.inf)[..., None] - values), axis=-1)
    assert np.array_equal(_nearest(values, v), expected)
    # not increasing, repeated values: still argmin's first minimum
    odd = np.array([50.0, 0.0, 50.0, 100.0, 0.0])
    expected = np.argmin(np.abs(np.nan_to_num(v, nan=np.inf)[..., None] - odd), axis=-1)
    assert np.array_equal(_nearest(odd, v), expected)


def test_each_rule_read_alone_is_the_rules_read_together():
    """``broken`` reads an issue's nearest option once for all its rules: each rule's
    column equals that rule evaluated on its own."""
    sc = detente.load("ukraine-2025-11")
    rules = forecast_rules(sc)
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 100, (3000, 2, len(sc.issues)))
    x[::5] = np.round(x[::5] / 5) * 5
    x[1::9, 0, 0] = np.nan
    together = rules.broken(x)
    assert together.any(axis=(0, 1)).sum() >= 4  # the draws break several of the rules
    for r, rule in enumerate(rules.rules):
        alone = type(rules)(sc, (rule,)).broken(x)[..., 0]
        assert np.array_equal(alone, together[..., r]), rule.id


def test_one_outcome_vector_reads_as_a_row_of_many():
    sc = detente.load("ukraine-2025-11")
    rules = forecast_rules(sc)
    x = np.random.default_rng(3).uniform(0, 100, (40, len(sc.issues)))
    many = rules.broken(x)
    for d in range(len(x)):
        assert np.array_equal(rules.broken(x[d]), many[d])
