"""Dask distributed engine: a local cluster of processes, or any scheduler by address.

The job (scenario, models, seed) is scattered to every worker once; each
task then carries only its block range, and results (small summaries) come
back as they complete. Workers need detente installed (same version).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from detente.engines.base import Engine, cpu_count
from detente.errors import DetenteError

PRE_SPAWN = "distributed.nanny.pre-spawn-environ"
#: the workers' statistical profiler (a thread sampling every task's stack every 10 ms)
PROFILE = "distributed.worker.profile.enabled"


def worker_environ() -> dict[str, Any]:
    """The environment Dask's nannies give the worker processes they spawn, less
    ``MALLOC_TRIM_THRESHOLD_``.

    Dask sets it to 64 kB so that workers hand freed memory back to the system at once;
    but setting it also turns off glibc's adaptive mmap threshold, so every numpy array
    above 128 kB is then a fresh ``mmap`` whose pages fault in one by one and go back
    with ``munmap`` when freed. The models make and free such temporaries all the time:
    measured on EUM + exchange + SMP at 32,768 draws, the workers took about twice the
    CPU time of the process engine's, much of it in page faults (``docs/uncertainty.md``).
    A user's own setting of the variable (in the environment) still wins.
    """
    import dask.config

    env = dict(dask.config.get(PRE_SPAWN, default={}) or {})
    env.pop("MALLOC_TRIM_THRESHOLD_", None)
    return env


class DaskEngine(Engine):
    """Connect to ``scheduler`` (``tcp://host:port``) or start a local cluster.

    A local cluster runs ``n_workers`` processes (default: one per core), one
    thread each, on the loopback interface; it is shut down by :meth:`close`.
    Scripts that use it must guard their entry point with
    ``if __name__ == "__main__":`` (worker processes are spawned).
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        n_workers: int | None = None,
        processes: bool = True,
        in_flight: int = 2,
        timeout: str = "10s",
    ):
        try:
            import dask.config
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask is a dependency
            raise DetenteError("the dask engine needs 'distributed' installed") from exc
        self._cluster = None
        self._in_flight = max(1, in_flight)
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=timeout)
            except OSError as exc:
                raise DetenteError(f"cannot reach the Dask scheduler at {scheduler}: {exc}"
                                   ) from None
        else:
            with dask.config.set({PRE_SPAWN: worker_environ(), PROFILE: False}):
                self._cluster = LocalCluster(
                    n_workers=n_workers or cpu_count(),
                    threads_per_worker=1,
                    processes=processes,
                    host="127.0.0.1",
                    # the scheduler always serves a few HTTP routes: a free loopback port
                    dashboard_address="127.0.0.1:0",
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self._cluster)

    @property
    def workers(self) -> int:
        info = self.client.scheduler_info()
        n = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        return max(1, n)

    def map_unordered(
        self, fn: Callable[..., Any], job: Any, tasks: Sequence[tuple[Any, ...]]
    ) -> Iterator[Any]:
        from distributed import as_completed

        if not tasks:
            return
        job_future = self.client.scatter(job, broadcast=True, hash=False)
        limit = self.workers * self._in_flight
        queue = iter(tasks)
        first = [self.client.submit(fn, job_future, *t, pure=False)
                 for _, t in zip(range(limit), queue, strict=False)]
        running = as_completed(first)
        try:
            for fut in running:
                result = fut.result()
                fut.release()
                yield result
                for task in queue:
                    running.add(self.client.submit(fn, job_future, *task, pure=False))
                    break
        finally:
            job_future.release()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
