"""The round-by-round paths of the SMP's runs on the issues' own scales, and its read-outs.

Runs of different draws and issue groups stop at different turns; the paths
are padded with each run's last state up to the longest, so that round ``r``
of every draw exists. Two read-outs per round and issue: ``most_probable``
(the position of the first actor holding the likeliest position of its
group) and the capability × salience weighted mean of the positions.

Two builders give the same numbers: :func:`reference_paths` from one list of
turns per draw and group (:meth:`~.model.SpatialModelOfPolitics.simulate`),
and :func:`batched_paths` from the batched runs (:func:`~.batch_run.run_rows`),
which keep only the rows that moved in each turn. The latter writes and
reads out, round by round, only the draws that moved in that round, and at
the end repeats each draw's last round to the end in one write per draw: every
number of the padded paths is written once.
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
    """Every group's runs over all draws at once; each round writes (and reads out) only
    the draws that moved in it, then every draw's last round is repeated to the end."""
    per = [run_rows(model, pos01[:, :, g], sal[:, :, g], cap, acc) for g in groups]
    n_rounds = 1 + max(run.n_turns for run in per)
    n_draws, n_act, n_iss = pos01.shape
    position = np.empty((n_draws, n_rounds, n_act, n_iss))
    likely = np.empty((n_draws, n_rounds, n_iss))
    wmean = np.empty_like(likely)
    prob_now = np.stack([run.start_prob for run in per], axis=1)  # [D, G, A]
    prob0 = np.empty((n_rounds, len(groups), n_act))
    last = np.zeros(n_draws, dtype=int)  # each draw's last round that moved
    position[:, 0] = pos01 * scale.span + scale.low
    likely[:, 0] = most_probable(position[:, :1], prob_now[:, None], groups)[:, 0]
    wmean[:, 0] = weighted_mean(position[:, 0], scale.weight)
    prob0[0] = prob_now[0]
    for t in range(1, n_rounds):
        rows, at = move_round(position[:, t - 1], prob_now, per, groups, t, scale)
        position[rows, t] = at
        likely[rows, t] = most_probable(at[:, None], prob_now[rows][:, None], groups)[:, 0]
        wmean[rows, t] = weighted_mean(at, scale.weight[rows])
        last[rows] = t
        prob0[t] = prob_now[0]
    for values in (position, likely, wmean):
        hold_last(values, last)
    ideal = np.empty((n_rounds, n_act, n_iss))
    for g, run in zip(groups, per, strict=True):
        for r in range(n_rounds):
            ideal[r][:, g] = run.trace[min(r, len(run.trace) - 1)].ideal
    return SmpPaths(position, likely, wmean, prob0, ideal * scale.span + scale.low,
                    [run.trace for run in per])


def batched_outcome(
    model: SpatialModelOfPolitics, pos01: np.ndarray, sal: np.ndarray, cap: np.ndarray,
    groups: list[list[int]], acc: np.ndarray | None, scale: Scale,
) -> np.ndarray:
    """``[D, I]``: the last round of :func:`batched_paths`'s read-out (``model.readout``),
    bit for bit, from each group's last state per draw, without the padded paths (every
    draw runs at least one turn, and a draw's last round holds every group's last state)."""
    n_draws, n_act, n_iss = pos01.shape
    final = np.empty((n_draws, n_act, n_iss))
    prob = np.empty((n_draws, len(groups), n_act))
    for gi, g in enumerate(groups):
        run = run_rows(model, pos01[:, :, g], sal[:, :, g], cap, acc)
        last, last_prob = run.start_pos.copy(), run.start_prob.copy()
        for rows, pos, pr in zip(run.rows, run.pos, run.prob, strict=True):
            last[rows] = pos
            last_prob[rows] = pr
        final[:, :, g] = last * scale.span[g] + scale.low[g]
        prob[:, gi] = last_prob
    if model.readout == "most_probable":
        return most_probable(final[:, None], prob[:, None], groups)[:, 0]
    return weighted_mean(final, scale.weight)


def move_round(
    before: np.ndarray, prob: np.ndarray, per: list[RowsRun], groups: list[list[int]],
    t: int, scale: Scale,
) -> tuple[np.ndarray, np.ndarray]:
    """Turn ``t`` of every group: the draws that moved in any group (sorted) and their
    positions after it (``[L, A, I]`` on the issues' scales, from ``before[D, A, I]``);
    ``prob[D, G, A]`` is updated in place."""
    running = [(gi, run.rows[t - 1]) for gi, run in enumerate(per) if t <= run.n_turns]
    rows = np.unique(np.concatenate([rr for _, rr in running]))
    at = before[rows]
    actors = np.arange(before.shape[1])
    for gi, rr in running:
        g = groups[gi]
        at[np.ix_(np.searchsorted(rows, rr), actors, np.asarray(g))] = (
            per[gi].pos[t - 1] * scale.span[g] + scale.low[g])
        prob[rr, gi] = per[gi].prob[t - 1]
    return rows, at


def hold_last(values: np.ndarray, last: np.ndarray) -> None:
    """Repeat each draw's round ``last[d]`` of ``values[D, R, ...]`` in every later round."""
    for r in np.unique(last[last < values.shape[1] - 1]):
        rows = np.flatnonzero(last == r)
        values[rows, r + 1:] = values[rows, r][:, None]


def most_probable(position: np.ndarray, prob: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """``[D, R, I]``: per group, the position of the first actor holding the likeliest one."""
    n_draws, n_rounds, _, n_iss = position.shape
    likely = np.empty((n_draws, n_rounds, n_iss))
    for gi, g in enumerate(groups):
        best = np.argmax(prob[:, :, gi], axis=-1)
        take = np.take_along_axis(position[..., g], best[:, :, None, None], axis=2)
        likely[..., g] = take[:, :, 0, :]
    return likely
