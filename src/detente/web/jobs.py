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
  *failed* with the exit code. Without a database, jobs live in this server's memory and
  a restarted server answers 404 for an earlier job id with words saying so.
* **In the database** (``detente serve --db``; :class:`~detente.store.server.ServerStore`):
  every job is a row with its inputs, state and result, so any worker process of the
  server answers for any job, and cancelling reaches the process running it. The running
  process writes a heartbeat every ``heartbeat`` seconds; a queued or running job not
  heard of for ``stale`` seconds (its server was killed or restarted) is taken over and
  run again by a live server process, at most ``max_restarts`` times, after which it is
  *failed* saying why. A server that stops cleanly hands its unfinished jobs over at once.
* **Workspaces**: a job belongs to the workspace that asked for it (a user's, with
  accounts); another workspace neither sees it nor joins it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import secrets
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Protocol

from detente.errors import DetenteError, OptionError
from detente.scenario import Scenario
from detente.version import __version__
from detente.web.timing import in_thread
from detente.web.work import PRELOAD, Outcome, lower_priority, run, watch_server

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
    workspace: str = ""
    created: float = field(default_factory=time.time)
    state: str = QUEUED
    started: float | None = None
    finished: float | None = None
    result: Any = None
    """The result object (unpickled from :attr:`packed` when first needed)."""
    packed: bytes | None = None
    """The result as its process pickled it (:class:`~detente.web.work.Outcome`)."""
    shown: tuple[str, bool] | None = None
    """The API's default form of the result made by its process: (text, whether HTML)."""
    error: str | None = None
    user_error: bool = False
    watchers: int = 0
    present: Callable[[Any], Any] | None = None
    """How ``/api/jobs/ID/result`` shows the result (JSON-able, or HTML text)."""
    restarts: int = 0
    remote: bool = False
    """Run by another server process (a view of its database row)."""
    released: bool = False
    """Handed back to the database for another process (this one is stopping)."""
    last_seen: float = field(default_factory=time.time)
    done: threading.Event = field(default_factory=threading.Event)
    cancel_asked: threading.Event = field(default_factory=threading.Event)

    def touch(self) -> None:
        self.last_seen = time.time()

    def abandoned(self) -> bool:
        """Nobody waits and nobody asked for ``grace`` seconds."""
        return self.watchers <= 0 and time.time() - self.last_seen > self.grace

    def public(self) -> dict[str, Any]:
        """What ``GET /api/jobs/ID`` shows (never the result itself)."""
        now = time.time()
        out: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "label": self.label,
            # finished only once recorded: its result is then there for every process
            "state": self.state if self.done.is_set() or self.state not in FINISHED
            else RUNNING,
            "created": round(self.created, 3),
            "queued_s": round((self.started or self.finished or now) - self.created, 3),
            "running_s": round((self.finished or now) - self.started, 3)
            if self.started else None,
            "href": f"/api/jobs/{self.id}", "events": f"/api/jobs/{self.id}/events",
            "result": f"/api/jobs/{self.id}/result" if self.state == DONE else None}
        if self.error:
            out["error"] = self.error
        if self.restarts:
            out["restarts"] = self.restarts
            out["note"] = (f"run again {self.restarts} time(s): the server process running "
                           "it stopped")
        return out


