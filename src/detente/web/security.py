"""What keeps the web app safe to run: loopback by default, a token elsewhere, a body
limit, and headers that keep pages from loading anything but their own files.

The guards are plain ASGI middleware (all on one base, :class:`HttpMiddleware`) so
that they act before any route reads the request.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, MutableMapping, Sequence
from contextvars import ContextVar
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode

from detente.errors import OptionError
from detente.web import timing
from detente.web.timing import in_thread, timings

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


def check_bind(host: str, token: str | None, accounts: bool = False) -> None:
    """Refuse to serve beyond this machine without a token (or accounts)."""
    if not is_loopback(host) and not token and not accounts:
        raise OptionError(
            f"{{host}} {OptionError.quote(host)}: serving beyond this machine needs a token "
            "({token TOKEN:token=TOKEN} or DETENTE_TOKEN) or {accounts:accounts=True}; "
            "clients then send 'Authorization: Bearer TOKEN' or open a page once with "
            "?token=TOKEN")
    if token is not None and not re.fullmatch(r"[A-Za-z0-9._~+/=-]{16,}", token):
        raise OptionError("{token}: expected at least 16 characters among letters, digits "
                          "and ._~+/=- (e.g. from "
                          "`python -c 'import secrets; print(secrets.token_urlsafe())'`)")


class HttpMiddleware:
    """The shape every middleware of the app shares: it wraps ``app``, keeps its options
    (keyword arguments naming the class's own attributes, whose class values are the
    defaults) and passes anything that is not an HTTP request (the lifespan, a websocket)
    straight on, as it does an HTTP request when :meth:`active` says it has nothing to do.
    A subclass writes only :meth:`handle` (and, if it needs, :meth:`setup`/:meth:`active`).
    """

    def __init__(self, app: ASGIApp, /, **options: Any) -> None:
        self.app = app
        for name, value in options.items():
            if name.startswith("_") or not hasattr(type(self), name):
                raise TypeError(f"{type(self).__name__}: no option {name!r}")
            setattr(self, name, value)
        self.setup()

    def setup(self) -> None:
        """Derive what the options imply, once (nothing by default)."""

    def active(self) -> bool:
        """Whether this middleware acts at all (always, by default)."""
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.active():
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request (calling ``self.app`` to go on)."""
        raise NotImplementedError


