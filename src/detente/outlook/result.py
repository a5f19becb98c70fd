"""The outlook's result: per-month probabilities, terms, packages, holding, drivers."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.deals.guarantees import named_guarantors
from detente.notes import neutral_note
from detente.scenario import Scenario

from .agreement import AgreementRule
from .holding import PlanGuarantee, holds, plan_guarantees
from .paths import HIST_HIGH, HIST_LOW, OutlookJob

FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

NOTE = neutral_note(
    "Outlook probabilities, terms and guarantees",
    basis=" (pressures' processes, each actor's expectations, the agreement rule and the "
    "power shifts after an agreement)")


@dataclass(eq=False)
class Reduced:
    """Every path's results in path order, and the per-month tallies."""

    first_open: np.ndarray
    agreed: np.ndarray
    package: np.ndarray
    batna_at_agreement: np.ndarray
    renege: np.ndarray
    open_count: np.ndarray
    hist: np.ndarray


def by_month(month: np.ndarray, months: int) -> np.ndarray:
    """``P[T+1]``: the share of paths whose event month (−1: never) is at most ``t``."""
    hit = month[month >= 0]
    counts = np.bincount(hit, minlength=months + 1)[: months + 1]
    return np.cumsum(counts) / max(len(month), 1)


def median_month(month: np.ndarray) -> int | None:
    """The median month of an event that may not happen (−1): the smallest ``t`` with
    P(by ``t``) >= 1/2, ``None`` when fewer than half the paths reach it."""
    if not len(month):
        return None
    k = math.ceil(len(month) / 2) - 1
    ordered = np.sort(np.where(month >= 0, month, np.iinfo(np.int64).max))
    value = ordered[k]
    return None if value == np.iinfo(np.int64).max else int(value)


def fan(hist: np.ndarray, quantiles: tuple[float, ...] = FAN_QUANTILES) -> np.ndarray:
    """``[T+1, A, Q]``: quantiles of the no-deal values read from their histograms
    (linear within a bin, as :mod:`detente.uncertainty.simulate` reads its own)."""
    from detente.uncertainty.simulate import _hist_quantiles

    t1, n_a, bins = hist.shape
    edges = np.repeat(np.linspace(HIST_LOW, HIST_HIGH, bins + 1)[None, :], n_a, axis=0)
    return _hist_quantiles(hist, edges, np.asarray(quantiles), np.full((t1, n_a), HIST_LOW),
                           np.full((t1, n_a), HIST_HIGH))


