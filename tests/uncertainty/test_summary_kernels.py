"""A block's compiled summary (:mod:`detente.uncertainty.summary_kernels`) gives the array
code's numbers bit for bit, and small runs never load the compiler."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import xarray as xr

from detente.models.registry import resolve_models
from detente.uncertainty import simulate

from ..conftest import modules_after, without_numba

sim_mod = importlib.import_module("detente.uncertainty.simulate")
SEVEN = ["compromise", "median", "nash", "ensemble", "eum", "exchange", "smp"]


def outcomes(job, n: int, seed: int) -> np.ndarray:
    """Outcomes ``[n, M, I]`` on each issue's scale that hit the edge cases: NaN (whole
    draws, a whole column, scattered), values at anchors, midway between two (a tie: the
    lower wins), exactly at the no-agreement band's reach and a hair beyond, off the
    scale (end bins), and at the scale's ends."""
    rng = np.random.default_rng(seed)
    low, high = job.scale
    m, i = len(job.models), len(job.scenario.issues)
    x = low + (high - low) * rng.uniform(-0.05, 1.05, (n, m, i))
    for b in range(i):
        a = job.anchors[b][~np.isnan(job.anchors[b])]
        for share, values in ((0.1, a), (0.05, (a[:-1] + a[1:]) / 2),
                              (0.05, np.concatenate([a + job.band_reach[b],
                                                     a - job.band_reach[b],
                                                     np.nextafter(a + job.band_reach[b], 1e9)])),
                              (0.02, np.array([low[b], high[b]]))):
            pick = rng.random((n, m)) < share
            if values.size and pick.any():
                x[pick, b] = rng.choice(values, int(pick.sum()))
    x[rng.random(x.shape) < 0.02] = np.nan
    x[n // 2] = np.nan
    x[:, 0, i - 1] = np.nan
    return x


def both_paths(job, x: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    out = []
    for threshold in (0, 1 << 62):
        monkeypatch.setattr(sim_mod, "COMPILED_OUTCOMES", threshold)
        job.__dict__.pop("compiled", None)  # the cached decision
        out.append(sim_mod.block_summary(job, x, block=3))
    return out


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].dtype == b[key].dtype and a[key].shape == b[key].shape, key
        assert a[key].tobytes() == b[key].tobytes(), key  # bit for bit, NaN where NaN


@pytest.mark.parametrize("models", [SEVEN[:1], SEVEN[:3], SEVEN])
@pytest.mark.parametrize("draws", [1, 2, 9, 2000])
def test_compiled_summary_is_the_array_summary(ukraine, models, draws, monkeypatch):
    """The bundled scenario (issues with and without a no-agreement band), one to seven
    models, a single draw up to a few thousand."""
    job = sim_mod.SimulationJob(ukraine, tuple(resolve_models(models)), 1, 10_000)
    x = outcomes(job, draws, seed=len(models) * 100 + draws)
    compiled, arrays = both_paths(job, x, monkeypatch)
    assert_same(compiled, arrays)
    assert compiled["count"].sum() == np.count_nonzero(~np.isnan(x))


def test_issues_without_anchors_or_bands(ukraine, monkeypatch):
    """An issue without anchors is counted in no band; without any no-agreement band the
    nearest anchor decides everywhere."""
    job = sim_mod.SimulationJob(ukraine, tuple(resolve_models(SEVEN[:3])), 1, 10_000)
    anchors = job.anchors.copy()
    anchors[2] = np.nan
    job.__dict__["anchors"] = anchors
    job.__dict__["no_agreement"] = np.zeros(anchors.shape, dtype=bool)
    x = outcomes(job, 500, seed=7)
    compiled, arrays = both_paths(job, x, monkeypatch)
    assert_same(compiled, arrays)
    assert compiled["band"][:, 2].sum() == 0 and compiled["pair_count"][:, :, 2].sum() == 0


def test_a_simulation_is_the_same_on_both_paths(ukraine, monkeypatch):
    """Whole runs (several blocks, merged), saved form compared."""
    runs = []
    for threshold in (0, 1 << 62):
        monkeypatch.setattr(sim_mod, "COMPILED_OUTCOMES", threshold)
        runs.append(simulate(ukraine, ["compromise", "median"], draws=1500, seed=4,
                             block_size=512, keep_draws=False).dataset)
    xr.testing.assert_identical(*runs)


def test_small_runs_do_not_load_the_compiler() -> None:
    """A forecast-sized run (1,000 draws of the default models) summarises in arrays."""
    loaded = modules_after(
        "import detente\n"
        "from detente.uncertainty import simulate\n"
        "simulate(detente.load('ukraine-2025-11'), draws=1000, seed=1)\n"
    )
    assert "detente.uncertainty.simulate" in loaded
    assert without_numba(loaded)


def test_outcomes_at_every_region_cut(ukraine, monkeypatch):
    """The compiled summary counts an outcome on the scale only in its region (between two
    floats where a band or closer comparison changes): outcomes at, just below and just
    above every cut, midway between anchors and at a band's reach; with anchors off the
    scale, and with two anchors a few floats apart (that issue tallied outcome by
    outcome: too close for the regions)."""
    from detente.uncertainty import summary_kernels as sk

    job = sim_mod.SimulationJob(ukraine, tuple(resolve_models(SEVEN[:3])), 1, 10_000)
    anchors = job.anchors.copy()
    anchors[3, 3] = np.nextafter(np.nextafter(50.0, 99), 99)  # beside the anchor at 50
    anchors[3] = np.sort(anchors[3])
    anchors[5, 4] = 130.0  # beyond the scale
    anchors[6, 0] = -20.0
    anchors[6, :3] = np.sort(anchors[6, :3])
    job.__dict__["anchors"] = anchors
    job.__dict__["no_agreement"] = job.no_agreement & ~np.isnan(anchors)
    low, high = (v.astype(float) for v in job.scale)
    kk = anchors.shape[1]
    kh = (~np.isnan(anchors)).sum(axis=1)
    n_cut = kk * kk + kk
    cuts, n_cuts = np.empty((len(kh), n_cut)), np.zeros(len(kh), dtype=np.int64)
    fast = np.zeros(len(kh), dtype=np.bool_)
    sk._regions(anchors, kh, job.no_agreement, job.band_reach, low, high, cuts, n_cuts,
                np.zeros((len(kh), n_cut + 1), dtype=np.int64), fast, ~np.isnan(anchors),
                np.empty(kk))
    assert not fast[3] and fast[[0, 1, 2, 4, 5, 6, 7]].all()
    assert n_cuts[0] > 0
    x = outcomes(job, 3000, seed=11)
    rng = np.random.default_rng(12)
    for b in range(len(kh)):
        near = [c for c in cuts[b, : n_cuts[b]] if np.isfinite(c)] + list(anchors[b, : kh[b]])
        values = []
        for c in near:
            below = above = np.float64(c)
            values.append(c)
            for _ in range(3):
                below, above = np.nextafter(below, -np.inf), np.nextafter(above, np.inf)
                values += [below, above]
        values = np.clip(values, low[b], high[b])
        pick = rng.random(x.shape[:2]) < 0.5
        x[pick, b] = rng.choice(values, int(pick.sum()))
    compiled, arrays = both_paths(job, x, monkeypatch)
    assert_same(compiled, arrays)