def job_key(kind: str, scenario: Scenario, params: Mapping[str, Any],
            workspace: str = "") -> str:
    """The cache key: operation, scenario hash, parameters and detente's version (the
    ingredients of the history store's cached forecasts and simulations), within one
    workspace."""
    text = json.dumps([kind, scenario.hash, dict(params), __version__, workspace],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Runner(Protocol):
    """Runs one job's work to its end (result, error or cancellation)."""

    def run(self, job: Job, kind: str, scenario: dict[str, Any],
            params: dict[str, Any]) -> None: ...

    def warm(self) -> None: ...

    def close(self) -> None: ...


def _child(conn: Connection, kind: str, scenario: dict[str, Any],
           params: dict[str, Any], server: int) -> None:
    """The worker process: compute and send ``(status, payload)`` back (exiting early if
    the server process ``server`` goes away)."""
    lower_priority()
    watch_server(server)
    try:
        conn.send(("ok", run(kind, scenario, params)))
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
            self._ctx.set_forkserver_preload(list(PRELOAD))

    def run(self, job: Job, kind: str, scenario: dict[str, Any],
            params: dict[str, Any]) -> None:
        parent, child = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(target=_child, args=(child, kind, scenario, params,
                                                      os.getpid()),
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
            raise OptionError(f"{{dask}} {OptionError.quote(address)}: no Dask scheduler "
                              f"answers there ({OptionError.quote(str(exc))})") from None

    def run(self, job: Job, kind: str, scenario: dict[str, Any],
            params: dict[str, Any]) -> None:
        future = self.client.submit(run, kind, scenario, params, pure=False,
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
        outcome: Outcome = payload
        job.packed = outcome.result
        job.shown = None if outcome.text is None else (outcome.text, outcome.html)
        job.state = DONE
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
    """``workers``: jobs running at once (per server process); ``max_jobs``: queued or
    running in all; ``per_owner``: queued or running for one user (or client address,
    without accounts); ``keep``: seconds a finished job (and its result) is kept;
    ``grace``: seconds a job runs on once its last waiter went away; ``poll_grace``: the
    same for a job handed out for polling (202); with a database, ``heartbeat``: seconds
    between a running process's signs of life, ``stale``: silence after which a job is
    taken over, ``max_restarts``: how often one job is run again."""

    workers: int = 2
    max_jobs: int = 64
    per_owner: int = 4
    keep: float = 600.0
    grace: float = 2.0
    poll_grace: float = 60.0
    heartbeat: float = 1.0
    stale: float = 10.0
    max_restarts: int = 2


_ROW_FIELDS = ("id", "kind", "key", "owner", "label", "grace", "workspace", "created",
               "state", "started", "finished", "error", "user_error", "restarts")


class JobManager:
    """The server's jobs: submit, look up, wait, cancel (thread-safe; one per app).

    ``records``: a :class:`~detente.store.server.ServerStore` to keep jobs in (several
    server processes then share them); None keeps them in this process's memory."""

    def __init__(self, limits: JobLimits | None = None, dask: str | None = None,
                 runner: Runner | None = None, records: Any = None) -> None:
        self.limits = limits or JobLimits()
        self.records = records
        self.instance = secrets.token_hex(8)
        self._runner: Runner | None = runner
        self._dask = dask
        self._jobs: dict[str, Job] = {}
        self._by_key: dict[str, Job] = {}
        self._lock = threading.Lock()
        """Guards the in-memory jobs only (never held over a database round trip)."""
        self._submitting = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.limits.workers)
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None
        self._seen_written: dict[str, float] = {}

    @property
    def runner(self) -> Runner:
        with self._lock:
            if self._runner is None:
                self._runner = DaskRunner(self._dask) if self._dask else ProcessRunner()
            return self._runner

    def warm(self) -> None:
        """Get the runner ready in the background (the first job then starts at once);
        with a database, start the heartbeat that also takes over stale jobs."""
        threading.Thread(target=lambda: self.runner.warm(), name="detente-warm",
                         daemon=True).start()
        if self.records is not None and self._watch is None:
            self._watch = threading.Thread(target=self._heartbeats, name="detente-heartbeat",
                                           daemon=True)
            self._watch.start()

    # ---- submitting ------------------------------------------------------------------------
    def submit(self, kind: str, scenario: Scenario, params: Mapping[str, Any], *,
               owner: str, label: str, workspace: str = "",
               present: Callable[[Any], Any] | None = None) -> Job:
        """A job for this work: one already queued, running or recently done with the
        same key in this workspace, else a new one (refused with :class:`Busy` past the
        limits). ``present``: how ``/api/jobs/ID/result`` shows its result."""
        key = job_key(kind, scenario, params, workspace)
        runner = self.runner
        # one submission at a time (the limits count what is running), but the database's
        # round trips never under the lock that every look-up of a job takes
        with self._submitting:
            with self._lock:
                self._expire()
                known = self._by_key.get(key)
            if known is not None and not known.cancel_asked.is_set() and known.state in (
                    QUEUED, RUNNING, DONE):
                self._touch(known)
                return known
            if self.records is not None:
                row = self.records.find_job(workspace, key, (QUEUED, RUNNING, DONE))
                if row is not None and not self._stale(row):
                    job = self._view(row)
                    self._touch(job)
                    return job
                active = [r for r in self.records.jobs(states=(QUEUED, RUNNING))
                          if not r["cancel"]]
                counts = (len(active), sum(r["owner"] == owner for r in active))
            else:
                with self._lock:
                    mine = [j for j in self._jobs.values()
                            if j.state in (QUEUED, RUNNING) and not j.cancel_asked.is_set()]
                counts = (len(mine), sum(j.owner == owner for j in mine))
            if counts[0] >= self.limits.max_jobs:
                raise Busy(f"this server has {counts[0]} jobs queued or running, its limit "
                           "(--max-jobs): try again in a while")
            if counts[1] >= self.limits.per_owner:
                raise Busy(f"you have {counts[1]} jobs queued or running, the limit per user "
                           "(--max-jobs-per-user): wait for one or cancel it "
                           "(DELETE /api/jobs/ID)")
            job = Job(id=secrets.token_hex(8), kind=kind, key=key, owner=owner, label=label,
                      grace=self._grace(self.limits.grace), workspace=workspace,
                      present=present)
            body, args = scenario.to_dict(), dict(params)
            if self.records is not None:
                now = time.time()
                self.records.insert_job({
                    "id": job.id, "workspace": workspace, "owner": owner, "kind": kind,
                    "key": key, "label": label, "state": QUEUED,
                    "params": json.dumps(args, sort_keys=True, default=str),
                    "scenario": json.dumps(body, sort_keys=True, default=str),
                    "created": job.created, "heartbeat": now, "seen": now,
                    "grace": job.grace, "instance": self.instance, "restarts": 0,
                    "cancel": False, "user_error": False, "shown_html": False})
            with self._lock:
                self._jobs[job.id] = job
                self._by_key[key] = job
        self._start(job, runner, kind, body, args)
        return job

    def _grace(self, seconds: float) -> float:
        """A waiter in another process is seen through the database, a heartbeat late."""
        return seconds + (2 * self.limits.heartbeat if self.records is not None else 0.0)

    def _start(self, job: Job, runner: Runner, kind: str, scenario: dict[str, Any],
               params: dict[str, Any]) -> None:
        threading.Thread(target=self._supervise, name=f"detente-job-{job.id}",
                         args=(job, runner, kind, scenario, params), daemon=True).start()

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
                self._record(job, state=RUNNING, started=job.started)
                runner.run(job, kind, scenario, params)
            finally:
                self._slots.release()
        except Exception:
            log.exception("job %s (%s): the runner failed", job.id, job.label)
            job.error, job.state = "internal error (logged on the server)", FAILED
        finally:
            job.finished = time.time()
            self._record_end(job)
            job.done.set()

    def _record(self, job: Job, **values: Any) -> None:
        if self.records is None or job.released:
            return
        try:
            self.records.update_job(job.id, where={"instance": self.instance}, **values)
        except Exception:  # the database away for a moment: the heartbeat catches up
            log.exception("job %s: could not record %s", job.id, sorted(values))

    def _record_end(self, job: Job) -> None:
        """Write a finished job's state and result (and its shown form) to the database."""
        if self.records is None or job.released:
            return
        values: dict[str, Any] = {"state": job.state, "finished": job.finished,
                                  "error": job.error, "user_error": job.user_error}
        if job.state == CANCELLED and not job.error:
            values["error"] = ("cancelled on request" if job.cancel_asked.is_set()
                               else "cancelled: nobody was waiting for it any more")
        if job.state == DONE:  # as the job's process packed it: no CPU spent here
            values["result"] = job.packed
            if job.shown is not None:
                values["shown"], values["shown_html"] = job.shown
        self._record(job, **values)

    # ---- the database: views, heartbeats, taking over -------------------------------------
    def _stale(self, row: Mapping[str, Any]) -> bool:
        return row["state"] in (QUEUED, RUNNING) and (
            row["heartbeat"] < time.time() - self.limits.stale)

    def _view(self, row: Mapping[str, Any]) -> Job:
        """A job another process runs (or ran), as its database row shows it."""
        job = Job(**{k: row[k] for k in _ROW_FIELDS}, remote=True)
        job.last_seen = row["seen"]
        if row["state"] in FINISHED:
            job.done.set()
        return job

    def refresh(self, job: Job) -> Job:
        """``job`` with its state as now (another process's job: re-read from the
        database)."""
        if not job.remote or job.done.is_set() or self.records is None:
            return job
        row = self.records.job(job.id)
        if row is None:
            job.state, job.error = FAILED, "the job's record was deleted"
            job.done.set()
            return job
        for k in ("state", "started", "finished", "error", "user_error", "restarts"):
            setattr(job, k, row[k])
        if row["state"] in FINISHED:
            job.done.set()
        return job

    def _touch(self, job: Job) -> None:
        """Someone waits for or asked about the job: noted on the job, and for another
        process's job written to the database at most once a second, so that the process
        running it sees it (this process's own job needs no write: each poll of a job
        wrote one, a transaction per poll a second)."""
        job.touch()
        if self.records is None or not job.remote:
            return
        now = time.time()
        if now - self._seen_written.get(job.id, 0.0) >= min(1.0, self.limits.heartbeat):
            self._seen_written[job.id] = now
            with contextlib.suppress(Exception):
                self.records.update_job(job.id, seen=now)

    def _heartbeats(self) -> None:
        while not self._stop.wait(self.limits.heartbeat):
            try:
                self._beat()
            except Exception:
                log.exception("jobs: heartbeat failed (the database?)")

    def _beat(self) -> None:
        """One heartbeat: tell the database this process's jobs are alive, take in what
        others asked of them (cancel, waiting), take over stale jobs, forget old ones."""
        assert self.records is not None
        now = time.time()
        with self._lock:
            mine = [j for j in self._jobs.values()
                    if not j.remote and not j.done.is_set() and not j.released]
        for job in mine:
            self.records.update_job(job.id, where={"instance": self.instance}, heartbeat=now)
            row = self.records.job(job.id)
            if row is None or row["instance"] != self.instance:
                job.released = True  # someone else has it now: stop ours
                job.cancel_asked.set()
                continue
            if row["cancel"]:
                job.cancel_asked.set()
            job.last_seen = max(job.last_seen, row["seen"])
            job.grace = max(job.grace, row["grace"])
        for row in self.records.jobs(states=(QUEUED, RUNNING)):
            if self._stale(row):
                self._take_over(row)
        self.records.forget_jobs(now - self.limits.keep)

    def _take_over(self, row: Mapping[str, Any]) -> None:
        """Run again a job whose server process stopped, or fail it saying why."""
        assert self.records is not None
        if row["restarts"] >= self.limits.max_restarts or row["cancel"]:
            why = ("cancelled on request" if row["cancel"] else
                   f"the server process running it stopped {row['restarts'] + 1} times; "
                   "not run again: submit it again")
            self.records.update_job(row["id"], where={"heartbeat": row["heartbeat"]},
                                    state=CANCELLED if row["cancel"] else FAILED,
                                    error=why, finished=time.time())
            if not row["cancel"]:
                log.error("job %s (%s): %s", row["id"], row["label"], why)
            return
        if not self.records.claim_stale(row["id"], self.instance,
                                        time.time() - self.limits.stale):
            return  # another process took it
        log.warning("job %s (%s): its server process stopped; running it here again",
                    row["id"], row["label"])
        fresh = self.records.job(row["id"], large=("scenario", "params"))
        if fresh is None:
            return
        job = Job(**{k: fresh[k] for k in _ROW_FIELDS})
        job.grace = max(job.grace, self._grace(self.limits.poll_grace))
        with self._lock:
            self._jobs[job.id] = job
            self._by_key[job.key] = job
        self._start(job, self.runner, fresh["kind"], json.loads(fresh["scenario"]),
                    json.loads(fresh["params"]))

    # ---- looking up ------------------------------------------------------------------------
    def _expire(self) -> None:
        """Forget finished jobs older than ``keep`` (under the lock)."""
        cutoff = time.time() - self.limits.keep
        for job in [j for j in self._jobs.values()
                    if j.done.is_set() and j.finished is not None and j.finished < cutoff]:
            del self._jobs[job.id]
            self._seen_written.pop(job.id, None)
            if self._by_key.get(job.key) is job:
                del self._by_key[job.key]

    def held(self, job_id: str, workspace: str = "") -> Job | None:
        """A job of this workspace that this process holds in memory (its own, or one it
        viewed), noted as asked about; None when it would take the database (or says
        not found): :meth:`get` then. Never blocks, so a poll of a job this process runs
        is answered on the event loop without a thread."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.workspace != workspace or job.remote:
            return None
        job.touch()  # what _touch does for a job of this process
        return job

    def get(self, job_id: str, workspace: str = "") -> Job:
        """A job of this workspace (another workspace's job is not found)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None and self.records is not None and len(job_id) <= 32:
            row = self.records.job(job_id)
            job = self._view(row) if row is not None else None
        if job is None or job.workspace != workspace:
            shown = job_id if len(job_id) <= 40 else job_id[:37] + "..."
            where = ("the server's database" if self.records is not None else
                     "this server's memory (a restarted server knows none of before)")
            raise JobNotFound(f"no job {shown!r} of yours: finished jobs are kept "
                              f"{self.limits.keep:.0f} s, in {where}")
        self._touch(job)
        return job

    def jobs(self, owner: str | None = None, workspace: str = "") -> list[Job]:
        """This workspace's jobs (without accounts, those of ``owner``)."""
        if self.records is not None:
            rows = self.records.jobs(workspace=workspace, since=time.time() - self.limits.keep)
            return self._listed(rows, owner, workspace)
        with self._lock:
            self._expire()
            found = [j for j in self._jobs.values() if j.workspace == workspace]
        return [j for j in found if owner is None or workspace or j.owner == owner]

    def _listed(self, rows: list[dict[str, Any]], owner: str | None,
                workspace: str) -> list[Job]:
        """The jobs of database rows (this process's own as it holds them), those of
        ``owner`` without accounts."""
        with self._lock:
            local = dict(self._jobs)
        found = [local.get(r["id"]) or self._view(r) for r in rows]
        return [j for j in found if owner is None or workspace or j.owner == owner]

    async def jobs_on_loop(self, owner: str | None = None, workspace: str = "") -> list[Job]:
        """:meth:`jobs`, read on the event loop when the database allows (PostgreSQL: no
        thread of the pool for ``GET /api/jobs``), else in a thread."""
        records = self.records
        if records is None or not records.reads_on_loop:
            return await in_thread(self.jobs, owner, workspace)
        rows = await records.jobs_on_loop(workspace=workspace,
                                          since=time.time() - self.limits.keep)
        return self._listed(rows, owner, workspace)

    def result(self, job: Job) -> Any:
        """A done job's result object (another process's: read from the database)."""
        if job.result is None and job.packed is None and job.remote \
                and self.records is not None:
            row = self.records.job(job.id, large=("result",))
            if row is not None:
                job.packed = row["result"]
        if job.result is None and job.packed is not None:
            job.result = pickle.loads(job.packed)  # pickled by this server's own jobs only
        return job.result

    def shown(self, job: Job) -> tuple[str, bool] | None:
        """A done job's result in the API's default form, as its process made it (text,
        whether HTML; another process's: read from the database), if it could."""
        if job.shown is None and job.remote and self.records is not None:
            row = self.records.job(job.id, large=("shown",))
            if row is not None and row["shown"] is not None:
                job.shown = row["shown"], bool(row["shown_html"])
        return job.shown

    def cancel(self, job_id: str, workspace: str = "") -> Job:
        job = self.get(job_id, workspace)
        job.cancel_asked.set()
        if job.remote and self.records is not None:
            self.records.update_job(job.id, cancel=True)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not self.refresh(job).done.is_set():
                time.sleep(0.1)
            return job
        job.done.wait(timeout=5)  # the worker is stopped within a poll, usually
        return job

    def for_polling(self, job: Job) -> None:
        """The job was handed out (202): it runs on between polls for ``poll_grace``."""
        job.grace = max(job.grace, self._grace(self.limits.poll_grace))
        self._touch(job)
        if self.records is not None:
            with contextlib.suppress(Exception):
                self.records.update_job(job.id, grace=job.grace)

    async def wait(self, job: Job, seconds: float,
                   disconnected: Callable[[], Any] | None = None) -> bool:
        """Wait up to ``seconds`` for the job (polling, so any event loop serves); stop
        waiting when ``disconnected()`` says the client went away. Whether it finished."""
        job.watchers += 1
        try:
            deadline = time.monotonic() + seconds
            step = 0.25 if job.remote else 0.05
            while not job.done.is_set() and time.monotonic() < deadline:
                if disconnected is not None and await disconnected():
                    break
                await asyncio.sleep(step)
                if job.remote:
                    await asyncio.to_thread(self.refresh, job)
                    await asyncio.to_thread(self._touch, job)
            return job.done.is_set()
        finally:
            job.watchers -= 1
            job.touch()

    def close(self) -> None:
        """Stop: with a database, hand unfinished jobs back to it (another server process
        takes them over at once); without, cancel them. The runner is released."""
        self._stop.set()
        with self._lock:
            pending = [j for j in self._jobs.values()
                       if j.state not in FINISHED and not j.remote]
            runner, self._runner = self._runner, None
        for job in pending:
            if self.records is not None:
                with contextlib.suppress(Exception):
                    self.records.update_job(job.id, where={"instance": self.instance},
                                            heartbeat=0.0, state=QUEUED, started=None)
                job.released = True
            job.cancel_asked.set()
        for job in pending:
            job.done.wait(timeout=10)
        if runner is not None:
            with contextlib.suppress(Exception):
                runner.close()