@dataclass(frozen=True, eq=False)
class Outlook:
    """What the model derives over the months from the stated assumptions."""

    scenario: str
    scenario_hash: str
    months: int
    paths: int
    seed: int
    rule: AgreementRule
    solution: str
    lookahead: float
    hold_months: int
    coverage: float
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    p_open: np.ndarray
    p_exists_by: np.ndarray
    p_agreed_by: np.ndarray
    median_open: int | None
    median_agreed: int | None
    terms: dict[str, dict[str, float]]
    packages: tuple[dict[str, Any], ...]
    holds: float | None
    batna_fan: np.ndarray
    inputs: tuple[dict[str, Any], ...]
    drivers: tuple[dict[str, Any], ...] | None = None
    plans: dict[int, list[PlanGuarantee]] = field(default_factory=dict)
    parties: tuple[str, ...] = ()
    settlements_only: bool = False
    """Only settlements counted as agreements (packages under which no fighting continues;
    :func:`detente.deals.fighting.settles`)."""
    guarantors: dict[str, float] = field(default_factory=dict)
    """The scenario's named guarantors with their credibility (who pledges the guarantees;
    :func:`detente.deals.guarantees.named_guarantors`)."""

    @classmethod
    def build(cls, scenario: Scenario, job: OutlookJob, r: Reduced, *, coverage: float,
              top: int, drivers: list[dict[str, Any]] | None) -> Outlook:
        problem, cand = job.problem, job.candidates
        ok = r.package >= 0
        pk = r.package[ok]
        terms: dict[str, dict[str, float]] = {}
        for i, issue in enumerate(problem.issues):
            names = problem.space.option_names[i]
            counts = np.bincount(cand.options[pk, i], minlength=len(names)) if len(pk) else \
                np.zeros(len(names))
            terms[issue] = {names[o]: float(c / len(pk)) for o, c in enumerate(counts)
                            if c > 0}
        held = None
        if job.holding and job.hold_months > 0 and len(pk):
            held = float(holds(cand.utility[pk], job.consent[pk], r.renege[ok]).mean())
        guarantors = named_guarantors(scenario.issues)
        uniq, counts = np.unique(pk, return_counts=True)
        order = np.lexsort((uniq, -counts))[:top]
        packages = []
        for j in order:
            c = int(uniq[j])
            rows = np.flatnonzero(r.package == c)
            entry: dict[str, Any] = {
                "deal": problem.space.labels(cand.options[c]),
                "share": float(len(rows) / job.paths),
                "share_of_agreed": float(len(rows) / len(pk)),
                "median_month": median_month(r.agreed[rows]),
                "utility": {a: float(cand.utility[c, k]) for k, a in enumerate(problem.actors)},
                "consent_of": [a for k, a in enumerate(problem.actors) if job.consent[c, k]],
            }
            if held is not None:
                entry["holds"] = float(holds(cand.utility[np.full(len(rows), c)],
                                             job.consent[np.full(len(rows), c)],
                                             r.renege[rows]).mean())
                plans = plan_guarantees(problem, cand.options[c], r.batna_at_agreement[rows[0]],
                                        r.renege[rows], coverage=coverage,
                                        guarantors=guarantors)
                entry["plans"] = [p.to_dict() for p in plans]
            packages.append(entry)
        return cls(
            scenario=scenario.name, scenario_hash=scenario.hash, months=job.months,
            paths=job.paths, seed=job.seed, rule=job.rule, solution=job.solution,
            lookahead=job.lookahead, hold_months=job.hold_months, coverage=coverage,
            actors=problem.actors, issues=problem.issues,
            p_open=r.open_count / job.paths,
            p_exists_by=by_month(r.first_open, job.months),
            p_agreed_by=by_month(r.agreed, job.months),
            median_open=median_month(r.first_open), median_agreed=median_month(r.agreed),
            terms=terms, packages=tuple(packages), holds=held, batna_fan=fan(r.hist),
            inputs=tuple(stated_inputs(scenario)),
            drivers=None if drivers is None else tuple(drivers), parties=job.parties,
            settlements_only=job.settlements_only, guarantors=guarantors,
        )

    # ---- output -------------------------------------------------------------------------
    def month_rows(self) -> list[dict[str, Any]]:
        """One row per month: P(open now), P(an acceptable package exists by then),
        P(agreement by then), and each actor's median no-deal value."""
        return [{"month": t, "p_open": float(self.p_open[t]),
                 "p_exists_by": float(self.p_exists_by[t]),
                 "p_agreed_by": float(self.p_agreed_by[t]),
                 **{f"batna_{a}": float(self.batna_fan[t, k, FAN_QUANTILES.index(0.5)])
                    for k, a in enumerate(self.actors)}}
                for t in range(self.months + 1)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "note": NOTE,
            "scenario": self.scenario, "scenario_hash": self.scenario_hash,
            "months": self.months, "paths": self.paths, "seed": self.seed,
            "rule": self.rule.to_dict(), "solution": self.solution,
            "lookahead": self.lookahead, "hold_months": self.hold_months,
            "coverage": self.coverage,
            "parties": list(self.parties),
            "settlements_only": self.settlements_only,
            "median_month_open": self.median_open,
            "median_month_agreed": self.median_agreed,
            "p_agreed_by_horizon": float(self.p_agreed_by[-1]),
            "by_month": self.month_rows(),
            "terms": self.terms,
            "packages": list(self.packages),
            "guarantors": self.guarantors,
            "holds": self.holds,
            "batna_fan": {
                "quantiles": list(FAN_QUANTILES),
                "values": {a: self.batna_fan[:, k, :].tolist()
                           for k, a in enumerate(self.actors)}},
            "inputs": list(self.inputs),
            "drivers": None if self.drivers is None else list(self.drivers),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def stated_inputs(scenario: Scenario) -> list[dict[str, Any]]:
    """What moves in the outlook, with where each number comes from."""
    out: list[dict[str, Any]] = []
    for p in scenario.pressures:
        if p.process is not None:
            pr = p.process
            out.append({"input": f"trend[{p.id}]", "value": pr.trend,
                        "range": None if pr.trend_uncertainty is None else
                        [pr.trend_uncertainty.low, pr.trend_uncertainty.high],
                        "volatility": pr.volatility, "after_agreement": pr.after_agreement,
                        "sources": list(pr.sources), "assumption": pr.assumption})
    for k in scenario.shocks:
        if k.monthly_probability is not None:
            out.append({"input": f"shock[{k.id}]", "value": k.monthly_probability,
                        "recurring": k.recurring, "sources": list(k.sources)})
    for a in scenario.actors:
        for pid, e in a.expectations.items():
            out.append({"input": f"expects[{a.id}, {pid}]", "value": e.trend,
                        "range": None if e.trend_uncertainty is None else
                        [e.trend_uncertainty.low, e.trend_uncertainty.high],
                        "convergence": e.convergence, "sources": list(e.sources),
                        "assumption": e.assumption})
    return out
