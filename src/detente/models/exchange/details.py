"""What an exchange-model run records beside its forecast (draw 0), as typed records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.arrays import ScenarioArrays
from detente.models.base import Details
from detente.models.exchange.pairing import PAIRED_GROUPS, TOL
from detente.models.exchange.round import RoundState


@dataclass(frozen=True)
class ExchangeSide(Details):
    """One side of an executed exchange, on the scale of the issue it gives on: the actor
    ``supplies`` a move on one issue (from ``start`` to ``to``, ``shift`` on 0..100) and
    ``demands`` one on the other; ``gain`` is its expected utility gain."""

    actor: str
    supplies: str
    demands: str
    start: float
    to: float
    shift: float
    gain: float

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "supplies": self.supplies, "demands": self.demands,
                "from": self.start, "to": self.to, "shift": self.shift, "gain": self.gain}


@dataclass(frozen=True)
class Externalities(Details):
    """Every other actor's utility change from an exchange's shift of the two forecasts
    (``by_actor``) and their sums by kind (``own``/``inner``/``outer`` × ``pos``/``neg``)."""

    by_actor: Mapping[str, float]
    totals: Mapping[str, float]


@dataclass(frozen=True)
class ExecutedExchange(Details):
    """One executed exchange: its round, the two sides ``i`` (the demander of the pair's
    first move) and ``j``, the pair's gain, how far it shifts each issue's forecast, and
    its externalities."""

    round: int
    i: ExchangeSide
    j: ExchangeSide
    gain: float
    outcome_shift: Mapping[str, float]
    externalities: Externalities

    def row(self) -> dict[str, Any]:
        """A flat table row: each side's actor, the issue it gives on and its move."""
        return {"actor": self.i.actor, "gives on": self.i.supplies,
                "from": self.i.start, "to": self.i.to, "partner": self.j.actor,
                "partner gives on": self.j.supplies, "partner from": self.j.start,
                "partner to": self.j.to, "gain": self.gain}


@dataclass(frozen=True)
class CandidateSide(Details):
    """One side of a candidate exchange, on the scale of the issue it would give on."""

    actor: str
    supplies: str
    demands: str
    start: float
    to: float
    gain: float

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "supplies": self.supplies, "demands": self.demands,
                "from": self.start, "to": self.to, "gain": self.gain}


@dataclass(frozen=True)
class CandidateExchange(Details):
    """A candidate exchange of round 1 before any is executed: its two sides (``i`` the
    demander of the first issue, ``j`` its supplier), the gain, and whether it is
    admissible."""

    i: CandidateSide
    j: CandidateSide
    gain: float
    admissible: bool


@dataclass(frozen=True)
class ExchangeDetails(Details):
    """An exchange-model run: ``rounds`` run, ``exchanges_per_round`` (draw 0) and, when
    the model keeps its log, every executed exchange in order (``exchanges``)."""

    rounds: int
    exchanges_per_round: list[int]
    exchanges: list[ExecutedExchange] | None = None
    note: str = "exchange log and counts are for draw 0"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rounds": self.rounds,
                               "exchanges_per_round": list(self.exchanges_per_round),
                               "note": self.note}
        if self.exchanges is not None:
            out["exchanges"] = [e.to_dict() for e in self.exchanges]
        return out

    def round_records(self) -> list[list[dict[str, Any]]]:
        rows: list[list[dict[str, Any]]] = [[] for _ in range(self.rounds)]
        for e in self.exchanges or ():
            rows[e.round - 1].append(e.row())
        return rows


def log_entries(state: RoundState, steps: list[Any], arrays: ScenarioArrays, round_no: int
                ) -> list[ExecutedExchange]:
    """The executed exchanges of draw 0, on each issue's own scale."""
    chosen, parts = [], []
    for draws, ex, rec in steps:
        if draws.size == 0 or draws[0] != 0 or rec is None:
            continue
        m = rec["gain"].size  # draw 0's exchanges in this step: the first m of ex
        chosen.append(ex[:m])
        parts.append(rec)
    if not parts:
        return []
    e = np.concatenate(chosen)
    rec = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    c = state.cands
    a, b, p, q = c.demander[e], c.supplier[e], c.demanded[e], c.offered[e]
    by_actor, totals = externalities(state, a, b, p, q, rec, c.inner[e], arrays.actors)
    scale = (arrays.high - arrays.low) / 100.0
    shift_q = ((rec["o1_0"] - rec["o0_0"]) * scale[q]).tolist()
    shift_p = ((rec["o1_1"] - rec["o0_1"]) * scale[p]).tolist()
    side_i = side_entries(rec, "a", "gi", arrays, a, gives=q, takes=p)
    side_j = side_entries(rec, "b", "gj", arrays, b, gives=p, takes=q)
    issues = arrays.issues
    return [
        ExecutedExchange(
            round=round_no, i=side_i[n], j=side_j[n], gain=gain,
            outcome_shift={issues[qn]: shift_q[n], issues[pn]: shift_p[n]},
            externalities=Externalities(by_actor=by_actor[n], totals=totals[n]))
        for n, (pn, qn, gain) in enumerate(zip(p.tolist(), q.tolist(), rec["gain"].tolist(),
                                                strict=True))
    ]

