"""What keeps the web app safe to run: loopback by default, a token elsewhere, a body
limit, and headers that keep pages from loading anything but their own files.

Both guards are plain ASGI middleware so that they act before any route reads
the request.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from detente.errors import DetenteError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY = 2 * 1024 * 1024
"""Largest request body accepted (bytes): a scenario file is a few kilobytes."""

TOKEN_COOKIE = "detente_token"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve beyond this machine without a token."""
    if not is_loopback(host) and not token:
        raise DetenteError(
            f"--host {host}: serving beyond this machine needs a token (--token TOKEN or "
            "DETENTE_TOKEN); clients then send 'Authorization: Bearer TOKEN' or open a page "
            "once with ?token=TOKEN")
    if token is not None and not re.fullmatch(r"[A-Za-z0-9._~+/=-]{16,}", token):
        raise DetenteError("--token: expected at least 16 characters among letters, digits "
                           "and ._~+/=- (e.g. from "
                           "`python -c 'import secrets; print(secrets.token_urlsafe())'`)")


async def _json_response(send: Send, status: int, message: str,
                         headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Answer 413 to a request whose body is larger than ``limit`` bytes (declared or
    streamed), before a route reads it."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_MAX_BODY):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = f"request body larger than {self.limit:,} bytes"
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _json_response(send, 413, too_big)
            return
        # read the body here, within the limit, then hand it on: no route ever sees more
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                await _json_response(send, 413, too_big)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], then=receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A ``receive`` that gives ``messages`` first, then defers to ``then``."""
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive


class TokenGuard:
    """With a token set, every request must carry it: ``Authorization: Bearer TOKEN``, the
    cookie set after a first visit with ``?token=TOKEN``, or that query parameter."""

    def __init__(self, app: ASGIApp, token: str | None):
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.token:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = _bearer(headers.get(b"authorization", b""))
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        from_cookie = cookie[TOKEN_COOKIE].value if TOKEN_COOKIE in cookie else None
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        from_query = (query.get("token") or [None])[0]
        for candidate in (given, from_cookie, from_query):
            if candidate and hmac.compare_digest(candidate.encode(), self.token.encode()):
                break
        else:
            await _json_response(send, 401, "this server needs its token: send "
                                 "'Authorization: Bearer TOKEN' or open a page with ?token=TOKEN",
                                 [(b"www-authenticate", b"Bearer")])
            return
        if candidate is from_query and from_query:
            set_cookie = (f"{TOKEN_COOKIE}={from_query}; HttpOnly; SameSite=Strict; "
                          "Path=/").encode("latin-1")

            async def send_with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []),
                                          (b"set-cookie", set_cookie)]
                await send(message)

            await self.app(scope, receive, send_with_cookie)
            return
        await self.app(scope, receive, send)


def _bearer(value: bytes) -> str | None:
    scheme, _, token = value.decode("latin-1").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class SecurityHeaders:
    """Content-Security-Policy and friends on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"),
                         (b"content-security-policy", CSP.encode())]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
