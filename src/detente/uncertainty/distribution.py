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

**Sampling noise.** A share read off ``n`` draws is itself uncertain, so a band
or a flag is claimed only when it holds beyond sampling error at the draws
used (:func:`beyond_noise`, the rule of ``docs/uncertainty.md``): band ``a``
is likelier than band ``b`` when, among the draws that land in either, the
Wilson score interval (95%, ``Z_NOISE``) of ``a``'s share lies above ½ (the
conditional binomial test of two multinomial shares); the point lies outside
the central interval when the Wilson interval of the share of draws beyond it
(``tail_p``) lies below the interval's tail ``(1 − level)/2``. So
``likeliest_clear`` says whether the likeliest band beats the runner-up,
``band_differs`` needs the likeliest band to beat the point's own band, and
``point_outside`` needs the tail share to be short of the tail beyond noise:
at 1,000 draws, 51% against 49% is a tie, not a finding.

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


Z_NOISE = 1.959963984540054
"""The normal quantile of the sampling-noise rule: a 95% two-sided Wilson interval."""


def wilson(k: float, n: float, z: float = Z_NOISE) -> tuple[float, float]:
    """The Wilson score interval of a binomial share ``k/n``:
    ``(p̂ + z²/2n ± z·sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)``; ``(0, 1)`` when ``n = 0``."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    half = z * math.sqrt(max(p * (1 - p) / n + z2 / (4 * n * n), 0.0))
    return max(0.0, (centre - half) / (1 + z2 / n)), min(1.0, (centre + half) / (1 + z2 / n))


def beyond_noise(p_a: float, p_b: float, draws: int, z: float = Z_NOISE) -> bool:
    """Whether share ``p_a`` exceeds share ``p_b`` (two bands of the same ``draws``) beyond
    sampling error: among the ``(p_a + p_b)·draws`` draws in either band, the Wilson
    interval of ``a``'s share lies above ½. Without draws (a residual interval) there is
    no sampling error and a plain ``p_a > p_b`` decides."""
    if draws <= 0:
        return p_a > p_b
    n = (p_a + p_b) * draws
    return n > 0 and wilson(p_a * draws, n, z)[0] > 0.5


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
    #: the second likeliest band and its share (None: no other band was reached)
    runner_up: str | None = None
    runner_up_p: float | None = None
    #: the share of draws beyond the point, on its side of the median (None: not read)
    tail_p: float | None = None

    @property
    def outside_interval(self) -> bool:
        """The point lies outside the central interval as estimated (noise or not)."""
        return not (math.isnan(self.point) or self.low <= self.point <= self.high)

    @property
    def point_outside(self) -> bool:
        """The point lies outside the central interval beyond sampling error: the Wilson
        interval of the share of draws beyond it lies below the tail ``(1 − level)/2``
        (without draws, or without the share, as estimated)."""
        if not self.outside_interval:
            return False
        if self.draws <= 0 or self.tail_p is None:
            return True
        return wilson(self.tail_p * self.draws, self.draws)[1] < (1 - self.level) / 2

    @property
    def likeliest_clear(self) -> bool:
        """The likeliest band beats the runner-up beyond sampling error (no runner-up:
        trivially)."""
        if self.likeliest is None or self.likeliest_p is None or self.runner_up_p is None:
            return self.likeliest is not None
        return beyond_noise(self.likeliest_p, self.runner_up_p, self.draws)

    @property
    def band_differs(self) -> bool:
        """The likeliest band is not the band the point lies in, and is likelier than it
        beyond sampling error (a tie, or a lead within the noise, is not flagged)."""
        if self.likeliest is None or self.likeliest == self.point_band:
            return False
        if self.point_band_p is None:
            return True
        return beyond_noise(self.likeliest_p or 0.0, self.point_band_p, self.draws)

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
                "likeliest_clear": self.likeliest_clear if self.likeliest is not None else None,
                "runner_up": self.runner_up,
                "runner_up_p": _num(self.runner_up_p), "tail_p": _num(self.tail_p),
                "source": self.source, "basis": self.basis}


def _num(x: float | None) -> float | None:
    return None if x is None else json_number(x)


def distributions_of(sim: Any, scenario: Scenario, level: float = DEFAULT_LEVEL
                     ) -> tuple[OutcomeDistribution, ...]:
    """The :class:`OutcomeDistribution` of every model and issue of a simulation run with
    the quantiles of :func:`interval_quantiles` (``level``)."""
    lo_q, _, hi_q = interval_quantiles(level)
    qs = [float(q) for q in sim.values("quantile")]
    try:
        j_lo, j_med, j_hi = (qs.index(q) for q in (lo_q, 0.5, hi_q))
    except ValueError:
        raise DetenteError(f"the simulation holds no {level:.0%} interval "
                           f"(quantiles {qs})") from None
    out = []
    # read as arrays [model, issue, ...] (sim.values): no xarray Dataset is built
    quantiles, points = sim.values("quantiles"), sim.values("point")
    bands, histograms = sim.values("band_probability"), sim.values("histogram")
    edges = sim.values("bin_edges")
    for i, issue in enumerate(sim.issues):
        iss = scenario.issue(issue)
        anchors = sim.anchors(issue)
        labels = [lab for _, lab in anchors]
        for m, model in enumerate(sim.models):
            q = quantiles[m, i]
            point = float(points[m, i])
            probs = np.asarray(bands[m, i][: len(anchors)], dtype=float)
            likeliest = likeliest_p = point_band = point_band_p = None
            runner_up = runner_up_p = None
            if anchors and not np.all(np.isnan(probs)):
                top = int(np.nanargmax(probs))
                likeliest, likeliest_p = labels[top], float(probs[top])
                rest = np.where(np.arange(len(probs)) == top, -1.0, np.nan_to_num(probs))
                if len(rest) > 1 and rest.max() > 0:
                    second = int(np.argmax(rest))
                    runner_up, runner_up_p = labels[second], float(probs[second])
            near = None if math.isnan(point) else iss.nearest_anchor(point)
            if near is not None:
                point_band = near.label
                if near.label in labels and not np.all(np.isnan(probs)):
                    point_band_p = float(probs[labels.index(near.label)])
            out.append(OutcomeDistribution(
                model=model, issue=issue, draws=sim.draws, level=level, point=point,
                median=float(q[j_med]), low=float(q[j_lo]), high=float(q[j_hi]),
                point_band=point_band, point_band_p=point_band_p, likeliest=likeliest,
                likeliest_p=likeliest_p, runner_up=runner_up, runner_up_p=runner_up_p,
                tail_p=_tail_share(histograms[m, i], edges[i], point, float(q[j_med]))))
    return tuple(out)


def _tail_share(hist: np.ndarray, edges: np.ndarray, point: float, median: float
                ) -> float | None:
    """The share of draws beyond ``point`` on its side of the ``median`` (below it when it
    lies below), from the histogram, linear within the bin that holds the point (as the
    quantiles are read)."""
    total = float(hist.sum())
    if total == 0 or math.isnan(point):
        return None
    cum = np.concatenate([[0.0], np.cumsum(hist, dtype=float)])
    below = float(np.interp(point, edges, cum)) / total  # F(point)
    return below if point <= median else 1.0 - below

