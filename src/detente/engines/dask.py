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
