"""The FastAPI app: pages and the JSON API on :mod:`detente.api`, and its guards.

``create_app`` builds an independent app (its own upload store and token), so
tests and several servers never share state. Errors a user can cause come back
as JSON ``{"error": message, "problems": [...]}`` with the CLI's message and a
4xx status; anything unexpected is a bare 500 without a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.errors import DetenteError, ModelInputError, ScenarioError
from detente.version import __version__
from detente.web import routes_api, routes_pages
from detente.web.security import DEFAULT_MAX_BODY, BodyLimit, SecurityHeaders, TokenGuard
from detente.web.store import DEFAULT_CAPACITY, NotFound, ScenarioStore

log = logging.getLogger("detente.web")


def error_body(exc: DetenteError) -> dict[str, Any]:
    """The JSON of a user error: the CLI's message, and its problems one by one."""
    body: dict[str, Any] = {"error": str(exc)}
    if isinstance(exc, ScenarioError | ModelInputError):
        body["problems"] = [p.to_dict() for p in exc.problems]
    return body


def create_app(*, token: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               capacity: int = DEFAULT_CAPACITY, history: Any = None) -> FastAPI:
    """A new app. ``token``: required on every request when set (``detente serve`` sets it
    when bound beyond loopback); ``max_body``: largest request body in bytes;
    ``capacity``: uploads kept in memory (the oldest goes first); ``history``: a
    :class:`detente.History` whose versions and timelines the app shows (read only)."""
    app = FastAPI(title="detente", version=__version__, docs_url=None, redoc_url=None,
                  description="Forecast and broker multi-party, multi-issue negotiations. "
                  "Every forecast is what a model derives from the scenario's stated, sourced "
                  "assumptions, not a statement of fact. JSON bodies are those of the CLI's "
                  "--format json.")
    app.state.store = ScenarioStore(capacity, history=history)
    app.include_router(routes_api.router)
    app.include_router(routes_pages.router)

    @app.exception_handler(DetenteError)
    async def _user_error(request: Request, exc: DetenteError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 400
        return routes_pages.error_response(request, status, error_body(exc))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [{"field": ".".join(str(p) for p in e.get("loc", ())),
                     "found": str(e.get("input"))[:80] if e.get("input") is not None else
                     "nothing", "expected": e.get("msg", "")} for e in exc.errors()]
        text = "; ".join(f"{p['field']}: {p['expected']}" for p in problems)
        return routes_pages.error_response(
            request, 422, {"error": f"bad request: {text}", "problems": problems})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return routes_pages.error_response(request, exc.status_code, {"error": str(exc.detail)})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"error": "internal error (logged on the server)"}, status_code=500)

    # the last added runs first: headers on every answer, then the token, then the size
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(TokenGuard, token=token)
    app.add_middleware(SecurityHeaders)
    return app
