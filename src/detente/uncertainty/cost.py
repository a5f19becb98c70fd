"""What a Monte Carlo run (:func:`detente.uncertainty.simulate.simulate`) will cost here,
timed on the path the run will take (issue 31).

The run cuts its draws into blocks; every block's inputs are sampled, every model runs on
them (a task per chunk and model, or per chunk with all its models), and the caller
summarises each block. Which code does that depends on the run's size: from
:data:`~.simulate.COMPILED_OUTCOMES` outcomes (draws × models × issues) the sampling and
the summaries are compiled kernels, and the models switch to their own compiled kernels
at their own sizes (Nash, median and compromise from a number of draws × issues, SMP and
exchange slice their draws). A pilot of a few hundred draws therefore times other code
than a million draws runs: before this module the estimate of a 10^6-draw run was 7.5×
its time, and the expensive models' cost per block was priced from the cheap ones'.

So the pilot here is built from the run's own :class:`~.simulate.SimulationJob` (the same
models, seed, draws, hence the same ``compiled`` choice), with a smaller ``block_size``
where a whole block would cost too much, and it runs the run's own functions on the run's
own engine, ``workers`` tasks side by side (so the figure is the machine's throughput
now, with its load and the threads' contention):

1. ``block_arrays`` (the sampling): one untimed call first, which pays the first-call
   costs (numba's kernels loaded from its cache, or compiled on a cold cache), which the
   run, afterwards in the same process, does not pay again (they are reported as
   ``warm``, not counted); then a round of ``workers`` whole blocks side by side, each
   task timed in its worker;
2. each model's ``block_model_outcome`` on those inputs: a probe round of
   :data:`PROBE_DRAWS` draws a task (after one untimed call), whose CPU time chooses the
   pilot's size: whole blocks (after one untimed call at that size where a block is
   cheap: :data:`WARM_UP_TO`) for a model whose
   block costs at most :data:`WHOLE_BLOCK_UP_TO` CPU seconds, else :data:`PILOT_SHARE`
   of the run's draws per worker (so that the pilot stays a few per cent of the run), but
   no fewer than :func:`compiled_draws` (the model's own compiled path); then that round,
   timed likewise;
3. ``summarise_chunk`` of one whole block of those outcomes (after an untimed call on a
   few rows), timed;
4. the run's once-only part (binding the models, the point forecasts, the result) as a
   one-draw run, timed.

The pilot's own time counts in a guarded command's wall time: on the bundled scenario a
few seconds, most of it the first calls the run would otherwise pay.

:func:`detente.estimate.simulation_seconds` is the arithmetic that turns these timings
into the run's seconds (tested on recorded timings).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from detente.estimate import BlockCosts, Round, simulation_seconds
from detente.requests import SimulationRequest
from detente.scenario import Scenario

PROBE_DRAWS = 128
"""Draws per task of the probe round that chooses each model's pilot size."""
WHOLE_BLOCK_UP_TO = 4.0
"""A model whose task of a whole block the probe puts at most this many CPU seconds gets
its pilot on whole blocks (its compiled path, if the run's blocks take one: the probe's few
draws run the array code, which is up to ten times slower a draw, so this bound is
loose); a costlier one gets ..."""
PILOT_SHARE = 0.02
"""... a round of this share of the run's draws per worker (at least :data:`PROBE_DRAWS`):
about this share of its part of the run. (SMP's and exchange's cost a draw falls a
little with the slice, so this errs high, by up to 1.5× on the bundled scenario.)"""
WARM_UP_TO = 1.0
"""A whole block the probe puts at most this many CPU seconds is run once untimed first
(numba's kernels for it loaded: a few tenths of a second, much of such a block); a
costlier block is timed at once (the load is small against it, and the untimed block
would double the pilot)."""
WARM_DRAWS = 256
"""Rows of the summary's untimed first call (numba's summary kernels loaded)."""


def _round(eng: Any, fn: Callable[..., Any], job: Any, tasks: Sequence[tuple[Any, ...]],
           clock: Callable[[], float]) -> tuple[list[Any], float]:
    """Results of ``fn(job, *task)`` for the tasks, side by side on ``eng``, in task
    order, and the mean of the tasks' own seconds (each timed inside its worker, while the
    others ran beside it: the round's wall time would add the slowest task's lag behind
    the others, which a long run of many tasks does not wait for)."""
    out = list(eng.map_unordered(_timed_task, (fn, job, clock), list(enumerate(tasks))))
    out.sort(key=lambda r: r[0])
    return [r for _, r, _ in out], sum(s for _, _, s in out) / max(len(out), 1)


def _timed_task(fn_job: tuple[Callable[..., Any], Any, Callable[[], float]], key: int,
                task: tuple[Any, ...]) -> tuple[int, Any, float]:
    fn, job, clock = fn_job
    start = clock()
    out = fn(job, *task)
    return key, out, clock() - start


