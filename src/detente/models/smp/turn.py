"""One SMP turn: assess the state, challenge, bargain, choose, move the ideals.

A turn starts from a :class:`Turn` (positions and ideals on [0, 1]) that
:func:`assess` has filled with distances, risk attitudes and position
probabilities. Then (:func:`step`):

1. every actor picks the rival with the highest expected gain
   (:func:`~detente.models.smp.challenges.best_challenges`);
2. each challenger and its target strike a bargain per dimension (``S2P2``:
   ``b_i = round4(((w_i + ε) x_i + w_j x_j) / (w_i + ε + w_j))`` with
   ``w = s² P²``), and ``bargn_model`` says whose view of the odds counts;
3. each actor chooses among the bargains on its queue (status quo first) by a
   probabilistic Condorcet election with capability weights, valuing a bargain
   by the mean of its utilities of all positions once it is struck;
   Deterministic takes the most probable option, Stochastic draws one;
4. ideals move: ``ideal ← M x + (1 − Σ_j M_ij) ideal`` (``M`` the
   accommodation matrix).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.models.smp.challenges import best_challenges, challenges
from detente.models.smp.primitives import (
    big_r,
    coalitions,
    distances,
    estimated_risk,
    interpolate,
    pce,
    scalar_pce,
    unique_positions,
    utility,
)
from detente.models.smp.prng import select
from detente.models.smp.schedule import bargain_queues

if TYPE_CHECKING:
    from detente.models.smp.model import SpatialModelOfPolitics


@dataclass(frozen=True)
class TurnRecord:
    """What one actor did in a turn (indices of actors; ``None`` where it did not).

    ``target``: whom it challenged, with its ``p_win`` and expected ``gain``;
    ``took``: the (initiator, receiver) of the bargain it adopted.
    """

    actor: int
    target: int | None = None
    p_win: float | None = None
    gain: float | None = None
    took: tuple[int, int] | None = None


@dataclass
class Turn:
    """Everything one state of the run knows (positions on [0, 1])."""

    pos: np.ndarray
    ideal: np.ndarray
    dist: np.ndarray = field(default_factory=lambda: np.empty(0))
    risk: np.ndarray = field(default_factory=lambda: np.empty(0))
    util: np.ndarray = field(default_factory=lambda: np.empty(0))  # a's utility of b's position
    risk_est: np.ndarray = field(default_factory=lambda: np.empty(0))
    prob: np.ndarray = field(default_factory=lambda: np.empty(0))
    records: list[TurnRecord] = field(default_factory=list)


@dataclass
class Bargains:
    """The bargains of one turn, by id: who initiated and received each, and what each of
    the two adopts; ``made_by[a]``: the ids of the bargains actor ``a`` initiated."""

    initiator: list[int] = field(default_factory=list)
    receiver: list[int] = field(default_factory=list)
    init_pos: list[np.ndarray] = field(default_factory=list)
    rcvr_pos: list[np.ndarray] = field(default_factory=list)
    made_by: dict[int, list[int]] = field(default_factory=dict)

    def add(self, initiator: int, receiver: int, made: list[tuple[np.ndarray, np.ndarray]]
            ) -> None:
        first = len(self.initiator)
        for bi, bj in made:
            self.initiator.append(initiator)
            self.receiver.append(receiver)
            self.init_pos.append(bi)
            self.rcvr_pos.append(bj)
        self.made_by[initiator] = list(range(first, len(self.initiator)))


def assess(model: SpatialModelOfPolitics, st: Turn, sal: np.ndarray, cap: np.ndarray) -> None:
    """Distances, risk attitudes, each actor's estimates, position probabilities."""
    d = distances(st.ideal, st.pos, sal)
    rn = 1.0 - d  # risk-neutral utilities
    p = scalar_pce(cap, rn, model.voting_rule, model.victory_prob_model, model.pce_model)
    r = big_r(p, model.big_r_range)
    st.dist, st.risk = d, r
    st.risk_est = np.ascontiguousarray(estimated_risk(r, model.big_r_adjust))
    # probability of each actor's position, each actor judging from its own ideal
    st.util = own = utility(d, r[:, None])
    uniq, rep = unique_positions(st.pos, model.position_tolerance)
    pu = scalar_pce(cap, own[:, uniq], "Prop", model.victory_prob_model, model.pce_model)
    st.prob = pu[rep]


