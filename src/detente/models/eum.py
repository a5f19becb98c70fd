"""Bueno de Mesquita's expected utility model, as formalised by Scholz, Calbert & Smith (2011).

One issue at a time (every issue of a scenario is run side by side, each on
its own), vectorised over draws, issues and actor pairs. Per round, with
positions ``x``, capabilities ``c``, saliences ``s``, weights ``w = c·s`` and
``R`` the normalising range (``range_rule``):

1. **Median voter** ``μ``: the Condorcet winner among the current positions.
   With votes ``v^{jk} = Σ_i w_i (|x_i − x_k| − |x_i − x_j|)/R`` the winner
   minimises ``Σ_i w_i |x_i − x_j|``, i.e. it is the (lower) weighted median
   of the positions; that is how it is computed.
2. **Probability that i prevails over j**, with ``a_k = |x_k − x_j| − |x_k − x_i|``::

       P_ij = Σ_{k: a_k > 0} w_k a_k / Σ_k w_k |a_k|      (P_ji = 1 − P_ij)

   computed in O(A² log A) rather than O(A³): on the sorted positions,
   ``Σ_k w_k max(a_k, 0) = W·max(x_j − x_i, 0) + 2(G(m) − G(x_i))`` with ``m``
   the midpoint of x_i and x_j, ``W = Σ w`` and ``G(t) = Σ w_k max(x_k − t, 0)``
   (piecewise linear between the positions), and
   ``Σ_k w_k a_k = D(x_j) − D(x_i)`` with ``D(t) = Σ_k w_k |x_k − t|``.
3. **Basic utilities** of i towards j, ``δ = |x_i − x_j|/R``, ``δμ = |x_i − μ|/R``,
   ``r_i`` the evaluator's risk exponent::

       U_s = 2 − 4(½ − ½δ)^r     U_f = 2 − 4(½ + ½δ)^r     U_sq = 2 − 4(½)^r
       U_b = 2 − 4(½ − ¼(δμ + δ))^r     U_w = 2 − 4(½ + ¼(δμ + δ))^r

4. **Expected utility of i challenging j**::

       E^i(U_ij) = s_j [P_ij U_s + (1 − P_ij) U_f] + (1 − s_j) U_s
                   − Q U_sq − (1 − Q)[T U_b + (1 − T) U_w]

   with ``T = 1`` when ``|x_i − μ| < |x_i − x_j|`` (``t_rule="median"``).
5. **Risk exponents** (``risk=True``): all ``E`` with ``r = 1``; security
   ``Sec_i = Σ_{j≠i} E^j(U_ji)``; ``R_i = (2 Sec_i − max Sec − min Sec)/(max Sec − min Sec)``
   (0 when all ``Sec`` are equal); ``r_i = (1 − R_i/3)/(1 + R_i/3)`` ∈ [½, 2];
   then every ``E`` again with these ``r`` (each evaluator its own).
6. **Offers.** For the pair (j, l) with ``a = E^j(U_jl)`` (the sender's) and
   ``b = E^l(U_lj)`` (the receiver's), j makes l an offer when ``a > 0`` and:
   ``b > 0`` and ``a > b`` (*conflict*: l moves to ``x_j``); ``b ≤ 0`` and
   ``|b| < a`` (*compromise*: l moves to ``x_l + (x_j − x_l)|b/a|``);
   ``b ≤ 0`` and ``|b| ≥ a`` (*capitulation*: l moves to ``x_j``). A tie
   ``a = b > 0`` moves no one; ``a, b < 0`` is a stalemate. Actors on the
   same spot make each other no offers (with ``Q < 1`` the formula would
   give them a positive ``E`` for a move of zero).
7. **Offer selection** (``offer_rule``): each actor takes one offer. ``"scholz"``:
   the first kind present in the order conflict → compromise → capitulation,
   then the least move; ``"max_eu"`` (dmasad's code): the challenge with the
   highest sender ``a`` among all challenges received (``a > 0``), the
   nearest sender on a tie, and the receiver moves only if it loses that
   challenge; ``"least_move"``: the least move of all offers. Ties (equal up
   to rounding, e.g. the same step to the left or to the right) go to the
   offer whose sender expects most from it (the most enforceable), then to
   the sender first in the canonical order (lowest position, capability,
   salience). Everyone moves at once.
8. **Stopping**: ``rounds`` rounds, or with ``tolerance`` set, until no
   position moves by more than ``tolerance × (high − low)`` (``rounds`` is
   then the cap). A converged draw and issue stays put while others go on.
9. **Read-out** (``readout``): the median voter position ``μ`` or the
   capability × salience weighted mean of the final positions.

Switches for where the implementations disagree (``probability``,
``perspective``, ``offer_rule="scholz_code"``) and the presets
``"scholz-code"`` and ``"dmasad"`` are described on :class:`ExpectedUtility`.

Every step is a pure function of the arrays; the model draws no random
numbers (the same input gives the same numbers, bit for bit). Actors are put
in a canonical order (position, capability, salience) each round, so the
result does not depend on the order they are listed in. Pairs are held as
``[batch, A, A]`` arrays and the batch (draws × issues) is cut into chunks
of at most ``chunk_elements`` pair cells, so memory stays bounded.

Actors without a stance on an issue take no part in it; an issue nobody
takes a stance on gets NaN. When every weight on an issue is 0 the median
and mean are taken unweighted.

Source: J. B. Scholz, G. J. Calbert, G. A. Smith, "Unravelling Bueno de
Mesquita's group decision model", J. Theoretical Politics 23(4) 2011, and
ICAART 2011 pp. 18–30. See ``docs/models/eum.md`` for the reproduction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

from detente.arrays import ScenarioArrays
from detente.errors import DetenteError
from detente.models.base import (
    Constraint,
    Flag,
    Integer,
    Model,
    ModelOutput,
    Number,
    OneOf,
    Trajectory,
)
from detente.models.median import weighted_median_sorted

KINDS = ("none", "conflict", "compromise", "capitulation")
_REL_TOL = 1e-12


PRESETS: dict[str, dict[str, Any]] = {
    # the formulas as the paper writes them (the defaults)
    "paper": {},
    # the choices jmckib's port reports from Scholz's own code; they reproduce
    # the paper's Table 2 (see docs/models/eum.md)
    "scholz-code": {"probability": "triples", "perspective": "receiver",
                    "offer_rule": "scholz_code"},
    # dmasad/BDM_DecisionModel_Replication (Q = 1, T = 1)
    "dmasad": {"probability": "net", "offer_rule": "max_eu", "t_rule": "one"},
}


TRule = Literal["median", "one", "zero"]
OfferRule = Literal["scholz", "scholz_code", "max_eu", "least_move"]
RangeRule = Literal["initial", "current", "scale"]
Readout = Literal["median", "mean"]
ProbabilityRule = Literal["scholz", "net", "triples"]
Perspective = Literal["own", "receiver"]


@dataclass(frozen=True, kw_only=True)
class ExpectedUtility(Model):
    """Bueno de Mesquita's expected utility model (Scholz, Calbert & Smith 2011).

    Each round every actor i weighs challenging every j,
    ``E^i(U_ij) = s_j [P_ij U_s + (1 − P_ij) U_f] + (1 − s_j) U_s − Q U_sq
    − (1 − Q)[T U_b + (1 − T) U_w]``, with the win probability
    ``P_ij = Σ_{k: a_k > 0} w_k a_k / Σ_k w_k |a_k|``; offers move the positions,
    and the forecast is the median voter (or weighted mean) of the last round.
    The module docstring gives every step.

    Parameters (Scholz's choices are the defaults):

    - ``rounds`` (default 8, the length of Scholz's Table 2): rounds to run (the
      cap when ``tolerance`` is set).
    - ``tolerance`` (default ``None``: fixed rounds): a fraction of the issue's
      scale; stop once no position moves more than that.
    - ``q`` (default 1.0, Scholz's): probability that the status quo holds if i
      does not challenge (0.5 brings in the median-drift terms ``U_b``, ``U_w``).
    - ``t_rule`` (default ``"median"``: T = 1 when j's drift to the median helps
      i, ``|x_i − μ| < |x_i − x_j|``), ``"one"`` (dmasad) or ``"zero"``.
    - ``risk`` (default True): compute the risk exponents each round, or keep r = 1.
    - ``offer_rule`` (default ``"scholz"``: kind order conflict, compromise,
      capitulation, then the least move); ``"scholz_code"``: as ``"scholz"``, but
      among compromises the one whose |EU|-weighted point
      ``(|b| x_l + |a| x_j)/(|a| + |b|)`` is lowest (Scholz's code as ported by
      jmckib); ``"max_eu"`` (dmasad); ``"least_move"``.
    - ``range_rule`` (default ``"initial"``: the range of the stated positions,
      Scholz and dmasad): the ``R`` that distances are divided by; ``"current"``
      (recomputed each round, minimalgeek) or ``"scale"`` (the issue's scale).
    - ``readout`` (default ``"median"``: the median voter) or ``"mean"`` (the
      weighted mean).
    - ``probability`` (default ``"scholz"``: eq. 30/31, supporters' weighted
      margins over all margins), ``"net"`` (dmasad: the clipped net margin over
      all margins) or ``"triples"`` (Scholz's code as ported by jmckib:
      risk-powered votes over the sum of all voters' votes on all pairs; O(A³)
      per round).
    - ``perspective`` (default ``"own"``: the sender's exponent evaluates the
      sender's expected utility in an offer) or ``"receiver"`` (the receiver
      judges both sides with its own exponent, Scholz's code).
    - ``record`` (default True): keep each round's offers and risk exponents
      (first draw) in ``details``.
    - ``chunk_elements`` (default 2¹⁶): pair cells (batch × A × A) per chunk.
    - ``preset`` (default ``None``): ``"paper"``, ``"scholz-code"`` or ``"dmasad"``
      sets the switches of ``PRESETS`` that are left at their defaults
      (``-p eum.preset=scholz-code``). ``ExpectedUtility.from_preset(name,
      **overrides)`` does the same with explicit overrides.
    """

    name: ClassVar[str] = "eum"
    label: ClassVar[str] = "Expected utility (BDM)"

    rounds: int = 8
    tolerance: float | None = None
    q: float = 1.0
    t_rule: TRule = "median"
    risk: bool = True
    offer_rule: OfferRule = "scholz"
    range_rule: RangeRule = "initial"
    readout: Readout = "median"
    probability: ProbabilityRule = "scholz"
    perspective: Perspective = "own"
    record: bool = True
    chunk_elements: int = 1 << 16
    preset: str | None = None

    constraints: ClassVar[Mapping[str, Constraint]] = {
        "rounds": Integer(0),
        "tolerance": Number(low=0, optional=True),
        "q": Number(0, 1),
        "t_rule": OneOf.literal(TRule),
        "risk": Flag(),
        "offer_rule": OneOf.literal(OfferRule),
        "range_rule": OneOf.literal(RangeRule),
        "readout": OneOf.literal(Readout),
        "probability": OneOf.literal(ProbabilityRule),
        "perspective": OneOf.literal(Perspective),
        "record": Flag(),
        "chunk_elements": Integer(1),
    }

    def __post_init__(self) -> None:
        if self.preset is not None:
            if self.preset not in PRESETS:
                raise DetenteError(
                    f"model 'eum': no preset {self.preset!r}; presets: {', '.join(PRESETS)}"
                )
            defaults = {f.name: f.default for f in dataclasses.fields(self)}
            for key, value in PRESETS[self.preset].items():
                if getattr(self, key) == defaults[key]:  # explicit values win
                    object.__setattr__(self, key, value)
        super().__post_init__()

    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> ExpectedUtility:
        """A named set of switches (see ``PRESETS``), with keyword overrides."""
        if name not in PRESETS:
            raise DetenteError(f"no eum preset {name!r}; presets: {', '.join(PRESETS)}")
        model = cls(**{**PRESETS[name], **overrides})
        object.__setattr__(model, "preset", name)  # recorded; the overrides stand
        return model

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        n_draws, n_actors, n_issues = arrays.position.shape
        # batch rows b = draw * I + issue; actors on the last axis
        pos = np.moveaxis(arrays.position, 2, 1).reshape(-1, n_actors)
        sal = np.moveaxis(arrays.salience, 2, 1).reshape(-1, n_actors)
        cap = np.repeat(arrays.capability, n_issues, axis=0)
        active = np.broadcast_to(arrays.mask.T[None], (n_draws, n_issues, n_actors)).reshape(
            -1, n_actors
        )
        low = np.tile(arrays.low, n_draws)
        high = np.tile(arrays.high, n_draws)
        n_rows = pos.shape[0]
        per_chunk = max(1, self.chunk_elements // max(1, n_actors * n_actors))
        runs: list[_Run] = []
        starts = list(range(0, n_rows, per_chunk))
        for start in starts:
            stop = min(n_rows, start + per_chunk)
            record_rows = (
                list(range(start, min(stop, n_issues))) if self.record and start < n_issues else []
            )
            runs.append(
                simulate(
                    pos[start:stop], cap[start:stop], sal[start:stop], active[start:stop],
                    low[start:stop], high[start:stop], rounds=self.rounds,
                    tolerance=self.tolerance, cfg=self,
                    record_rows=[r - start for r in record_rows],
                )
            )
        n_run = max(run.positions.shape[1] for run in runs)
        positions = np.concatenate([_pad(run.positions, n_run) for run in runs])
        median = np.concatenate([_pad(run.median, n_run) for run in runs])
        mean = np.concatenate([_pad(run.mean, n_run) for run in runs])
        read = median if self.readout == "median" else mean
        outcome_traj = read.reshape(n_draws, n_issues, n_run).transpose(0, 2, 1)
        position_traj = positions.reshape(n_draws, n_issues, n_run, n_actors).transpose(0, 2, 3, 1)
        details = (
            _details(_merge_records(runs, starts), arrays, n_run, median, mean)
            if self.record else {}
        )
        details["rounds_run"] = n_run - 1
        return ModelOutput(
            outcome=outcome_traj[:, -1, :].copy(),
            trajectory=Trajectory(outcome=outcome_traj, position=position_traj),
            details=details,
        )


# --------------------------------------------------------------------------------------
# the simulation over a batch of independent one-issue games: arrays [B, A]


@dataclass
class _Run:
    positions: np.ndarray  # [B, R+1, A], NaN for inactive actors
    median: np.ndarray  # [B, R+1]
    mean: np.ndarray  # [B, R+1]
    offers: list[list[tuple[int, int, int, str, float, float]]]  # per round: (row, actor, ...)
    risk: list[dict[int, np.ndarray]]  # per round: row -> r per actor (original order)


def _merge_records(runs: list[_Run], starts: list[int]) -> _Run:
    """The offers and risk exponents of all chunks, with rows numbered across chunks."""
    n = max(len(run.offers) for run in runs)
    offers: list[list[tuple[int, int, int, str, float, float]]] = [[] for _ in range(n)]
    risk: list[dict[int, np.ndarray]] = [{} for _ in range(n)]
    for run, start in zip(runs, starts, strict=True):
        for k, items in enumerate(run.offers):
            offers[k].extend((row + start, *rest) for row, *rest in items)
        for k, by_row in enumerate(run.risk):
            risk[k].update({row + start: v for row, v in by_row.items()})
    return _Run(runs[0].positions, runs[0].median, runs[0].mean, offers, risk)


def _pad(values: np.ndarray, n: int) -> np.ndarray:
    """Repeat the last round of ``values[:, R, ...]`` until it has ``n`` rounds."""
    have = values.shape[1]
    if have == n:
        return values
    tail = np.repeat(values[:, -1:], n - have, axis=1)
    return np.concatenate([values, tail], axis=1)


def simulate(
    x0: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    active: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    rounds: int,
    tolerance: float | None,
    cfg: ExpectedUtility,
    record_rows: list[int] | None = None,
) -> _Run:
    """Run the rounds on ``B`` independent games (rows); actors on the last axis.

    ``cfg`` is the model whose switches (``q``, ``t_rule``, ``risk``, ``offer_rule``,
    ``range_rule``, ``probability``, ``perspective``) apply.
    """
    record_rows = record_rows or []
    active = np.asarray(active, dtype=bool) & np.isfinite(x0)
    any_active = active.any(axis=1)
    big = np.where(active, x0, -np.inf).max(axis=1)
    fill = np.where(any_active, big, low)
    x = np.where(active, x0, fill[:, None]).astype(float)
    c = np.where(active, c, 0.0).astype(float)
    s = np.where(active, s, 0.0).astype(float)
    if cfg.range_rule == "scale":
        span0 = high - low
    else:
        small = np.where(active, x, np.inf).min(axis=1)
        span0 = np.where(any_active, fill - small, 0.0)
    span_tol = (high - low) * (tolerance or 0.0)

    history = [np.where(active, x, np.nan)]
    med0, mean0 = _readouts(x, c * s, active)
    medians, means = [med0], [mean0]
    offers_log: list[list[tuple[int, int, int, str, float, float]]] = []
    risk_log: list[dict[int, np.ndarray]] = []
    moving = any_active.copy()
    for _ in range(rounds):
        if tolerance is not None and not moving.any():
            break
        if cfg.range_rule == "current":
            span = np.where(active, x, -np.inf).max(1) - np.where(active, x, np.inf).min(1)
            span = np.where(any_active, span, 0.0)
        else:
            span = span0
        x_new, r, chosen = _round(x, c, s, active, span, cfg)
        x_new = np.where(moving[:, None], x_new, x)
        if record_rows:
            offers_log.append([o for o in chosen(record_rows) if moving[o[0]]])
            risk_log.append({row: r[row] for row in record_rows})
        if tolerance is not None:
            change = np.where(active, np.abs(x_new - x), 0.0).max(axis=1)
            moving &= change > span_tol
        x = x_new
        history.append(np.where(active, x, np.nan))
        med, mean = _readouts(x, c * s, active)
        medians.append(med)
        means.append(mean)
    return _Run(
        positions=np.stack(history, axis=1),
        median=np.stack(medians, axis=1),
        mean=np.stack(means, axis=1),
        offers=offers_log,
        risk=risk_log,
    )


def _readouts(x: np.ndarray, w: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median voter (lower weighted median) and weighted mean per row; NaN with no actors."""
    w = _fallback_weights(w, active)
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    med = weighted_median_sorted(xs, ws, axis=1)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w * x).sum(axis=1) / total
    none = ~active.any(axis=1)
    return np.where(none, np.nan, med), np.where(none, np.nan, mean)


def _fallback_weights(w: np.ndarray, active: np.ndarray) -> np.ndarray:
    """``w``, or 1 for every active actor in rows where all weights are 0."""
    zero = ~(w > 0).any(axis=1, keepdims=True)
    return np.where(zero & active, 1.0, w)


_LOOP_ACTORS = 32


def _g_at_points(t: np.ndarray, xs: np.ndarray, w: np.ndarray, g_at: np.ndarray) -> np.ndarray:
    """``G(t) = Σ_k w_k max(x_k − t, 0)`` row by row, at points ``t[B, ...]``.

    ``G`` is piecewise linear with knots at the sorted positions ``xs[B, A]``
    (where it is ``g_at``). Few actors: the sum itself, a loop over the A
    actors; many actors: ``np.interp`` row by row (each call then handles A²
    points). Either way every row is computed
    on its own, so the numbers do not depend on how draws are chunked.
    """
    n_rows, n = xs.shape
    if n > _LOOP_ACTORS:
        out = np.empty(t.shape)
        for b in range(n_rows):
            out[b] = np.interp(t[b].ravel(), xs[b], g_at[b]).reshape(t.shape[1:])
        return out
    shape = (n_rows,) + (1,) * (t.ndim - 1)
    out = np.zeros(t.shape)
    for k in range(n):
        out += w[:, k].reshape(shape) * np.maximum(xs[:, k].reshape(shape) - t, 0.0)
    return out


def _first_of_ties(values: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """``values[b, k]`` replaced by its value at the first slot of each run of equal ``xs``."""
    n = xs.shape[1]
    start = np.ones(xs.shape, dtype=bool)
    start[:, 1:] = xs[:, 1:] != xs[:, :-1]
    first = np.maximum.accumulate(np.where(start, np.arange(n), 0), axis=1)
    return np.take_along_axis(values, first, axis=1)


def win_probability(
    xs: np.ndarray, w: np.ndarray, rule: str = "scholz", rows: slice | None = None
) -> np.ndarray:
    """``P[b, i, j]``: probability that i prevails over j, from sorted positions ``xs[B, A]``.

    ``P_ij = Σ_{k: a_k>0} w_k a_k / Σ_k w_k |a_k|``, ``a_k = |x_k − x_j| − |x_k − x_i|``;
    ½ where no weight separates i from j (then it does not matter). With
    ``rule="net"`` (dmasad's code) the numerator is the clipped net support
    ``max(Σ_k w_k a_k, 0)`` instead, so ``P_ij + P_ji`` is no longer 1. The
    rows of ``xs`` must be sorted ascending. ``rows`` limits the challengers
    i to a block (the result is then ``P[b, rows, j]``).

    With ``G(t) = Σ_k w_k max(x_k − t, 0)``, ``m`` the midpoint of x_i and x_j
    and ``W = Σ_k w_k``, the supporters' margin is
    ``Σ_k w_k max(a_k, 0) = W·max(x_j − x_i, 0) + 2(G(m) − G(x_i))``, the net
    margin ``Σ_k w_k a_k = D(x_j) − D(x_i)`` with ``D(t) = Σ_k w_k |x_k − t|``,
    and ``Σ_k w_k |a_k| = 2·support − net``. ``G`` is exact at the positions
    from prefix sums, and piecewise linear between them, so ``G(m)`` is a
    linear interpolation: a round costs O(A² log A), not O(A³).
    """
    cw = np.cumsum(w, axis=1) - w  # Σ_{l<k} w_l
    cwx = np.cumsum(w * xs, axis=1) - w * xs
    total_w = cw[:, -1] + w[:, -1]
    total_wx = cwx[:, -1] + w[:, -1] * xs[:, -1]
    # G at the (sorted) positions themselves: Σ_{l>=k} w_l (x_l − x_k)
    g_at = (total_wx[:, None] - cwx) - xs * (total_w[:, None] - cw)
    # actors on one spot share G exactly (the prefix sums differ in the last bit), so
    # that interchangeable actors get identical numbers whatever order they are listed in
    g_at = _first_of_ties(g_at, xs)
    dist_sum = 2.0 * g_at + xs * total_w[:, None] - total_wx[:, None]  # D = G + H
    rows = slice(None) if rows is None else rows
    xi = xs[:, rows, None]
    xj = xs[:, None, :]
    tw = total_w[:, None, None]
    diff = xj - xi
    # G is piecewise linear with knots at the positions, and every midpoint
    # lies within them: interpolation is exact
    g_mid = _g_at_points(0.5 * (xi + xj), xs, w, g_at)
    support = tw * np.maximum(diff, 0.0) + 2.0 * (g_mid - g_at[:, rows, None])
    net = dist_sum[:, None, :] - dist_sum[:, rows, None]
    both = 2.0 * support - net
    if rule == "net":
        support = np.maximum(net, 0.0)
    ok = both > 1e-12 * np.abs(diff) * tw
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(ok, support / both, 0.5)
    return np.clip(p, 0.0, 1.0)


def triples_probability(
    xs: np.ndarray, w: np.ndarray, r: np.ndarray | None, span: np.ndarray, active: np.ndarray
) -> np.ndarray:
    """The win probability of jmckib's port, which it reports as Scholz's code.

    Voter k's vote for i over j is ``v_k(i, j) = w_k (δ_kj^{r_k} − δ_ki^{r_k})``
    with ``δ_ka = |x_k − x_a|/R`` and ``r_k`` the voter's risk exponent
    (``None``: all 1). Then::

        P_ij = Σ_k max(v_k(i, j), 0) / Σ_k Σ_a Σ_b |v_k(a, b)|

    The denominator runs over every triple of actors, so ``P`` is small and
    ``P_ij + P_ji`` is far below 1. The inner double sum is the sum of
    pairwise absolute differences of voter k's ``δ^{r_k}``, from its sorted
    values: ``2 Σ_m u_(m) (2m − A + 1)``. The numerator is a loop over the
    voters, O(A³) per round: meant for reproducing the published cases.
    """
    n_rows, n = xs.shape
    delta = np.abs(xs[:, :, None] - xs[:, None, :]) / span[:, None, None]  # [B, k, a]
    u = delta if r is None else np.power(delta, r[:, :, None])
    # only actors taking part count as a and b: the others sort last as NaN
    ranked = np.sort(np.where(active[:, None, :], u, np.nan), axis=2)
    n_act = active.sum(axis=1)[:, None, None]
    m = np.arange(n)[None, None, :]
    coef = np.where(m < n_act, 2.0 * m - n_act + 1.0, 0.0)
    den = 2.0 * (w * np.nan_to_num(ranked * coef).sum(axis=2)).sum(axis=1)
    num = np.zeros((n_rows, n, n))
    for k in range(n):
        uk = u[:, k, :]
        num += w[:, k, None, None] * np.maximum(uk[:, None, :] - uk[:, :, None], 0.0)
    ok = den > 0
    return np.where(ok[:, None, None], num / np.where(ok, den, 1.0)[:, None, None], 0.5)


def expected_utility(
    rel: np.ndarray,
    rel_mu: np.ndarray,
    p: np.ndarray,
    s_target: np.ndarray,
    r: np.ndarray | None,
    q: float,
    t_rule: str,
) -> np.ndarray:
    """``E[b, i, j] = E^i(U_ij)`` from ``rel = |x_i − x_j|/R``, ``rel_mu = |x_i − μ|/R``.

    ``r`` is the risk exponent of whoever evaluates, broadcast against
    ``[B, A, A]``: ``r[:, :, None]`` for the challenger's own view,
    ``r[:, None, :]`` for the target's view of the challenge (``None`` for
    r = 1, which skips the powers: ``U_s = 2δ``, ``U_f = −2δ``, ``U_sq = 0``).
    """
    if r is None and q == 1.0:
        # U_s = 2δ, U_f = −2δ, U_sq = 0: E = 2δ (1 − 2 s_j (1 − P))
        return (2.0 * rel) * (1.0 - 2.0 * s_target[:, None, :] * (1.0 - p))
    if r is None:
        u_s = 2.0 * rel
        u_f = -2.0 * rel
        u_sq = 0.0
    else:
        ri = r
        u_s = 2.0 - 4.0 * np.power(np.maximum(0.5 - 0.5 * rel, 0.0), ri)
        u_f = 2.0 - 4.0 * np.power(0.5 + 0.5 * rel, ri)
        u_sq = 2.0 - 4.0 * np.power(0.5, ri)
    sj = s_target[:, None, :]
    eu = sj * (p * u_s + (1.0 - p) * u_f) + (1.0 - sj) * u_s - q * u_sq
    if q < 1.0:
        drift = 0.25 * (rel_mu[:, :, None] + rel)
        if r is None:
            u_b = 4.0 * drift
            u_w = -4.0 * drift
        else:
            u_b = 2.0 - 4.0 * np.power(np.maximum(0.5 - drift, 0.0), ri)
            u_w = 2.0 - 4.0 * np.power(0.5 + drift, ri)
        if t_rule == "median":
            t = (rel_mu[:, :, None] < rel).astype(float)
        else:
            t = 1.0 if t_rule == "one" else 0.0
        eu = eu - (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return eu


def risk_exponents(security: np.ndarray, active: np.ndarray) -> np.ndarray:
    """``r_i = (1 − R_i/3)/(1 + R_i/3)`` from the security ``Sec_i = Σ_j E^j(U_ji)``.

    ``R_i = (2 Sec_i − max Sec − min Sec)/(max Sec − min Sec)`` over the actors
    taking part (0 when all are equal).
    """
    sec = security
    anyone = active.any(axis=1, keepdims=True)
    hi = np.where(anyone, np.where(active, sec, -np.inf).max(axis=1, keepdims=True), 0.0)
    lo = np.where(anyone, np.where(active, sec, np.inf).min(axis=1, keepdims=True), 0.0)
    spread = hi - lo
    flat = ~(spread > 0)
    big_r = np.where(flat, 0.0, (2.0 * sec - hi - lo) / np.where(flat, 1.0, spread))
    big_r = np.clip(big_r, -1.0, 1.0)
    # (1 − R/3)/(1 + R/3) written as (3 − R)/(3 + R): exactly ½ and 2 at the ends
    return np.where(active, (3.0 - big_r) / (3.0 + big_r), 1.0)


_BLOCK_CELLS = 1 << 16


def _blocks(n: int) -> list[slice]:
    """Row blocks of the ``[B, A, A]`` pair arrays, small enough to stay in cache when A
    is large. They depend on A only, never on how many rows a chunk holds, so sums over
    blocks add up in the same order whatever the chunking."""
    size = min(n, max(1, _BLOCK_CELLS // max(1, n)))
    return [slice(k, min(n, k + size)) for k in range(0, n, size)]


def _round(
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    active: np.ndarray,
    span: np.ndarray,
    cfg: ExpectedUtility,
) -> tuple[np.ndarray, np.ndarray, Any]:
    """One round on rows of positions ``x[B, A]``: the new positions, the risk exponents
    (original order) and a function giving the chosen offers of some rows.

    The pair arrays are filled block by block of rows (challengers, then
    receivers), which keeps the temporaries in cache for large A.
    """
    n_rows, n = x.shape
    rows = np.arange(n_rows)[:, None]
    # canonical order: active first, then by position, capability, salience
    order = np.lexsort((s, c, x, ~active), axis=1)
    xs = x[rows, order]
    cs = c[rows, order]
    ss = s[rows, order]
    act = active[rows, order]
    w = cs * ss
    w_mu = _fallback_weights(w, act)
    mu = weighted_median_sorted(xs, w_mu, axis=1)

    scale = np.where(span > 0, span, 1.0)[:, None]
    rel_mu = np.abs(xs - mu[:, None]) / scale
    xj = xs[:, None, :]
    everyone = bool(act.all())
    blocks = _blocks(n)

    def rel_of(blk: slice) -> np.ndarray:
        return np.abs(xj - xs[:, blk, None]) / scale[:, :, None]

    def masked(eu: np.ndarray, blk: slice) -> np.ndarray:
        if not everyone:
            eu = np.where(act[:, blk, None] & act[:, None, :], eu, 0.0)
        own = np.arange(blk.start, blk.stop)
        eu[:, own - blk.start, own] = 0.0
        return eu

    def eu_of(blk: slice, p: np.ndarray, r_pair: np.ndarray | None) -> np.ndarray:
        return masked(expected_utility(rel_of(blk), rel_mu[:, blk], p, ss, r_pair, cfg.q,
                                       cfg.t_rule), blk)

    if cfg.probability == "triples":
        p = triples_probability(xs, w, None, scale[:, 0], act)
    else:
        p = np.empty((n_rows, n, n))
        for blk in blocks:
            p[:, blk] = win_probability(xs, w, cfg.probability, blk)

    sender_view = None
    eu = np.empty((n_rows, n, n))
    if cfg.risk:
        security = np.zeros((n_rows, n))  # Sec_i = Σ_j E^j(U_ji): column sums
        for blk in blocks:
            security += eu_of(blk, p[:, blk], None).sum(axis=1)
        r = risk_exponents(security, act)
        if cfg.probability == "triples":  # the votes use each voter's new exponent
            p = triples_probability(xs, w, r, scale[:, 0], act)
        if cfg.perspective == "receiver":
            sender_view = np.empty((n_rows, n, n))
        for blk in blocks:
            eu[:, blk] = eu_of(blk, p[:, blk], r[:, blk, None])
            if sender_view is not None:
                # E^j(U_jl) as the target l sees it: with l's exponent
                sender_view[:, blk] = eu_of(blk, p[:, blk], r[:, None, :])
    else:
        r = np.ones_like(xs)
        for blk in blocks:
            eu[:, blk] = eu_of(blk, p[:, blk], None)
    del p
    sent = eu if sender_view is None else sender_view

    # offers, block by block of receivers l: [b, l, j] is the offer from sender j to l
    lowest = xs[:, :1, None]
    widest = (xs.max(axis=1) - xs.min(axis=1))[:, None, None]
    step = 2.0 * widest + 1.0  # more than any move: kind·step + move orders kind first
    choice = np.zeros((n_rows, n), dtype=np.intp)
    any_offer = np.zeros((n_rows, n), dtype=bool)
    picked_ratio = np.ones((n_rows, n))
    kind_picked = np.zeros((n_rows, n), dtype=np.int8)
    for blk in blocks:
        a = np.ascontiguousarray(sent[:, :, blk].transpose(0, 2, 1))  # the sender's EU
        b = eu[:, blk, :]  # the receiver's EU of challenging j
        xi = xs[:, blk, None]
        gap = np.abs(xj - xi)
        sender_wins = (a > 0) & (gap > 0)  # actors on one spot have nothing to offer
        yields = sender_wins & (b <= 0)
        conflict = sender_wins & (b > 0) & (a > b)
        compromise = yields & (-b < a)
        # kind: 1 conflict, 2 compromise, 3 capitulation, 0 none
        kind = np.where(yields, np.where(compromise, 2, 3), np.where(conflict, 1, 0)).astype(
            np.int8)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(compromise, -b / a, 1.0)
        has = kind > 0
        if cfg.offer_rule == "max_eu":
            # dmasad: the challenge with the highest sender EU, won or not (then the
            # nearest sender); the receiver moves only if it loses that one
            top = np.where(sender_wins, a, -np.inf).max(axis=2, keepdims=True)
            cand = sender_wins & (a >= top - _REL_TOL * np.abs(top))  # equal up to rounding
            pick = np.argmin(np.where(cand, gap, np.inf), axis=2)
            any_offer[:, blk] = np.take_along_axis(has, pick[:, :, None], axis=2)[:, :, 0]
        else:
            move = gap * ratio
            if cfg.offer_rule == "least_move":
                key = np.where(has, move, np.inf)
            else:
                sub = move
                if cfg.offer_rule == "scholz_code":
                    # compromises: the lowest |EU|-weighted point of the two positions
                    with np.errstate(invalid="ignore", divide="ignore"):
                        point = (np.abs(b) * xi + np.abs(a) * xj) / (np.abs(b) + np.abs(a))
                    sub = np.where(kind == 2, point - lowest, move)
                key = np.where(has, kind * step + sub, np.inf)
            # ties (equal up to rounding, e.g. the same step left or right): the
            # offer its sender expects most from, i.e. the most enforceable one
            best = key.min(axis=2, keepdims=True)
            tied = has & (key <= best + _REL_TOL * step)
            pick = np.argmax(np.where(tied, a, -np.inf), axis=2)
            any_offer[:, blk] = has.any(axis=2)
        choice[:, blk] = pick
        picked_ratio[:, blk] = np.take_along_axis(ratio, pick[:, :, None], axis=2)[:, :, 0]
        kind_picked[:, blk] = np.take_along_axis(kind, pick[:, :, None], axis=2)[:, :, 0]
    sender_x = np.take_along_axis(xs, choice, axis=1)
    # a full move lands exactly on the sender's position (no rounding)
    partial = np.where(kind_picked == 2, xs + (sender_x - xs) * picked_ratio, sender_x)
    xs_new = np.where(any_offer, partial, xs)

    x_new = np.empty_like(x)
    x_new[rows, order] = xs_new
    r_out = np.empty_like(x)
    r_out[rows, order] = r

    def chosen(which: list[int]) -> list[tuple[int, int, int, str, float, float]]:
        out = []
        for row in which:
            for l_sorted in np.flatnonzero(any_offer[row]):
                j_sorted = choice[row, l_sorted]
                out.append((
                    row,
                    int(order[row, l_sorted]),
                    int(order[row, j_sorted]),
                    KINDS[int(kind_picked[row, l_sorted])],
                    float(xs[row, l_sorted]),
                    float(xs_new[row, l_sorted]),
                ))
        return out

    return x_new, r_out, chosen


def _details(
    run: _Run, arrays: ScenarioArrays, n_run: int, median: np.ndarray, mean: np.ndarray
) -> dict[str, Any]:
    """Plain-data records of the first draw: offers and risk exponents per round."""
    n_issues = arrays.n_issues
    actors = arrays.actors
    issues = arrays.issues
    rounds: list[list[dict[str, Any]]] = []
    for offers in run.offers:
        rounds.append([
            {
                "issue": issues[row],
                "actor": actors[mover],
                "target": actors[sender],
                "kind": kind,
                "from": x_from,
                "to": x_to,
                "moved": abs(x_to - x_from),
            }
            for row, mover, sender, kind, x_from, x_to in offers
        ])
    while len(rounds) < n_run - 1:
        rounds.append([])
    risk = [
        {
            issues[row]: {
                actors[k]: float(v[k]) for k in range(len(actors)) if arrays.mask[k, row]
            }
            for row, v in by_row.items()
        }
        for by_row in run.risk
    ]
    return {
        "rounds": rounds,
        "risk_exponents": risk,
        "median": median[:n_issues].T.tolist(),
        "mean": mean[:n_issues].T.tolist(),
    }
