"""The FastAPI app: pages and the JSON API on :mod:`detente.api`, and its guards.

``create_app`` builds an independent app (its own upload store and token), so
tests and several servers never share state. Errors a user can cause come back
as JSON ``{"error": message, "problems": [...]}`` (or the error page, for a page) with
the CLI's message and a 4xx status; anything unexpected is a 500 without a traceback,
logged once (:mod:`detente.web.errors`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.api import open_history, open_server_store
from detente.errors import DetenteError, OptionError
from detente.version import __version__
from detente.web import routes_api, routes_jobs, routes_pages, timing
from detente.web.compute import ComputePool, Overloaded, WorkerLost
from detente.web.errors import ErrorBoundary, error_body, validation_body
from detente.web.jobs import Busy, JobFailed, JobLimits, JobManager, JobNotFound
from detente.web.limits import MAX_DRAWS, MAX_ROBUST, MAX_SAMPLES, Limits
from detente.web.security import (
    DEFAULT_MAX_BODY,
    BodyLimit,
    CsrfGuard,
    HostGuard,
    SecurityHeaders,
    TokenGuard,
    sign_in,
)
from detente.web.store import DEFAULT_CAPACITY, Full, NotFound, ScenarioStore


def create_app(*, token: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               capacity: int = DEFAULT_CAPACITY, history: Any = None,
               allowed_hosts: Sequence[str] | None = None,
               limits: Limits | None = None, jobs: JobManager | None = None,
               server: Any = None, accounts: bool = False,
               compute: ComputePool | None = None, recorder: Any = None) -> FastAPI:
    """A new app. ``token``: required on every request when set (``detente serve`` sets it
    when bound beyond loopback); ``max_body``: largest request body in bytes;
    ``capacity``: uploads kept in memory (further uploads are refused, never an earlier
    one dropped); ``history``: a :class:`detente.History` whose versions and timelines the
    app shows (read only); ``allowed_hosts``: the Host names answered (``None``: any;
    ``detente serve`` always gives its list, see :func:`~detente.web.security.allowed_hosts`);
    ``limits``: what one request may ask (:class:`~detente.web.limits.Limits`);
    ``jobs``: where heavy work runs (:class:`~detente.web.jobs.JobManager`; default: two
    worker processes); ``server``: a :class:`~detente.store.server.ServerStore` keeping
    uploads and jobs in the database (shared by several server processes, kept across
    restarts; default: this process's memory); ``accounts``: every request signs in as
    one of the ``server``'s users and works in that user's workspace; ``compute``: where
    the interactive CPU work runs (:class:`~detente.web.compute.ComputePool`; default: a
    thread beside the server, as a small app in a test wants; ``detente serve`` gives
    processes); ``recorder``: a writable :class:`detente.History` on the ``server``'s
    database, where each upload and edit is added as a dated version.
    """
    if accounts and server is None:
        raise OptionError("accounts need the database that holds them ({db:server=})")
    if server is not None:
        server.observe = timing.add_db
    app = FastAPI(title="detente", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=_lifespan,
                  description="Forecast and broker multi-party, multi-issue negotiations. "
                  "Every forecast is what a model derives from the scenario's stated, sourced "
                  "assumptions, not a statement of fact. JSON bodies are those of the CLI's "
                  "--format json.")
    app.state.store = ScenarioStore(capacity, history=history, server=server,
                                    recorder=recorder)
    app.state.limits = limits or Limits()
    app.state.jobs = jobs or JobManager(records=server)
    app.state.compute = compute or ComputePool(workers=0)
    app.state.accounts = accounts
    app.include_router(routes_api.router)
    app.include_router(routes_jobs.router)
    app.include_router(routes_pages.router)

    @app.exception_handler(DetenteError)
    async def _user_error(request: Request, exc: DetenteError) -> Response:
        status = (404 if isinstance(exc, NotFound | JobNotFound) else
                  429 if isinstance(exc, Full | Busy | Overloaded) else
                  500 if isinstance(exc, JobFailed | WorkerLost) else 400)
        response = routes_pages.error_response(request, status, error_body(exc))
        if isinstance(exc, Overloaded):
            response.headers["retry-after"] = "1"
        return response

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        return routes_pages.error_response(request, 422, validation_body(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return routes_pages.error_response(request, exc.status_code, {"error": str(exc.detail)})

    # the last added runs first: headers on every answer; the boundary's 500 for anything
    # unexpected; the Host; the token; CSRF; then the size
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(CsrfGuard)
    authenticate = server.user_for if accounts else None
    app.state.sign_in = lambda candidate: sign_in(candidate, token, authenticate)
    app.state.signs_in = bool(token or accounts)
    app.add_middleware(TokenGuard, token=token, accounts=authenticate,
                       roster=server.roster if accounts else None,
                       roster_on_loop=server.roster_on_loop
                       if accounts and server.reads_on_loop else None)
    app.add_middleware(HostGuard, allowed=allowed_hosts)
    app.add_middleware(ErrorBoundary)
    app.add_middleware(SecurityHeaders)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On start, get the job runner and the compute processes ready; on shutdown, cancel
    unfinished jobs (their worker processes are stopped) and stop the compute processes."""
    app.state.jobs.warm()
    await asyncio.to_thread(app.state.compute.warm)
    yield
    app.state.jobs.close()
    app.state.compute.close()
    for store in getattr(app.state, "closing", ()):
        store.close()


CONFIG_ENV = "DETENTE_SERVE_CONFIG"
"""How ``detente serve --workers N`` hands its options to each worker process (JSON)."""


@dataclass(frozen=True)
class ServeConfig:
    """What ``detente serve`` was asked for, as plain values (each worker process of a
    multi-worker server builds its own app from it: :func:`from_environment`)."""

    token: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    capacity: int = DEFAULT_CAPACITY
    db: str | None = None
    allowed_hosts: tuple[str, ...] | None = None
    draws: int = MAX_DRAWS
    robust: int = MAX_ROBUST
    samples: int = MAX_SAMPLES
    job_workers: int = 2
    compute_workers: int = 2
    max_jobs: int = 64
    per_owner: int = 4
    dask: str | None = None
    accounts: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServeConfig:
        data = json.loads(text)
        if data.get("allowed_hosts") is not None:
            data["allowed_hosts"] = tuple(data["allowed_hosts"])
        return cls(**data)


def build(config: ServeConfig) -> FastAPI:
    """The app ``detente serve`` runs: with ``db``, the history store (read only) and the
    server's own tables (uploads, jobs, accounts) on that database."""
    history = server = recorder = None
    if config.db:
        server = open_server_store(config.db)  # first: it brings the schema up to date
        history = open_history(config.db, read_only=True)
        recorder = open_history(config.db)
        if config.accounts and not server.users():
            raise OptionError(f"{{accounts}}: {OptionError.quote(server.where)} has no users "
                              "yet; add one with `detente users add NAME --db "
                              f"{OptionError.quote(config.db)}`")
    elif config.accounts:
        raise OptionError("{accounts} needs {db} (the database that keeps the users)")
    jobs = JobManager(JobLimits(workers=config.job_workers, max_jobs=config.max_jobs,
                                per_owner=config.per_owner), dask=config.dask, records=server)
    app = create_app(token=config.token, max_body=config.max_body, history=history,
                     capacity=config.capacity, allowed_hosts=config.allowed_hosts,
                     limits=Limits(draws=config.draws, robust=config.robust,
                                   samples=config.samples),
                     jobs=jobs, server=server, accounts=config.accounts,
                     compute=ComputePool(workers=config.compute_workers), recorder=recorder)
    app.state.closing = [s for s in (history, server, recorder) if s is not None]
    return app


def from_environment() -> FastAPI:
    """The app of one worker process of ``detente serve --workers N`` (uvicorn's factory):
    built from :data:`CONFIG_ENV`."""
    text = os.environ.get(CONFIG_ENV)
    if not text:
        raise DetenteError(f"${CONFIG_ENV} is not set: start the server with `detente serve`")
    return build(ServeConfig.from_json(text))