def step(
    model: SpatialModelOfPolitics, st: Turn, sal: np.ndarray, cap: np.ndarray,
    acc: np.ndarray, draw_uniform: Callable[[], float], plan: Any = None,
) -> Turn:
    """One turn. ``plan`` (from ``ktab_schedule``): ``(draw_order, events)`` fixing the
    order in which actors draw and in which bargains enter the queues (see
    :func:`~detente.models.smp.schedule.check_schedule`); ``None``: status quo first, then
    bargains in challenger order, draws in actor order (KTAB's loops as written)."""
    n = st.pos.shape[0]
    target, pwin, gain = best_challenges(model, st, sal, cap)
    bargains = strike_bargains(model, st, sal, cap, target, pwin)
    queues = bargain_queues(bargains.made_by, bargains.receiver, n, plan)
    draws = None
    if model.state_transitions == "Stochastic":
        draws = draw_numbers(n, draw_uniform, plan)
    chosen = choose(model, st, sal, cap, bargains, queues, draws)
    new_pos = st.pos.copy()
    for k in np.flatnonzero(chosen >= 0):
        b = chosen[k]
        new_pos[k] = bargains.init_pos[b] if bargains.initiator[b] == k else bargains.rcvr_pos[b]
    # ideals: ideal <- M x + (1 - Σ_j M_ij) ideal
    lag = 1.0 - np.minimum(acc.sum(axis=1), 1.0)
    new_ideal = acc @ new_pos + lag[:, None] * st.ideal
    out = Turn(pos=new_pos, ideal=new_ideal)
    out.records = turn_records(target, pwin, gain, chosen, bargains)
    return out


