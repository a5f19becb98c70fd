"""Heavy work off the request path: jobs run in worker processes (or on a Dask cluster).

A request for heavy work (:data:`detente.web.work.KINDS`) becomes a :class:`Job`: it
waits for one of ``workers`` slots, runs :func:`detente.web.work.compute` in a process
of its own (started from a fork server that has detente imported, at a lower priority
than the server) and hands the result back. The server's event loop only waits on it,
so light requests are never queued behind heavy ones.

* **The same work once**: a job's key is the CLI cache's ingredients, the operation,
  the scenario's hash, its parameters (models, seed, draws...) and detente's version;
  a request for work already queued, running or done recently joins that job.
* **Limits**: at most ``max_jobs`` queued or running in all and ``per_owner`` for one
  client; past them a request is refused (429) with the limit's name.
* **Cancel**: on request (``DELETE /api/jobs/ID``), and when nobody waits any more:
  a job whose every waiter went away is stopped after ``grace`` seconds (a job handed
  out as 202 for polling gets ``poll_grace`` between polls). A stopped process is
  killed, never left running.
* **Never lost silently**: a worker that dies (killed, out of memory) makes its job
  *failed* with the exit code; jobs live in this server's memory, so a restarted server
  answers 404 for an earlier job id with words saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import multiprocessing
import secrets
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Protocol

from detente.errors import DetenteError
from detente.scenario import Scenario
from detente.version import __version__
from detente.web.work import compute, lower_priority

log = logging.getLogger("detente.web")

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)


class Busy(DetenteError):
    """Too many jobs (answered with 429)."""


class JobNotFound(DetenteError):
    """No such job (answered with 404)."""


class JobFailed(DetenteError):
    """The job's worker failed or stopped (answered with 500; logged when it happened)."""


@dataclass(eq=False)
class Job:
    """One piece of heavy work and what became of it."""

    id: str
    kind: str
    key: str
    owner: str
    label: str
    grace: float
    created: float = field(default_factory=time.time)
    state: str = QUEUED
    started: float | None = None
    finished: float | None = None
    result: Any = None
    error: str | None = None
    user_error: bool = False
    watchers: int = 0
    present: Callable[[Any], Any] | None = None
    """How ``/api/jobs/ID/result`` shows the result (JSON-able, or HTML text)."""
    last_seen: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    cancel_asked: threading.Event = field(default_factory=threading.Event)

    def touch(self) -> None:
        self.last_seen = time.monotonic()

    def abandoned(self) -> bool:
        """Nobody waits and nobody asked for ``grace`` seconds."""
        return self.watchers <= 0 and time.monotonic() - self.last_seen > self.grace

    def public(self) -> dict[str, Any]:
        """What ``GET /api/jobs/ID`` shows (never the result itself)."""
        now = time.time()
        out: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "label": self.label, "state": self.state,
            "created": round(self.created, 3),
            "queued_s": round((self.started or self.finished or now) - self.created, 3),
            "running_s": round((self.finished or now) - self.started, 3)
            if self.started else None,
            "href": f"/api/jobs/{self.id}", "events": f"/api/jobs/{self.id}/events",
            "result": f"/api/jobs/{self.id}/result" if self.state == DONE else None}
        if self.error:
            out["error"] = self.error
        return out


