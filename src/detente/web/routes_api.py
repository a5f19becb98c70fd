"""The JSON API: everything the pages do, returning the same JSON as the CLI's
``--format json`` (the same ``to_dict`` of the same API result)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from detente import api
from detente.errors import DetenteError
from detente.present import figures
from detente.present.brief import figure_json
from detente.web.edit import apply_edits
from detente.web.guards import check_deals
from detente.web.limits import MAX_DRAWS, MAX_ROBUST, MAX_SAMPLES, Limits
from detente.web.routes_jobs import API_WAIT, WaitQ, answer, offload
from detente.web.security import workspace_of
from detente.web.store import Entry, NotFound, Workspace, visible
from detente.web.timing import in_thread
from detente.web.work import DEFAULT_TOP

router = APIRouter(prefix="/api")

MAX_UPLOAD = 1_000_000


def store(request: Request) -> Workspace:
    """The scenarios this request's user may see and change: the bundled ones, the
    history store's versions, and their own workspace's uploads."""
    return Workspace(request.app.state.store, workspace_of(request.scope))


def limit(request: Request, **asked: int | None) -> None:
    """Refuse work over the server's limits (:class:`~detente.web.limits.Limits`)."""
    limits: Limits = request.app.state.limits
    limits.check(**asked)


def summary(entry: Entry) -> dict[str, Any]:
    sc = entry.scenario
    return {"id": entry.ref, "kind": entry.kind, **(
                {"shared_by": entry.shared_by} if entry.shared_by else {}),
            "name": sc.name, "title": sc.title,
            "as_of": sc.as_of.isoformat() if sc.as_of else None, "hash": sc.hash,
            "actors": len(sc.actors), "issues": len(sc.issues), "stances": len(sc.stances)}


MAX_SEED = 2**63 - 1
"""Largest seed (the history store keeps seeds as 64-bit integers)."""
SeedQ = Annotated[int, Query(ge=0, le=MAX_SEED, description="Seed: same seed, same result.")]
ModelsQ = Annotated[list[str] | None, Query(
    description="Model to run (repeatable); default: " + ", ".join(api.DEFAULT_MODELS))]


class UploadText(BaseModel):
    """A scenario file's text (any format detente reads), with its file name."""

    text: str = Field(max_length=MAX_UPLOAD)
    filename: str = Field(default="upload.yaml", max_length=200)
    format: str | None = None


class Edits(BaseModel):
    """Field edits: a field path (as in error messages, ``actors[0].capability``) to its
    new value; an empty string clears an optional field."""

    edits: dict[str, Any]


class Change(BaseModel):
    actor: str
    issue: str
    position: float | None = None
    salience: float | None = None


class WhatIf(BaseModel):
    """Stances to move and the models to re-run (default: the fast ones)."""

    changes: list[Change] = Field(default_factory=list, max_length=500)
    models: list[str] | None = None
    seed: int = Field(default=0, ge=0, le=MAX_SEED)


@router.get("/scenarios", summary="The scenarios served: bundled and uploaded")
async def list_scenarios(request: Request) -> list[dict[str, Any]]:
    return [summary(e) for e in await store(request).entries_on_loop()]


@router.post("/scenarios", summary="Upload a scenario file (multipart field 'file')",
             status_code=201)