async def _json_response(send: Send, status: int, message: str,
                         headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit(HttpMiddleware):
    """Answer 413 to a request whose body is larger than ``limit`` bytes (declared or
    streamed), before a route reads it."""

    limit: int = DEFAULT_MAX_BODY

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
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


USER_KEY = "detente.user"
"""Where :class:`TokenGuard` puts the signed-in user's name in the ASGI scope."""
CURRENT_USER: ContextVar[str | None] = ContextVar("detente_user", default=None)
"""The user the request being answered is signed in as (None: no accounts), for pages."""
OPEN_PATHS = ("/login", "/logout", "/static/")
"""Reached without signing in: the login form, logging out, the pages' own files."""


def workspace_of(scope: Scope) -> str:
    """The workspace a request works in: its user's name, ``""`` without accounts."""
    return str(scope.get(USER_KEY) or "")


Authenticate = Callable[[str], "str | None"]
"""A token -> the name of the user it belongs to, ``""`` for the server's single token,
or None for no one (:meth:`TokenGuard.who`)."""


def sign_in(candidate: str | None, token: str | None,
            accounts: Authenticate | None) -> str | None:
    """The user ``candidate`` signs in (``""``: the single token ``token``), or None."""
    if not candidate:
        return None
    if token and hmac.compare_digest(str(candidate).encode(), token.encode()):
        return ""
    if accounts is not None and len(candidate) <= 200:
        return accounts(str(candidate))
    return None


class TokenGuard(HttpMiddleware):
    """Who is asking. With a single token (``--token``) every request must carry it;
    with accounts (``--accounts``) every request must carry one user's token, and works
    in that user's workspace. A token comes as ``Authorization: Bearer TOKEN`` or in the
    session cookie, which the login form (``/login``) sets. A page opened once with
    ``?token=TOKEN`` is answered with a redirect to the same address without the token
    (so it leaves the address bar and the history) that sets the cookie: HttpOnly,
    SameSite=Lax, Secure when the request came over HTTPS (``X-Forwarded-Proto`` from a
    trusted proxy counts, see uvicorn's ``--forwarded-allow-ips``). A page asked for
    without a token is sent to the login form; anything else gets 401."""

    token: str | None = None
    accounts: Authenticate | None = None
    roster: Callable[[], Mapping[str, str]] | None = None
    """Every account's token hash and name at once (:meth:`detente.store.server.
    ServerStore.roster`), read at most once per :attr:`remember` seconds."""
    roster_on_loop: Callable[[], Awaitable[Mapping[str, str]]] | None = None
    """The same read on the event loop, when the database allows (PostgreSQL: no thread
    of the pool, whose wait made signing in 0.5 s at 200 users)."""

    def active(self) -> bool:
        return bool(self.token or self.accounts)

    remember: float = 1.0
    """Seconds the roster of accounts is trusted without reading it again (a removed
    user's token stops working within that time)."""

    def setup(self) -> None:
        self._roster: Mapping[str, str] = {}
        self._read_at = -float("inf")
        self._reading: asyncio.Task[None] | None = None

    async def _current_roster(self) -> Mapping[str, str]:
        """The roster, read again in the background once half of :attr:`remember` has
        passed (so that under a steady load no request waits for it), and waited for —
        one read for all the requests that need it — only when it is older than that."""
        assert self.roster is not None
        age = time.monotonic() - self._read_at
        reading = self._reading
        if reading is not None and (reading.done()
                                    or reading.get_loop() is not asyncio.get_running_loop()):
            reading = self._reading = None
        if age >= self.remember / 2 and reading is None:
            # in a context of its own: the request that happens to start the read does
            # not wait for it, and its Server-Timing does not count it
            reading = self._reading = asyncio.get_running_loop().create_task(
                self._read_roster(), context=contextvars.Context())
        if age >= self.remember and reading is not None:
            asked = time.perf_counter()
            await asyncio.shield(reading)
            timing.add("auth", time.perf_counter() - asked)
        return self._roster

    async def _read_roster(self) -> None:
        assert self.roster is not None
        started = time.monotonic()  # as old as the moment the read began
        self._roster = (await self.roster_on_loop() if self.roster_on_loop is not None
                        else await in_thread(self.roster))
        self._read_at = started

    async def who(self, candidate: str | None) -> str | None:
        """The user ``candidate`` signs in. Accounts are read from the database off the
        event loop (a slow database never holds up the other requests), all at once
        (:meth:`_current_roster`): one query a second signs in every request of a busy
        server, which would otherwise each wait for their own round trips first. A token
        not in the roster (a user added within the second, or no one) is looked up on its
        own."""
        if not candidate or self.accounts is None:
            return sign_in(candidate, self.token, None)
        if self.roster is not None and len(candidate) <= 200:
            found = (await self._current_roster()).get(
                hashlib.sha256(candidate.encode("utf-8", "replace")).hexdigest())
            if found is not None:
                return found
        return await in_thread(sign_in, candidate, self.token, self.accounts, phase="auth")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        path = scope.get("path", "/")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"),
                         keep_blank_values=True)
        from_query = (query.get("token") or [None])[0]
        if scope.get("method") in ("GET", "HEAD") and from_query \
                and await self.who(from_query) is not None:
            rest = urlencode([(k, v) for k, vs in query.items() if k != "token" for v in vs])
            location = path + (f"?{rest}" if rest else "")
            await _redirect(send, location, session_cookie(
                TOKEN_COOKIE, str(from_query), secure=scope.get("scheme") == "https"))
            return
        user = await self.who(_bearer(headers.get(b"authorization", b"")))
        if user is None:
            user = await self.who(cookie_value(headers, TOKEN_COOKIE))
        if user is not None or path == "/login" or path.startswith(OPEN_PATHS[1:]):
            scope[USER_KEY] = user
            reset = CURRENT_USER.set(user)
            try:
                await self.app(scope, receive, send)
            finally:
                CURRENT_USER.reset(reset)
            return
        accept = headers.get(b"accept", b"").decode("latin-1")
        if scope.get("method") in ("GET", "HEAD") and "text/html" in accept \
                and not path.startswith("/api/"):
            await _redirect(send, "/login?" + urlencode({"next": _local(path, scope)}))
            return
        what = "a user's token" if self.accounts is not None else "its token"
        await _json_response(send, 401, f"this server needs {what}: send "
                             "'Authorization: Bearer TOKEN', or sign in at /login",
                             [(b"www-authenticate", b"Bearer")])


