"""Which uncertain inputs move each issue's outcome most.

Two views, both over the inputs of :func:`~detente.uncertainty.sampling.input_space`
(each mapped from [0, 1] through its declared distribution's inverse CDF):

- **Global indices from SALib.** ``method="sobol"``: Saltelli's sampling and
  Sobol's first-order index S1 (the share of the outcome's variance an input
  explains alone) and total index ST (alone and in interaction with others),
  with bootstrap confidence half-widths. ``method="morris"``: elementary
  effects, μ* (mean absolute effect of moving the input across its range, in
  the issue's units) and σ (their spread: non-linearity or interaction).
  Indices treat inputs as independent (a scenario's copula correlations are
  not used here). ``by="actor"`` groups every input of an actor together.
- **Tornado (one at a time).** Every input is set to the low and then the high
  end of its declared range, all others at their stated values; the swing
  |f(high) − f(low)| of the model's forecast ranks the inputs, and the two
  outcomes are the bars of a tornado plot around the point forecast.
- **The response over the whole range.** The ends can hide what happens in
  between (a knife-edge: equal outcomes at both ends, another one inside), so
  each input is also moved across ``grid`` evenly spaced values of its range
  (ends included), others at their stated values: ``outcome_min`` and
  ``outcome_max`` over the grid, the ``curve`` itself, and ``non_monotone``
  when the outcome both rises and falls along the grid by more than
  ``MONOTONE_TOL`` of the issue's scale.
- **Flags.** ``interaction`` marks an input whose effect works mostly through
  others: Sobol ST − S1 ≥ ``INTERACTION_GAP`` (0.2), or Morris σ > μ* (the
  elementary effects vary more than their mean size).

Issues whose outcome never varies get indices of 0; issues with no outcome
in some sample (NaN) get NaN.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from detente.errors import DetenteError
from detente.extras import extras_of
from detente.json_values import json_ready
from detente.models.base import Model
from detente.scenario import Scenario
from detente.uncertainty.sampling import InputSpace, input_space

Method = Literal["sobol", "morris"]
EVAL_CHUNK = 16384
"""Rows of the SALib sample evaluated at once (bounds memory)."""
GRID = 9
"""Values per input in the whole-range scan (ends included)."""
MONOTONE_TOL = 0.01
"""A rise and a fall each larger than this share of the issue's scale make a response
non-monotone."""
INTERACTION_GAP = 0.2
"""Sobol ST − S1 at or above this marks an input as interaction-dominated."""
SALIB_SEED_FOR_ZERO = 2**32
"""SALib's Sobol analysis reads a seed of 0 as no seed (an unseeded bootstrap, so the
confidence half-widths changed from run to run); seed 0 is handed to it as this instead."""


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """Indices per issue and input (or group), and the tornado swings.

    ``indices`` and ``tornado`` are pandas DataFrames (long form), see
    :meth:`tornado_rows` for one issue's ranked table.
    """

    model: str
    method: str
    samples: int
    seed: int
    point: dict[str, float]
    indices: Any
    tornado: Any

    def ranked(self, issue: str, top: int | None = None) -> Any:
        """One issue's inputs, most influential first (by ST or μ*), with tornado bars."""
        key = "ST" if self.method == "sobol" else "mu_star"
        idx = self.indices[self.indices["issue"] == issue].set_index("input")
        tor = self.tornado[self.tornado["issue"] == issue]
        if "group" in idx.columns and idx["group"].notna().all():
            tor = tor.groupby("group")["swing"].max().rename("swing")
            out = idx.join(tor, on="input") if len(idx) else idx
        else:
            out = idx.join(tor.set_index("input")[["low", "high", "outcome_low",
                                                   "outcome_high", "swing", "outcome_min",
                                                   "outcome_max", "non_monotone", "curve"]])
        out = out.sort_values([key, "swing"], ascending=False, na_position="last")
        return out.head(top) if top else out

    def to_dict(self) -> dict[str, Any]:
        def records(df: Any) -> list[dict[str, Any]]:
            return [json_ready(row) for row in df.to_dict(orient="records")]

        return {"model": self.model, "method": self.method, "samples": self.samples,
                "seed": self.seed, "point": self.point, "indices": records(self.indices),
                "tornado": records(self.tornado)}


