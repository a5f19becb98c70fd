"""Bounded CPU work of the interactive routes, off the server process.

A server process only parses requests, reads the database and writes answers: its event
loop and its thread pool must never run a model, or every request waits behind it (one
GIL: a trivial ``GET /api/models`` waited 37 s while forty threads ran forecasts). So the
interactive work that is small but still CPU (a forecast's points, a what-if drag, the
figures and tables of a page) runs here, in a few processes of its own:

* **Priority**: the processes run at ``nice`` + :data:`NICE` over the server, and the
  heavy jobs (:mod:`detente.web.jobs`) at + :data:`~detente.web.work.JOB_NICE`; the
  kernel hands the CPU to the server first (a weight 10 times theirs), interactive work
  second, heavy jobs last.
* **Bounded, priced per function**: at most ``queue`` calls in flight for the process and
  ``per_owner`` for one user (or client address), and no call admitted that would wait
  more than ``max_wait`` seconds behind those in flight: the work ahead is the sum of each
  call's expected seconds over the processes, and a call's expected seconds are the
  recent mean of *its own function* (timed in the process: a what-if drag is ~0.04 s, a
  scenario page's figures up to seconds), :data:`DEFAULT_COST` before one was timed. On a
  machine whose CPU others take the calls are slow and fewer are let in. A call admitted
  that still has not started after ``start_within`` seconds (the estimate was wrong) is
  taken out of the queue. Past any bound the request is refused with 429 and
  ``Retry-After`` (:class:`Overloaded`) instead of waiting behind the others: a
  saturated server answers "busy" in milliseconds, not a minute later.
* **The same work once**: a result is kept (``cache`` most recent) by the key its
  caller gives (the scenario's hash, the models, the seed…), as the CLI's cache would.

``workers=0`` runs the calls in a thread instead (what the tests' small apps use).
A call's :class:`~detente.errors.DetenteError` comes back raised, with its kind.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from detente.errors import DetenteError
from detente.web import timing
from detente.web.security import CSRF_TOKEN, CURRENT_USER
from detente.web.work import PRELOAD, watch_server

NICE = 10
"""How much lower than the server the interactive processes run (jobs:
:data:`~detente.web.work.JOB_NICE`): a tenth of the server's CPU weight, so that a light
request the server answers itself gets the CPU first."""

DEFAULT_COST = 0.5
"""Seconds a call of a function not timed yet is expected to take (admission)."""


class Overloaded(DetenteError):
    """Too much interactive work in flight (answered with 429 and Retry-After)."""


class WorkerLost(DetenteError):
    """The process computing a request stopped (answered with 500)."""


def _start_worker(server: int) -> None:
    """Each compute process, once: gone with its server, ready (the routes' modules,
    whose functions it runs, imported and the bundled scenarios loaded, which took the
    first requests of a fresh server 5 CPU-seconds per process: 30 s of waiting on a busy
    machine, and the refusals of the wait-based bound after), then below the server's
    priority. It gets ready at the server's priority: the server waits for it before it
    answers, and at + :data:`NICE` on a loaded machine that took minutes."""
    watch_server(server)
    importlib.import_module("detente.web.app")
    from detente.web.store import load_bundled

    load_bundled()
    with contextlib.suppress(OSError):  # not allowed here: the same priority then
        os.nice(NICE)


def _ready() -> bool:
    return True


def _call(fn: Callable[..., Any], csrf: str, user: str | None,
          args: tuple[Any, ...]) -> tuple[str, Any, float]:
    """Run ``fn(*args)`` as the request would (its CSRF token and user, for pages): its
    status, value and seconds in the process (what its function costs, without its wait
    for a process). A user's error comes back as a value, so that its type and words
    survive the trip."""
    CSRF_TOKEN.set(csrf)
    CURRENT_USER.set(user)
    start = time.perf_counter()
    try:
        return ("ok", fn(*args), time.perf_counter() - start)
    except DetenteError as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            return ("error", DetenteError(str(exc)), time.perf_counter() - start)
        return ("error", exc, time.perf_counter() - start)


def _name(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"


class ComputePool:
    """Interactive CPU work for one app: ``await pool.run(owner, fn, *args)``."""

    def __init__(self, workers: int = 2, queue: int | None = None, per_owner: int = 2,
                 cache: int = 256, max_wait: float = 2.0, start_within: float = 5.0) -> None:
        self.workers = workers
        self.max_wait = max_wait
        self.start_within = start_within
        self.costs: dict[str, float] = {}
        """Each function's recent mean seconds of a call in a process (exponentially
        weighted, 0.2), by its qualified name."""
        self._work = 0.0
        """Expected seconds of the calls in flight (their functions' costs)."""
        self.queue = queue if queue is not None else 8 * max(workers, 1)
        self.per_owner = per_owner
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._cache_size = cache
        self._executor: Executor | None = None
        self._in_flight = 0
        self._by_owner: dict[str, int] = {}
        self._lock = threading.Lock()

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                if self.workers <= 0:
                    self._executor = ThreadPoolExecutor(2, thread_name_prefix="detente-compute")
                else:
                    import multiprocessing

                    ctx = multiprocessing.get_context("forkserver")
                    ctx.set_forkserver_preload(list(PRELOAD))
                    self._executor = ProcessPoolExecutor(
                        self.workers, mp_context=ctx, initializer=_start_worker,
                        initargs=(os.getpid(),))
            return self._executor

    def warm(self) -> None:
        """Start the processes now (each imports detente once), not on the first request."""
        pool = self._pool()
        for f in [pool.submit(_ready) for _ in range(max(self.workers, 1))]:
            with contextlib.suppress(Exception):
                f.result(timeout=120)

    def cost(self, fn: Callable[..., Any]) -> float:
        """Expected seconds of a call of ``fn`` in a process."""
        return self.costs.get(_name(fn), DEFAULT_COST)

    def _admit(self, owner: str, cost: float) -> None:
        with self._lock:
            if self._in_flight >= self.queue:
                raise Overloaded(f"the server is busy ({self._in_flight} forecasts and pages "
                                 "being computed, its limit): try again in a second")
            lanes = max(self.workers, 1)
            ahead = self._work / lanes
            if self._in_flight >= lanes and ahead > self.max_wait:
                raise Overloaded(f"the server is busy: the forecasts and pages ahead of yours "
                                 f"would take about {ahead:.0f} s; try again in a moment")
            if self._by_owner.get(owner, 0) >= self.per_owner:
                raise Overloaded(f"you have {self.per_owner} forecasts or pages being "
                                 "computed already (this server's limit per user): try "
                                 "again when one is done")
            self._in_flight += 1
            self._work += cost
            self._by_owner[owner] = self._by_owner.get(owner, 0) + 1

    def _release(self, owner: str, cost: float) -> None:
        with self._lock:
            self._in_flight -= 1
            self._work = max(0.0, self._work - cost)
            left = self._by_owner.get(owner, 1) - 1
            if left:
                self._by_owner[owner] = left
            else:
                self._by_owner.pop(owner, None)

    async def run(self, owner: str, fn: Callable[..., Any], *args: Any,
                  key: Hashable | None = None) -> Any:
        """``fn(*args)`` in the pool (``fn`` a module-level function, ``args`` picklable);
        with ``key``, a result computed before for the same key is given again."""
        if key is not None:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
        name, cost = _name(fn), self.cost(fn)
        self._admit(owner, cost)
        asked = time.perf_counter()
        try:
            pool = self._pool()
            future = pool.submit(_call, fn, CSRF_TOKEN.get(), CURRENT_USER.get(), args)
            try:
                waiting = asyncio.wrap_future(future)
                done, _ = await asyncio.wait({waiting}, timeout=self.start_within)
                if not done and future.cancel():  # still queued: taken out, never run
                    raise Overloaded(f"the server is busy: no process was free for "
                                     f"{self.start_within:g} s; try again in a moment")
                status, value, took = await waiting
                with self._lock:
                    old = self.costs.get(name)
                    self.costs[name] = took if old is None else 0.8 * old + 0.2 * took
            except BrokenProcessPool:
                self._reset(pool)
                raise WorkerLost("the process computing this stopped (out of memory?); "
                                 "try again") from None
        finally:
            self._release(owner, cost)
            timing.add("compute", time.perf_counter() - asked)
        if status != "ok":
            raise value
        if key is not None:
            with self._lock:
                self._cache[key] = value
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return value

    def _reset(self, broken: Executor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the processes (a call still running is dropped: its request is over)."""
        with self._lock:
            pool, self._executor = self._executor, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # not left to finish a call nobody waits for
            with contextlib.suppress(Exception):
                process.terminate()
