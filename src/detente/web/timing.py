"""Where a request's time goes, reported in its ``Server-Timing`` header.

:class:`~detente.web.security.SecurityHeaders` opens :func:`timings` for each request and
writes ``Server-Timing: app;dur=MS, auth;dur=MS, db;dur=MS, threads;dur=MS, compute;dur=MS``
(milliseconds; a phase the request did not pass through is left out):

* ``app``: from the request reaching the app to its answer starting;
* ``auth``: signing in (reading the accounts);
* ``db``: inside database sessions of the server's own tables (each session's round
  trips, and its wait for a pooled connection;
  :attr:`~detente.store.server.ServerStore.observe`);
* ``threads``: waiting for a thread of the server's pool before blocking work could start
  (all of them busy);
* ``compute``: in the compute processes (:mod:`detente.web.compute`), queue included.

The phases overlap (``auth`` and ``db`` each include their own ``threads`` wait's work)
and need not add up to ``app``: what is left is the event loop's own work and its waits.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

T = TypeVar("T")

@dataclass
class Phases:
    """One request's seconds by phase."""

    seconds: dict[str, float] = field(default_factory=dict)

    def header(self, app_seconds: float) -> bytes:
        """The ``Server-Timing`` value: ``app`` first, then each phase, in milliseconds."""
        parts = [f"app;dur={app_seconds * 1e3:.1f}"]
        parts += [f"{name};dur={seconds * 1e3:.1f}" for name, seconds in self.seconds.items()]
        return ", ".join(parts).encode()


PHASES: ContextVar[Phases | None] = ContextVar("detente_phases", default=None)
"""The phases of the request being answered (None: not timed)."""


@contextlib.contextmanager
def timings() -> Iterator[Phases]:
    """Time the phases of the request answered inside."""
    phases = Phases()
    reset = PHASES.set(phases)
    try:
        yield phases
    finally:
        PHASES.reset(reset)


def add(phase: str, seconds: float) -> None:
    """Count ``seconds`` in ``phase`` for the request being answered (if timed)."""
    phases = PHASES.get()
    if phases is not None:
        phases.seconds[phase] = phases.seconds.get(phase, 0.0) + seconds


def add_db(seconds: float) -> None:
    """A database session's seconds (:attr:`detente.store.server.ServerStore.observe`)."""
    add("db", seconds)


async def in_thread(fn: Callable[..., T], *args: Any, phase: str | None = None) -> T:
    """``fn(*args)`` in the server's thread pool (blocking work: the database), its wait for
    a thread counted as ``threads`` and its run as ``phase`` (if given)."""
    asked = time.perf_counter()
    started: list[float] = []

    def run() -> T:
        started.append(time.perf_counter())
        return fn(*args)

    try:
        return await run_in_threadpool(run)
    finally:
        now = time.perf_counter()
        add("threads", (started[0] if started else now) - asked)
        if phase is not None and started:
            add(phase, now - started[0])