def sensitivity(
    scenario: Scenario,
    model: Model,
    *,
    method: Method = "sobol",
    samples: int = 1024,
    seed: int = 0,
    by: Literal["input", "actor"] = "input",
    issues: Sequence[str] | None = None,
    num_levels: int = 4,
) -> Sensitivity:
    """Sensitivity of ``model``'s forecast on each issue to the scenario's uncertain inputs.

    ``samples`` is SALib's base sample size N (Sobol: N·(K + 2) model runs for K
    inputs, N rounded up to a power of two; Morris: N trajectories, N·(K + 1) runs).
    """
    space = input_space(scenario)
    if space.size == 0:
        raise DetenteError("the scenario declares no uncertainty: nothing to be sensitive to "
                           "(add ranges under 'uncertainty' or 'capability_uncertainty')")
    if samples < 2:
        raise DetenteError(f"samples must be at least 2 (got {samples})")
    if method not in ("sobol", "morris"):
        raise DetenteError(f"unknown method {method!r}; use sobol or morris")
    wanted = list(issues or scenario.issue_ids)
    for name in wanted:
        if name not in scenario.issue_ids:
            raise DetenteError(f"no issue {name!r}; issues are {', '.join(scenario.issue_ids)}")
    model = model.bind(extras_of(scenario))
    model.check(space.base)
    problem: dict[str, Any] = {"num_vars": space.size, "names": space.names,
                               "bounds": [[0.0, 1.0]] * space.size}
    groups = None
    if by == "actor":
        groups = [x.actor for x in space.inputs]
        problem["groups"] = groups
    i_index = [scenario.issue_ids.index(n) for n in wanted]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's notes on sample sizes and convergence
        if method == "sobol":
            from SALib.analyze import sobol as analyze
            from SALib.sample import sobol as sample

            n = 1 << max(1, math.ceil(math.log2(samples)))
            x = sample.sample(problem, n, calc_second_order=False, seed=seed)
        else:
            from SALib.analyze import morris as analyze
            from SALib.sample import morris as sample

            n = samples
            x = sample.sample(problem, n, num_levels=num_levels, seed=seed)
        y = _evaluate(space, model, x, seed)[:, i_index]
        rows = []
        names = list(dict.fromkeys(groups)) if groups else space.names
        for k, issue in enumerate(wanted):
            yk = y[:, k]
            res = _analyse(method, analyze, problem, x, yk, seed, num_levels, len(names))
            for j, name in enumerate(names):
                row: dict[str, Any] = {"issue": issue, "input": name}
                if groups:
                    row["group"] = name
                row.update({key: float(vals[j]) for key, vals in res.items()})
                row["interaction"] = interaction_dominated(row)
                rows.append(row)

    import pandas as pd

    tornado = _tornado(space, model, seed)
    tor_rows = []
    for k, issue in enumerate(scenario.issue_ids):
        if issue not in wanted:
            continue
        base = tornado["point"][k]
        for j, inp in enumerate(space.inputs):
            lo, hi = tornado["low"][j, k], tornado["high"][j, k]
            curve = tornado["curve"][j, :, k]
            span = scenario.issues[k].high - scenario.issues[k].low
            tor_rows.append({
                "issue": issue, "input": inp.name, "group": inp.actor, "kind": inp.kind,
                "point": float(base), "low": float(inp.declared.low),
                "high": float(inp.declared.high),
                "outcome_low": float(lo), "outcome_high": float(hi),
                "swing": float(abs(hi - lo)),
                "outcome_min": float(np.nanmin(np.r_[curve, lo, hi])),
                "outcome_max": float(np.nanmax(np.r_[curve, lo, hi])),
                "non_monotone": non_monotone(curve, MONOTONE_TOL * span),
                "curve": [float(v) for v in curve],
            })
    point = {i: float(v) for i, v in zip(scenario.issue_ids, tornado["point"], strict=True)}
    return Sensitivity(model.name, method, int(n), seed, point, pd.DataFrame(rows),
                       pd.DataFrame(tor_rows))


