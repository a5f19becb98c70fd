"""The exchange model's compiled step loop (:mod:`detente.models.exchange.kernels`) gives
the array code's numbers bit for bit, and small rounds never load the compiler."""

from __future__ import annotations

import numpy as np
import pytest

import detente
from detente.arrays import compile_scenario
from detente.models.exchange import Exchange, kernels
from detente.models.exchange import round as exchange_round

from ..conftest import modules_after, without_numba
from .test_exchange import many_actor_scenario
from .test_exchange_oracle import random_scenario


def forecast(model: Exchange, arrays, compiled: bool, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(exchange_round, "COMPILED_CANDIDATES", 0 if compiled else 1 << 62)
    return model.forecast(arrays, rng=np.random.default_rng(7))


def assert_same_run(a, b) -> None:
    """Outcomes, every round's positions, the counts and the log: equal, not close."""
    np.testing.assert_array_equal(a.trajectory.outcome, b.trajectory.outcome)
    np.testing.assert_array_equal(a.trajectory.position, b.trajectory.position)
    assert a.details.to_dict() == b.details.to_dict()


def jittered_draws(n_actors: int, n_issues: int, draws: int, seed: int):
    base = compile_scenario(random_scenario(seed, n_actors, n_issues), draws=draws)
    rng = np.random.default_rng(seed)
    lo, hi = base.low, base.high
    pos = np.clip(base.position + rng.normal(0, 0.1, base.position.shape) * (hi - lo), lo, hi)
    sal = np.clip(base.salience + rng.normal(0, 0.05, base.salience.shape), 0.05, 1.0)
    return base.with_values(position=pos, salience=sal)


@pytest.mark.parametrize("variant", ["equal-gain", "random-rate"])
@pytest.mark.parametrize("rule", ["decide", "paper"])
def test_compiled_rounds_are_the_array_rounds(variant, rule, monkeypatch) -> None:
    """Three jittered draws of a 20-actor, 6-issue scenario, four rounds: both paths give
    the same numbers, counts and log (draw 0's), for every variant and rule."""
    arrays = jittered_draws(20, 6, 3, seed=11)
    model = Exchange(rounds=4, variant=variant, rule=rule)
    compiled = forecast(model, arrays, True, monkeypatch)
    in_arrays = forecast(model, arrays, False, monkeypatch)
    assert_same_run(compiled, in_arrays)
    assert sum(compiled.details.exchanges_per_round) > 20  # a run with many exchanges


def test_compiled_rounds_with_several_blocks_and_dead_slots(monkeypatch) -> None:
    """A draw with more than one block of candidate slots beside a draw with few
    candidates (dead slots), and the bundled scenario's sampled draws."""
    from detente.uncertainty.sampling import input_space

    base = compile_scenario(many_actor_scenario(30, 3), draws=3)
    keep = np.ones(base.position.shape, dtype=bool)
    keep[1, 10:] = False
    mixed = base.with_values(capability=np.where(keep[:, :, 0], base.capability, 1e-9))
    sampled = input_space(detente.load("ukraine-2025-11")).sample(3, 0, 40)
    for arrays in (mixed, sampled):
        model = Exchange(rounds=3)
        assert_same_run(forecast(model, arrays, True, monkeypatch),
                        forecast(model, arrays, False, monkeypatch))


@pytest.mark.parametrize("n_actors, n_issues, draws", [(5, 8, 40), (30, 4, 3), (60, 3, 1)])
def test_compiled_candidates_are_the_array_candidates(n_actors, n_issues, draws) -> None:
    """:func:`~.pairing_kernels.find_candidates` lists the array code's candidates in its
    order, with the same flat indices; only the padding to whole blocks differs."""
    from detente.models.exchange import pairing, pairing_kernels
    from detente.models.exchange.model import _forecast, normalised

    x, sal, w, ok = normalised(jittered_draws(n_actors, n_issues, draws, seed=n_actors))
    ok[0, :2] = False  # actors without stances (code -1)
    pairs = pairing.issue_pairs(n_issues)
    code = pairing.group_code(x, ok, _forecast(x, w), pairs[:, 0], pairs[:, 1])
    counts = pairing.candidate_counts(code)
    ref = pairing.find_candidates(code, sal, pairs)
    np.testing.assert_array_equal(counts, np.bincount(ref.draw[ref.demander >= 0],
                                                      minlength=draws))
    got, _, supply, across, cell = pairing_kernels.find_candidates(code, sal, pairs,
                                                                int(counts.max()))
    state = exchange_round.RoundState.__new__(exchange_round.RoundState)
    state.shape = x.shape
    state._index(ref)
    assert got.n_per_draw % got.block == 0 and got.n_random == ref.n_random
    mine, theirs = got.demander >= 0, ref.demander >= 0  # the live slots, by draw and slot
    for field in ("draw", "demander", "supplier", "demanded", "offered", "inner"):
        np.testing.assert_array_equal(getattr(got, field)[mine], getattr(ref, field)[theirs])
        assert getattr(got, field).dtype.kind == getattr(ref, field).dtype.kind
    for new, old in ((supply, state.supply), (across, state.across), (cell, state.issue_cell)):
        np.testing.assert_array_equal(new[:, mine], old[:, theirs])
    # dead slots: actor -1 on issue 0; their flat indices point at the draw's actor 0
    dead = np.flatnonzero(~mine)
    assert dead.size and (got.inner[dead] == -1).all() and (got.offered[dead] == 0).all()
    row = got.draw[dead] * n_actors * n_issues
    np.testing.assert_array_equal(supply[:, dead], np.stack([row, row]))
    np.testing.assert_array_equal(cell[:, dead], np.stack([got.draw[dead] * n_issues] * 2))


def test_index_is_the_stable_argsort() -> None:
    """:func:`~.kernels.index_by` (a counting sort) = :meth:`RoundState._index_by`."""
    rng = np.random.default_rng(3)
    n, n_keys = 500, 60
    keys = rng.integers(0, n_keys, (2, n))
    live = rng.random(n) < 0.8
    members, first = kernels.index_by(keys, live, n_keys)
    flat = keys.reshape(-1)[np.tile(live, 2)]
    order = np.argsort(flat, kind="stable")
    np.testing.assert_array_equal(members, np.tile(np.arange(n), 2)[np.tile(live, 2)][order])
    np.testing.assert_array_equal(first, np.searchsorted(flat[order], np.arange(n_keys + 1)))


def test_small_rounds_do_not_load_the_compiler() -> None:
    """The bundled scenario's forecast (40 candidates) runs in arrays: nothing imports
    numba (its load costs about 0.5 CPU s and over 60 MiB, more than such a run saves)."""
    loaded = modules_after(
        "import detente\n"
        "from detente.models.exchange import Exchange\n"
        "Exchange().forecast(detente.load('ukraine-2025-11'))\n"
    )
    assert "detente.models.exchange.round" in loaded
    assert without_numba(loaded)
