"""One SMP turn over a batch of independent runs (rows), without a loop over rows.

The turn of :mod:`.turn` (assess, challenge, bargain, choose, move the ideals),
with every array given a leading row axis: ``pos[B, A, K]``, ``sal[B, A, K]``,
``cap[B, A]``. Rows share the actors, the dimensions and the accommodation
matrix; they differ in positions, saliences and capabilities (one Monte Carlo
draw each). The steps and their formulas are those of :mod:`.turn`, in the
same order, so each row gets the numbers of a run of its own bit for bit:

- bargains sit in *slots*, one per challenger (two under ``InitRcvrInterp``),
  in challenger order, so a slot's rank among a row's filled slots is the
  bargain's id in the single run, and an actor's queue (status quo, then every
  bargain it is party to in id order) is a mask over slots;
- where the single run's arrays have a size that varies between rows (the
  bargains struck, the unique positions, the length of an actor's queue), the
  rows (or actor-row pairs) with the same size are taken together, so every
  reduction sums over the same terms in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.models.smp.batch_challenges import best_challenges_rows, target_view_gain
from detente.models.smp.primitives import (
    add_up,
    big_r,
    coalitions,
    distances,
    estimated_risk,
    interpolate,
    pce,
    scalar_pce,
    unique_rows,
    utility,
)

if TYPE_CHECKING:
    from detente.models.smp.model import SpatialModelOfPolitics


@dataclass(frozen=True)
class RowState:
    """One state of ``B`` runs (positions on [0, 1]) and its assessment: ``dist[B, A, A]``
    (a's ideal to b's position), ``risk[B, A]``, ``risk_est[B, A, A]`` (h's estimate of
    i's), ``util[B, A, A]`` (a's utility of b's position), ``prob[B, A]`` (of each
    actor's position); ``sal_sum`` and ``weight`` (``Σ_k s_ak`` and ``c_a Σ_k s_ak``)."""

    pos: np.ndarray
    ideal: np.ndarray
    sal: np.ndarray
    cap: np.ndarray
    sal_sum: np.ndarray
    weight: np.ndarray
    dist: np.ndarray
    risk: np.ndarray
    risk_est: np.ndarray
    util: np.ndarray
    prob: np.ndarray


@dataclass(frozen=True)
class RowBargains:
    """The bargains of one turn by slot: ``initiator[S]`` (the challenger of each slot),
    ``receiver[B, S]`` (its target, −1 for an empty slot), and the positions the two
    adopt, ``init_pos[B, S, K]`` and ``rcvr_pos[B, S, K]``."""

    initiator: np.ndarray
    receiver: np.ndarray
    init_pos: np.ndarray
    rcvr_pos: np.ndarray

    @property
    def filled(self) -> np.ndarray:
        return self.receiver >= 0


@dataclass(frozen=True)
class RowChoices:
    """What every actor did in a turn, ``[B, A]``: its ``target`` (−1: none) with
    ``p_win`` and ``gain``, and the initiator and receiver of the bargain it adopted
    (``took_init``, ``took_rcvr``; −1: none)."""

    target: np.ndarray
    p_win: np.ndarray
    gain: np.ndarray
    took_init: np.ndarray
    took_rcvr: np.ndarray


def assess_rows(
    model: SpatialModelOfPolitics, pos: np.ndarray, ideal: np.ndarray,
    sal: np.ndarray, cap: np.ndarray,
) -> RowState:
    """Distances, risk attitudes, each actor's estimates, position probabilities."""
    d = distances(ideal, pos, sal)
    p = scalar_pce(cap, 1.0 - d, model.voting_rule, model.victory_prob_model, model.pce_model)
    r = big_r(p, model.big_r_range)
    util = utility(d, r[..., None])
    sal_sum = add_up(sal, -1)
    return RowState(
        pos=pos, ideal=ideal, sal=sal, cap=cap, sal_sum=sal_sum, weight=sal_sum * cap,
        dist=d, risk=r, risk_est=np.ascontiguousarray(estimated_risk(r, model.big_r_adjust)),
        util=util, prob=position_probabilities(model, pos, util, cap),
    )


def position_probabilities(
    model: SpatialModelOfPolitics, pos: np.ndarray, util: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    """``[B, A]``: the probability of each actor's position, by a proportional-vote PCE
    over the row's unique positions (rows with as many unique positions taken together)."""
    first, rep = unique_rows(pos, model.position_tolerance)
    count = first.sum(axis=-1)
    prob = np.empty(first.shape)
    for u in np.unique(count):
        rows = np.flatnonzero(count == u)
        cols = np.nonzero(first[rows])[1].reshape(rows.size, u)
        own = pick_options(util[rows], cols)  # [G, A, u]
        pu = scalar_pce(cap[rows], own, "Prop", model.victory_prob_model, model.pce_model)
        prob[rows] = np.take_along_axis(pu, rep[rows], axis=-1)
    return prob


def pick_options(util: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``util[G, A, cols[G, L]]``: every actor's utility of the options ``cols`` of its row.

    Laid out in memory as the single run's ``util[:, cols]`` is (actors on the fastest
    axis), so that the vote sums over actors add the same terms in the same order.
    """
    picked = np.take_along_axis(np.swapaxes(util, 1, 2), cols[:, :, None], axis=1)
    return np.swapaxes(picked, 1, 2)


def step_rows(
    model: SpatialModelOfPolitics, st: RowState, acc: np.ndarray
) -> tuple[np.ndarray, np.ndarray, RowChoices]:
    """One deterministic turn of every row: the new positions and ideals, and the choices."""
    target, pwin, gain = best_challenges_rows(model, st)
    bargains = strike_bargains_rows(model, st, target, pwin)
    slot = choose_rows(model, st, bargains)
    new_pos = adopt(st.pos, bargains, slot)
    # ideals: ideal <- M x + (1 - Σ_j M_ij) ideal
    lag = 1.0 - np.minimum(acc.sum(axis=1), 1.0)
    new_ideal = np.matmul(acc, new_pos) + lag[:, None] * st.ideal
    s = np.maximum(slot, 0)
    took_init = np.where(slot >= 0, bargains.initiator[s], -1)
    took_rcvr = np.where(slot >= 0, np.take_along_axis(bargains.receiver, s, axis=1), -1)
    return new_pos, new_ideal, RowChoices(target, pwin, gain, took_init, took_rcvr)


def strike_bargains_rows(
    model: SpatialModelOfPolitics, st: RowState, target: np.ndarray, pwin: np.ndarray
) -> RowBargains:
    """Every challenger's bargain(s) with its target, as ``bargn_model`` says (see
    :func:`~detente.models.smp.turn.strike_bargains`)."""
    n = target.shape[-1]
    j = np.maximum(target, 0)[..., None]
    pos_j = np.take_along_axis(st.pos, j, axis=1)
    sal_j = np.take_along_axis(st.sal, j, axis=1)

    def bargain(p_i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return interpolate(model.inter_vec_brgn, st.pos, st.sal, p_i[..., None],
                           pos_j, sal_j, 1.0 - p_i[..., None])

    own_i, own_j = bargain(pwin)
    initiator = np.arange(n)
    if model.bargn_model == "InitOnlyInterp":
        return RowBargains(initiator, target, own_i, own_j)
    # the target's view (KTAB passes the target's expected gain as the probability)
    oth_i, oth_j = bargain(target_view_gain(model, st, target))
    if model.bargn_model == "InitRcvrInterp":
        n_rows, _, k = own_i.shape
        return RowBargains(
            np.repeat(initiator, 2), np.repeat(target, 2, axis=1),
            np.stack([own_i, oth_i], axis=2).reshape(n_rows, 2 * n, k),
            np.stack([own_j, oth_j], axis=2).reshape(n_rows, 2 * n, k),
        )
    wi = (st.cap * st.sal_sum)[..., None]  # KTAB reads the initiator's capability twice
    wj = (st.cap * np.take_along_axis(st.sal_sum, j[..., 0], axis=1))[..., None]
    return RowBargains(initiator, target, (wi * own_i + wj * oth_i) / (wi + wj),
                       (wi * own_j + wj * oth_j) / (wi + wj))


def choose_rows(model: SpatialModelOfPolitics, st: RowState, bg: RowBargains) -> np.ndarray:
    """``[B, A]``: the slot of the bargain each actor adopts (−1: it keeps its position),
    by a probabilistic Condorcet election over its queue; Deterministic: the most
    probable option, the first on a tie."""
    n_rows, n = st.cap.shape
    values = queue_values(st, bg)  # [B, A, 1 + S], column 0: the status quo
    member = bg.filled[:, None, :] & (
        (bg.initiator[None, None, :] == np.arange(n)[None, :, None])
        | (bg.receiver[:, None, :] == np.arange(n)[None, :, None])
    )  # [B, k, S]: the bargains on k's queue
    length = 1 + member.sum(axis=-1)
    slot = np.full((n_rows, n), -1)
    for size in np.unique(length[length > 1]):
        bb, kk = np.nonzero(length == size)
        slots = np.nonzero(member[bb, kk])[1].reshape(bb.size, size - 1)
        cols = np.concatenate([np.zeros((bb.size, 1), dtype=int), slots + 1], axis=1)
        # values[bb[h], :, cols[h]] as [H, A, L], laid out as pick_options lays it out
        u_im = np.swapaxes(values[bb[:, None, None], np.arange(n)[None, None, :],
                                  cols[:, :, None]], 1, 2)
        probs = pce(model.pce_model, model.victory_prob_model,
                    coalitions(model.voting_rule, st.cap[bb], u_im))
        slot[bb, kk] = cols[np.arange(bb.size), np.argmax(probs, axis=-1)] - 1
    return slot


def queue_values(st: RowState, bg: RowBargains) -> np.ndarray:
    """``V[B, a, 1 + S]``: a's value of the status quo (column 0) and of each slot's
    bargain (:func:`~detente.models.smp.turn.bargain_values`), computed for the rows with
    the same number of bargains together; 0 for empty slots."""
    n_rows, n = st.cap.shape
    filled = bg.filled
    values = np.zeros((n_rows, n, 1 + filled.shape[1]))
    values[:, :, 0] = add_up(st.util, -1) / n
    count = filled.sum(axis=-1)
    for c in np.unique(count[count > 0]):
        rows = np.flatnonzero(count == c)
        slots = np.nonzero(filled[rows])[1].reshape(rows.size, c)
        rr = rows[:, None]
        bu = bargain_values_rows(
            st, rows, bg.initiator[slots], bg.receiver[rr, slots],
            bg.init_pos[rr, slots], bg.rcvr_pos[rr, slots],
        )
        values[rr, :, slots + 1] = np.swapaxes(bu, 1, 2)
    return values


def bargain_values_rows(
    st: RowState, rows: np.ndarray, init: np.ndarray, rcvr: np.ndarray,
    p_init: np.ndarray, p_rcvr: np.ndarray,
) -> np.ndarray:
    """``U[G, a, b]``: a's mean utility over all positions once bargain b is struck, for
    ``rows`` with bargains ``init[G, b]``, ``rcvr[G, b]`` (every row as many)."""
    n = st.cap.shape[1]
    ar = np.arange(n)
    keep = (ar != init[..., None]) & (ar != rcvr[..., None])  # [G, b, n]
    # Σ over unchanged positions, one matrix product per row as in the single run
    rest = np.matmul(st.util[rows], np.swapaxes(keep.astype(float), 1, 2))
    ideal, sal, risk = st.ideal[rows], st.sal[rows], st.risk[rows][..., None]
    ui = utility(distances(ideal, p_init, sal), risk)
    ur = utility(distances(ideal, p_rcvr, sal), risk)
    return (ui + ur + rest) / n


def adopt(pos: np.ndarray, bg: RowBargains, slot: np.ndarray) -> np.ndarray:
    """The positions after the turn: each actor with a bargain takes its side of it."""
    s = np.maximum(slot, 0)
    idx = np.repeat(s[..., None], pos.shape[-1], axis=-1)  # [B, A, K]
    initiates = (bg.initiator[s] == np.arange(slot.shape[1]))[..., None]
    side = np.where(initiates, np.take_along_axis(bg.init_pos, idx, axis=1),
                    np.take_along_axis(bg.rcvr_pos, idx, axis=1))
    return np.where((slot >= 0)[..., None], side, pos)
