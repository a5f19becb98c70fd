"""The round-by-round paths of the SMP's runs on the issues' own scales, and its read-outs.

Runs of different draws and issue groups stop at different turns; the paths
are padded with each run's last state up to the longest, so that round ``r``
of every draw exists. Two read-outs per round and issue: ``most_probable``
(the position of the first actor holding the likeliest position of its
group) and the capability × salience weighted mean of the positions.

Two builders give the same numbers: :func:`reference_paths` from one list of
turns per draw and group (:meth:`~.model.SpatialModelOfPolitics.simulate`),
and :func:`batched_paths` from the batched runs (:func:`~.batch_run.run_rows`),
which keep only the rows that moved in each turn. The latter lays the paths
out round by round (``[R, D, ...]`` in memory, given back as ``[D, R, ...]``
views), so padding a round is one contiguous copy, and computes the read-outs
of a round only for the draws that moved in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.models.compromise import weighted_mean
from detente.models.smp.batch_run import RowsRun, run_rows
from detente.models.smp.turn import Turn

if TYPE_CHECKING:
    from detente.models.smp.model import SpatialModelOfPolitics


@dataclass(frozen=True)
class SmpPaths:
    """Every draw's path on the issues' scales: ``position[D, R, A, I]``, and the read-outs
    ``likely[D, R, I]`` (most probable) and ``wmean[D, R, I]``; for the first draw only,
    ``prob[R, G, A]`` (each actor's position probability per group), ``ideal[R, A, I]``
    and its turns per group (``first``)."""

    position: np.ndarray
    likely: np.ndarray
    wmean: np.ndarray
    prob: np.ndarray
    ideal: np.ndarray
    first: list[list[Turn]]


@dataclass(frozen=True)
class Scale:
    """An issue's scale, to map [0, 1] back: ``x · span + low``; ``weight[D, A, I]`` of the
    weighted mean (capability × salience)."""

    low: np.ndarray
    span: np.ndarray
    weight: np.ndarray


def reference_paths(runs: list[list[list[Turn]]], groups: list[list[int]], scale: Scale
                    ) -> SmpPaths:
    """The paths from the turns of every draw and group (``runs[D][G]``)."""
    n_act, n_iss = scale.weight.shape[1:]
    position, ideal, prob = stack_runs(runs, groups, n_act, n_iss)
    position = position * scale.span + scale.low
    return SmpPaths(
        position=position,
        likely=most_probable(position, prob, groups),
        wmean=weighted_mean(position, scale.weight[:, None]),
        prob=prob[0],
        ideal=ideal[0] * scale.span + scale.low,
        first=runs[0],
    )


def stack_runs(
    runs: list[list[list[Turn]]], groups: list[list[int]], n_act: int, n_iss: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``position[D, R, A, I]``, ``ideal[D, R, A, I]`` (on [0, 1]) and ``prob[D, R, G, A]``
    from the turns of every draw and group; a group that stopped early holds its last state."""
    n_draws = len(runs)
    n_rounds = max(len(t) for per in runs for t in per)
    position = np.empty((n_draws, n_rounds, n_act, n_iss))
    ideal = np.empty_like(position)
    prob = np.full((n_draws, n_rounds, len(groups), n_act), np.nan)
    for d, per_group in enumerate(runs):
        for gi, (g, turns) in enumerate(zip(groups, per_group, strict=True)):
            for r in range(n_rounds):
                t = turns[min(r, len(turns) - 1)]
                position[d, r][:, g] = t.pos
                ideal[d, r][:, g] = t.ideal
                prob[d, r, gi] = t.prob
    return position, ideal, prob


def batched_paths(
    model: SpatialModelOfPolitics, pos01: np.ndarray, sal: np.ndarray, cap: np.ndarray,
    groups: list[list[int]], acc: np.ndarray | None, scale: Scale,
) -> SmpPaths:
    """Every group's runs over all draws at once, laid out round by round: each round
    copies the last and rewrites the draws that moved in it, with their read-outs."""
    per = [run_rows(model, pos01[:, :, g], sal[:, :, g], cap, acc) for g in groups]
    n_rounds = 1 + max(run.n_turns for run in per)
    n_draws, n_act, n_iss = pos01.shape
    position = np.empty((n_rounds, n_draws, n_act, n_iss))
    likely = np.empty((n_rounds, n_draws, n_iss))
    wmean = np.empty_like(likely)
    prob_now = np.stack([run.start_prob for run in per], axis=1)  # [D, G, A]
    prob0 = np.empty((n_rounds, len(groups), n_act))
    position[0] = pos01 * scale.span + scale.low
    likely[0] = most_probable(position[0][:, None], prob_now[:, None], groups)[:, 0]
    wmean[0] = weighted_mean(position[0], scale.weight)
    prob0[0] = prob_now[0]
    for t in range(1, n_rounds):
        position[t] = position[t - 1]
        likely[t] = likely[t - 1]
        wmean[t] = wmean[t - 1]
        rows = move_round(position[t], prob_now, per, groups, t, scale)
        at = position[t][rows]
        likely[t][rows] = most_probable(at[:, None], prob_now[rows][:, None], groups)[:, 0]
        wmean[t][rows] = weighted_mean(at, scale.weight[rows])
        prob0[t] = prob_now[0]
    ideal = np.empty((n_rounds, n_act, n_iss))
    for g, run in zip(groups, per, strict=True):
        for r in range(n_rounds):
            ideal[r][:, g] = run.trace[min(r, len(run.trace) - 1)].ideal
    return SmpPaths(
        position=position.transpose(1, 0, 2, 3),
        likely=likely.transpose(1, 0, 2),
        wmean=wmean.transpose(1, 0, 2),
        prob=prob0,
        ideal=ideal * scale.span + scale.low,
        first=[run.trace for run in per],
    )


def move_round(
    position: np.ndarray, prob: np.ndarray, per: list[RowsRun], groups: list[list[int]],
    t: int, scale: Scale,
) -> np.ndarray:
    """Write turn ``t`` of every group into ``position[D, A, I]`` (on the issues' scales)
    and ``prob[D, G, A]``; the draws that moved in any group."""
    actors = np.arange(position.shape[1])
    moved = []
    for gi, (g, run) in enumerate(zip(groups, per, strict=True)):
        if t <= run.n_turns:
            rows, cols = run.rows[t - 1], np.asarray(g)
            position[np.ix_(rows, actors, cols)] = run.pos[t - 1] * scale.span[g] + scale.low[g]
            prob[rows, gi] = run.prob[t - 1]
            moved.append(rows)
    return np.unique(np.concatenate(moved))


def most_probable(position: np.ndarray, prob: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """``[D, R, I]``: per group, the position of the first actor holding the likeliest one."""
    n_draws, n_rounds, _, n_iss = position.shape
    likely = np.empty((n_draws, n_rounds, n_iss))
    for gi, g in enumerate(groups):
        best = np.argmax(prob[:, :, gi], axis=-1)
        take = np.take_along_axis(position[..., g], best[:, :, None, None], axis=2)
        likely[..., g] = take[:, :, 0, :]
    return likely
