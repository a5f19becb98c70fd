"""The pages: scenarios, one scenario, what-if, deals, plans, simulation, editing, API list.

Pages render with the brief's Jinja2 environment (autoescape on); figures go
into ``<script type="application/json">`` blocks through
:func:`~detente.present.brief.figure_json` and are drawn by ``/static/app.js``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from detente import api
from detente.deals.story import TIE_TOLERANCE
from detente.notes import NEUTRAL_NOTE
from detente.present import figures, wording
from detente.present import proposals as present_plans
from detente.present.brief import TEMPLATES as BRIEF_TEMPLATES
from detente.present.brief import figure_json, script_json, stance_sources
from detente.present.intervals import forecast_grid, interval_basis
from detente.present.palette import model_colours
from detente.present.terminal import visible
from detente.present.violations import violation_items
from detente.scenario import Scenario
from detente.web.errors import wants_html
from detente.web.guards import check_deals
from detente.web.jobs import Job
from detente.web.limits import MAX_DRAWS
from detente.web.routes_api import SeedQ, _timeline, entry_of, limit, store, summary
from detente.web.routes_jobs import Pending, offload, run_job
from detente.web.security import (
    CSRF_TOKEN,
    CURRENT_USER,
    TOKEN_COOKIE,
    safe_next,
    session_cookie,
)
from detente.web.store import Entry
from detente.web.timing import in_thread

router = APIRouter(include_in_schema=False)

HERE = Path(__file__).parent
PAGE_MODELS = (*api.DEFAULT_MODELS, "eum")

STATIC = {  # name -> (file, media type); a request name is only ever a key here
    "app.js": (HERE / "static" / "app.js", "text/javascript"),
    "style.css": (BRIEF_TEMPLATES / "style.css.j2", "text/css"),
}


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(HERE / "templates")),
                                    jinja2.FileSystemLoader(str(BRIEF_TEMPLATES))]),
        autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["visible"] = lambda v: visible(str(v))
    env.filters["num"] = lambda v, nd=1: "—" if v is None else f"{v:.{nd}f}"
    env.globals["note"] = NEUTRAL_NOTE
    env.globals["csrf_token"] = CSRF_TOKEN.get
    env.globals["current_user"] = CURRENT_USER.get
    return env


def render(template: str, **context: Any) -> str:
    """A template's text (also in a compute process: the request's CSRF token and user
    are set there by :func:`~detente.web.compute.ComputePool.run`)."""
    return environment().get_template(template).render(**context)


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, **context), status_code=status)


PAGE_WAIT = 60.0
"""Seconds a page waits for its job before showing that it is still working."""


def working(job: Job) -> HTMLResponse:
    """The page of a job still running: it reloads itself (joining the same job) until
    the job is done."""
    response = page("job.html.j2", status=202, job=job.public())
    response.headers["refresh"] = "2"
    return response


def error_response(request: Request, status: int, body: dict[str, Any]) -> Response:
    """JSON for the API (and any client that does not ask for HTML), a page otherwise."""
    if not wants_html(request.url.path, request.headers.get("accept", "")):
        return JSONResponse(body, status_code=status)
    return page("error.html.j2", status=status, status_code=status, body=body)


@cache
def _plotly_js() -> bytes:
    from detente.present.brief import plotly_js

    return plotly_js().encode()


@router.get("/static/plotly.min.js")
def plotly_static() -> Response:
    return Response(_plotly_js(), media_type="text/javascript",
                    headers={"cache-control": "public, max-age=86400"})


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        return JSONResponse({"error": f"no static file {name[:40]!r}"}, status_code=404)
    path, media = STATIC[name]
    return Response(path.read_bytes(), media_type=media)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return page("login.html.j2", next=safe_next(next), problem="",
                signs_in=request.app.state.signs_in)


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=200)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    """Check the token and keep it in the session cookie (HttpOnly, SameSite=Lax, Secure
    over HTTPS), then go on to ``next`` (a path on this server)."""
    if request.app.state.sign_in(token.strip()) is None:
        return page("login.html.j2", status=401, next=safe_next(next),
                    problem="That token signs in no one here: check it, or ask the "
                    "server's administrator for a new one.",
                    signs_in=request.app.state.signs_in)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.headers.append("set-cookie", session_cookie(
        TOKEN_COOKIE, token.strip(), secure=request.url.scheme == "https").decode("latin-1"))
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """Forget the session cookie."""
    response = RedirectResponse("/login", status_code=303)
    response.headers.append("set-cookie", session_cookie(
        TOKEN_COOKIE, "", secure=request.url.scheme == "https", max_age=0).decode("latin-1"))
    return response


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    def read() -> dict[str, Any]:
        versions = [{**v.to_dict(), "ref": f"v-{v.id}"} for v in store(request).versions()]
        server, user = request.app.state.store.server, CURRENT_USER.get()
        teams = ([t.name for t in server.teams(user)]
                 if request.app.state.accounts and user else [])
        return {"entries": [summary(e) for e in store(request).entries()],
                "versions": versions, "teams": teams, "kept": server is not None}

    # the database read in a thread, the page rendered in a compute process: a page's
    # template is milliseconds of CPU that would hold the server's GIL
    return HTMLResponse(await offload(request, index_html, await in_thread(read)))


def index_html(context: dict[str, Any]) -> str:
    """The front page from what :func:`index` read (run in a compute process)."""
    return render("index.html.j2", **context)


@router.get("/t/{name}", response_class=HTMLResponse)
def timeline_page(request: Request, name: str) -> HTMLResponse:
    result = _timeline(request, name, None, 0)
    figs = {"timeline": figure_json(figures.timeline(result.rows(),
                                                     names=_issue_names(request, result)))}
    return page("timeline.html.j2", name=name, result=result, figures=figs)


def _issue_names(request: Request, result: Any) -> dict[str, str]:
    """Issue id → name, from the newest stored version of a timeline (ids otherwise)."""
    for version in reversed(result.versions):
        try:
            sc = store(request).get(f"v-{version.id}").scenario
        except Exception:
            continue
        return {i.id: i.name for i in sc.issues}
    return {}


def _comparative(sc: Scenario) -> list[dict[str, Any]]:
    rows = []
    for issue in sc.issues:
        cells = []
        for actor in sc.actors:
            st = sc.stance(actor.id, issue.id)
            anchor = issue.nearest_anchor(st.position) if st else None
            cells.append(None if st is None else {
                "position": st.position, "salience": st.salience,
                "label": anchor.label if anchor else "", "evidence": st.evidence,
                "sources": stance_sources(sc, actor.id, issue.id)})
        rows.append({"issue": issue, "cells": cells})
    return rows


@router.get("/s/{ref}", response_class=HTMLResponse)
async def scenario_page(request: Request, ref: str,
                        draws: Annotated[int, Query(ge=0, le=MAX_DRAWS)] = api.BRIEF_DRAWS,
                        seed: SeedQ = 0) -> Response:
    """``draws``: Monte Carlo draws per model for each forecast's median and interval (the
    brief's default; 0 for points only; a job)."""
    limit(request, draws=draws)
    entry = await entry_of(request, ref)
    result = None
    if draws:  # with intervals: a job (points only are computed with the page)
        try:
            result = await run_job(request, "forecast", entry, {
                "models": list(PAGE_MODELS), "draws": draws, "seed": seed}, PAGE_WAIT)
        except Pending as pending:
            return working(pending.job)
    parts = await offload(request, scenario_parts, entry, result, seed,
                          key=("scenario-page", entry.scenario.hash, draws, seed))
    return HTMLResponse(await offload(request, scenario_html, entry, parts, seed))


