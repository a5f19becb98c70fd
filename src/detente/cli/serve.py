"""``detente serve``: the web app and JSON API (FastAPI + uvicorn)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from detente import api
from detente.cli.common import err_console, guard
from detente.web.jobs import JobLimits, JobManager
from detente.web.limits import MAX_DRAWS, MAX_ROBUST, MAX_SAMPLES, Limits
from detente.web.security import DEFAULT_MAX_BODY, allowed_hosts, check_bind
from detente.web.store import DEFAULT_CAPACITY


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
        "SQLAlchemy URL; opened read only: nothing is added or cached; see `detente "
        "history`).")] = None,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="A Host name clients use to reach the server (repeatable), "
        "e.g. the TLS proxy's name; loopback's names and the --host address are always "
        "allowed, any other name is refused (DNS rebinding).", show_default=False)] = None,
    max_uploads: Annotated[int, typer.Option(
        min=1, help="Uploads kept in memory; past it an upload is refused (delete one "
        "first), never an earlier one dropped.")] = DEFAULT_CAPACITY,
    max_draws: Annotated[int, typer.Option(
        min=1, max=MAX_DRAWS, help="Monte Carlo draws one request may ask for (simulate, "
        "plans, figures, the brief, forecast intervals).")] = MAX_DRAWS,
    max_robust: Annotated[int, typer.Option(
        min=0, max=MAX_ROBUST, help="BATNA draws one deals request may ask for.")] = MAX_ROBUST,
    max_samples: Annotated[int, typer.Option(
        min=2, max=MAX_SAMPLES, help="Samples one sensitivity request may ask for.")
        ] = MAX_SAMPLES,
    job_workers: Annotated[int, typer.Option(
        min=1, help="Heavy jobs (simulate, deals with survival, plans with draws, "
        "sensitivity, the brief) run at once, each in a worker process.")] = 2,
    max_jobs: Annotated[int, typer.Option(
        min=1, help="Jobs queued or running in all; past it a request is refused (429).")
        ] = 64,
    max_jobs_per_user: Annotated[int, typer.Option(
        min=1, help="Jobs queued or running for one client address.")] = 4,
    dask: Annotated[str | None, typer.Option(
        help="Run jobs on this Dask scheduler (tcp://HOST:PORT) instead of local worker "
        "processes.", show_default=False)] = None,
) -> None:
    """Serve the web app: scenarios, figures, what-if sliders, deals, simulation, upload
    and editing, and a JSON API (OpenAPI at /openapi.json, listed at /api-docs)."""
    import uvicorn

    from detente.web.app import create_app

    token = token or os.environ.get("DETENTE_TOKEN") or None
    check_bind(host, token)
    history = api.open_history(db, read_only=True) if db else None
    app = create_app(token=token, max_body=max_body, history=history, capacity=max_uploads,
                     allowed_hosts=allowed_hosts(host, allow_host or ()),
                     limits=Limits(draws=max_draws, robust=max_robust, samples=max_samples),
                     jobs=JobManager(JobLimits(workers=job_workers, max_jobs=max_jobs,
                                               per_owner=max_jobs_per_user), dask=dask))
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"detente: serving on http://{shown}:{port}/ (Ctrl-C to stop)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                    proxy_headers=True)
    finally:
        if history is not None:
            history.close()