def non_monotone(curve: np.ndarray, tol: float) -> bool:
    """Whether ``curve`` both rises and falls by more than ``tol`` (NaN: never)."""
    steps = np.diff(np.asarray(curve, dtype=float))
    if np.isnan(steps).any():
        return False
    return bool(steps.max(initial=0.0) > tol and -steps.min(initial=0.0) > tol)


def interaction_dominated(row: dict[str, Any]) -> bool:
    """Sobol: ST − S1 ≥ ``INTERACTION_GAP``; Morris: σ > μ* (NaN: no)."""
    if "ST" in row:
        gap = row["ST"] - row["S1"]
        return bool(np.isfinite(gap) and gap >= INTERACTION_GAP)
    sigma, mu = row.get("sigma", math.nan), row.get("mu_star", math.nan)
    return bool(np.isfinite(sigma) and np.isfinite(mu) and mu > 0 and sigma > mu)


def _evaluate(space: InputSpace, model: Model, u: np.ndarray, seed: int) -> np.ndarray:
    """Outcomes ``[n, I]`` at unit-cube points ``u[n, K]``, in chunks of rows."""
    rng = np.random.default_rng(seed)
    out = [np.asarray(model.forecast(space.apply(space.from_unit(u[s : s + EVAL_CHUNK])),
                                     rng=rng).outcome, dtype=float)
           for s in range(0, len(u), EVAL_CHUNK)]
    return np.concatenate(out)


def _analyse(method: str, analyze: Any, problem: dict[str, Any], x: np.ndarray,
             y: np.ndarray, seed: int, num_levels: int, n_names: int) -> dict[str, np.ndarray]:
    keys = ("S1", "S1_conf", "ST", "ST_conf") if method == "sobol" else (
        "mu_star", "mu_star_conf", "sigma")
    if np.isnan(y).any():
        return {k: np.full(n_names, np.nan) for k in keys}
    if np.ptp(y) == 0:
        return {k: np.zeros(n_names) for k in keys}
    if method == "sobol":
        res = analyze.analyze(problem, y, calc_second_order=False,
                              seed=seed or SALIB_SEED_FOR_ZERO)
    else:
        res = analyze.analyze(problem, x, y, num_levels=num_levels, seed=seed)
    return {k: np.asarray(res[k], dtype=float) for k in keys}


def _tornado(space: InputSpace, model: Model, seed: int) -> dict[str, np.ndarray]:
    """Outcomes with each input at the low / high end of its range, others at their points."""
    k = space.size
    point_vals = np.array([x.point for x in space.inputs])
    lows = np.array([x.declared.low for x in space.inputs])
    highs = np.array([x.declared.high for x in space.inputs])
    vals = np.repeat(point_vals[None, :], 2 * k + 1, axis=0)
    vals[np.arange(k), np.arange(k)] = lows
    vals[k + np.arange(k), np.arange(k)] = highs
    out = np.asarray(model.forecast(space.apply(vals), rng=np.random.default_rng(seed)).outcome,
                     dtype=float)
    # the whole-range scan: input j at GRID values, others at their points (one batch)
    steps = np.linspace(0.0, 1.0, GRID)
    scan = np.repeat(point_vals[None, :], k * GRID, axis=0)
    rows = np.arange(k * GRID).reshape(k, GRID)
    for j in range(k):
        scan[rows[j], j] = lows[j] + (highs[j] - lows[j]) * steps
    curve = np.asarray(model.forecast(space.apply(scan), rng=np.random.default_rng(seed))
                       .outcome, dtype=float).reshape(k, GRID, -1)
    return {"low": out[:k], "high": out[k : 2 * k], "point": out[2 * k], "curve": curve}