def job_key(kind: str, scenario: Scenario, params: Mapping[str, Any]) -> str:
    """The cache key: operation, scenario hash, parameters and detente's version (the
    ingredients of the history store's cached forecasts and simulations)."""
    text = json.dumps([kind, scenario.hash, dict(params), __version__], sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Runner(Protocol):
    """Runs one job's work to its end (result, error or cancellation)."""

    def run(self, job: Job, kind: str, scenario: dict[str, Any],
            params: dict[str, Any]) -> None: ...

    def warm(self) -> None: ...

    def close(self) -> None: ...


def _child(conn: Connection, kind: str, scenario: dict[str, Any],
           params: dict[str, Any]) -> None:
    """The worker process: compute and send ``(status, payload)`` back."""
    lower_priority()
    try:
        conn.send(("ok", compute(kind, scenario, params)))
    except DetenteError as exc:
        conn.send(("user", str(exc)))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


_PRELOAD_LOCK = threading.Lock()


class ProcessRunner:
    """A process per job from a fork server that has detente imported (cheap to start,
    and killed outright when the job is cancelled)."""

    POLL = 0.1

    def __init__(self) -> None:
        with _PRELOAD_LOCK:
            self._ctx = multiprocessing.get_context("forkserver")
            self._ctx.set_forkserver_preload(["detente.web.work"])

    def run(self, job: Job, kind: str, scenario: dict[str, Any],
            params: dict[str, Any]) -> None:
        parent, child = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(target=_child, args=(child, kind, scenario, params),
                                 daemon=True, name=f"detente-job-{job.id}")
        proc.start()
        child.close()
        try:
            while True:
                if parent.poll(self.POLL):
                    try:
                        status, payload = parent.recv()
                    except (EOFError, OSError):
                        proc.join(timeout=5)
                        _fail(job, f"the worker stopped (exit code {proc.exitcode}) before "
                              "answering")
                        return
                    _finish(job, status, payload)
                    return
                if job.cancel_asked.is_set() or job.abandoned():
                    job.state = CANCELLED
                    return
                if not proc.is_alive() and not parent.poll():
                    proc.join(timeout=5)
                    _fail(job, f"the worker stopped (exit code {proc.exitcode}) before "
                          "answering")
                    return
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(timeout=5)
            parent.close()

    def warm(self) -> None:
        """Start the fork server now (it imports detente once), not on the first job."""
        proc = self._ctx.Process(target=lower_priority, daemon=True, name="detente-warm")
        proc.start()
        proc.join(timeout=120)

    def close(self) -> None:
        pass


class DaskRunner:
    """Jobs on an existing Dask cluster (``--dask ADDRESS``): each a task there,
    cancelled with the job."""

    POLL = 0.1

    def __init__(self, address: str) -> None:
        from distributed import Client

        try:
            self.client = Client(address, timeout=10, set_as_default=False)
        except OSError as exc:
            raise DetenteError(f"--dask {address}: no Dask scheduler answers there "
                               f"({exc})") from None

    def run(self, job: Job, kind: str, scenario: dict[str, Any],
            params: dict[str, Any]) -> None:
        future = self.client.submit(compute, kind, scenario, params, pure=False,
                                    key=f"detente-{kind}-{job.id}")
        try:
            while not future.done():
                if job.cancel_asked.is_set() or job.abandoned():
                    future.cancel()
                    job.state = CANCELLED
                    return
                time.sleep(self.POLL)
            exc = future.exception()
            if exc is None:
                _finish(job, "ok", future.result())
            elif isinstance(exc, DetenteError):
                _finish(job, "user", str(exc))
            else:
                _fail(job, f"the Dask worker failed: {type(exc).__name__}: {exc}"[:500])
        finally:
            future.release()

    def warm(self) -> None:
        pass

    def close(self) -> None:
        self.client.close()


def _finish(job: Job, status: str, payload: Any) -> None:
    if status == "ok":
        job.result, job.state = payload, DONE
    elif status == "user":
        job.error, job.user_error, job.state = str(payload), True, FAILED
    else:
        log.error("job %s (%s) failed:\n%s", job.id, job.label, payload)
        job.error, job.state = "internal error (logged on the server)", FAILED


def _fail(job: Job, why: str) -> None:
    log.error("job %s (%s): %s", job.id, job.label, why)
    job.error, job.state = why, FAILED


@dataclass(frozen=True)
class JobLimits:
    """``workers``: jobs running at once; ``max_jobs``: queued or running in all;
    ``per_owner``: queued or running for one client; ``keep``: seconds a finished job
    (and its result) is kept; ``grace``: seconds a job runs on once its last waiter
    went away; ``poll_grace``: the same for a job handed out for polling (202)."""

    workers: int = 2
    max_jobs: int = 64
    per_owner: int = 4
    keep: float = 600.0
    grace: float = 2.0
    poll_grace: float = 60.0


class JobManager:
    """The server's jobs: submit, look up, wait, cancel (thread-safe; one per app)."""

    def __init__(self, limits: JobLimits | None = None, dask: str | None = None,
                 runner: Runner | None = None) -> None:
        self.limits = limits or JobLimits()
        self._runner: Runner | None = runner
        self._dask = dask
        self._jobs: dict[str, Job] = {}
        self._by_key: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.limits.workers)

    @property
    def runner(self) -> Runner:
        with self._lock:
            if self._runner is None:
                self._runner = DaskRunner(self._dask) if self._dask else ProcessRunner()
            return self._runner

    def warm(self) -> None:
        """Get the runner ready in the background (the first job then starts at once)."""
        threading.Thread(target=lambda: self.runner.warm(), name="detente-warm",
                         daemon=True).start()

    def submit(self, kind: str, scenario: Scenario, params: Mapping[str, Any], *,
               owner: str, label: str) -> Job:
        """A job for this work: one already queued, running or recently done with the
        same key, else a new one (refused with :class:`Busy` past the limits)."""
        key = job_key(kind, scenario, params)
        runner = self.runner
        with self._lock:
            self._expire()
            known = self._by_key.get(key)
            if known is not None and not known.cancel_asked.is_set() and known.state in (
                    QUEUED, RUNNING, DONE):
                known.touch()
                return known
            active = [j for j in self._jobs.values()
                      if j.state in (QUEUED, RUNNING) and not j.cancel_asked.is_set()]
            if len(active) >= self.limits.max_jobs:
                raise Busy(f"this server has {len(active)} jobs queued or running, its limit "
                           "(--max-jobs): try again in a while")
            mine = sum(j.owner == owner for j in active)
            if mine >= self.limits.per_owner:
                raise Busy(f"you have {mine} jobs queued or running, the limit per user "
                           "(--max-jobs-per-user): wait for one or cancel it "
                           "(DELETE /api/jobs/ID)")
            job = Job(id=secrets.token_hex(8), kind=kind, key=key, owner=owner, label=label,
                      grace=self.limits.grace)
            self._jobs[job.id] = job
            self._by_key[key] = job
        thread = threading.Thread(target=self._supervise, name=f"detente-job-{job.id}",
                                  args=(job, runner, kind, scenario.to_dict(), dict(params)),
                                  daemon=True)
        thread.start()
        return job

    def _supervise(self, job: Job, runner: Runner, kind: str, scenario: dict[str, Any],
                   params: dict[str, Any]) -> None:
        try:
            while not self._slots.acquire(timeout=0.1):
                if job.cancel_asked.is_set() or job.abandoned():
                    job.state = CANCELLED
                    return
            try:
                if job.cancel_asked.is_set() or job.abandoned():
                    job.state = CANCELLED
                    return
                job.state, job.started = RUNNING, time.time()
                runner.run(job, kind, scenario, params)
            finally:
                self._slots.release()
        except Exception:
            log.exception("job %s (%s): the runner failed", job.id, job.label)
            job.error, job.state = "internal error (logged on the server)", FAILED
        finally:
            job.finished = time.time()
            job.done.set()

    def _expire(self) -> None:
        """Forget finished jobs older than ``keep`` (under the lock)."""
        cutoff = time.time() - self.limits.keep
        for job in [j for j in self._jobs.values()
                    if j.done.is_set() and j.finished is not None and j.finished < cutoff]:
            del self._jobs[job.id]
            if self._by_key.get(job.key) is job:
                del self._by_key[job.key]

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            shown = job_id if len(job_id) <= 40 else job_id[:37] + "..."
            raise JobNotFound(f"no job {shown!r}: finished jobs are kept "
                              f"{self.limits.keep:.0f} s, and jobs live in this server's "
                              "memory (a restarted server knows none of before)")
        job.touch()
        return job

    def jobs(self, owner: str | None = None) -> list[Job]:
        with self._lock:
            self._expire()
            return [j for j in self._jobs.values() if owner is None or j.owner == owner]

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        job.cancel_asked.set()
        job.done.wait(timeout=5)  # the worker is stopped within a poll, usually
        return job

    def for_polling(self, job: Job) -> None:
        """The job was handed out (202): it runs on between polls for ``poll_grace``."""
        job.grace = max(job.grace, self.limits.poll_grace)
        job.touch()

    async def wait(self, job: Job, seconds: float,
                   disconnected: Callable[[], Any] | None = None) -> bool:
        """Wait up to ``seconds`` for the job (polling, so any event loop serves); stop
        waiting when ``disconnected()`` says the client went away. Whether it finished."""
        job.watchers += 1
        try:
            deadline = time.monotonic() + seconds
            while not job.done.is_set() and time.monotonic() < deadline:
                if disconnected is not None and await disconnected():
                    break
                await asyncio.sleep(0.05)
            return job.done.is_set()
        finally:
            job.watchers -= 1
            job.touch()

    def close(self) -> None:
        """Cancel every unfinished job and release the runner."""
        with self._lock:
            pending = [j for j in self._jobs.values() if j.state not in FINISHED]
            runner, self._runner = self._runner, None
        for job in pending:
            job.cancel_asked.set()
        for job in pending:
            job.done.wait(timeout=10)
        if runner is not None:
            with contextlib.suppress(Exception):
                runner.close()