async def upload(request: Request, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    raw = await file.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise DetenteError(f"{file.filename}: larger than {MAX_UPLOAD:,} bytes")
    name = _filename(file.filename)
    sc = api.loads(raw, name=name)
    return summary(store(request).add(sc, filename=name))


@router.post("/scenarios/text", summary="Upload a scenario as text", status_code=201)
def upload_text(request: Request, body: UploadText) -> dict[str, Any]:
    name = _filename(body.filename)
    sc = api.loads(body.text, name=name, format=body.format)
    return summary(store(request).add(sc, filename=name))


@router.post("/validate", summary="Check a scenario's text; every problem with its field")
def validate(body: UploadText) -> dict[str, Any]:
    sc = api.loads(body.text, name=_filename(body.filename), format=body.format)
    return {"ok": True, "name": sc.name, "actors": len(sc.actors), "issues": len(sc.issues)}


@router.get("/scenarios/{ref}", summary="One scenario in its canonical form (as YAML holds)")
def get_scenario(request: Request, ref: str) -> dict[str, Any]:
    entry = store(request).get(ref)
    return {**summary(entry), "scenario": entry.scenario.to_dict()}


@router.delete("/scenarios/{ref}", summary="Delete an upload", status_code=204)
def delete_upload(request: Request, ref: str) -> Response:
    store(request).remove(ref)
    return Response(status_code=204)


class ShareWith(BaseModel):
    """The team to share an upload with (one you are in: `GET /api/teams`)."""

    team: str = Field(min_length=1, max_length=64)


def _server(request: Request) -> Any:
    """The server's database, when sharing is possible there (accounts on)."""
    if not request.app.state.accounts:
        raise DetenteError("sharing needs accounts: this server runs without them "
                           "(detente serve --db URL --accounts)")
    return request.app.state.store.server


@router.get("/teams", summary="Your teams and their members (with accounts)")
def teams(request: Request) -> list[dict[str, Any]]:
    return [t.to_dict() for t in _server(request).teams(workspace_of(request.scope))]


@router.get("/scenarios/{ref}/shares", summary="The teams one of your uploads is shared with")
def shares(request: Request, ref: str) -> dict[str, Any]:
    server, user = _server(request), workspace_of(request.scope)
    entry = store(request).get(ref)
    if entry.kind != "uploaded":
        return {"id": ref, "teams": [], "shared_by": entry.shared_by or None}
    return {"id": ref, "teams": server.shares(user, ref)}


@router.post("/scenarios/{ref}/shares", summary="Share one of your uploads with a team of "
             "yours: its members see it (read only)")
def share(request: Request, ref: str, body: ShareWith) -> dict[str, Any]:
    server, user = _server(request), workspace_of(request.scope)
    entry = store(request).get(ref)  # 404 for another's upload, as for a missing one
    if entry.kind != "uploaded":
        what = f"shared with you by {entry.shared_by}" if entry.shared_by else entry.kind
        raise DetenteError(f"{ref}: only your own uploads can be shared (this one is {what})")
    if not server.share(user, ref, body.team):
        mine = [t.name for t in server.teams(user)]
        raise NotFound(f"no team {body.team[:64]!r} of yours (your teams: "
                       f"{', '.join(mine) or 'none'}; the administrator adds you to one with "
                       "`detente users team add TEAM USER`)")
    return {"id": ref, "teams": server.shares(user, ref)}


@router.delete("/scenarios/{ref}/shares/{team}", summary="Stop sharing an upload with a team",
               status_code=204)
def unshare(request: Request, ref: str, team: str) -> Response:
    server, user = _server(request), workspace_of(request.scope)
    store(request).get(ref)
    if not server.unshare(user, ref, team):
        raise NotFound(f"{ref} is not shared with a team {team[:64]!r}")
    return Response(status_code=204)


@router.get("/scenarios/{ref}/yaml", summary="One scenario as YAML text")
def get_yaml(request: Request, ref: str) -> Response:
    return Response(api.dumps(store(request).get(ref).scenario), media_type="text/yaml")


@router.post("/scenarios/{ref}/edit", summary="Edit fields; saved only if the result is valid")
def edit(request: Request, ref: str, body: Edits) -> dict[str, Any]:
    entry = store(request).get(ref)
    sc = apply_edits(entry.scenario, body.edits)
    return summary(store(request).replace(ref, sc))


async def entry_of(request: Request, ref: str) -> Entry:
    """The scenario ``ref`` names: a bundled one at once (in memory: no thread), an upload
    or a stored version read off the event loop."""
    found = store(request).bundled(ref)
    return found if found is not None else await in_thread(store(request).get, ref)


@router.get("/scenarios/{ref}/forecast", summary="Forecast (as `detente forecast --format "
            "json`); with draws, a job")
async def forecast(request: Request, ref: str, model: ModelsQ = None, seed: SeedQ = 0,
                   rounds: bool = False,
                   draws: Annotated[int | None, Query(ge=0, le=MAX_DRAWS)] = None,
                   interval: Annotated[float, Query(gt=0, lt=1)] = 0.8,
                   wait: WaitQ = API_WAIT) -> Response:
    limit(request, draws=draws)
    entry = await entry_of(request, ref)
    params: dict[str, Any] = {"models": model or None, "seed": seed, "draws": draws,
                              "interval": interval}
    if not draws:  # points only: interactive, in the compute processes
        key = ("forecast", entry.scenario.hash, json.dumps(params, sort_keys=True), rounds)
        return JSONResponse(await offload(request, forecast_points, entry, params, rounds,
                                          key=key))
    return await answer(request, "forecast", entry, params, wait,
                        (lambda r: r.to_dict(trajectory=True)) if rounds else None)


@router.post("/scenarios/{ref}/whatif", summary="Re-forecast with some stances moved")
async def what_if(request: Request, ref: str, body: WhatIf) -> Response:
    entry = await entry_of(request, ref)
    changes = [c.model_dump() for c in body.changes]
    models = tuple(body.models or api.FAST_MODELS)
    return JSONResponse(await offload(
        request, what_if_points, entry, changes, models, body.seed,
        key=("whatif", entry.scenario.hash, json.dumps(changes, sort_keys=True), models,
             body.seed)))


def forecast_points(entry: Entry, params: dict[str, Any], rounds: bool) -> dict[str, Any]:
    """The forecast route's answer without draws (run in a compute process)."""
    return api.forecast(entry.scenario, **params).to_dict(trajectory=rounds)


def what_if_points(entry: Entry, changes: list[dict[str, Any]], models: tuple[str, ...],
                   seed: int) -> dict[str, Any]:
    """The what-if route's answer: the scenario with the stances moved, forecast (run in a
    compute process)."""
    moved = api.what_if(entry.scenario, [api.StanceChange(**c) for c in changes])
    return api.forecast(moved, models=list(models), seed=seed).to_dict()


@router.get("/scenarios/{ref}/deals", summary="Deals (as `detente deals --format json`); "
            "with robust > 0, a job")
async def deals(request: Request, ref: str,
                top: Annotated[int, Query(ge=1, le=100)] = DEFAULT_TOP,
                utility: str = "linear",
                robust: Annotated[int, Query(ge=0, le=MAX_ROBUST)] = 500,
                wait: WaitQ = API_WAIT) -> Response:
    limit(request, robust=robust)
    entry = await entry_of(request, ref)
    await run_in_threadpool(lambda: check_deals(entry.scenario, utility=utility, draws=robust))
    params = {"utility": utility, "robust": robust}
    return await answer(request, "deals", entry, params, wait,
                        None if top == DEFAULT_TOP else lambda r: r.to_dict(top=top))


@router.get("/scenarios/{ref}/proposals",
            summary="The plans on the table (as `detente proposals --format json`); a job")
async def proposals(request: Request, ref: str,
                    draws: Annotated[int, Query(ge=0, le=MAX_DRAWS)] = 0,
                    seed: SeedQ = 0, amend: str = "fewest", wait: WaitQ = API_WAIT) -> Response:
    limit(request, draws=draws)
    entry = await entry_of(request, ref)
    await run_in_threadpool(lambda: check_deals(
        entry.scenario, packages=len(entry.scenario.proposals), package_draws=draws))
    params = {"draws": draws, "seed": seed, "amend_rule": amend}
    return await answer(request, "proposals", entry, params, wait)


@router.get("/scenarios/{ref}/simulate",
            summary="Monte Carlo (as `detente simulate --format json`); a job")
async def simulate(request: Request, ref: str, model: ModelsQ = None,
                   draws: Annotated[int, Query(ge=1, le=MAX_DRAWS)] = 2000,
                   seed: SeedQ = 0, wait: WaitQ = API_WAIT) -> Response:
    limit(request, draws=draws)
    entry = await entry_of(request, ref)
    params = {"models": model or None, "draws": draws, "seed": seed}
    return await answer(request, "simulate", entry, params, wait)


@router.get("/scenarios/{ref}/sensitivity",
            summary="Sensitivity (as `detente sensitivity --format json`); a job")
async def sensitivity(request: Request, ref: str, model: str = "compromise",
                      method: str = "morris",
                      samples: Annotated[int, Query(ge=2, le=MAX_SAMPLES)] = 8,
                      seed: SeedQ = 0, wait: WaitQ = API_WAIT) -> Response:
    limit(request, samples=samples)
    if method not in ("sobol", "morris"):
        raise DetenteError(f"method {method[:40]!r}: expected sobol or morris")
    entry = await entry_of(request, ref)
    params = {"model": _known(model), "method": method, "samples": samples, "seed": seed}
    return await answer(request, "sensitivity", entry, params, wait)


@router.get("/scenarios/{ref}/figures/{kind}", summary="A Plotly figure as JSON: scales, "
            "trajectories (model=), histograms (draws=), pareto (a=, b=), tornado (issue=), "
            "plans (draws=); the last three as jobs")
async def figure(request: Request, ref: str, kind: str, model: ModelsQ = None,
                 a: str | None = None, b: str | None = None, issue: str | None = None,
                 draws: Annotated[int, Query(ge=1, le=MAX_DRAWS)] = 2000,
                 wait: WaitQ = API_WAIT) -> Response:
    limit(request, draws=draws)
    entry = await entry_of(request, ref)
    sc = entry.scenario
    if kind in ("scales", "trajectories", "pareto"):
        text = await offload(request, light_figure, entry, kind, tuple(model or ()), a, b)
        return Response(text, media_type="application/json")
    if kind == "histograms":
        job: tuple[str, dict[str, Any], Any] = (
            "simulate", {"models": model or None, "draws": draws, "seed": 0},
            lambda r: figures.histograms(r, sc))
    elif kind == "tornado":
        chosen = issue or sc.issue_ids[0]
        if chosen not in sc.issue_ids:
            raise DetenteError(f"unknown issue {chosen!r}; issues are {', '.join(sc.issue_ids)}")
        job = ("sensitivity", {"model": _known((model or ["compromise"])[0]),
                               "method": "morris", "samples": 8, "seed": 0},
               lambda r: figures.tornado(r, chosen, scenario=sc))
    elif kind == "plans":
        await run_in_threadpool(lambda: check_deals(
            sc, packages=len(sc.proposals), package_draws=draws))
        job = ("proposals", {"draws": draws, "models": []}, figures.acceptance_grid)
    else:
        raise DetenteError(f"unknown figure {kind[:40]!r}; expected scales, trajectories, "
                           "histograms, pareto, tornado or plans")
    name, params, make = job
    return await answer(request, name, entry, params, wait,
                        lambda r: json.loads(figure_json(make(r))))


def light_figure(entry: Entry, kind: str, model: tuple[str, ...], a: str | None,
                 b: str | None) -> str:
    """A figure that needs no job, as JSON text (run in a compute process)."""
    sc = entry.scenario
    if kind == "scales":
        fig = figures.issue_scales(sc, api.forecast(sc, models=list(model) or None))
    elif kind == "trajectories":
        name = (model or ("eum",))[0]
        fig = figures.trajectories(api.forecast(sc, models=[name])[name], sc)
    else:
        check_deals(sc)
        first, second = a or sc.actor_ids[0], b or sc.actor_ids[1 % len(sc.actor_ids)]
        fig = figures.pareto(api.deal_pair(sc, (first, second)))
    return figure_json(fig)


@router.get("/scenarios/{ref}/brief", summary="The one-page brief (as `detente report`); "
            "a job", response_class=HTMLResponse)
async def brief(request: Request, ref: str,
                draws: Annotated[int, Query(ge=0, le=MAX_DRAWS)] = 1000, seed: SeedQ = 0,
                interval_draws: Annotated[int, Query(ge=0, le=MAX_DRAWS)] = api.BRIEF_DRAWS,
                wait: WaitQ = API_WAIT) -> Response:
    limit(request, draws=max(draws, interval_draws))
    entry = await entry_of(request, ref)
    await run_in_threadpool(lambda: check_deals(
        entry.scenario, packages=len(entry.scenario.proposals), package_draws=draws))
    params = {"draws": draws, "seed": seed, "interval_draws": interval_draws}
    return await answer(request, "brief", entry, params, wait)


@router.get("/histories", summary="Stored versions, by history (with `detente serve --db`)")
def histories(request: Request) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for v in store(request).versions():
        out.setdefault(v.history, []).append({**v.to_dict(), "ref": f"v-{v.id}"})
    return out


@router.get("/histories/{name}/timeline",
            summary="Forecasts across versions (as `detente history timeline --format json`)")
def timeline(request: Request, name: str, model: ModelsQ = None,
             seed: SeedQ = 0) -> dict[str, Any]:
    return _timeline(request, name, model, seed).to_dict()


def _timeline(request: Request, name: str, models: list[str] | None, seed: int) -> Any:
    history = store(request).history
    if history is None:
        raise NotFound("this server has no history store (start it with --db)")
    if name not in history.histories() or not visible(name, workspace_of(request.scope)):
        shown = name if len(name) <= 40 else name[:37] + "..."
        seen = [h for h in history.histories() if visible(h, workspace_of(request.scope))]
        raise NotFound(f"no history named {shown!r} (histories: {', '.join(seen) or 'none'})")
    return history.timeline(name, models=models or None, seed=seed)


@router.get("/models", summary="The models (as `detente models`)")
async def models() -> list[str]:  # no blocking work: no thread needed
    return [m.name for m in api.list_models()]


def _known(model: str) -> str:
    known = [m.name for m in api.list_models()]
    if model not in known:
        raise DetenteError(f"unknown model {model[:40]!r}; known: {', '.join(known)}")
    return model


def _filename(name: str | None) -> str:
    """The last part of an uploaded file's name, used only to pick a format and to name
    the upload in messages (never as a path)."""
    base = (name or "upload.yaml").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:200] or "upload.yaml"
