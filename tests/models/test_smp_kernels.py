"""The SMP's compiled loops (:mod:`detente.models.smp.kernels`) give the array formulas'
numbers bit for bit, and small runs never load the compiler."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.arrays import compile_scenario
from detente.extras import extras_of
from detente.formats import read
from detente.models.smp import SpatialModelOfPolitics, batch_challenges, kernels, tiles
from detente.models.smp.batch_turn import assess_rows
from detente.models.smp.primitives import array_coalitions

from ..conftest import modules_after, without_numba
from .test_smp_batch import assert_same, jittered

RULES = kernels.RULES


@pytest.mark.parametrize("n", [*range(1, 300), 1000, 1500, 4099])
def test_pairwise_sum_is_numpys_sum(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n) * 10.0 ** rng.uniform(-4, 4, n)
    plan = kernels.pairwise_plan(n)
    assert 0.0 + kernels.pairwise_sum(x, plan, np.empty(len(plan))) == np.sum(x)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("voters", [3, 13, 150])
def test_compiled_coalitions_equal_the_array_formula(rule: str, voters: int) -> None:
    """Both memory layouts the runs use (voters' rows contiguous, where numpy adds one
    voter after another, and voters' columns contiguous, where it adds pairwise), with
    leading axes and weights per row or shared."""
    rng = np.random.default_rng(voters)
    for lead, options in [((), 1), ((), 2), ((), 40), ((3,), 7), ((2, 2), 5)]:
        util = rng.uniform(-0.2, 1.0, (*lead, voters, options))
        util[..., 0, :] = util[..., 1, :]  # ties: votes of exactly 0
        by_column = np.swapaxes(np.ascontiguousarray(np.swapaxes(util, -1, -2)), -1, -2)
        for weight in (rng.uniform(10, 200, voters), rng.uniform(10, 200, (*lead, voters))):
            for u in (util, by_column):
                want = array_coalitions(rule, weight, u)
                got = kernels.coalition_sums(rule, weight, u)
                np.testing.assert_array_equal(got, want)


def _state(model: SpatialModelOfPolitics, rows: int, n: int, seed: int):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    pos = rng.uniform(size=(rows, n, 3))
    ideal = np.clip(pos + rng.normal(0, 0.1, pos.shape), 0, 1)
    sal = rng.uniform(0.05, 0.3, pos.shape)
    cap = rng.uniform(10, 200, (rows, n))
    return assess_rows(model, pos, ideal, sal, cap)


@pytest.mark.parametrize(("rule", "commit"), [
    ("Prop", "SemiCommit"), ("ASymProsp", "SemiCommit"), ("PropBin", "SemiCommit"),
    ("Cubic", "SemiCommit"), ("PropCbc", "NoCommit"), ("Binary", "FullCommit"),
])
def test_compiled_challenges_equal_the_whole_array_formula(
    rule: str, commit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """:func:`~.kernels.third_party_sums` (blocks of three challengers, one and two
    threads) gives :func:`own_challenges_rows`'s numbers bit for bit."""
    n = 21
    model = SpatialModelOfPolitics(voting_rule=rule, third_party_commit=commit)
    st = _state(model, 2, n, 11)
    p_ref, du_ref = batch_challenges.own_challenges_rows(model, st, np.arange(n))
    monkeypatch.setattr(tiles, "COMPILED_ACTORS", 0)
    monkeypatch.setattr(tiles, "BLOCK_CELLS", 3 * n * n)
    for threads in (1, 2):
        p, du = tiles.own_challenges_tiled(model, st, threads=threads)
        np.testing.assert_array_equal(p, p_ref)
        np.testing.assert_array_equal(du, du_ref)


def test_a_run_on_the_compiled_loops_is_the_array_run(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thirteen actors, three jittered rows: the whole run with every O(A³) sum compiled
    equals the run in arrays, bit for bit."""
    scenario = read(data_dir / "ktab" / "SOE-Pol-Comp.csv")
    arrays = jittered(compile_scenario(scenario), 3, seed=4)
    model = SpatialModelOfPolitics().bind(extras_of(scenario))
    in_arrays = model.forecast(arrays, seed=5)
    monkeypatch.setattr(tiles, "COMPILED_ACTORS", 0)
    monkeypatch.setattr("detente.models.smp.primitives.COMPILED_ACTORS", 0)
    assert_same(model.forecast(arrays, seed=5), in_arrays)


def test_small_runs_do_not_load_the_compiler(data_dir: Path) -> None:
    """Below :data:`~.primitives.COMPILED_ACTORS` actors nothing imports numba (its load
    costs about 0.6–0.9 CPU s and 120 MiB, more than such a run saves)."""
    loaded = modules_after(
        "from detente.extras import extras_of\n"
        "from detente.formats import read\n"
        "from detente.models.smp import SpatialModelOfPolitics\n"
        f"s = read({str(data_dir / 'ktab' / 'SOE-Pol-Comp.csv')!r})\n"
        "SpatialModelOfPolitics().bind(extras_of(s)).forecast(s)\n"
    )
    assert "detente.models.smp.tiles" in loaded  # the run went through the tiles
    assert without_numba(loaded)
