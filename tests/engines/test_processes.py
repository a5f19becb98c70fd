"""The process-pool engine: every task once, bounded in flight, the same simulate result."""

from __future__ import annotations

import operator

import pytest
import xarray as xr

from detente.engines import ProcessEngine, get_engine
from detente.errors import DetenteError
from detente.uncertainty import simulate


def test_process_engine_runs_every_task_once():
    engine = get_engine("processes", workers=2)
    assert isinstance(engine, ProcessEngine) and engine.workers == 2
    got = sorted(engine.map_unordered(operator.mul, 3, [(k,) for k in range(30)]))
    assert got == [3 * k for k in range(30)]
    assert list(ProcessEngine(workers=1).map_unordered(operator.add, 1, [(1,), (2,)])) == [2, 3]


def test_process_engine_bounds_the_tasks_in_flight():
    # results are consumed lazily: after the first, no more than workers × in_flight
    # tasks may have been submitted, so a slow consumer holds bounded memory
    engine = ProcessEngine(workers=2, in_flight=1)
    it = engine.map_unordered(operator.mul, 2, [(k,) for k in range(20)])
    first = next(it)
    assert first in {0, 2}
    assert sorted([first, *it]) == [2 * k for k in range(20)]


def test_bad_start_method():
    with pytest.raises(DetenteError, match="start method"):
        ProcessEngine(start_method="teleport")


@pytest.mark.parametrize("start_method", [
    "spawn", pytest.param("forkserver", marks=pytest.mark.slow)])
def test_same_result_in_processes_as_in_threads(ukraine, start_method):
    kwargs = dict(draws=600, seed=5, block_size=100, keep_draws=True)
    models = ["median", "exchange"]
    threads = simulate(ukraine, models, workers=2, **kwargs).dataset
    engine = ProcessEngine(workers=2, start_method=start_method)
    for chunk in (1, 300):  # one block per task; three blocks per task
        procs = simulate(ukraine, models, engine=engine, chunk_size=chunk, **kwargs).dataset
        xr.testing.assert_identical(threads, procs)
