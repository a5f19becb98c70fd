"""The Nash variants of issue 16: worst-outcome and decisive-coalition disagreement."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import detente
from detente.errors import DetenteError, ModelInputError
from detente.models.nash import nash_decisive, nash_general

LOW, HIGH = np.array([0.0]), np.array([100.0])


def brute(pos, w, reach, utility):
    """Maximise Σ w log g on a fine grid, then polish (independent of the bisection)."""
    xs = np.linspace(0, 100, 200001)
    d = np.abs(xs[:, None] - np.array(pos)[None])
    g = np.array(reach)[None] ** (2 if utility == "quadratic" else 1) - (
        d**2 if utility == "quadratic" else d)
    with np.errstate(divide="ignore", invalid="ignore"):
        obj = np.where((g > 0).all(axis=1), (np.array(w) * np.log(g)).sum(axis=1), -np.inf)
    x0 = xs[np.argmax(obj)]

    def neg(x):
        dd = np.abs(x - np.array(pos))
        gg = np.array(reach) ** (2 if utility == "quadratic" else 1) - (
            dd**2 if utility == "quadratic" else dd)
        return np.inf if (gg <= 0).any() else -(np.array(w) * np.log(gg)).sum()

    return minimize_scalar(neg, bounds=(max(x0 - 0.01, 0), min(x0 + 0.01, 100)),
                           method="bounded", options={"xatol": 1e-10}).x


@pytest.mark.parametrize("utility", ["linear", "quadratic"])
def test_worst_outcome_form_matches_brute_force(utility):
    rng = np.random.default_rng(7)
    for _ in range(20):
        pos = rng.uniform(0, 100, 5)
        w = rng.uniform(0.1, 2, 5)
        reach = np.maximum(pos, 100 - pos)
        got = nash_general(pos[None, :, None], w[None, :, None], np.array([np.nan]), LOW, HIGH,
                           utility=utility, disagreement="worst")[0, 0]
        assert got == pytest.approx(brute(pos, w, reach, utility), abs=1e-5)


def test_decisive_form_between_worst_and_unanimity():
    pos = np.array([10.0, 30.0, 80.0])[None, :, None]
    w = np.ones((1, 3, 1))
    q = np.array([20.0])
    free = nash_general(pos, w, q, LOW, HIGH, disagreement="worst")[0, 0]
    assert free == pytest.approx(100 / 3)
    # 2 of 3 actors prefer anything in (20, 40) to q; actor 1 alone blocks unanimity
    assert nash_decisive(pos, w, w, q, LOW, HIGH, quota=0.5)[0, 0] == pytest.approx(100 / 3)
    assert nash_decisive(pos, w, w, q, LOW, HIGH, quota=0.5,
                         utility="quadratic")[0, 0] == pytest.approx(40.0)
    assert nash_decisive(pos, w, w, q, LOW, HIGH, quota=0.7)[0, 0] == 20.0
    assert nash_decisive(pos, w, w, q, LOW, HIGH, quota=1.0)[0, 0] == 20.0


def test_model_parameters_and_status_quo_needs(ukraine):
    with pytest.raises(DetenteError, match="disagreement"):
        detente.get_model("nash", disagreement="everyone")
    with pytest.raises(DetenteError, match="quota"):
        detente.get_model("nash", quota=1.5)
    sc = ukraine.model_copy(update={"issues": tuple(
        i.model_copy(update={"status_quo": None}) for i in ukraine.issues)})
    out = detente.get_model("nash", disagreement="worst").forecast(sc).outcome
    assert np.isfinite(out).all()
    with pytest.raises(ModelInputError):
        detente.get_model("nash", disagreement="status-quo").forecast(sc)
