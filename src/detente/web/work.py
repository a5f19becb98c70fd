"""The heavy operations the web app runs as jobs, as one picklable function.

:func:`compute` runs in a worker process (or on a Dask worker): it gets a scenario as
its canonical dict and the operation's parameters, calls :mod:`detente.api` as the
CLI does, and returns the API's result object; :func:`run` also packs it for the server
(:class:`Outcome`). Nothing here knows of HTTP.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from detente import api
from detente.errors import DetenteError
from detente.scenario import Scenario

PRELOAD = ("detente.web.work", "xarray", "dask.array", "jinja2", "scipy.sparse")
"""What the fork server of the job and compute processes imports once, so that no process
it starts pays for it: detente, and what putting a result in the API's form imports on
first use (xarray, pandas, dask: 1.6 CPU-s in every job process otherwise, 0.1 with them;
a module that is not installed is skipped)."""

KINDS = ("simulate", "deals", "proposals", "sensitivity", "brief", "forecast", "outlook")
"""The operations that run as jobs (each the API function of the same name)."""


def compute(kind: str, scenario: Mapping[str, Any], params: Mapping[str, Any]) -> Any:
    """``api.<kind>(scenario, **params)``: the result object the CLI would format."""
    sc = Scenario.from_dict(dict(scenario), file="job")
    p = dict(params)
    if kind == "simulate":
        return api.simulate(sc, request=api.SimulationRequest.of(**p))
    if kind == "deals":
        return api.analyse_deals(sc, request=api.DealRequest.of(**p))
    if kind == "proposals":
        return api.proposals(sc, request=api.ProposalRequest.of(**p))
    if kind == "sensitivity":
        return api.sensitivity(sc, p.pop("model"), **p)
    if kind == "brief":
        return api.brief(sc, **p)
    if kind == "forecast":
        return api.forecast(sc, **p)
    if kind == "outlook":
        return api.outlook(sc, request=api.OutlookRequest.of(**p))
    raise DetenteError(f"unknown job kind {kind[:40]!r}; expected {', '.join(KINDS)}")


DEFAULT_TOP = 5
"""Packages a deals answer lists unless asked for more or fewer (``top``)."""


def shown(kind: str, result: Any) -> tuple[str, bool]:
    """The API's default form of a job's result: the JSON text of the CLI's
    ``--format json`` (the deals' top 5), or the brief's HTML; and whether it is HTML."""
    if kind == "brief":
        from detente.present.brief import render_html

        return render_html(result, served=True), True
    data = result.to_dict(top=DEFAULT_TOP) if kind == "deals" else result.to_dict()
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")), False


@dataclass(frozen=True)
class Outcome:
    """A job's result as its own process hands it back: pickled (the server stores it as
    it is and unpickles it only for a page that needs the object) and in the API's
    default form (:func:`shown`), made here so that the server process never spends that
    CPU: a 2,000-draw simulation's ``to_dict`` is 1.1 CPU-s, which held the server's GIL
    while every light request waited. ``text`` is None when the form could not be made
    (the server then makes it when asked, and says why it fails)."""

    result: bytes
    text: str | None
    html: bool = False


def run(kind: str, scenario: Mapping[str, Any], params: Mapping[str, Any]) -> Outcome:
    """:func:`compute`, packed for the server (:class:`Outcome`)."""
    result = compute(kind, scenario, params)
    packed = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        text, html = shown(kind, result)
    except Exception:  # not this process's to report: the server's fallback does
        return Outcome(packed, None)
    return Outcome(packed, text, html)


def watch_server(pid: int, every: float = 1.0) -> None:
    """Exit this worker process when the server process ``pid`` is gone (killed, or
    stopped before it could stop its workers): a worker never outlives its server."""

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # another user's process took the number: gone too
                os._exit(0)

    threading.Thread(target=watch, name="detente-watch-server", daemon=True).start()


JOB_NICE = 19
"""How much lower than the server a job's process runs: the lowest priority there is
(a CPU weight 1/68 of the server's, 1/7 of the compute processes'), so that heavy work
takes only the CPU that the server and the interactive work leave."""


def lower_priority() -> None:
    """Run a job's process below the server's priority (:data:`JOB_NICE`), so that light
    requests answered by the server itself keep the CPU first when both want it."""
    with contextlib.suppress(OSError):  # not allowed here: the same priority then
        os.nice(JOB_NICE)
