"""Jobs over HTTP: heavy routes wait a while for their job and otherwise answer 202 with
its address; ``/api/jobs`` lists, shows, streams (server-sent events) and cancels them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Hashable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from detente.errors import DetenteError
from detente.web.compute import ComputePool
from detente.web.jobs import DONE, FAILED, FINISHED, Job, JobFailed, JobManager
from detente.web.security import USER_KEY, workspace_of
from detente.web.store import Entry
from detente.web.timing import in_thread
from detente.web.work import shown

router = APIRouter(prefix="/api/jobs")

API_WAIT = 25.0
"""Seconds a heavy API request waits for its job by default before answering 202."""
MAX_WAIT = 120.0

WaitQ = Annotated[float, Query(ge=0, le=MAX_WAIT, description=(
    "Seconds to wait for the result before answering 202 with the job's address "
    "(0: answer 202 at once)"))]


def manager(request: Request) -> JobManager:
    return request.app.state.jobs


def owner(request: Request) -> str:
    """Who a job counts against: the signed-in user, or without accounts the client's
    address (behind a trusted proxy, the one it forwards)."""
    user = request.scope.get(USER_KEY)
    if user:
        return f"user:{user}"
    return request.client.host if request.client else "unknown"


def workspace(request: Request) -> str:
    return workspace_of(request.scope)


async def offload(request: Request, fn: Callable[..., Any], *args: Any,
                  key: Hashable | None = None) -> Any:
    """``fn(*args)`` (CPU work a request waits for: a forecast's points, a what-if, a
    page's figures) in the app's compute processes, never in this server process; refused
    with 429 past their bounds (:class:`~detente.web.compute.ComputePool`)."""
    pool: ComputePool = request.app.state.compute
    return await pool.run(owner(request), fn, *args, key=key)


class Pending(Exception):
    """The job has not finished within the wait: answer 202."""

    def __init__(self, job: Job):
        super().__init__(job.id)
        self.job = job


async def run_job(request: Request, kind: str, entry: Entry, params: Mapping[str, Any],
                  wait: float, present: Callable[[Any], Any] | None = None) -> Any:
    """The result of ``kind`` on ``entry`` with ``params``, computed as a job; raises
    :class:`Pending` when not finished within ``wait`` seconds (the job runs on),
    the job's :class:`DetenteError` for a user's mistake."""
    job = await finished_job(request, kind, entry, params, wait, present)
    return await in_thread(outcome, job, manager(request))


async def finished_job(request: Request, kind: str, entry: Entry, params: Mapping[str, Any],
                       wait: float, present: Callable[[Any], Any] | None = None) -> Job:
    """The job of ``kind`` on ``entry`` with ``params`` once finished (done, failed or
    cancelled); :class:`Pending` when not within ``wait`` seconds. ``present``: how
    ``/api/jobs/ID/result`` shows its result when not in the default form."""
    jobs = manager(request)
    label = f"{kind} {entry.ref} " + " ".join(f"{k}={v}" for k, v in params.items()
                                              if v not in (None, [], ""))
    job = await in_thread(lambda: jobs.submit(
        kind, entry.scenario, params, owner=owner(request), label=label.strip(),
        workspace=workspace(request), present=present))
    if job.present is None and not job.remote:
        job.present = present
    if not await jobs.wait(job, wait, request.is_disconnected):
        if not await request.is_disconnected():  # else nobody is left: it stops after grace
            await in_thread(jobs.for_polling, job)
        raise Pending(job)
    return job


def outcome(job: Job, jobs: JobManager) -> Any:
    """A finished job's result, or its error raised."""
    if job.state == DONE:
        return jobs.result(job)
    if job.state == FAILED and job.user_error:
        raise DetenteError(job.error or "failed")
    if job.state == FAILED:
        raise JobFailed(f"job {job.id} failed: {job.error}")
    raise DetenteError(f"job {job.id} was cancelled")


def pending_response(job: Job) -> JSONResponse:
    return JSONResponse(job.public(), status_code=202,
                        headers={"location": f"/api/jobs/{job.id}", "retry-after": "1"})


async def answer(request: Request, kind: str, entry: Entry, params: Mapping[str, Any],
                 wait: float, present: Callable[[Any], Any] | None = None) -> Response:
    """A heavy API route's answer when the job finishes within ``wait`` seconds, else 202
    with the job's address: the result in the API's default form, made by the job's own
    process (:func:`detente.web.work.shown`), or ``present(result)`` as JSON (HTML for
    text) for another form."""
    try:
        job = await finished_job(request, kind, entry, params, wait, present)
    except Pending as pending:
        return pending_response(pending.job)
    return await shown_response(request, job, present)


async def shown_response(request: Request, job: Job,
                         present: Callable[[Any], Any] | None) -> Response:
    """A finished job's result (a failed or cancelled job's error raised):
    ``present(result)``, or with None the default form its process made (made here only
    if it could not, so that its error is told)."""
    jobs = manager(request)
    if present is None and job.state == DONE:
        made = await in_thread(jobs.shown, job)
        if made is None:
            made = await in_thread(lambda: shown(job.kind, outcome(job, jobs)))
        text, html = made
        return HTMLResponse(text) if html else Response(text, media_type="application/json")
    result = await in_thread(outcome, job, jobs)
    made_here = await in_thread(present, result) if present is not None else result
    return HTMLResponse(made_here) if isinstance(made_here, str) else JSONResponse(made_here)


@router.get("", summary="Your jobs (queued, running and recently finished)")
async def list_jobs(request: Request) -> list[dict[str, Any]]:
    found = await manager(request).jobs_on_loop(owner(request), workspace(request))
    return [j.public() for j in found]


@router.get("/{job_id}", summary="A job's state (the result's address once done)")
async def get_job(request: Request, job_id: str) -> dict[str, Any]:
    jobs = manager(request)
    job = jobs.held(job_id, workspace(request))  # this process's own: no thread, no database
    if job is None:
        job = await in_thread(jobs.get, job_id, workspace(request))
    return job.public()


@router.get("/{job_id}/result", summary="A finished job's result (JSON, or HTML for a brief)")
async def job_result(request: Request, job_id: str, wait: WaitQ = 0) -> Response:
    jobs = manager(request)
    job = await in_thread(jobs.get, job_id, workspace(request))
    if not await jobs.wait(job, wait, request.is_disconnected):
        await in_thread(jobs.for_polling, job)
        return pending_response(job)
    return await shown_response(request, job, job.present)


@router.get("/{job_id}/events", summary="Server-sent events: the job's state on each change")
async def job_events(request: Request, job_id: str) -> StreamingResponse:
    jobs = manager(request)
    job = await in_thread(jobs.get, job_id, workspace(request))

    async def stream() -> AsyncIterator[str]:
        job.watchers += 1
        try:
            last = None
            while True:
                await in_thread(jobs.refresh, job)
                now = job.public()
                if now["state"] != last:
                    last = now["state"]
                    yield f"event: state\ndata: {json.dumps(now)}\n\n"
                if now["state"] in FINISHED or await request.is_disconnected():
                    return
                await asyncio.sleep(0.25)
        finally:
            job.watchers -= 1
            job.touch()

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-store"})


@router.delete("/{job_id}", summary="Cancel a job (its worker is stopped)")
def cancel_job(request: Request, job_id: str) -> dict[str, Any]:
    return manager(request).cancel(job_id, workspace(request)).public()
