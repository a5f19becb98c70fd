"""Where and how fast a Monte Carlo runs: one declaration shared by every operation that
runs draws or paths (simulate, the outlook, forecasts with intervals).

Nothing here changes a number: the engine, its workers and the chunk size decide where
the draws are computed, ``progress`` hears how far they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from detente.constraints import Constraint, Declaration, Integer
from detente.engines import ENGINES, get_engine
from detente.engines.base import Engine


@dataclass(frozen=True)
class EngineChoice(Constraint):
    """An engine's name (:data:`detente.engines.ENGINES`) or an :class:`Engine` instance."""

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(ENGINES) + " or an Engine"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, Engine) or value in ENGINES


@dataclass(frozen=True, kw_only=True)
class Execution(Declaration):
    """``engine``: ``local`` (threads), ``processes`` (a local process pool), ``dask`` (a
    local cluster, or ``scheduler``'s; an address implies dask) or an :class:`Engine`
    instance (used as it is, not closed); ``workers``: threads or processes (default: the
    engine's); ``chunk_size``: draws per task (default: about four tasks per worker);
    ``progress``: called with (done, in all) as chunks complete."""

    engine: str | Engine = "local"
    scheduler: str | None = None
    workers: int | None = None
    chunk_size: int | None = None
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)

    constraints: ClassVar = {
        "engine": EngineChoice(),
        "workers": Integer(1, optional=True),
        "chunk_size": Integer(1, optional=True),
    }

    def start(self) -> tuple[Engine, bool]:
        """The engine to run on, and whether the caller made it (and so closes it)."""
        if isinstance(self.engine, Engine):
            return self.engine, False
        return get_engine(self.engine, scheduler=self.scheduler, workers=self.workers), True
