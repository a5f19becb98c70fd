"""In-process engine: a thread pool over chunks (numpy releases the GIL in its loops)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from detente.engines.base import PoolEngine, bounded_unordered


class LocalEngine(PoolEngine):
    """Run tasks on ``workers`` threads (default: every usable core; 1 runs inline)."""

    name = "local"

    def _map_pooled(self, fn: Callable[..., Any], job: Any,
                    tasks: Sequence[tuple[Any, ...]], limit: int) -> Iterator[Any]:
        with ThreadPoolExecutor(max_workers=self._workers,
                                thread_name_prefix="detente") as pool:
            yield from bounded_unordered(lambda task: pool.submit(fn, job, *task), tasks, limit)
