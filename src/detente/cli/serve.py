"""``detente serve``: the web app and JSON API (FastAPI + uvicorn)."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from detente.cli.common import err_console, guard
from detente.errors import DetenteError
from detente.web.limits import MAX_DRAWS, MAX_ROBUST, MAX_SAMPLES
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
        "SQLAlchemy URL; see `detente history`), and keep uploads, jobs and accounts "
        "there. Nothing is cached there; each upload and edit is added as a dated version "
        "of its own history upload/USER/ID.")] = None,
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
    compute_workers: Annotated[int, typer.Option(
        min=1, max=64, help="Processes (per server process) computing what a request waits "
        "for: a forecast's points, a what-if, a page's figures. They run below the server's "
        "priority and above the jobs'; past 8 calls per process in flight (2 per user), or "
        "about 2 s of work ahead (each call priced by its function's recent time), a "
        "request is refused with 429 at once, not queued.")] = 2,
    max_jobs: Annotated[int, typer.Option(
        min=1, help="Jobs queued or running in all; past it a request is refused (429).")
        ] = 64,
    max_jobs_per_user: Annotated[int, typer.Option(
        min=1, help="Jobs queued or running for one client address.")] = 4,
    dask: Annotated[str | None, typer.Option(
        help="Run jobs on this Dask scheduler (tcp://HOST:PORT) instead of local worker "
        "processes.", show_default=False)] = None,
    accounts: Annotated[bool, typer.Option(
        "--accounts", help="Every request signs in as one of the --db's users (`detente "
        "users add NAME`) and sees only that user's uploads, edits and jobs. Without it, "
        "one workspace for everyone (a person on their own machine, or --token).")] = False,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="Server processes answering requests (uvicorn workers). More "
        "than 1 needs --db (PostgreSQL for a team; an SQLite file works on one machine): "
        "uploads, jobs and users are kept there, so any process answers any request.")] = 1,
) -> None:
    """Serve the web app: scenarios, figures, what-if sliders, deals, simulation, upload
    and editing, and a JSON API (OpenAPI at /openapi.json, listed at /api-docs)."""
    import uvicorn

    from detente.web.app import CONFIG_ENV, ServeConfig, build

    token = token or os.environ.get("DETENTE_TOKEN") or None
    check_bind(host, token, accounts)
    if workers > 1 and not db:
        raise DetenteError(f"--workers {workers}: several server processes share their "
                           "uploads, jobs and users through a database; give --db (a "
                           "PostgreSQL URL for a team)")
    config = ServeConfig(token=token, max_body=max_body, capacity=max_uploads, db=db,
                         allowed_hosts=allowed_hosts(host, allow_host or ()), draws=max_draws,
                         robust=max_robust, samples=max_samples, job_workers=job_workers,
                         compute_workers=compute_workers, max_jobs=max_jobs,
                         per_owner=max_jobs_per_user, dask=dask, accounts=accounts)
    shown = f"[{host}]" if ":" in host else host
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning",
                               "server_header": False, "proxy_headers": True}
    if workers == 1:
        app = build(config)  # errors (no users, a bad --db) before saying it serves
        err_console.print(f"detente: serving on http://{shown}:{port}/ (Ctrl-C to stop)")
        uvicorn.run(app, **options)
        return
    for store in build(config).state.closing:  # check the options once, here
        store.close()
    os.environ[CONFIG_ENV] = config.to_json()
    err_console.print(f"detente: serving on http://{shown}:{port}/ with {workers} processes "
                      "(Ctrl-C to stop)")
    uvicorn.run("detente.web.app:from_environment", factory=True, workers=workers, **options)