def scenario_parts(entry: Entry, result: Any, seed: int) -> dict[str, Any]:
    """What the scenario page computes (run in a compute process, kept by the scenario's
    hash, draws and seed: building the Plotly figures is most of a page's CPU time);
    ``result``: the forecast with its intervals, or None for points only (computed here)."""
    sc = entry.scenario
    if result is None:
        result = api.forecast(sc, models=list(PAGE_MODELS), seed=seed)
    return {"result": result, "deals": _deal_story(sc),
            "figures": {"scales": figure_json(figures.issue_scales(sc, result)),
                        "eum": figure_json(figures.trajectories(result["eum"], sc))}}


def scenario_html(entry: Entry, parts: dict[str, Any], seed: int) -> str:
    """The scenario page from :func:`scenario_parts` (run in a compute process)."""
    sc, result, deals = entry.scenario, parts["result"], parts["deals"]
    return render("scenario.html.j2", entry=entry, sc=sc, rows=_comparative(sc),
                  grid=forecast_grid(result), basis=interval_basis(result, seed=seed),
                  models=result.models, figures=parts["figures"], w=wording,
                  story=deals.get("story"), deal_count=deals.get("deals", 0),
                  violations=violation_items(result))


def _deal_story(sc: Scenario) -> dict[str, Any]:
    """The deal analysis the scenario page summarises (empty when it cannot be made, e.g.
    a deal space too large to go through on a page request)."""
    if api.estimate_deals(sc).seconds > 5:
        return {}
    return api.analyse_deals(sc, robust=0).to_dict(top=3)


