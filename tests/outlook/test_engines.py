"""The same seed gives the same outlook whatever the engine and the chunk size."""

from __future__ import annotations

import numpy as np
import pytest

from detente.outlook import make_job, run_job

from .conftest import war


def _same(a, b) -> None:
    for name in ("first_open", "agreed", "package", "open_count", "hist"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in ("batna_at_agreement", "renege"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


def _job(**kw):
    sc = war(volatility=0.6, shock_p=0.1, expects_a=0.3, convergence_a=0.2, after=-0.3)
    return make_job(sc, months=18, paths=700, block_size=64, **kw)


def test_chunk_sizes_and_threads_agree():
    job = _job()
    one = run_job(job, workers=1)
    _same(one, run_job(job, workers=2, chunk_size=64))
    _same(one, run_job(job, workers=2, chunk_size=300))
    _same(one, run_job(job, workers=3, chunk_size=1))


def test_bundled_scenario_chunks_agree(ukraine):
    job = make_job(ukraine, months=6, paths=300, block_size=100)
    _same(run_job(job, workers=1), run_job(job, workers=2, chunk_size=100))


def test_a_path_does_not_depend_on_how_many_paths_run():
    small = run_job(_job(), workers=1)
    big = run_job(make_job(war(volatility=0.6, shock_p=0.1, expects_a=0.3,
                               convergence_a=0.2, after=-0.3),
                           months=18, paths=1000, block_size=64), workers=1)
    assert np.array_equal(small.agreed, big.agreed[:700])


@pytest.mark.slow
def test_process_engine_agrees():
    job = _job()
    _same(run_job(job, workers=1), run_job(job, engine="processes", workers=2, chunk_size=128))


@pytest.mark.slow
def test_dask_engine_agrees():
    job = _job()
    _same(run_job(job, workers=1), run_job(job, engine="dask", workers=2, chunk_size=128))