def _local(path: str, scope: Scope) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this server (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


def cookie_value(headers: dict[bytes, bytes], name: str) -> str | None:
    """The value of cookie ``name`` in a request's headers, if sent."""
    try:
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
    except CookieError:
        return None
    return cookie[name].value if name in cookie else None


def session_cookie(name: str, value: str, *, secure: bool, max_age: int | None = None) -> bytes:
    """A ``Set-Cookie`` value that scripts cannot read (HttpOnly), that other sites' pages
    do not send along with their requests (SameSite=Lax), and that travels only over TLS
    when the app is reached over HTTPS."""
    parts = [f"{name}={value}", "HttpOnly", "SameSite=Lax", "Path=/"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode("latin-1")


async def _redirect(send: Send, location: str, cookie: bytes | None = None) -> None:
    headers = [(b"location", location.encode("latin-1", "replace")),
               (b"content-length", b"0"), (b"cache-control", b"no-store")]
    if cookie is not None:
        headers.append((b"set-cookie", cookie))
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Host names a server bound to loopback answers to (a DNS name an attacker controls
that resolves to 127.0.0.1 is not among them: DNS rebinding)."""


def allowed_hosts(bound: str, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The Host names ``detente serve`` answers to: loopback's, the address it is bound to
    (unless that is every address, 0.0.0.0 or ::) and each ``--allow-host``."""
    names = [*LOOPBACK_HOSTS]
    if bound not in ("0.0.0.0", "::", ""):
        names.append(bound.strip("[]").lower())
    names += [h.strip().strip("[]").lower() for h in extra if h.strip()]
    return tuple(dict.fromkeys(names))


def host_name(value: str) -> str:
    """``"Example.org:8000"`` -> ``"example.org"``; ``"[::1]:80"`` -> ``"::1"``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class HostGuard(HttpMiddleware):
    """Answer 400 to a request whose ``Host`` is not in ``allowed`` (``None``: any): a
    page on another name that resolves to this machine (DNS rebinding) gets nothing."""

    allowed: Collection[str] | None = None

    def setup(self) -> None:
        if self.allowed is not None:
            self.allowed = frozenset(h.lower() for h in self.allowed)

    def active(self) -> bool:
        return self.allowed is not None

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.allowed is not None
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if host_name(host) not in self.allowed:
            shown = host[:60] or "(none)"
            await _json_response(send, 400, f"Host {shown!r}: not a name this server answers "
                                 "to (its administrator adds names with --allow-host)")
            return
        await self.app(scope, receive, send)


CSRF_COOKIE = "detente_csrf"
CSRF_HEADER = b"x-csrf-token"
CSRF_TOKEN: ContextVar[str] = ContextVar("detente_csrf", default="")
"""The CSRF token of the request being answered (pages put it in a meta tag)."""
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfGuard(HttpMiddleware):
    """Refuse (403) a state-changing request a browser sends on another site's behalf.

    Every request gets a CSRF token (a random value in an HttpOnly cookie, given to the
    page in a ``<meta name="csrf-token">``). A POST, PUT, PATCH or DELETE passes when it
    carries ``Authorization`` (browsers never add it on their own) or when its ``Origin``,
    if sent, is this server's own and its ``X-CSRF-Token`` header equals the cookie. A
    client that is not a browser (neither Origin nor Sec-Fetch-Site: curl, scripts)
    passes; every browser since 2020 sends both with a cross-site POST.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        cookie = cookie_value(headers, CSRF_COOKIE)
        token = cookie if cookie and re.fullmatch(r"[A-Za-z0-9_-]{32,64}", cookie) else None
        if scope.get("method") in _UNSAFE and b"authorization" not in headers:
            refusal = _csrf_refusal(scope, headers, token)
            if refusal:
                await _json_response(send, 403, refusal)
                return
        fresh = token is None
        reset = CSRF_TOKEN.set(token or secrets.token_urlsafe(32))
        try:
            if not fresh:
                await self.app(scope, receive, send)
                return
            set_cookie = session_cookie(CSRF_COOKIE, CSRF_TOKEN.get(),
                                        secure=scope.get("scheme") == "https")

            async def send_with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []),
                                          (b"set-cookie", set_cookie)]
                await send(message)

            await self.app(scope, receive, send_with_cookie)
        finally:
            CSRF_TOKEN.reset(reset)


def _csrf_refusal(scope: Scope, headers: dict[bytes, bytes], token: str | None) -> str | None:
    """Why a state-changing request is refused, or None when it may go on."""
    origin = headers.get(b"origin")
    browser = origin is not None or b"sec-fetch-site" in headers
    if not browser:
        return None
    if origin is not None:
        own = f"{scope.get('scheme', 'http')}://{headers.get(b'host', b'').decode('latin-1')}"
        if origin.decode("latin-1").lower() != own.lower():
            return (f"Origin {origin.decode('latin-1')[:60]!r} is not this server's: "
                    "a page of another site cannot change anything here")
    if scope.get("path") in ("/login", "/logout"):  # plain forms: Origin (above) and
        site = headers.get(b"sec-fetch-site", b"same-origin").decode("latin-1")
        if site in ("same-origin", "none"):  # Sec-Fetch-Site say where they come from
            return None
        return f"Sec-Fetch-Site {site[:20]!r}: sign in from this server's own page"
    sent = headers.get(CSRF_HEADER, b"").decode("latin-1")
    if not token or not sent or not hmac.compare_digest(sent.encode(), token.encode()):
        return ("missing or wrong CSRF token (X-CSRF-Token): reload the page and try again; "
                "scripts send 'Authorization: Bearer TOKEN' or no Origin")
    return None


def _bearer(value: bytes) -> str | None:
    scheme, _, token = value.decode("latin-1").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class SecurityHeaders(HttpMiddleware):
    """Content-Security-Policy and friends on every response, and ``Server-Timing: app;
    dur=MS, ...``: the milliseconds from the request reaching the app to its answer
    starting (what the app made it wait, without the network or the client's own
    delays), and of its phases (:mod:`detente.web.timing`)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        with timings() as phases:

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    extra = [(b"x-content-type-options", b"nosniff"),
                             (b"referrer-policy", b"no-referrer"),
                             (b"content-security-policy", CSP.encode()),
                             (b"server-timing", phases.header(time.perf_counter() - start))]
                    message["headers"] = [*message.get("headers", []), *extra]
                await send(message)

            await self.app(scope, receive, send_with_headers)
