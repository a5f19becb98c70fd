"""Intervals from a model's own errors on real outcomes, for scenarios that state no uncertainty.

A scenario that gives every input as a point (every DEU issue, many
hand-made scenarios) has no Monte Carlo spread; input noise calibrated on
real outcomes covered only a fifth to a third of them (``docs/accuracy.md``,
step 5). What does cover them is the model's record: on EU legislative
decisions with known outcomes (DEU I/II) each model's forecasts miss by a
measured amount, and an interval built from those misses (split-conformal
prediction) holds the stated share of outcomes it never saw.

For a forecast ``f`` on an issue of scale ``[low, high]`` (span ``w``):

    scale  s = w × floor + d,   d one of (``construction``)
        "span":      d = 0 (floor 1: the interval is a share of the scale)
        "spread":    standard deviation of the positions of actors with salience > 0
        "range":     max − min of those positions
        "deviation": Σ salienceᵢ capabilityᵢ |xᵢ − f| / Σ salienceᵢ capabilityᵢ
    score  r = |outcome − f| / s               (on the calibration issues)
    q_L    = the ⌈(n + 1) L⌉-th smallest of the n scores (∞ beyond n)
    interval at level L = [f − q_L s, f + q_L s] ∩ [low, high].

The construction and its floor are chosen per model by proposal-grouped CV
(mean interval score at 50% and 80%) and the scores are computed by
``tools/accuracy_study.py intervals`` (:mod:`detente.backtest.residual_fit`);
they ship as data in ``residual_calibration.json`` beside this module, with
their provenance. They hold for the model with the parameters it was
calibrated with; another parameter set gets no interval rather than a
borrowed one. Errors on EU decisions say how far these models miss there,
not in every negotiation: every output that shows these intervals says where
they come from (:func:`residual_note`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.models.base import Forecast
from detente.scenario import Scenario
from detente.uncertainty.distribution import OutcomeDistribution

RESIDUAL_FILE = Path(__file__).with_name("residual_calibration.json")
CONSTRUCTIONS: tuple[str, ...] = ("span", "spread", "range", "deviation")


def dispersion(positions: np.ndarray, salience: np.ndarray, capability: np.ndarray,
               point: float, construction: str) -> float:
    """The term ``d`` of the module formula (0 for ``span``), in the issue's units."""
    if construction == "span":
        return 0.0
    active = salience > 0
    if not active.any():
        active = np.ones(len(positions), dtype=bool)
    x = positions[active]
    if construction == "spread":
        return float(np.std(x))
    if construction == "range":
        return float(np.ptp(x))
    if construction == "deviation":
        w = salience[active] * capability[active]
        if not w.sum() > 0:
            w = np.ones(len(x))
        return float(np.sum(w * np.abs(x - point)) / np.sum(w))
    raise DetenteError(f"unknown interval construction {construction!r}; expected one of "
                       f"{', '.join(CONSTRUCTIONS)}")


