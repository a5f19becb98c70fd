"""The Nash solver's compiled loop (:mod:`detente.models.nash_kernels`) gives the array
code's numbers bit for bit, and small solves never load the compiler."""

from __future__ import annotations

import numpy as np
import pytest

from detente.models import nash

from ..conftest import modules_after, without_numba


def problem(seed: int, draws: int, actors: int, issues: int):
    """Random positions (some tied at 50, so that kinks coincide) and weights (some 0)."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 100, (draws, actors, issues))
    pos[rng.random(pos.shape) < 0.05] = 50.0
    weight = rng.uniform(0, 1, (draws, actors, issues))
    weight[rng.random(weight.shape) < 0.1] = 0.0
    return pos, weight, rng.uniform(0, 100, issues), np.zeros(issues), np.full(issues, 100.0)


def solve(compiled: bool, monkeypatch: pytest.MonkeyPatch, *args, **kw) -> np.ndarray:
    monkeypatch.setattr(nash, "COMPILED_ELEMENTS", 0 if compiled else 1 << 62)
    return nash.nash_general(*args, **kw)


@pytest.mark.parametrize("actors", [1, 3, 5, 8, 12, 30, 130])
@pytest.mark.parametrize("utility", ["linear", "quadratic"])
@pytest.mark.parametrize("disagreement", ["worst", "status-quo"])
def test_compiled_solver_is_the_array_solver(actors, utility, disagreement, monkeypatch):
    """Every size of actor set (numpy sums over actors pairwise, which differs from term
    after term from 8 on), both utilities, both disagreement points; a few elements (the
    iteration's tail with one element left) and a few hundred."""
    for draws in (2, 300):
        args = problem(actors * 7 + draws, draws, actors, 3)
        for iterations in (1, 3, 64):
            kw = {"utility": utility, "disagreement": disagreement, "iterations": iterations}
            np.testing.assert_array_equal(solve(True, monkeypatch, *args, **kw),
                                          solve(False, monkeypatch, *args, **kw))


def test_the_model_on_both_paths(monkeypatch):
    """The decisive form (which solves through the same loop) and the default model."""
    pos, weight, q, low, high = problem(5, 200, 9, 4)
    cap = np.broadcast_to(weight.mean(axis=2, keepdims=True), pos.shape)
    out = []
    for compiled in (True, False):
        monkeypatch.setattr(nash, "COMPILED_ELEMENTS", 0 if compiled else 1 << 62)
        out.append(nash.nash_decisive(pos, weight, cap, q, low, high, quota=0.5))
    np.testing.assert_array_equal(*out)
    assert np.isfinite(out[0]).all()


def test_small_solves_do_not_load_the_compiler() -> None:
    """The bundled scenario's Nash forecast runs in arrays: nothing imports numba."""
    loaded = modules_after(
        "import detente\n"
        "from detente.models.nash import NashBargaining\n"
        "NashBargaining().forecast(detente.load('ukraine-2025-11'))\n"
    )
    assert "detente.models.nash" in loaded
    assert without_numba(loaded)