def strike_bargains(
    model: SpatialModelOfPolitics, st: Turn, sal: np.ndarray, cap: np.ndarray,
    target: np.ndarray, pwin: np.ndarray,
) -> Bargains:
    """Every challenger's bargain(s) with its target, as ``bargn_model`` says.

    ``InitOnlyInterp``: the bargain on the challenger's odds; ``InitRcvrInterp``:
    that one and the one on the target's view; ``PWCompInterp``: their average
    weighted by ``c_i s_i`` and ``c_i s_j`` (KTAB's code reads the initiator's
    capability for both).
    """
    chal = np.flatnonzero(target >= 0)
    tgt = target[chal]
    pos = st.pos

    def bargain(p_i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return interpolate(model.inter_vec_brgn, pos[chal], sal[chal], p_i[:, None],
                           pos[tgt], sal[tgt], 1.0 - p_i[:, None])

    own_i, own_j = bargain(pwin[chal])
    oth_i, oth_j = own_i, own_j
    if model.bargn_model != "InitOnlyInterp" and chal.size:
        # the target's view; KTAB passes the target's expected gain here where its comment
        # says "probability" (kept, as KTAB's code decides; see docs/models/smp.md)
        _, gj = challenges(model, st, sal, cap, tgt, chal, chal, tgt)
        oth_i, oth_j = bargain(gj)
    out = Bargains()
    for m, (a, b) in enumerate(zip(chal.tolist(), tgt.tolist(), strict=True)):
        if model.bargn_model == "PWCompInterp":
            wi = cap[a] * sal[a].sum()
            wj = cap[a] * sal[b].sum()
            made = [((wi * own_i[m] + wj * oth_i[m]) / (wi + wj),
                     (wi * own_j[m] + wj * oth_j[m]) / (wi + wj))]
        elif model.bargn_model == "InitRcvrInterp":
            made = [(own_i[m], own_j[m]), (oth_i[m], oth_j[m])]
        else:
            made = [(own_i[m], own_j[m])]
        out.add(a, b, made)
    return out


def draw_numbers(n: int, draw_uniform: Callable[[], float], plan: Any = None) -> list[float]:
    """One number per actor and turn, in actor order or the plan's draw order (KTAB draws
    one even for an actor whose queue holds only its status quo)."""
    draws = [0.0] * n
    for a in (plan[0] if plan is not None else range(n)):
        draws[a] = draw_uniform()
    return draws


def choose(
    model: SpatialModelOfPolitics, st: Turn, sal: np.ndarray, cap: np.ndarray,
    bargains: Bargains, queues: list[list[int]], draws: list[float] | None,
) -> np.ndarray:
    """The bargain id each actor adopts (−1: it keeps its position), by one probabilistic
    Condorcet election per actor over its queue (batched by queue length)."""
    n = st.pos.shape[0]
    chosen = np.full(n, -1)
    by_len: dict[int, list[int]] = {}
    for k in range(n):
        if len(queues[k]) > 1:  # a lone status quo is no choice (its draw is still used up)
            by_len.setdefault(len(queues[k]), []).append(k)
    if not by_len:
        return chosen
    bu = bargain_values(st, sal, np.array(bargains.initiator), np.array(bargains.receiver),
                        np.array(bargains.init_pos), np.array(bargains.rcvr_pos))
    sq = st.util.sum(axis=1) / n
    values = np.concatenate([sq[:, None], bu], axis=1)  # column 0: the status quo
    for ks in by_len.values():
        cols = np.array([queues[k] for k in ks]) + 1  # [G, L]
        u_im = np.moveaxis(values[:, cols], 0, 1)  # [G, A, L]
        probs = pce(model.pce_model, model.victory_prob_model,
                    coalitions(model.voting_rule, cap, u_im))
        for g, k in enumerate(ks):
            p = probs[g]
            m = select(p, draws[k]) if draws is not None else int(np.argmax(p))
            chosen[k] = queues[k][m]  # −1 where the status quo won
    return chosen


def bargain_values(
    st: Turn, sal: np.ndarray, init: np.ndarray, rcvr: np.ndarray,
    p_init: np.ndarray, p_rcvr: np.ndarray,
) -> np.ndarray:
    """``U[a, b]``: a's mean utility over all positions once bargain b is struck.

    Every position, the two new ones included, is judged from ``a``'s ideal
    (KTAB's ``posUtil``; early KTAB versions used the current position there,
    which the reference runs rule out).
    """
    n = st.pos.shape[0]
    keep = (np.arange(n)[None, :] != init[:, None]) & (np.arange(n)[None, :] != rcvr[:, None])
    rest = st.util @ keep.T.astype(float)  # [a, b]: Σ over unchanged positions
    ui = utility(distances(st.ideal, p_init, sal), st.risk[:, None])
    ur = utility(distances(st.ideal, p_rcvr, sal), st.risk[:, None])
    return (ui + ur + rest) / n


def turn_records(target: np.ndarray, pwin: np.ndarray, gain: np.ndarray, chosen: np.ndarray,
                 bargains: Bargains) -> list[TurnRecord]:
    """One :class:`TurnRecord` per actor."""
    ids = np.maximum(chosen, 0)
    took_init = np.where(chosen >= 0, np.array(bargains.initiator + [-1])[ids], -1)
    took_rcvr = np.where(chosen >= 0, np.array(bargains.receiver + [-1])[ids], -1)
    return records(target, pwin, gain, took_init, took_rcvr)


def records(target: np.ndarray, pwin: np.ndarray, gain: np.ndarray,
            took_init: np.ndarray, took_rcvr: np.ndarray) -> list[TurnRecord]:
    """One :class:`TurnRecord` per actor from its target (−1: none), ``p_win``, ``gain``
    and the initiator and receiver of the bargain it took (−1: none)."""
    out = []
    for a in range(target.size):
        rec = TurnRecord(actor=a)
        if target[a] >= 0:
            rec = TurnRecord(a, int(target[a]), float(pwin[a]), float(gain[a]))
        if took_init[a] >= 0:
            took = (int(took_init[a]), int(took_rcvr[a]))
            rec = TurnRecord(rec.actor, rec.target, rec.p_win, rec.gain, took)
        out.append(rec)
    return out