#: the totals of :class:`Externalities`: by kind (own, inner, outer), then sign
TOTAL_KEYS = tuple(f"{k}_{s}" for k in ("own", "inner", "outer") for s in ("pos", "neg"))


def externalities(state: RoundState, a: np.ndarray, b: np.ndarray, p: np.ndarray,
                  q: np.ndarray, rec: dict[str, np.ndarray], block: np.ndarray,
                  names: tuple[str, ...]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Utility change of every actor from each exchange's shift of the two forecasts
    (exchanges ``a, b, p, q`` of draw 0, ``[E]`` each; forecasts in ``rec``):

    e_k = (|O⁰_q − x_kq| − |O¹_q − x_kq|) s_kq + (|O⁰_p − x_kp| − |O¹_p − x_kp|) s_kp
    (round-start positions), for the actors with a stance on both issues, classed own /
    inner (same groups as the pair) / outer; per exchange, the values by actor and their
    sums by kind and sign (added one actor after another, in actor order: the order of
    the scalar loop these replace, so the same sums)."""
    x0, sal, ok = state.start[0], state.salience[0], state.weight[0] > 0  # [A, I]
    both = ok[:, p].T & ok[:, q].T  # [E, A]
    e = np.zeros(both.shape)
    for iss, o0, o1 in ((q, rec["o0_0"], rec["o1_0"]), (p, rec["o0_1"], rec["o1_1"])):
        xk = x0[:, iss].T
        e += (np.abs(o0[:, None] - xk) - np.abs(o1[:, None] - xk)) * sal[:, iss].T
    e = np.where(both, e, 0.0)
    left = ok & (x0 <= state.o_start[0] + TOL)  # group_code's sides, per exchange's issues
    code = np.where(both, left[:, p].T.astype(np.int8) + 2 * left[:, q].T, -1)
    groups = np.array(PAIRED_GROUPS)[block]  # [E, 2]
    kind = np.where((code == groups[:, :1]) | (code == groups[:, 1:]), 1, 2)  # inner, outer
    rows = np.arange(e.shape[0])
    kind[rows, a] = 0  # own
    kind[rows, b] = 0
    sums = np.zeros((len(TOTAL_KEYS), e.shape[0]))  # [key, E], in TOTAL_KEYS' order
    for k in range(e.shape[1]):  # actor after actor; a zero adds nothing (skipped before)
        v = e[:, k]
        key = 2 * kind[:, k] + ~(v > 0)  # (kind, pos) then (kind, neg)
        sums[key, rows] += np.where(v != 0, v, 0.0)
    named = np.array(names, dtype=object)
    by_actor = [dict(zip(named[has].tolist(), values[has].tolist(), strict=True))
                for has, values in zip(both, e, strict=True)]
    totals = [dict(zip(TOTAL_KEYS, column, strict=True)) for column in sums.T.tolist()]
    return by_actor, totals


def side_entries(
    rec: dict[str, np.ndarray], key: str, gain: str, arrays: ScenarioArrays, actor: np.ndarray,
    *, gives: np.ndarray, takes: np.ndarray,
) -> list[ExchangeSide]:
    """One side of each executed exchange (draw 0), on the scale of the issue it gives on.

    ``key`` names the side's records in ``rec`` (``x``/``y``/``m`` + key: start,
    voting position and move on 0..100); ``gain`` names its gain.
    """
    scale = (arrays.high[gives] - arrays.low[gives]) / 100.0
    low = arrays.low[gives]
    start = (rec[f"x{key}"] * scale + low).tolist()
    to = (rec[f"y{key}"] * scale + low).tolist()
    shift = (rec[f"m{key}"] * scale).tolist()
    actors, issues = arrays.actors, arrays.issues
    return [ExchangeSide(actor=actors[k], supplies=issues[g], demands=issues[t], start=st,
                         to=y, shift=m, gain=gn)
            for k, g, t, st, y, m, gn in zip(actor.tolist(), gives.tolist(), takes.tolist(),
                                             start, to, shift, rec[gain].tolist(), strict=True)]
