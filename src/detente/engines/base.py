"""The engine protocol."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any


class Engine(ABC):
    """Runs ``fn(job, *task)`` for every task; yields results in completion order.

    Use as a context manager (or call :meth:`close`) to release workers.
    """

    name: str = ""

    @property
    @abstractmethod
    def workers(self) -> int:
        """How many tasks run at once."""

    @abstractmethod
    def map_unordered(
        self, fn: Callable[..., Any], job: Any, tasks: Sequence[tuple[Any, ...]]
    ) -> Iterator[Any]:
        """Yield ``fn(job, *task)`` for each task as it completes.

        At most a few tasks per worker are in flight at once, so memory stays
        bounded however many tasks there are.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (no-op by default)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PoolEngine(Engine):
    """An engine with a pool of ``workers`` (default: every usable core): one worker, or a
    single task, runs inline; otherwise at most ``workers × in_flight`` tasks are pending
    at once (:func:`bounded_unordered`), so memory stays bounded however many tasks
    there are. Subclasses say how a pool runs (:meth:`_map_pooled`)."""

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
        yield from self._map_pooled(fn, job, tasks, self._workers * self._in_flight)

    @abstractmethod
    def _map_pooled(self, fn: Callable[..., Any], job: Any,
                    tasks: Sequence[tuple[Any, ...]], limit: int) -> Iterator[Any]:
        """Yield ``fn(job, *task)`` for each task as it completes, at most ``limit``
        pending."""


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def bounded_unordered(submit: Callable[[tuple[Any, ...]], Future[Any]],
                      tasks: Sequence[tuple[Any, ...]], limit: int) -> Iterator[Any]:
    """Yield the results of ``submit(task)`` for every task as they complete, with at
    most ``limit`` futures pending at once (the executors' shared loop)."""
    pending: set[Future[Any]] = set()
    queue = iter(tasks)
    for task in queue:
        pending.add(submit(task))
        if len(pending) >= limit:
            break
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for fut in done:
            yield fut.result()
        for task in queue:
            pending.add(submit(task))
            if len(pending) >= limit:
                break
