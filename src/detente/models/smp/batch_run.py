"""A whole SMP run over a batch of independent rows (Monte Carlo draws), turn by turn.

Every row runs the turns of :mod:`.batch_turn` until its own stop rule holds
(after turn ``t >= min_turns`` when ``D(t−1, t) / (D(0, 1) + min_sig_delta) <
min_delta_ratio``, or at ``max_turns``), so rows stop at different turns: a
``moving`` mask keeps the rows still running, each turn computes only those,
and a row that has stopped holds its last state (as the single run's history is
padded). The rows are taken in chunks of at most :data:`CELL_BUDGET` ``/ A³`` so
that no intermediate array exceeds about 8 MB whatever the number of draws.

Only the first row keeps the records of its turns (:class:`~.turn.Turn` with
its ideals, risk attitudes, probabilities and what every actor did), for the
model's details; for all rows the run keeps positions and position
probabilities, every turn.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.models.smp.batch_challenges import CELL_BUDGET
from detente.models.smp.batch_turn import RowChoices, RowState, assess_rows, step_rows
from detente.models.smp.primitives import state_distances
from detente.models.smp.turn import Turn, records

if TYPE_CHECKING:
    from detente.models.smp.model import SpatialModelOfPolitics


@dataclass(frozen=True)
class RowsRun:
    """Runs of ``B`` rows: ``position[B, T + 1, A, K]`` and ``prob[B, T + 1, A]`` every turn
    (on [0, 1]; a row that stopped early holds its last state), ``turns[B]`` (turns run
    per row) and ``trace`` (the first row's states, turn 0 to its last)."""

    position: np.ndarray
    prob: np.ndarray
    turns: np.ndarray
    trace: list[Turn]


def run_rows(
    model: SpatialModelOfPolitics, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray,
    accommodation: np.ndarray | None = None,
) -> RowsRun:
    """Run the deterministic SMP on every row of ``pos[B, A, K]`` (on [0, 1]),
    ``sal[B, A, K]`` and ``cap[B, A]``, in chunks of bounded memory."""
    n_rows, n = cap.shape
    acc = np.eye(n) if accommodation is None else np.asarray(accommodation, dtype=float)
    step = max(1, CELL_BUDGET // max(n**3, 1))
    parts = [run_chunk(model, np.array(pos[lo:lo + step], dtype=float), sal[lo:lo + step],
                       cap[lo:lo + step], acc)
             for lo in range(0, n_rows, step)]
    if len(parts) == 1:
        return parts[0]
    length = max(p.position.shape[1] for p in parts)
    return RowsRun(
        position=np.concatenate([pad_turns(p.position, length) for p in parts]),
        prob=np.concatenate([pad_turns(p.prob, length) for p in parts]),
        turns=np.concatenate([p.turns for p in parts]),
        trace=parts[0].trace,
    )


def run_chunk(
    model: SpatialModelOfPolitics, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray,
    acc: np.ndarray,
) -> RowsRun:
    """Every row of one chunk, until each has stopped; ``st`` holds the rows still
    running (``live``), the histories hold every row."""
    n_rows = cap.shape[0]
    st = assess_rows(model, pos, pos.copy(), sal, cap)
    positions, probs = [st.pos], [st.prob]
    trace = [trace_state(st, None)]
    live = np.arange(n_rows)
    turns = np.zeros(n_rows, dtype=int)
    d01 = np.zeros(n_rows)
    it = 0
    while live.size:
        it += 1
        new_pos, new_ideal, choices = step_rows(model, st, acc)
        nxt = assess_rows(model, new_pos, new_ideal, st.sal, st.cap)
        dxy = state_distances(st.pos, new_pos)
        if it == 1:
            d01 = dxy
        quiet = dxy / (d01[live] + model.min_sig_delta) < model.min_delta_ratio
        stop = (it >= model.max_turns) | ((it >= model.min_turns) & quiet)
        if live[0] == 0:
            trace.append(trace_state(nxt, choices))
        positions.append(replace_rows(positions[-1], live, nxt.pos))
        probs.append(replace_rows(probs[-1], live, nxt.prob))
        turns[live] = it
        live = live[~stop]
        st = nxt if not stop.any() else take_rows(nxt, ~stop)
    return RowsRun(np.stack(positions, axis=1), np.stack(probs, axis=1), turns, trace)


def trace_state(st: RowState, choices: RowChoices | None) -> Turn:
    """The first row of ``st`` as a :class:`~.turn.Turn` (with what every actor did)."""
    out = Turn(pos=st.pos[0], ideal=st.ideal[0], risk=st.risk[0], prob=st.prob[0])
    if choices is not None:
        out.records = records(choices.target[0], choices.p_win[0], choices.gain[0],
                              choices.took_init[0], choices.took_rcvr[0])
    return out


def take_rows(st: RowState, rows: np.ndarray) -> RowState:
    """The state of ``rows`` only (indices or a mask)."""
    return RowState(**{f.name: getattr(st, f.name)[rows] for f in dataclasses.fields(st)})


def replace_rows(whole: np.ndarray, rows: np.ndarray, part: np.ndarray) -> np.ndarray:
    """A copy of ``whole`` with ``rows`` replaced by ``part``."""
    if rows.size == whole.shape[0]:
        return part
    out = whole.copy()
    out[rows] = part
    return out


def pad_turns(values: np.ndarray, length: int) -> np.ndarray:
    """Repeat the last turn of ``values[B, T, ...]`` until it has ``length`` turns."""
    have = values.shape[1]
    if have == length:
        return values
    return np.concatenate([values, np.repeat(values[:, -1:], length - have, axis=1)], axis=1)