def issue_inputs(scenario: Scenario, issue: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions, saliences and capabilities of the actors with a stance on ``issue``."""
    capability = {a.id: a.capability for a in scenario.actors}
    stances = [s for s in scenario.stances if s.issue == issue]
    return (np.array([s.position for s in stances], dtype=float),
            np.array([s.salience for s in stances], dtype=float),
            np.array([capability[s.actor] for s in stances], dtype=float))


def conformal_quantile(sorted_scores: np.ndarray, level: float) -> float:
    """The ⌈(n + 1) level⌉-th smallest score (``inf`` when that exceeds n): the split-conformal
    quantile, which covers a new exchangeable case with probability ≥ level."""
    n = len(sorted_scores)
    k = math.ceil((n + 1) * level - 1e-9)
    return float("inf") if k > n or n == 0 else float(sorted_scores[max(k, 1) - 1])


@dataclass(frozen=True)
class ResidualCalibration:
    """One model's calibration: its construction and its sorted standardised errors."""

    model: str
    params: Mapping[str, Any]
    construction: str
    floor: float
    scores: tuple[float, ...]
    issues: int
    proposals: int

    def scale(self, positions: np.ndarray, salience: np.ndarray, capability: np.ndarray,
              point: float, span: float) -> float:
        """``s`` of the module formula."""
        return span * self.floor + dispersion(positions, salience, capability, point,
                                              self.construction)

    def interval(self, point: float, scale: float, level: float, low: float, high: float
                 ) -> tuple[float, float]:
        """The central ``level`` interval around ``point``, clipped to ``[low, high]``."""
        h = conformal_quantile(np.asarray(self.scores), level) * scale
        return max(low, point - h), min(high, point + h)


@dataclass(frozen=True)
class ResidualTable:
    """Every shipped calibration, with where its errors come from."""

    source: str
    issues: int
    proposals: int
    calibrations: Mapping[str, ResidualCalibration]

    def for_forecast(self, model: str, params: Mapping[str, Any]) -> ResidualCalibration | None:
        """The calibration of ``model`` when run with exactly the calibrated ``params``."""
        from detente.json_values import json_ready

        cal = self.calibrations.get(model)
        if cal is None or json_ready(dict(params)) != dict(cal.params):
            return None
        return cal


def table_from_dict(data: Mapping[str, Any]) -> ResidualTable:
    """A :class:`ResidualTable` from the JSON layout of ``residual_calibration.json``."""
    try:
        cals = {name: ResidualCalibration(
            model=name, params=dict(c["params"]), construction=str(c["construction"]),
            floor=float(c["floor"]), scores=tuple(sorted(float(v) for v in c["scores"])),
            issues=int(data["issues"]), proposals=int(data["proposals"]))
            for name, c in data["models"].items()}
        return ResidualTable(source=str(data["source"]), issues=int(data["issues"]),
                             proposals=int(data["proposals"]), calibrations=cals)
    except (KeyError, TypeError, ValueError) as exc:
        raise DetenteError(f"residual calibration data is malformed: {exc}") from None


@lru_cache(maxsize=4)
def load_residuals(path: Path = RESIDUAL_FILE) -> ResidualTable:
    """The shipped calibrations (read once per path)."""
    return table_from_dict(json.loads(path.read_text(encoding="utf-8")))


def residual_note(table: ResidualTable) -> str:
    """Where residual intervals come from: the sentence every output showing them carries."""
    return (f"interval from the model's errors on {table.issues} issues of {table.proposals} "
            f"EU decisions ({table.source}), not from stated uncertainty: the scenario states "
            "none")


def residual_distributions(forecasts: Sequence[Forecast], scenario: Scenario, level: float,
                           table: ResidualTable | None = None
                           ) -> tuple[tuple[OutcomeDistribution, ...], tuple[str, ...]]:
    """Each forecast's residual interval at ``level`` on every issue where it has a value, as
    :class:`OutcomeDistribution` (``source="residual"``); and the models left without one
    (no calibration for them, or run with other parameters than the calibrated ones)."""
    table = load_residuals() if table is None else table
    note = residual_note(table)
    out, missing = [], []
    for f in forecasts:
        cal = table.for_forecast(f.model, f.params)
        if cal is None:
            missing.append(f.model)
            continue
        for k, issue in enumerate(scenario.issues):
            point = float(f.outcome[0, k])
            if math.isnan(point):
                continue
            pos, sal, cap = issue_inputs(scenario, issue.id)
            s = cal.scale(pos, sal, cap, point, issue.high - issue.low)
            low, high = cal.interval(point, s, level, issue.low, issue.high)
            near = issue.nearest_anchor(point)
            out.append(OutcomeDistribution(
                model=f.model, issue=issue.id, draws=0, level=level, point=point,
                median=point, low=low, high=high,
                point_band=near.label if near is not None else None, point_band_p=None,
                likeliest=None, likeliest_p=None, source="residual", basis=note))
    return tuple(out), tuple(missing)
