"""How the web app answers errors: a user's mistake is a 4xx with the CLI's message (JSON
for ``/api`` and for clients that do not ask for HTML, the error page otherwise), and
anything unexpected is a 500 logged once, without a traceback in the answer.

:class:`ErrorBoundary` is the outermost layer of the app. Starlette's own last-resort
handler re-raises after answering, which makes uvicorn log the traceback a second time
and may drop the keep-alive connection; the boundary answers and does not re-raise, so
the connection serves the next request.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi.exceptions import RequestValidationError

from detente.errors import DetenteError, ModelInputError, ScenarioError
from detente.web.security import HttpMiddleware, Message, Receive, Scope, Send

log = logging.getLogger("detente.web")

INTERNAL = "internal error (logged on the server)"


def error_body(exc: DetenteError) -> dict[str, Any]:
    """The JSON of a user error: the CLI's message, and its problems one by one."""
    body: dict[str, Any] = {"error": str(exc)}
    if isinstance(exc, ScenarioError | ModelInputError):
        body["problems"] = [p.to_dict() for p in exc.problems]
    return body


def validation_body(exc: RequestValidationError) -> dict[str, Any]:
    """A request that does not fit the route's parameters: each field, what it held and
    what was expected (pydantic's words), in the shape of a scenario's problems."""
    problems = [{"field": ".".join(str(p) for p in e.get("loc", ())),
                 "found": str(e.get("input"))[:80] if e.get("input") is not None else
                 "nothing", "expected": e.get("msg", "")} for e in exc.errors()]
    text = "; ".join(f"{p['field']}: {p['expected']}" for p in problems)
    return {"error": f"bad request: {text}", "problems": problems}


def wants_html(path: str, accept: str) -> bool:
    """Whether an error should be the HTML page: a page (not ``/api``) asked for by a
    client that accepts HTML."""
    return not path.startswith("/api") and "text/html" in accept


class ErrorBoundary(HttpMiddleware):
    """Answer 500 to an exception no handler took (once logged, never re-raised); a
    response already under way is ended instead, as nothing else can be sent."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:  # the status is gone already: close the body we began
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            headers = dict(scope.get("headers") or [])
            accept = headers.get(b"accept", b"").decode("latin-1")
            if wants_html(scope.get("path", ""), accept):
                from detente.web.routes_pages import page

                response = page("error.html.j2", status=500, status_code=500,
                                body={"error": INTERNAL})
                await response(scope, receive, send)
                return
            body = json.dumps({"error": INTERNAL}).encode()
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
