"""A whole SMP run over a batch of independent rows (Monte Carlo draws), turn by turn.

Every row runs the turns of :mod:`.batch_turn` until its own stop rule holds
(after turn ``t >= min_turns`` when ``D(t−1, t) / (D(0, 1) + min_sig_delta) <
min_delta_ratio``, or at ``max_turns``), so rows stop at different turns: a
list of the rows still running keeps them, each turn computes only those,
and a row that has stopped holds its last state (as the single run's history is
padded). Each turn takes the live rows in slices of at most
:data:`ROW_BUDGET` ``/ A³`` so that no intermediate array exceeds about 2 MB
whatever the number of draws.

What is kept: for every row its new positions and position probabilities in
each turn it ran (only the rows that ran it: most runs stop after two or three
turns, a few run to ``max_turns``); for the first row alone, the records of its
turns (:class:`~.turn.Turn` with ideals, risk attitudes and what every actor
did) for the model's details.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from detente.models.smp.batch_turn import RowChoices, RowState, assess_rows, step_rows
from detente.models.smp.blas import one_blas_thread
from detente.models.smp.primitives import state_distances
from detente.models.smp.turn import Turn, records

if TYPE_CHECKING:
    from detente.models.smp.model import SpatialModelOfPolitics

#: numbers per intermediate array of a slice of rows (about 2 MB; 8 MB and 0.5 MB
#: measured within the noise of it on the bundled scenario)
ROW_BUDGET = 250_000

Rows = TypeVar("Rows", RowState, RowChoices)


@dataclass(frozen=True)
class RowsRun:
    """Runs of ``B`` rows (positions on [0, 1]), kept sparse: the starting state
    (``start_pos[B, A, K]``, ``start_prob[B, A]``), then per turn ``t >= 1`` only the rows
    that ran it (``rows[t − 1]``) with their new positions and position probabilities
    (``pos[t − 1][L, A, K]``, ``prob[t − 1][L, A]``); ``turns[B]`` (turns run per row) and
    ``trace`` (the first row's states, turn 0 to its last)."""

    start_pos: np.ndarray
    start_prob: np.ndarray
    rows: list[np.ndarray]
    pos: list[np.ndarray]
    prob: list[np.ndarray]
    turns: np.ndarray
    trace: list[Turn]

    @property
    def n_turns(self) -> int:
        return len(self.rows)


def run_rows(
    model: SpatialModelOfPolitics, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray,
    accommodation: np.ndarray | None = None,
) -> RowsRun:
    """Run the deterministic SMP on every row of ``pos[B, A, K]`` (on [0, 1]),
    ``sal[B, A, K]`` and ``cap[B, A]``, until each row has stopped; ``st`` holds the rows
    still running (``live``). BLAS runs on one thread meanwhile (:mod:`.blas`)."""
    with one_blas_thread():
        return _run_rows(model, pos, sal, cap, accommodation)


def _run_rows(
    model: SpatialModelOfPolitics, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray,
    accommodation: np.ndarray | None,
) -> RowsRun:
    n_rows, n = cap.shape
    acc = np.eye(n) if accommodation is None else np.asarray(accommodation, dtype=float)
    step = max(1, ROW_BUDGET // max(n**3, 1))  # rows a slice
    pos = np.array(pos, dtype=float)
    st = joined([assess_rows(model, pos[s], pos[s].copy(), sal[s], cap[s])
                 for s in slices(n_rows, step)])
    out = RowsRun(st.pos, st.prob, [], [], [], np.zeros(n_rows, dtype=int),
                  [trace_state(st, None)])
    live = np.arange(n_rows)
    d01 = np.zeros(n_rows)
    it = 0
    while live.size:
        it += 1
        nxt, choices = advance(model, st, acc, step)
        dxy = state_distances(st.pos, nxt.pos)
        if it == 1:
            d01 = dxy
        quiet = dxy / (d01[live] + model.min_sig_delta) < model.min_delta_ratio
        stop = (it >= model.max_turns) | ((it >= model.min_turns) & quiet)
        if live[0] == 0:
            out.trace.append(trace_state(nxt, choices))
        out.rows.append(live)
        out.pos.append(nxt.pos)
        out.prob.append(nxt.prob)
        out.turns[live] = it
        live = live[~stop]
        st = nxt if not stop.any() else take_rows(nxt, ~stop)
    return out


def advance(model: SpatialModelOfPolitics, st: RowState, acc: np.ndarray, step: int
            ) -> tuple[RowState, RowChoices]:
    """One turn of every row of ``st``, ``step`` rows at a time: the assessed new state and
    what every actor did."""
    states, choices = [], []
    for s in slices(st.cap.shape[0], step):
        part = take_rows(st, s) if s.stop - s.start < st.cap.shape[0] else st
        new_pos, new_ideal, done = step_rows(model, part, acc)
        states.append(assess_rows(model, new_pos, new_ideal, part.sal, part.cap))
        choices.append(done)
    return joined(states), joined(choices)


def slices(n: int, step: int) -> list[slice]:
    """``0 … n`` in slices of ``step``."""
    return [slice(lo, min(n, lo + step)) for lo in range(0, n, step)]


def joined(parts: list[Rows]) -> Rows:
    """One :class:`~.batch_turn.RowState` (or :class:`~.batch_turn.RowChoices`) from
    ``parts`` of consecutive rows."""
    if len(parts) == 1:
        return parts[0]
    return type(parts[0])(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                             for f in dataclasses.fields(parts[0])})


def trace_state(st: RowState, choices: RowChoices | None) -> Turn:
    """The first row of ``st`` as a :class:`~.turn.Turn` (with what every actor did)."""
    out = Turn(pos=st.pos[0], ideal=st.ideal[0], risk=st.risk[0], prob=st.prob[0])
    if choices is not None:
        out.records = records(choices.target[0], choices.p_win[0], choices.gain[0],
                              choices.took_init[0], choices.took_rcvr[0])
    return out


def take_rows(st: RowState, rows: np.ndarray | slice) -> RowState:
    """The state of ``rows`` only (indices or a mask)."""
    return RowState(**{f.name: getattr(st, f.name)[rows] for f in dataclasses.fields(st)})
