"""Where chunks of work run: in this process (threads), in local worker processes or on
a Dask cluster.

An engine maps a pure, picklable function ``fn(job, *task)`` over a list of
tasks and yields the results as they complete (in any order). Callers make
results independent of the order (see :mod:`detente.uncertainty.simulate`),
so every engine gives the same answer for the same seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.engines.base import Engine
from detente.engines.local import LocalEngine
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.engines.processes import ProcessEngine

ENGINES = ("local", "processes", "dask")


def get_engine(name: str = "local", *, scheduler: str | None = None,
               workers: int | None = None) -> Engine:
    """An engine by name: ``local`` (threads), ``processes`` (a local process pool of
    ``workers``) or ``dask`` (``scheduler`` address or a
    local cluster of ``workers`` processes). A scheduler address implies ``dask``."""
    if scheduler and name == "local":
        name = "dask"
    if name == "local":
        return LocalEngine(workers=workers)
    if name == "processes":
        from detente.engines.processes import ProcessEngine

        return ProcessEngine(workers=workers)
    if name == "dask":
        from detente.engines.dask import DaskEngine

        return DaskEngine(scheduler=scheduler, n_workers=workers)
    raise DetenteError(f"unknown engine {name!r}; available: {', '.join(ENGINES)}")


def __getattr__(name: str) -> Any:
    # ProcessEngine on first use: multiprocessing and its process pool cost every command
    # that only runs threads (a small forecast) 0.02 s of imports
    if name == "ProcessEngine":
        from detente.engines.processes import ProcessEngine

        return ProcessEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ENGINES", "Engine", "LocalEngine", "ProcessEngine", "get_engine"]
