"""A whole SMP run over a batch of independent rows (Monte Carlo draws), turn by turn.

Every row runs the turns of :mod:`.batch_turn` until its own stop rule holds
(after turn ``t >= min_turns`` when ``D(t−1, t) / (D(0, 1) + min_sig_delta) <
min_delta_ratio``, or at ``max_turns``), so rows stop at different turns: a
list of the rows still running keeps them, each turn computes only those,
and a row that has stopped holds its last state (as the single run's history is
padded). Each turn takes the live rows in slices of at most
:data:`ROW_BUDGET` ``/ A³`` so that no intermediate array exceeds about 2 MB
whatever the number of draws. The turns that every row runs (the first
``min_turns``) are run :data:`SLICE_ROWS` rows at a time, so that a
Monte Carlo block's state is not held for all its rows at once; the rows still
running after them (a few in a hundred) then run together.

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

#: rows that run their first turns together (:func:`_run_rows`): about 1.8 MB of state a
#: slice on the bundled scenario (a 16,384-draw block held ~130 MB at once before)
SLICE_ROWS = 1024

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
    """:func:`run_rows` in two phases, so that the rows' whole state (about 1.8 kB a row on
    the bundled scenario's five actors and eight issues, held two or three times over in a
    turn) is never held for every row at once. First each slice of :data:`SLICE_ROWS`
    rows on its own runs the turns that every row runs (``min(min_turns, max_turns)``,
    two by default); then the rows still running (a few in a hundred on the bundled
    scenario) run the rest together, as before. A row's numbers do not depend on the rows
    beside it, so this is the run of all rows at once, bit for bit."""
    n_rows, n = cap.shape
    acc = np.eye(n) if accommodation is None else np.asarray(accommodation, dtype=float)
    step = max(1, ROW_BUDGET // max(n**3, 1))  # rows a slice of a turn
    pos = np.array(pos, dtype=float)
    head = max(0, min(model.min_turns, model.max_turns))  # turns a slice runs on its own
    out = RowsRun(np.empty(pos.shape), np.empty(cap.shape), [], [], [],
                  np.zeros(n_rows, dtype=int), [])
    d01 = np.zeros(n_rows)
    log = _HeadLog(head, pos.shape)
    pool: list[tuple[RowState, np.ndarray]] = []  # the rows still running after `head`
    for rows in slices(n_rows, SLICE_ROWS):
        st = joined([assess_rows(model, pos[s], pos[s].copy(), sal[s], cap[s])
                     for s in slices(rows.stop, step, rows.start)])
        out.start_pos[rows], out.start_prob[rows] = st.pos, st.prob
        if rows.start == 0:
            out.trace.append(trace_state(st, None))
        st, live = _turns(model, st, np.arange(rows.start, rows.stop), 0, head, acc, step,
                          d01, out, log)
        if live.size:
            pool.append((st, live))
    log.into(out)
    if pool:
        _turns(model, joined([st for st, _ in pool]), np.concatenate([lv for _, lv in pool]),
               head, model.max_turns, acc, step, d01, out, None)
    return out


def _turns(
    model: SpatialModelOfPolitics, st: RowState, live: np.ndarray, it: int, last: int,
    acc: np.ndarray, step: int, d01: np.ndarray, out: RowsRun, log: _HeadLog | None,
) -> tuple[RowState, np.ndarray]:
    """Turns ``it + 1 … last`` of the rows ``live`` (state ``st``), each row until its stop
    rule holds (after turn ``t >= min_turns`` when ``D(t−1, t) / (D(0, 1) + min_sig_delta)
    < min_delta_ratio``, or at ``max_turns``): each turn's rows, positions and position
    probabilities go to ``log`` (or straight to ``out``), row 0's states to ``out.trace``,
    ``D(0, 1)`` to ``d01``. Returns the state and indices of the rows still running."""
    while live.size and it < last:
        it += 1
        nxt, choices = advance(model, st, acc, step)
        dxy = state_distances(st.pos, nxt.pos)
        if it == 1:
            d01[live] = dxy
        quiet = dxy / (d01[live] + model.min_sig_delta) < model.min_delta_ratio
        stop = (it >= model.max_turns) | ((it >= model.min_turns) & quiet)
        if live[0] == 0:
            out.trace.append(trace_state(nxt, choices))
        if log is not None:
            log.add(it, live, nxt)
        else:
            out.rows.append(live)
            out.pos.append(nxt.pos)
            out.prob.append(nxt.prob)
        out.turns[live] = it
        live = live[~stop]
        st = nxt if not stop.any() else take_rows(nxt, ~stop)
    return st, live


class _HeadLog:
    """The first ``head`` turns of every slice of rows, written one after the other into
    one array per turn and kind (no list of parts concatenated at the end: every row runs
    these turns, so each array is filled)."""

    def __init__(self, head: int, shape: tuple[int, ...]):
        n_rows = shape[0]
        self.rows = [np.empty(n_rows, dtype=int) for _ in range(head)]
        self.pos = [np.empty(shape) for _ in range(head)]
        self.prob = [np.empty(shape[:2]) for _ in range(head)]
        self.filled = [0] * head

    def add(self, it: int, live: np.ndarray, st: RowState) -> None:
        t, lo = it - 1, self.filled[it - 1]
        hi = lo + live.size
        self.rows[t][lo:hi], self.pos[t][lo:hi], self.prob[t][lo:hi] = live, st.pos, st.prob
        self.filled[t] = hi

    def into(self, out: RowsRun) -> None:
        """Append the turns to ``out`` (before the rest of the run's)."""
        for t, hi in enumerate(self.filled):
            if hi:
                out.rows.append(self.rows[t][:hi])
                out.pos.append(self.pos[t][:hi])
                out.prob.append(self.prob[t][:hi])


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


def slices(n: int, step: int, start: int = 0) -> list[slice]:
    """``start … n`` in slices of ``step``."""
    return [slice(lo, min(n, lo + step)) for lo in range(start, n, step)]


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
