"""``detente serve``: the web app and JSON API (FastAPI + uvicorn)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from detente import api
from detente.cli.common import err_console, guard
from detente.web.security import DEFAULT_MAX_BODY, check_bind


@guard
def serve(
    host: Annotated[str, typer.Option(
        help="Address to bind. Anything but loopback (127.0.0.1, ::1, localhost) needs "
        "--token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8000,
    token: Annotated[str | None, typer.Option(
        help="Require this token on every request (Authorization: Bearer TOKEN, or open a "
        "page once with ?token=TOKEN). Default: $DETENTE_TOKEN.", show_default=False)] = None,
    max_body: Annotated[int, typer.Option(
        min=1024, help="Largest request body in bytes.")] = DEFAULT_MAX_BODY,
    db: Annotated[str | None, typer.Option(
        "--db", help="Also show this history store's versions and timelines (a file or a "
        "SQLAlchemy URL; read only; see `detente history`).")] = None,
) -> None:
    """Serve the web app: scenarios, figures, what-if sliders, deals, simulation, upload
    and editing, and a JSON API (OpenAPI at /openapi.json, listed at /api-docs)."""
    import uvicorn

    from detente.web.app import create_app

    token = token or os.environ.get("DETENTE_TOKEN") or None
    check_bind(host, token)
    history = api.open_history(db) if db else None
    app = create_app(token=token, max_body=max_body, history=history)
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"detente: serving on http://{shown}:{port}/ (Ctrl-C to stop)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        if history is not None:
            history.close()
