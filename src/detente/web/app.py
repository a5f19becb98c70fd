"""The FastAPI app: pages and the JSON API on :mod:`detente.api`, and its guards.

``create_app`` builds an independent app (its own upload store and token), so
tests and several servers never share state. Errors a user can cause come back
as JSON ``{"error": message, "problems": [...]}`` (or the error page, for a page) with
the CLI's message and a 4xx status; anything unexpected is a 500 without a traceback,
logged once (:mod:`detente.web.errors`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.errors import DetenteError
from detente.version import __version__
from detente.web import routes_api, routes_jobs, routes_pages
from detente.web.errors import ErrorBoundary, error_body, validation_body
from detente.web.jobs import Busy, JobFailed, JobManager, JobNotFound
from detente.web.limits import Limits
from detente.web.security import (
    DEFAULT_MAX_BODY,
    BodyLimit,
    CsrfGuard,
    HostGuard,
    SecurityHeaders,
    TokenGuard,
)
from detente.web.store import DEFAULT_CAPACITY, Full, NotFound, ScenarioStore


def create_app(*, token: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               capacity: int = DEFAULT_CAPACITY, history: Any = None,
               allowed_hosts: Sequence[str] | None = None,
               limits: Limits | None = None, jobs: JobManager | None = None) -> FastAPI:
    """A new app. ``token``: required on every request when set (``detente serve`` sets it
    when bound beyond loopback); ``max_body``: largest request body in bytes;
    ``capacity``: uploads kept in memory (further uploads are refused, never an earlier
    one dropped); ``history``: a :class:`detente.History` whose versions and timelines the
    app shows (read only); ``allowed_hosts``: the Host names answered (``None``: any;
    ``detente serve`` always gives its list, see :func:`~detente.web.security.allowed_hosts`);
    ``limits``: what one request may ask (:class:`~detente.web.limits.Limits`);
    ``jobs``: where heavy work runs (:class:`~detente.web.jobs.JobManager`; default: two
    worker processes).
    """
    app = FastAPI(title="detente", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=_lifespan,
                  description="Forecast and broker multi-party, multi-issue negotiations. "
                  "Every forecast is what a model derives from the scenario's stated, sourced "
                  "assumptions, not a statement of fact. JSON bodies are those of the CLI's "
                  "--format json.")
    app.state.store = ScenarioStore(capacity, history=history)
    app.state.limits = limits or Limits()
    app.state.jobs = jobs or JobManager()
    app.include_router(routes_api.router)
    app.include_router(routes_jobs.router)
    app.include_router(routes_pages.router)

    @app.exception_handler(DetenteError)
    async def _user_error(request: Request, exc: DetenteError) -> Response:
        status = (404 if isinstance(exc, NotFound | JobNotFound) else
                  429 if isinstance(exc, Full | Busy) else
                  500 if isinstance(exc, JobFailed) else 400)
        return routes_pages.error_response(request, status, error_body(exc))

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
    app.add_middleware(TokenGuard, token=token)
    app.add_middleware(HostGuard, allowed=allowed_hosts)
    app.add_middleware(ErrorBoundary)
    app.add_middleware(SecurityHeaders)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On start, get the job runner ready; on shutdown, cancel unfinished jobs (their
    worker processes are stopped)."""
    app.state.jobs.warm()
    yield
    app.state.jobs.close()
