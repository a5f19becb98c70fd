"""Each forecast with its distribution: point, median, central interval, likeliest band.

A point forecast is one run of a model at the scenario's stated values; the
scenario's declared uncertainty makes the outcome a distribution
(:func:`detente.uncertainty.simulate.simulate`). This module reads that
distribution back next to the point, per model and issue:

- ``median`` and the central ``level`` interval ``[q_(1−level)/2, q_(1+level)/2]``;
- the *likeliest band*: the labelled anchor that is nearest to the outcome in
  the most draws, with that share; and the share of draws in the point's own
  band (the point's nearest anchor);
- two flags: ``point_outside`` (the point lies outside the central interval)
  and ``band_differs`` (the likeliest band is not the point's band). Either
  one says the headline number sits in a tail of its own distribution.

For a scenario that states no uncertainty there is nothing to simulate; its
forecasts instead carry an interval from the model's own errors on real
outcomes (:mod:`detente.uncertainty.residual`): ``source="residual"``,
``draws`` 0, the median the point itself, no band shares, and ``basis`` the
sentence saying where the interval comes from.

How many draws by default (:func:`default_draws`): ``LIGHT_DRAWS`` for the
closed-form models and ``HEAVY_DRAWS`` for the round-based ones
(``HEAVY_MODELS``: eum, exchange, smp), so that ``detente forecast`` stays
interactive; each group is one simulation with the same seed, so the draws
are reproducible and do not depend on the engine or chunk size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.json_values import json_number
from detente.scenario import Scenario

DEFAULT_LEVEL = 0.8
"""The central interval shown by default (80%)."""
LIGHT_DRAWS = 1000
HEAVY_DRAWS = 250
HEAVY_MODELS: frozenset[str] = frozenset({"eum", "exchange", "smp"})
"""Round-based models, slow per draw: they get ``HEAVY_DRAWS`` by default."""


def default_draws(model: str) -> int:
    """The default number of draws for ``model``: fewer for the heavy round-based ones."""
    return HEAVY_DRAWS if model.split("@")[0] in HEAVY_MODELS else LIGHT_DRAWS


def interval_quantiles(level: float) -> tuple[float, float, float]:
    """(lower, 0.5, upper) quantiles of the central ``level`` interval."""
    if not 0 < level < 1:
        raise DetenteError(f"interval level must lie strictly between 0 and 1 (got {level})")
    tail = (1 - level) / 2
    return (round(tail, 10), 0.5, round(1 - tail, 10))


@dataclass(frozen=True)
class OutcomeDistribution:
    """One model's forecast on one issue with its Monte Carlo distribution."""

    model: str
    issue: str
    draws: int
    level: float
    point: float
    median: float
    low: float
    high: float
    point_band: str | None
    point_band_p: float | None
    likeliest: str | None
    likeliest_p: float | None
    #: "simulation" (Monte Carlo over the declared uncertainty) or "residual" (the model's
    #: errors on real outcomes, for a scenario that states no uncertainty)
    source: str = "simulation"
    #: where a residual interval comes from (None for a simulated one)
    basis: str | None = None

    @property
    def point_outside(self) -> bool:
        """The point lies outside the central interval."""
        return not (math.isnan(self.point) or self.low <= self.point <= self.high)

    @property
    def band_differs(self) -> bool:
        """The likeliest band is not the band the point lies in (and is strictly likelier
        than it: a tie is not flagged)."""
        if self.likeliest is None or self.likeliest == self.point_band:
            return False
        return self.point_band_p is None or (self.likeliest_p or 0.0) > self.point_band_p

    @property
    def flagged(self) -> bool:
        return self.point_outside or self.band_differs

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "issue": self.issue, "draws": self.draws,
                "level": self.level, "point": json_number(self.point),
                "median": json_number(self.median),
                "interval": [json_number(self.low), json_number(self.high)],
                "point_band": self.point_band, "point_band_p": _num(self.point_band_p),
                "likeliest": self.likeliest, "likeliest_p": _num(self.likeliest_p),
                "point_outside": self.point_outside, "band_differs": self.band_differs,
                "source": self.source, "basis": self.basis}


def _num(x: float | None) -> float | None:
    return None if x is None else json_number(x)


def distributions_of(sim: Any, scenario: Scenario, level: float = DEFAULT_LEVEL
                     ) -> tuple[OutcomeDistribution, ...]:
    """The :class:`OutcomeDistribution` of every model and issue of a simulation run with
    the quantiles of :func:`interval_quantiles` (``level``)."""
    ds = sim.dataset
    lo_q, _, hi_q = interval_quantiles(level)
    qs = [float(q) for q in ds["quantile"].values]
    try:
        j_lo, j_med, j_hi = (qs.index(q) for q in (lo_q, 0.5, hi_q))
    except ValueError:
        raise DetenteError(f"the simulation holds no {level:.0%} interval "
                           f"(quantiles {qs})") from None
    out = []
    for issue in sim.issues:
        iss = scenario.issue(issue)
        anchors = sim.anchors(issue)
        labels = [lab for _, lab in anchors]
        for model in sim.models:
            d = ds.sel(model=model, issue=issue)
            q = d["quantiles"].values
            point = float(d["point"])
            probs = np.asarray(d["band_probability"].values[: len(anchors)], dtype=float)
            likeliest = likeliest_p = point_band = point_band_p = None
            if anchors and not np.all(np.isnan(probs)):
                top = int(np.nanargmax(probs))
                likeliest, likeliest_p = labels[top], float(probs[top])
            near = None if math.isnan(point) else iss.nearest_anchor(point)
            if near is not None:
                point_band = near.label
                if near.label in labels and not np.all(np.isnan(probs)):
                    point_band_p = float(probs[labels.index(near.label)])
            out.append(OutcomeDistribution(
                model=model, issue=issue, draws=sim.draws, level=level, point=point,
                median=float(q[j_med]), low=float(q[j_lo]), high=float(q[j_hi]),
                point_band=point_band, point_band_p=point_band_p, likeliest=likeliest,
                likeliest_p=likeliest_p))
    return tuple(out)
