"""What an exchange-model run records beside its forecast (draw 0), as typed records."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from detente.arrays import ScenarioArrays
from detente.json_values import json_ready
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

    def to_dict(self) -> dict[str, Any]:
        """:meth:`Details.to_dict`'s plain data, with ``by_actor`` copied whole when every
        value is a finite float (what the model records: the same dict the item-by-item
        conversion gives, without a Python call per actor, some 200 an exchange)."""
        values = self.by_actor.values()
        plain = (all(type(k) is str for k in self.by_actor)
                 and all(type(v) is float for v in values) and all(map(math.isfinite, values)))
        if not plain:
            return super().to_dict()
        return {"by_actor": dict(self.by_actor), "totals": json_ready(self.totals)}


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
    the model keeps its log, every executed exchange in order (``exchanges``: a sequence,
    each round's records built when first read, see :class:`ExchangeLog`)."""

    rounds: int
    exchanges_per_round: list[int]
    exchanges: Sequence[ExecutedExchange] | None = None
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


class RoundLog:
    """One round's executed exchanges of draw 0, kept as the arrays the step loop
    recorded (roles, moves, positions, gains, forecasts) and draw 0's round-start
    positions, saliences and forecast; :meth:`build` makes the records (once).

    Building them is Python work per exchange and, for the externalities, per actor
    (at 200 actors × 20 issues some 4,000 exchanges × 200 actors a round, a third of
    the forecast's time when done eagerly), so it waits until the log is read.
    """

    __slots__ = ("_built", "_data", "size")

    def __init__(self, round_no: int, roles: dict[str, np.ndarray], rec: dict[str, np.ndarray],
                 draw0: dict[str, np.ndarray], arrays: ScenarioArrays) -> None:
        self.size = int(rec["gain"].size) if rec else 0
        self._data = (round_no, roles, rec, draw0, arrays.high, arrays.low, arrays.actors,
                      arrays.issues)
        self._built: list[ExecutedExchange] | None = None

    def build(self) -> list[ExecutedExchange]:
        """The round's executed exchanges, on each issue's own scale."""
        if self._built is None:
            self._built = _build(*self._data) if self.size else []
        return self._built


class ExchangeLog(Sequence[ExecutedExchange]):
    """Every executed exchange of draw 0, round after round: a read-only sequence whose
    length is known at once and whose records are built a round at a time, when first
    read (:class:`RoundLog`). Equal to any sequence with the same records in order."""

    def __init__(self, rounds: Sequence[RoundLog]) -> None:
        self._rounds = [r for r in rounds if r.size]
        self._ends = np.cumsum([r.size for r in self._rounds], dtype=np.int64)

    def __len__(self) -> int:
        return int(self._ends[-1]) if self._ends.size else 0

    @overload
    def __getitem__(self, index: int) -> ExecutedExchange: ...
    @overload
    def __getitem__(self, index: slice) -> list[ExecutedExchange]: ...
    def __getitem__(self, index: int | slice) -> ExecutedExchange | list[ExecutedExchange]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        n = len(self)
        k = index + n if index < 0 else index
        if not 0 <= k < n:
            raise IndexError("exchange log index out of range")
        r = int(np.searchsorted(self._ends, k, side="right"))
        return self._rounds[r].build()[k - (int(self._ends[r - 1]) if r else 0)]

    def __iter__(self) -> Iterator[ExecutedExchange]:
        for r in self._rounds:
            yield from r.build()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking like a list: unhashable

    def __repr__(self) -> str:
        return f"ExchangeLog({list(self)!r})"


def log_entries(state: RoundState, steps: list[Any], arrays: ScenarioArrays, round_no: int
                ) -> RoundLog:
    """The executed exchanges of draw 0 (built when read, :class:`RoundLog`)."""
    chosen, parts = [], []
    for draws, ex, rec in steps:
        if draws.size == 0 or draws[0] != 0 or rec is None:
            continue
        m = rec["gain"].size  # draw 0's exchanges in this step: the first m of ex
        chosen.append(ex[:m])
        parts.append(rec)
    if not parts:
        return RoundLog(round_no, {}, {}, {}, arrays)
    e = np.concatenate(chosen)
    rec = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    c = state.cands
    roles = {"a": c.demander[e], "b": c.supplier[e], "p": c.demanded[e], "q": c.offered[e],
             "inner": c.inner[e]}
    draw0 = {"start": state.start[0].copy(), "salience": state.salience[0].copy(),
             "ok": state.weight[0] > 0, "outcome": state.o_start[0].copy()}
    return RoundLog(round_no, roles, rec, draw0, arrays)