@router.get("/s/{ref}/whatif", response_class=HTMLResponse)
async def whatif_page(request: Request, ref: str) -> HTMLResponse:
    entry = await entry_of(request, ref)
    result = await offload(request, fast_forecast, entry,
                           key=("fast-forecast", entry.scenario.hash))
    return HTMLResponse(await offload(request, whatif_html, entry, result))


def fast_forecast(entry: Entry) -> Any:
    """The fast models' forecast the what-if page starts from (kept by the scenario's
    hash)."""
    return api.forecast(entry.scenario, models=list(api.FAST_MODELS))


def whatif_html(entry: Entry, result: Any) -> str:
    """The what-if page (run in a compute process)."""
    sc = entry.scenario
    data = {"ref": entry.ref, "models": list(result.models), "actors": list(sc.actor_ids),
            "issues": [{"id": i.id, "name": i.name, "low": i.low, "high": i.high,
                        "anchors": [[a.value, a.label] for a in i.anchors]} for i in sc.issues],
            "forecast": result.to_dict(), "colours": model_colours(list(result.models))}
    return render("whatif.html.j2", entry=entry, sc=sc, forecast=result.rows(),
                  models=result.models, data=script_json(data))


@router.get("/s/{ref}/deals", response_class=HTMLResponse)
async def deals_page(request: Request, ref: str, a: Annotated[int, Query(ge=0)] = 0,
                     b: Annotated[int, Query(ge=0)] = 1) -> HTMLResponse:
    """``a``, ``b``: the two parties of the frontier figure, by their place in the list."""
    entry = await entry_of(request, ref)
    return HTMLResponse(await offload(request, deals_html, entry, a, b))


def deals_html(entry: Entry, a: int, b: int) -> str:
    """The deals page (run in a compute process; refused by the estimate guard first)."""
    sc = entry.scenario
    ids = sc.actor_ids
    first = ids[a] if a < len(ids) else ids[0]
    second = ids[b] if b < len(ids) and ids[b] != first else next(
        (x for x in ids if x != first), first)
    check_deals(sc)
    report = api.analyse_deals(sc, robust=0).to_dict(top=10)  # the page shows no survival
    figs = {"pareto": figure_json(figures.pareto(api.deal_pair(sc, (first, second))))} \
        if first != second else {}
    return render("deals.html.j2", entry=entry, sc=sc, deals=report, a=first, b=second,
                  figures=figs, w=wording, tolerance=TIE_TOLERANCE)


@router.get("/s/{ref}/plans", response_class=HTMLResponse)
async def plans_page(request: Request, ref: str,
                     draws: Annotated[int, Query(ge=0, le=MAX_DRAWS)] = 1000,
                     seed: SeedQ = 0, amend: str = "fewest") -> Response:
    """The plans on the table: ``api.proposals`` shown by :mod:`detente.present.proposals`
    (the CLI's rows and lines), with the acceptance grid figure."""
    limit(request, draws=draws)
    entry = await entry_of(request, ref)
    sc = entry.scenario
    if not sc.proposals:
        return page("plans.html.j2", entry=entry, sc=sc, data=None, draws=draws, seed=seed,
                    amend=amend, figures={})
    await run_in_threadpool(lambda: check_deals(
        sc, packages=len(sc.proposals), package_draws=draws))
    try:
        report = await run_job(request, "proposals", entry, {
            "draws": draws, "seed": seed, "amend_rule": amend}, PAGE_WAIT)
    except Pending as pending:
        return working(pending.job)
    return HTMLResponse(await offload(request, plans_html, entry, report, draws, seed, amend))


def plans_html(entry: Entry, report: Any, draws: int, seed: int, amend: str) -> str:
    """The plans page from its job's report (run in a compute process)."""
    sc = entry.scenario
    data = report.to_dict()
    grids = [present_plans.grid_rows(data)]
    if data["draws"]:
        grids.append(present_plans.grid_rows(data, probability=True))
    plans = [{"heading": present_plans.plan_heading(p), "lines": present_plans.plan_lines(p)}
             for p in data["proposals"]]
    return render("plans.html.j2", entry=entry, sc=sc, data=data, draws=draws, seed=seed,
                  amend=amend, ranking=present_plans.ranking_rows(data), grids=grids,
                plans=plans, common=present_plans.common_ground_lines(data),
                closing=present_plans.CLOSING, share_agreed=wording.SHARE_AGREED,
                share_agreed_meaning=wording.SHARE_AGREED_MEANING.format(
                    draws=f"{data['draws']:,}"),
                figures={"plans": figure_json(figures.acceptance_grid(report))})


