"""What an exchange-model run records beside its forecast (draw 0), as typed records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.arrays import ScenarioArrays
from detente.models.base import Details
from detente.models.exchange.pairing import PAIRED_GROUPS, group_code
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
    out: list[ExecutedExchange] = []
    c = state.cands
    scale = (arrays.high - arrays.low) / 100.0
    for draws, chosen, rec in steps:
        if draws.size == 0 or draws[0] != 0 or rec is None:
            continue
        e = int(chosen[0])
        a, b, p, q = int(c.demander[e]), int(c.supplier[e]), int(c.demanded[e]), int(c.offered[e])
        ext = externalities(state, 0, a, b, p, q, rec, int(c.inner[e]), arrays.actors)
        out.append(ExecutedExchange(
            round=round_no,
            i=side_entry(rec, "a", "gi", arrays, a, gives=q, takes=p),
            j=side_entry(rec, "b", "gj", arrays, b, gives=p, takes=q),
            gain=float(rec["gain"][0]),
            outcome_shift={
                arrays.issues[q]: float((rec["o1_0"][0] - rec["o0_0"][0]) * scale[q]),
                arrays.issues[p]: float((rec["o1_1"][0] - rec["o0_1"][0]) * scale[p]),
            },
            externalities=ext,
        ))
    return out

#: the totals of :class:`Externalities`, and their keys by kind (own, inner, outer) and sign
TOTAL_KEYS = tuple(f"{k}_{s}" for k in ("own", "inner", "outer") for s in ("pos", "neg"))
KIND_SIGN_KEY = tuple((f"{k}_neg", f"{k}_pos") for k in ("own", "inner", "outer"))


def externalities(state: RoundState, d: int, a: int, b: int, p: int, q: int,
                  rec: dict[str, np.ndarray], block: int, names: tuple[str, ...]) -> Externalities:
    """Utility change of every actor from the exchange's shift of the two forecasts:

    e_k = (|O⁰_q − x_kq| − |O¹_q − x_kq|) s_kq + (|O⁰_p − x_kp| − |O¹_p − x_kp|) s_kp
    (round-start positions), classed own / inner (same groups as the pair) / outer.
    """
    x0, sal, ok = state.start[d], state.salience[d], state.weight[d] > 0
    both = ok[:, p] & ok[:, q]
    e = np.zeros(x0.shape[0])
    for iss, o0, o1 in ((q, rec["o0_0"][0], rec["o1_0"][0]),
                        (p, rec["o0_1"][0], rec["o1_1"][0])):
        e += (np.abs(o0 - x0[:, iss]) - np.abs(o1 - x0[:, iss])) * sal[:, iss]
    e = np.where(both, e, 0.0)
    code = group_code(x0[None], ok[None], state.o_start[d][None], p, q)[0]
    g1, g2 = PAIRED_GROUPS[block]
    kind = np.where((code == g1) | (code == g2), 1, 2)  # inner, outer
    kind[[a, b]] = 0  # own
    idx = np.flatnonzero(both)
    values = e[idx].tolist()
    by_actor = dict(zip([names[k] for k in idx.tolist()], values, strict=True))
    totals = dict.fromkeys(TOTAL_KEYS, 0.0)
    # added one actor after another, in actor order, as floats (the same sums as before)
    for k, v in zip(kind[idx].tolist(), values, strict=True):
        if v != 0:
            totals[KIND_SIGN_KEY[k][v > 0]] += v
    return Externalities(by_actor=by_actor, totals=totals)


def side_entry(
    rec: dict[str, np.ndarray], key: str, gain: str, arrays: ScenarioArrays, actor: int,
    *, gives: int, takes: int,
) -> ExchangeSide:
    """One side of an executed exchange (draw 0), on the scale of the issue it gives on.

    ``key`` names the side's records in ``rec`` (``x``/``y``/``m`` + key: start,
    voting position and move on 0..100); ``gain`` names its gain.
    """
    scale = (arrays.high[gives] - arrays.low[gives]) / 100.0
    low = arrays.low[gives]
    return ExchangeSide(
        actor=arrays.actors[actor], supplies=arrays.issues[gives],
        demands=arrays.issues[takes],
        start=float(rec[f"x{key}"][0] * scale + low),
        to=float(rec[f"y{key}"][0] * scale + low),
        shift=float(rec[f"m{key}"][0] * scale),
        gain=float(rec[gain][0]),
    )
