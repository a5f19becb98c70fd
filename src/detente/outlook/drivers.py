"""Which input drives the timing: one at a time, each input at two ends, same seed.

Every stated input of the outlook (each process's trend and volatility, each timed
shock's monthly probability, each actor's expected trend and convergence rate, the
lookahead) is set to a low and a high value — the ends of its stated range, else
half and double its value (a probability capped at 1, a rate at 1) — with every other
input as stated, and the outlook re-run on the same seed (the same random numbers:
:mod:`detente.outlook.processes`). An input *drives the timing* as much as the median
month of agreement moves between its two ends (a median beyond the horizon counts as
horizon + 1); ties by the change in P(agreement by the horizon). One-at-a-time: it
shows no interactions between inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from detente.scenario import Scenario

from .paths import OutlookJob
from .processes import Processes
from .result import median_month

Variant = tuple[str, float, float, Callable[[OutlookJob, float], OutlookJob]]


def _set(proc: Processes, name: str, index: tuple[int, ...], value: float,
         dist: str | None = None) -> Processes:
    arr = np.array(getattr(proc, name), dtype=float)
    arr[index] = value
    changes: dict[str, Any] = {name: arr}
    if dist is not None:  # the value replaces a drawn range
        if name == "expected":
            rows = [list(r) for r in proc.expected_dist]
            rows[index[0]][index[1]] = None
            changes[dist] = tuple(tuple(r) for r in rows)
        else:
            d = list(getattr(proc, dist))
            d[index[0]] = None
            changes[dist] = tuple(d)
    return replace(proc, **changes)


def _ends(value: float, dist: Any, cap: float | None = None) -> tuple[float, float]:
    if dist is not None:
        return float(dist.low), float(dist.high)
    lo, hi = value / 2, value * 2
    if value < 0:
        lo, hi = hi, lo
    return lo, hi if cap is None else min(hi, cap)


def variants(job: OutlookJob) -> list[Variant]:
    """Each stated input with its low and high value and how to set it."""
    proc = job.processes
    out: list[Variant] = []

    def with_proc(name: str, index: tuple[int, ...], dist: str | None = None
                  ) -> Callable[[OutlookJob, float], OutlookJob]:
        return lambda j, v: replace(j, processes=_set(j.processes, name, index, v, dist))

    for p, pid in enumerate(proc.pressures):
        if proc.trend[p] != 0 or proc.trend_dist[p] is not None:
            lo, hi = _ends(proc.trend[p], proc.trend_dist[p])
            out.append((f"trend[{pid}]", lo, hi, with_proc("trend", (p,), "trend_dist")))
        if proc.volatility[p] > 0:
            lo, hi = _ends(proc.volatility[p], None)
            out.append((f"volatility[{pid}]", lo, hi, with_proc("volatility", (p,))))
    for s, sid in enumerate(proc.shocks):
        q = proc.shock_probability[s]
        if q > 0:
            lo, hi = _ends(q, None, cap=1.0)
            out.append((f"shock[{sid}]", lo, hi, with_proc("shock_probability", (s,))))
    actors = job.problem.actors
    for a, aid in enumerate(actors):
        for p, pid in enumerate(proc.pressures):
            if np.isnan(proc.expected[a, p]):
                continue
            lo, hi = _ends(proc.expected[a, p], proc.expected_dist[a][p])
            out.append((f"expects[{aid}, {pid}]", lo, hi,
                        with_proc("expected", (a, p), "expected_dist")))
            rate = proc.convergence[a, p]
            if rate > 0:
                lo, hi = _ends(rate, None, cap=1.0)
                out.append((f"convergence[{aid}, {pid}]", lo, hi,
                            with_proc("convergence", (a, p))))
    if job.lookahead > 0:
        lo, hi = _ends(job.lookahead, None)
        out.append(("lookahead", lo, hi, lambda j, v: replace(j, lookahead=v)))
    return out


def timing_drivers(scenario: Scenario, job: OutlookJob) -> list[dict[str, Any]]:
    """Per input, the median month and P(agreement by the horizon) at its two ends,
    ranked by how far the median moves (see the module docstring)."""
    from .run import run_job

    beyond = job.months + 1
    rows: list[dict[str, Any]] = []
    for name, lo, hi, setter in variants(job):
        found: dict[str, tuple[int | None, float]] = {}
        for end, value in (("low", lo), ("high", hi)):
            r = run_job(setter(job, value), engine="local", workers=1)
            found[end] = (median_month(r.agreed), float((r.agreed >= 0).mean()))
        med = [_or(found[e][0], beyond) for e in ("low", "high")]
        rows.append({
            "input": name, "low": lo, "high": hi,
            "median_month_low": found["low"][0], "median_month_high": found["high"][0],
            "p_agreed_low": found["low"][1], "p_agreed_high": found["high"][1],
            "moves_median": abs(med[1] - med[0]),
            "moves_p_agreed": abs(found["high"][1] - found["low"][1]),
        })
    rows.sort(key=lambda r: (-float(r["moves_median"]), -float(r["moves_p_agreed"]),
                             str(r["input"])))
    return rows


def _or(month: int | None, beyond: int) -> int:
    return beyond if month is None else month
