"""In-process engine: a thread pool over chunks (numpy releases the GIL in its loops)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from detente.engines.base import Engine, bounded_unordered, cpu_count


class LocalEngine(Engine):
    """Run tasks on ``workers`` threads (default: every usable core; 1 runs inline)."""

    name = "local"

    def __init__(self, workers: int | None = None, *, in_flight: int = 2):
        self._workers = max(1, workers or cpu_count())
        self._in_flight = max(1, in_flight)

    @property
    def workers(self) -> int:
        return self._workers

    def map_unordered(
        self, fn: Callable[..., Any], job: Any, tasks: Sequence[tuple[Any, ...]]
    ) -> Iterator[Any]:
        if self._workers == 1 or len(tasks) <= 1:
            for task in tasks:
                yield fn(job, *task)
            return
        limit = self._workers * self._in_flight
        with ThreadPoolExecutor(max_workers=self._workers,
                                thread_name_prefix="detente") as pool:
            yield from bounded_unordered(lambda task: pool.submit(fn, job, *task), tasks, limit)