@router.get("/s/{ref}/simulate", response_class=HTMLResponse)
async def simulate_page(request: Request, ref: str,
                        draws: Annotated[int, Query(ge=1, le=MAX_DRAWS)] = 2000,
                        seed: SeedQ = 0) -> Response:
    limit(request, draws=draws)
    entry = await entry_of(request, ref)
    try:
        sim = await run_job(request, "simulate", entry, {
            "models": list(api.FAST_MODELS), "draws": draws, "seed": seed}, PAGE_WAIT)
    except Pending as pending:
        return working(pending.job)
    return HTMLResponse(await offload(request, simulate_html, entry, sim, seed))


def simulate_html(entry: Entry, sim: Any, seed: int) -> str:
    """The simulation page from its job's result (run in a compute process)."""
    sc = entry.scenario
    figs = {"histograms": figure_json(figures.histograms(sim, sc)),
            "scales": figure_json(figures.issue_scales(
                sc, api.forecast(sc, models=list(api.FAST_MODELS), seed=seed), sim))}
    return render("simulate.html.j2", entry=entry, sc=sc, rows=sim.summary_rows(), sim=sim,
                  figures=figs)


OUTLOOK_MONTHS = 60
OUTLOOK_PATHS = 5000
"""The outlook page's limits: a request computes at most 60 months × 5,000 paths (the
CLI and the API take more)."""


@router.get("/s/{ref}/outlook", response_class=HTMLResponse)
async def outlook_page(request: Request, ref: str,
                       months: Annotated[int, Query(ge=1, le=OUTLOOK_MONTHS)] = 24,
                       paths: Annotated[int, Query(ge=1, le=OUTLOOK_PATHS)] = 2000,
                       seed: SeedQ = 0,
                       agreement: Literal["settlements", "any"] = "settlements") -> Response:
    """The outlook over time (``api.outlook``, no drivers; a job): by month, the packages
    most often agreed with their guarantees by phase, the terms, and the two figures; where
    the scenario states its conflict (``conflict:``), the outside view beside it (the
    reference class's P(ending by month), ``api.outside_view``). By default only
    settlements count as agreements (as on page 1 of the brief; no effect where the scenario
    marks no costs of fighting); ``agreement=any`` counts any acceptable package."""
    entry = await entry_of(request, ref)
    try:
        result = await run_job(request, "outlook", entry, {
            "months": months, "paths": paths, "seed": seed, "drivers": False,
            "workers": 1, "settlements_only": agreement == "settlements"}, PAGE_WAIT)
    except Pending as pending:
        return working(pending.job)
    return HTMLResponse(await offload(request, outlook_html, entry, result, months))


def outlook_html(entry: Entry, result: Any, months: int) -> str:
    """The outlook page from its job's result (run in a compute process)."""
    from detente.present.outlook import (
        AGREEMENT_LABEL,
        agreement_words,
        beside_outside_view,
        pledge_text,
        shown_months,
    )

    sc = entry.scenario
    out = result.to_dict()
    figs = {"outlook-curve": figure_json(figures.outlook_curve(result)),
            "outlook-fan": figure_json(figures.outlook_fan(result))}
    rates = api.outside_view(sc, months=months)
    beside = beside_outside_view(result, rates)
    if beside is not None:
        figs["outlook-outside-view"] = figure_json(figures.ending_by_month(
            rates.ending, agreement={"months": list(range(1, months + 1)),
                                     "p": list(result.p_agreed_by[1:])},
            agreement_label=AGREEMENT_LABEL))
    return render("outlook.html.j2", entry=entry, sc=sc, out=out, beside=beside,
                  pledge_text=pledge_text, agreement_words=agreement_words,
                  months=[out["by_month"][t] for t in shown_months(months)],
                  max_months=OUTLOOK_MONTHS, max_paths=OUTLOOK_PATHS, figures=figs)


@router.get("/s/{ref}/edit", response_class=HTMLResponse)
async def edit_page(request: Request, ref: str) -> HTMLResponse:
    entry = await entry_of(request, ref)
    return HTMLResponse(await offload(request, edit_html, entry))


def edit_html(entry: Entry) -> str:
    """The edit page (run in a compute process: 4 ms of template on the bundled
    scenario)."""
    data = entry.scenario.to_dict()
    return render("edit.html.j2", entry=entry, sc=entry.scenario, data=data,
                  data_json=script_json({"ref": entry.ref, "scenario": data}))


@router.get("/api-docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    ops = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
            "params": [p["name"] for p in op.get("parameters", [])]}
           for path, item in schema["paths"].items() for method, op in item.items()]
    return page("api.html.j2", ops=ops)
