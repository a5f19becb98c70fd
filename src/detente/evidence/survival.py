"""Kaplan–Meier durations with censoring, and the chance of ending given the time lasted.

The product-limit estimator (statsmodels' ``SurvfuncRight``) of the survival function
S(t) = P(duration > t) from durations and end flags (an episode still going at the data's
end is right-censored), with Greenwood standard errors and pointwise intervals on the
complementary log-log scale:

    S(t)^exp(±z · se(t) / (S(t) · |log S(t)|))

Given that a conflict has lasted T months, the chance that it ends within the next h is

    P(end by T + h | lasted T) = 1 - S(T + h) / S(T),

which is 1 minus the Kaplan–Meier curve of the *residual* durations d - T of the cases
that lasted beyond T (the same product over the event times after T); so its interval is
that curve's interval, and its ``at_risk`` says how many cases it rests on.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class KaplanMeier:
    """A survival curve at its event times (months), with a (1 - alpha) band."""

    times: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    n: int
    n_events: int
    median: float
    median_interval: tuple[float, float]
    alpha: float

    def at(self, t: float | np.ndarray) -> np.ndarray:
        """S(t) and its band at times ``t`` (step function; 1 before the first event)."""
        k = np.searchsorted(self.times, np.asarray(t, dtype=float), side="right") - 1
        pad = lambda a, v: np.concatenate([[v], a])  # noqa: E731
        return np.stack([pad(self.survival, 1.0)[k + 1], pad(self.low, 1.0)[k + 1],
                         pad(self.high, 1.0)[k + 1]])

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "events": self.n_events, "censored": self.n - self.n_events,
                "median_months": _finite(self.median),
                "median_interval": [_finite(v) for v in self.median_interval],
                "level": 1 - self.alpha,
                "curve": [{"months": float(t), "survival": float(s), "low": float(lo),
                           "high": float(hi), "at_risk": int(r)}
                          for t, s, lo, hi, r in zip(self.times, self.survival, self.low,
                                                     self.high, self.at_risk, strict=True)]}


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def kaplan_meier(durations: np.ndarray, ended: np.ndarray, *, alpha: float = 0.05
                 ) -> KaplanMeier:
    """The Kaplan–Meier curve of ``durations`` (ended = True: observed end; False:
    censored). Empty input gives an empty curve (n = 0)."""
    from scipy.stats import norm
    from statsmodels.duration.survfunc import SurvfuncRight

    d = np.asarray(durations, dtype=float)
    e = np.asarray(ended, dtype=bool)
    empty = np.zeros(0)
    if d.size == 0 or not e.any():
        return KaplanMeier(empty, empty, empty, empty, empty.astype(int), empty.astype(int),
                           int(d.size), 0, np.inf, (np.nan, np.inf), alpha)
    sf = SurvfuncRight(d, e.astype(int))
    s = np.asarray(sf.surv_prob, dtype=float)
    se = np.asarray(sf.surv_prob_se, dtype=float)
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        width = z * se / (s * np.abs(np.log(s)))
        low = np.where((s > 0) & (s < 1), s ** np.exp(width), np.where(s >= 1, 1.0, 0.0))
        high = np.where((s > 0) & (s < 1), s ** np.exp(-width), np.where(s >= 1, 1.0, 0.0))
    median = float(sf.quantile(0.5)) if s.min() <= 0.5 else np.inf
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = tuple(float(v) for v in sf.quantile_ci(0.5, alpha=alpha))
    except (ValueError, IndexError, ZeroDivisionError):
        ci = (np.nan, np.inf)
    return KaplanMeier(np.asarray(sf.surv_times, dtype=float), s, np.nan_to_num(low),
                       np.nan_to_num(high, nan=1.0), np.asarray(sf.n_risk, dtype=int),
                       np.asarray(sf.n_events, dtype=int), int(d.size), int(e.sum()),
                       median, (ci[0], ci[1]), alpha)


@dataclass(frozen=True)
class EndingCurve:
    """P(ending by month t after the lasted time) for t = 1..N, with its band.

    ``at_risk`` is how many cases lasted beyond ``lasted_months`` (what every value here
    rests on); a month past the longest residual duration repeats the last value.
    """

    months: np.ndarray
    probability: np.ndarray
    low: np.ndarray
    high: np.ndarray
    lasted_months: float
    at_risk: int
    level: float

    def within(self, months: int) -> tuple[float, float, float]:
        """P(ending within ``months``) and its band."""
        k = int(np.clip(months, 1, self.months[-1])) - 1
        return float(self.probability[k]), float(self.low[k]), float(self.high[k])

    def to_dict(self) -> dict[str, Any]:
        return {"lasted_months": self.lasted_months, "at_risk": self.at_risk,
                "level": self.level,
                "by_month": [{"month": int(m), "p": float(p), "low": float(lo),
                              "high": float(hi)}
                             for m, p, lo, hi in zip(self.months, self.probability, self.low,
                                                     self.high, strict=True)]}


def ending_by_month(durations: np.ndarray, ended: np.ndarray, *, lasted: float,
                    months: int = 24, alpha: float = 0.05) -> EndingCurve:
    """P(ending within t months | lasted ``lasted`` months), t = 1..``months`` (see the
    module's docstring). Without a case that lasted that long, every value is NaN."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(ended, dtype=bool)
    beyond = d > lasted
    t = np.arange(1, months + 1, dtype=float)
    km = kaplan_meier(d[beyond] - lasted, e[beyond], alpha=alpha)
    if km.n == 0:
        nan = np.full(months, np.nan)
        return EndingCurve(t, nan, nan, nan, float(lasted), 0, 1 - alpha)
    s, low, high = km.at(t)
    return EndingCurve(t, 1 - s, 1 - high, 1 - low, float(lasted), int(beyond.sum()),
                       1 - alpha)
