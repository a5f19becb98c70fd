"""Engines: the same seed gives the same result in process and on a real Dask cluster."""

from __future__ import annotations

import operator

import pytest
import xarray as xr

from detente.engines import LocalEngine, get_engine
from detente.errors import DetenteError
from detente.uncertainty import simulate


@pytest.fixture(scope="module")
def dask_engine():
    from detente.engines.dask import DaskEngine

    engine = DaskEngine(n_workers=2, processes=True)
    yield engine
    engine.close()


def test_local_engine_runs_every_task_once():
    engine = LocalEngine(workers=2, in_flight=1)
    got = sorted(engine.map_unordered(operator.mul, 3, [(k,) for k in range(50)]))
    assert got == [3 * k for k in range(50)]
    assert list(LocalEngine(workers=1).map_unordered(operator.add, 1, [(1,), (2,)])) == [2, 3]


def test_local_engine_bounds_the_tasks_in_flight():
    # memory stays bounded because at most workers × in_flight results wait at once
    started = []
    engine = LocalEngine(workers=2, in_flight=2)
    most = 0
    for done, _ in enumerate(engine.map_unordered(lambda job, k: started.append(k), None,
                                                  [(k,) for k in range(40)]), start=1):
        most = max(most, len(started) - done + 1)
    assert len(started) == 40 and most <= 4


def test_dask_engine_runs_every_task_once(dask_engine):
    assert dask_engine.workers == 2
    got = sorted(dask_engine.map_unordered(operator.mul, 3, [(k,) for k in range(25)]))
    assert got == [3 * k for k in range(25)]


def test_same_result_on_dask_as_in_process(ukraine, dask_engine):
    kwargs = dict(draws=5000, seed=21, block_size=512, keep_draws=True)
    local = simulate(ukraine, **kwargs).dataset
    on_dask = simulate(ukraine, engine=dask_engine, chunk_size=1024, **kwargs).dataset
    xr.testing.assert_identical(local, on_dask)
    one_block_chunks = simulate(ukraine, engine=dask_engine, chunk_size=1, **kwargs).dataset
    xr.testing.assert_identical(local, one_block_chunks)


def test_connects_to_a_scheduler_by_address(ukraine, dask_engine):
    address = dask_engine.client.scheduler.address
    assert address.startswith("tcp://")
    remote = get_engine("local", scheduler=address)  # an address implies dask
    try:
        assert remote.name == "dask" and remote.workers == 2
        a = simulate(ukraine, ["median"], draws=600, seed=1, block_size=100, engine=remote)
    finally:
        remote.close()
    b = simulate(ukraine, ["median"], draws=600, seed=1, block_size=100)
    xr.testing.assert_identical(a.dataset, b.dataset)


def test_bad_engine_and_unreachable_scheduler():
    with pytest.raises(DetenteError, match="unknown engine"):
        get_engine("spark")
    from detente.engines.dask import DaskEngine

    with pytest.raises(DetenteError, match="cannot reach"):
        DaskEngine(scheduler="tcp://127.0.0.1:1", timeout="1s")


def test_cli_simulate_on_the_cluster_matches_local(dask_engine):
    import json

    from typer.testing import CliRunner

    from detente.cli.main import app

    runner = CliRunner()
    address = dask_engine.client.scheduler.address
    args = ["simulate", "-n", "3000", "-m", "compromise", "-m", "median", "--seed", "8",
            "-f", "json"]
    on_dask = runner.invoke(app, [*args, "--scheduler", address])
    local = runner.invoke(app, args)
    assert on_dask.exit_code == 0, on_dask.output
    assert json.loads(on_dask.stdout) == json.loads(local.stdout)


def test_forecast_distributions_same_on_dask(ukraine, dask_engine):
    # issue 12: each forecast's distribution does not depend on the engine or chunk size
    from detente import api

    local = api.forecast(ukraine, ["compromise", "eum"], draws=300, seed=5)
    on_dask = api.forecast(ukraine, ["compromise", "eum"], draws=300, seed=5,
                           engine=dask_engine, chunk_size=64)
    assert local.distributions and local.to_json() == on_dask.to_json()