def compiled_draws(model: Any, issues: int) -> int:
    """The fewest draws of a block on which ``model`` runs its compiled kernels, where its
    module says from how many elements (draws × issues) it does (``COMPILED_ELEMENTS``:
    Nash, median, compromise); 0 otherwise. A pilot smaller than that would time the
    array code, ten times slower a draw for Nash on 200 actors, where the run's blocks
    run compiled."""
    elements = getattr(sys.modules.get(type(model).__module__), "COMPILED_ELEMENTS", None)
    return math.ceil(elements / max(issues, 1)) if isinstance(elements, int) else 0


def block_costs(scenario: Scenario, request: SimulationRequest, *,
                clock: Callable[[], float] = time.perf_counter,
                cpu: Callable[[], float] = time.process_time) -> BlockCosts:
    """The timings :func:`detente.estimate.simulation_seconds` needs for ``request`` on
    ``scenario``, measured here as the module docstring says."""
    from detente.extras import extras_of
    from detente.models.registry import resolve_models
    from detente.uncertainty.simulate import (
        SimulationJob,
        block_arrays,
        block_model_outcome,
        simulate,
        summarise_chunk,
    )

    draws, block = request.draws, request.block_size
    extras = extras_of(scenario)
    models = tuple(m.bind(extras) for m in resolve_models(request.models, params=request.params))
    seed = 0 if request.seed is None else request.seed

    def job(size: int) -> SimulationJob:
        # the run's draws (so the run's `compiled` choice), in blocks of `size` draws
        return SimulationJob(scenario, models, seed, draws, size, request.bins, False)

    full = min(block, draws)
    run = job(full)
    eng, own = request.execution.start()
    try:
        workers = eng.workers
        lanes = min(workers, -(-draws // full))
        start = clock()
        block_arrays(run, 0)  # first calls: numba's sampling kernels loaded (or compiled)
        first = clock() - start
        arrays, seconds = _round(eng, block_arrays, run, [(b,) for b in range(lanes)], clock)
        sampling = Round(full, seconds)
        warm = max(first - seconds, 0.0)

        rounds: list[Round] = []
        outcomes: list[np.ndarray] = []
        for m in range(len(models)):
            probe = min(PROBE_DRAWS, full)
            small = [(b, m, a.take(slice(0, probe))) for b, a in enumerate(arrays)]
            start = clock()
            block_model_outcome(job(probe), *small[0])  # first calls at the probe's size
            warm += clock() - start
            used = cpu()
            _round(eng, block_model_outcome, job(probe), small, clock)
            # CPU seconds of a task (the machine's load does not move this choice)
            block_cpu = (cpu() - used) / lanes * full / probe
            if block_cpu <= WHOLE_BLOCK_UP_TO:
                size = full
                first = 0.0
                if block_cpu <= WARM_UP_TO:  # first calls at the run's size, untimed
                    start = clock()
                    block_model_outcome(run, 0, m, arrays[0])
                    first = clock() - start
            else:
                size = min(full, max(probe, math.ceil(PILOT_SHARE * draws / lanes),
                                     compiled_draws(models[m], len(scenario.issues))))
                first = 0.0
            out, seconds = _round(eng, block_model_outcome, job(size),
                                  [(b, m, a.take(slice(0, size))) for b, a in enumerate(arrays)],
                                  clock)
            warm += max(first - seconds, 0.0)
            rounds.append(Round(size, seconds))
            outcomes.append(out[0])
    finally:
        if own:
            eng.close()

    # one block's summary of every model's outcomes (each repeated to the block's size)
    x = np.stack([np.resize(o, (full, o.shape[1])) for o in outcomes], axis=1)
    start = clock()
    summarise_chunk(run, 0, x[:WARM_DRAWS])  # first calls: the summary kernels
    first = clock() - start
    start = clock()
    summarise_chunk(run, 0, x)
    summary = Round(full, clock() - start)
    warm += max(first - summary.seconds * min(WARM_DRAWS, full) / full, 0.0)

    # the once-only part (models bound, point forecasts, the result): a one-draw run
    start = clock()
    simulate(scenario, request=SimulationRequest.of(request, draws=1, keep_draws=False,
                                                    progress=None))
    fixed = clock() - start
    return BlockCosts(workers=workers, lanes=lanes, fixed=fixed, sampling=sampling,
                      models=tuple(rounds), summary=summary, warm=warm)


def simulation_tasks(request: SimulationRequest, workers: int, n_models: int
                     ) -> list[tuple[int, int, int | tuple[int, ...]]]:
    """The run's tasks ``(first block, stop block, model or models)``, as
    :func:`~.simulate.simulate` makes them."""
    from detente.uncertainty.simulate import _blocks_per_chunk, _tasks

    n_blocks = -(-request.draws // request.block_size)
    per_chunk = _blocks_per_chunk(n_blocks, workers, request.execution.chunk_size,
                                  request.block_size)
    return _tasks(n_blocks, per_chunk, n_models, workers)


def simulation_seconds_here(scenario: Scenario, request: SimulationRequest, *,
                            clock: Callable[[], float] = time.perf_counter
                            ) -> tuple[float, BlockCosts]:
    """The estimated seconds of ``request`` on ``scenario`` and the timings behind it."""
    costs = block_costs(scenario, request, clock=clock)
    tasks = simulation_tasks(request, costs.workers, len(costs.models))
    return simulation_seconds(costs, tasks, draws=request.draws,
                              block_size=request.block_size), costs
