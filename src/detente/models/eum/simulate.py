"""The rounds of the expected utility model over a batch of independent one-issue games,
with the read-outs (median voter and weighted mean) and the stopping rule (step 8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.models.eum.round import Offer, fallback_weights, play_round
from detente.models.median import weighted_median_sorted

if TYPE_CHECKING:
    from detente.models.eum.model import ExpectedUtility


@dataclass
class Run:
    positions: np.ndarray  # [B, R+1, A], NaN for inactive actors
    median: np.ndarray  # [B, R+1]
    mean: np.ndarray  # [B, R+1]
    offers: list[list[Offer]]  # per round: (row, actor, ...)
    risk: list[dict[int, np.ndarray]]  # per round: row -> r per actor (original order)


def merge_records(runs: list[Run], starts: list[int]) -> Run:
    """The offers and risk exponents of all chunks, with rows numbered across chunks."""
    n = max(len(run.offers) for run in runs)
    offers: list[list[Offer]] = [[] for _ in range(n)]
    risk: list[dict[int, np.ndarray]] = [{} for _ in range(n)]
    for run, start in zip(runs, starts, strict=True):
        for k, items in enumerate(run.offers):
            offers[k].extend((row + start, mover, sender, kind, x_from, x_to)
                             for row, mover, sender, kind, x_from, x_to in items)
        for k, by_row in enumerate(run.risk):
            risk[k].update({row + start: v for row, v in by_row.items()})
    return Run(runs[0].positions, runs[0].median, runs[0].mean, offers, risk)


def pad(values: np.ndarray, n: int) -> np.ndarray:
    """Repeat the last round of ``values[:, R, ...]`` until it has ``n`` rounds."""
    have = values.shape[1]
    if have == n:
        return values
    tail = np.repeat(values[:, -1:], n - have, axis=1)
    return np.concatenate([values, tail], axis=1)


def simulate(
    x0: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    active: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    rounds: int,
    tolerance: float | None,
    cfg: ExpectedUtility,
    record_rows: list[int] | None = None,
) -> Run:
    """Run the rounds on ``B`` independent games (rows); actors on the last axis.

    ``cfg`` is the model whose switches (``q``, ``t_rule``, ``risk``, ``offer_rule``,
    ``range_rule``, ``probability``, ``perspective``) apply.
    """
    record_rows = record_rows or []
    x, c, s, active, span0 = _prepare(x0, c, s, active, low, high, cfg)
    any_active = np.asarray(active.any(axis=1))
    span_tol = (high - low) * (tolerance or 0.0)

    history = [np.where(active, x, np.nan)]
    med0, mean0 = readouts(x, c * s, active)
    medians, means = [med0], [mean0]
    offers_log: list[list[Offer]] = []
    risk_log: list[dict[int, np.ndarray]] = []
    moving = any_active.copy()
    for _ in range(rounds):
        if tolerance is not None and not moving.any():
            break
        span = _current_span(x, active) if cfg.range_rule == "current" else span0
        result = play_round(x, c, s, active, span, cfg)
        r = result.risk
        x_new = np.where(moving[:, None], result.x_new, x)
        if record_rows:
            offers_log.append([o for o in result.offers(record_rows) if moving[o[0]]])
            risk_log.append({row: r[row] for row in record_rows})
        if tolerance is not None:
            change = np.where(active, np.abs(x_new - x), 0.0).max(axis=1)
            moving &= change > span_tol
        x = x_new
        history.append(np.where(active, x, np.nan))
        med, mean = readouts(x, c * s, active)
        medians.append(med)
        means.append(mean)
    return Run(
        positions=np.stack(history, axis=1),
        median=np.stack(medians, axis=1),
        mean=np.stack(means, axis=1),
        offers=offers_log,
        risk=risk_log,
    )


def _prepare(
    x0: np.ndarray, c: np.ndarray, s: np.ndarray, active: np.ndarray,
    low: np.ndarray, high: np.ndarray, cfg: ExpectedUtility,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positions with absent actors parked at the row's largest position (their capability
    and salience 0), who takes part, and the range ``R`` of ``range_rule`` "initial" (the
    stated positions) or "scale" (the issue's scale)."""
    active = np.asarray(active, dtype=bool) & np.isfinite(x0)
    any_active = active.any(axis=1)
    big = np.where(active, x0, -np.inf).max(axis=1)
    fill = np.where(any_active, big, low)
    x = np.where(active, x0, fill[:, None]).astype(float)
    c = np.where(active, c, 0.0).astype(float)
    s = np.where(active, s, 0.0).astype(float)
    if cfg.range_rule == "scale":
        span0 = high - low
    else:
        small = np.where(active, x, np.inf).min(axis=1)
        span0 = np.where(any_active, fill - small, 0.0)
    return x, c, s, active, span0


def _current_span(x: np.ndarray, active: np.ndarray) -> np.ndarray:
    """The range of the current positions (``range_rule="current"``), 0 with no actors."""
    span = np.where(active, x, -np.inf).max(1) - np.where(active, x, np.inf).min(1)
    return np.where(active.any(axis=1), span, 0.0)


def readouts(x: np.ndarray, w: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median voter (lower weighted median) and weighted mean per row; NaN with no actors."""
    w = fallback_weights(w, active)
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    med = weighted_median_sorted(xs, ws, axis=1)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w * x).sum(axis=1) / total
    none = ~active.any(axis=1)
    return np.where(none, np.nan, med), np.where(none, np.nan, mean)
