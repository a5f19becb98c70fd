"""Process-pool engine: chunks run in worker processes, so Python-level model code
(the exchange, SMP and EUM rounds) runs on every core instead of waiting for the GIL.

The job (scenario, models, seed) is pickled once per worker process, by the pool's
initializer, and kept in :data:`_WORKER_JOB` of that worker; each task then carries
only its block range. That slot is not global state of the library: it is written
only inside worker processes this engine starts (never in the caller's process), it
holds the one job the pool was created for, and it dies with the pool at the end of
:meth:`ProcessEngine.map_unordered`.

Workers are started with ``spawn`` by default: ``fork`` copies a parent that may
hold running threads (a web server, BLAS, a thread pool) and can deadlock in the
child; ``forkserver`` is as safe but costs the same imports per worker, and its
workers are not children of the caller (their CPU time does not show in the
caller's ``RUSAGE_CHILDREN``). Like any spawned worker, the caller's ``__main__``
module is imported in the workers, so scripts must guard their entry point with
``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from detente.engines.base import PoolEngine, bounded_unordered
from detente.errors import DetenteError

START_METHODS = ("spawn", "forkserver", "fork")

_WORKER_JOB: Any = None
"""The job of the pool this worker process belongs to (set by :func:`_init_worker`)."""


def _init_worker(job: Any) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _run_task(fn: Callable[..., Any], task: tuple[Any, ...]) -> Any:
    return fn(_WORKER_JOB, *task)


class ProcessEngine(PoolEngine):
    """Run tasks in ``workers`` processes (default: every usable core; 1 runs inline).

    ``fn`` must be picklable (a module-level function) and so must the job and the
    tasks' arguments and results. At most ``workers × in_flight`` tasks are submitted
    at once, so memory stays bounded however many tasks there are. Each call of
    :meth:`map_unordered` starts its own pool (start-up: about a second per worker
    while they import numpy and detente), so this pays off on long runs only.
    """

    name = "processes"

    def __init__(self, workers: int | None = None, *, in_flight: int = 2,
                 start_method: str = "spawn"):
        if start_method not in START_METHODS:
            raise DetenteError(f"unknown start method {start_method!r}; "
                               f"available: {', '.join(START_METHODS)}")
        super().__init__(workers, in_flight=in_flight)
        self.start_method = start_method

    def _map_pooled(self, fn: Callable[..., Any], job: Any,
                    tasks: Sequence[tuple[Any, ...]], limit: int) -> Iterator[Any]:
        context = multiprocessing.get_context(self.start_method)
        with ProcessPoolExecutor(max_workers=min(self._workers, len(tasks)),
                                 mp_context=context, initializer=_init_worker,
                                 initargs=(job,)) as pool:
            yield from bounded_unordered(lambda task: pool.submit(_run_task, fn, task),
                                         tasks, limit)