def _build(round_no: int, roles: dict[str, np.ndarray], rec: dict[str, np.ndarray],
           draw0: dict[str, np.ndarray], high: np.ndarray, low: np.ndarray,
           actors: tuple[str, ...], issues: tuple[str, ...]) -> list[ExecutedExchange]:
    a, b, p, q = roles["a"], roles["b"], roles["p"], roles["q"]
    by_actor, totals = externalities(draw0, a, b, p, q, rec, roles["inner"], actors)
    scale = (high - low) / 100.0
    shift_q = ((rec["o1_0"] - rec["o0_0"]) * scale[q]).tolist()
    shift_p = ((rec["o1_1"] - rec["o0_1"]) * scale[p]).tolist()
    side_i = side_entries(rec, "a", "gi", (high, low, actors, issues), a, gives=q, takes=p)
    side_j = side_entries(rec, "b", "gj", (high, low, actors, issues), b, gives=p, takes=q)
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


def externalities(draw0: Mapping[str, np.ndarray], a: np.ndarray, b: np.ndarray, p: np.ndarray,
                  q: np.ndarray, rec: dict[str, np.ndarray], block: np.ndarray,
                  names: tuple[str, ...]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Utility change of every actor from each exchange's shift of the two forecasts
    (exchanges ``a, b, p, q`` of draw 0, ``[E]`` each; forecasts in ``rec``):

    e_k = (|O⁰_q − x_kq| − |O¹_q − x_kq|) s_kq + (|O⁰_p − x_kp| − |O¹_p − x_kp|) s_kp
    (round-start positions ``draw0["start"]``, saliences, stances ``ok`` and forecast
    ``outcome`` of draw 0), for the actors with a stance on both issues, classed own /
    inner (same groups as the pair) / outer; per exchange, the values by actor and their
    sums by kind and sign (added one actor after another, in actor order: the order of
    the scalar loop these replace, so the same sums)."""
    x0, sal, ok = draw0["start"], draw0["salience"], draw0["ok"]  # [A, I]
    both = ok[:, p].T & ok[:, q].T  # [E, A]
    e = np.zeros(both.shape)
    for iss, o0, o1 in ((q, rec["o0_0"], rec["o1_0"]), (p, rec["o0_1"], rec["o1_1"])):
        xk = x0[:, iss].T
        e += (np.abs(o0[:, None] - xk) - np.abs(o1[:, None] - xk)) * sal[:, iss].T
    e = np.where(both, e, 0.0)
    left = ok & (x0 <= draw0["outcome"] + TOL)  # group_code's sides, per exchange's issues
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
    rec: dict[str, np.ndarray], key: str, gain: str,
    scales: tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]], actor: np.ndarray,
    *, gives: np.ndarray, takes: np.ndarray,
) -> list[ExchangeSide]:
    """One side of each executed exchange (draw 0), on the scale of the issue it gives on.

    ``key`` names the side's records in ``rec`` (``x``/``y``/``m`` + key: start,
    voting position and move on 0..100); ``gain`` names its gain; ``scales``: each issue's
    high and low end, the actors' and the issues' names.
    """
    high, lows, actors, issues = scales
    scale = (high[gives] - lows[gives]) / 100.0
    low = lows[gives]
    start = (rec[f"x{key}"] * scale + low).tolist()
    to = (rec[f"y{key}"] * scale + low).tolist()
    shift = (rec[f"m{key}"] * scale).tolist()
    return [ExchangeSide(actor=actors[k], supplies=issues[g], demands=issues[t], start=st,
                         to=y, shift=m, gain=gn)
            for k, g, t, st, y, m, gn in zip(actor.tolist(), gives.tolist(), takes.tolist(),
                                             start, to, shift, rec[gain].tolist(), strict=True)]
