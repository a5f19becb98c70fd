"""One round of the expected utility model, as named steps over a batch of games.

Rows ``b`` are independent one-issue games, actors on the last axis. A round
(:func:`play_round`):

1. :func:`canonical_order`: actors sorted (active first, then position,
   capability, salience), the median voter ``μ`` and the normalised distances;
2. :func:`probabilities`: ``P_ij`` (``probability``: Scholz's, the net margin,
   or the triples of Scholz's code);
3. :func:`expected_utilities`: with ``risk``, the security of every actor and
   its risk exponent first, then ``E^i(U_ij)`` with those exponents (and the
   sender's ``E`` as the receiver sees it, ``perspective="receiver"``);
4. :func:`choose_offers`: per receiver, the offer it takes (``offer_rule``);
5. :func:`move`: receivers move (all the way, or by ``|b/a|`` on a compromise).

The pair arrays are filled block by block of rows (challengers, then
receivers), which keeps the temporaries in cache for large A.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.models.eum.probability import triples_probability, win_probability
from detente.models.eum.utility import expected_utility, risk_exponents
from detente.models.median import weighted_median_sorted

if TYPE_CHECKING:
    from detente.models.eum.model import ExpectedUtility

KINDS = ("none", "conflict", "compromise", "capitulation")
REL_TOL = 1e-12
_BLOCK_CELLS = 1 << 16

#: one chosen offer: (row, mover, sender, kind, from, to), actors in their original order
Offer = tuple[int, int, int, str, float, float]


def fallback_weights(w: np.ndarray, active: np.ndarray) -> np.ndarray:
    """``w``, or 1 for every active actor in rows where all weights are 0."""
    zero = ~(w > 0).any(axis=1, keepdims=True)
    return np.where(zero & active, 1.0, w)


def blocks(n: int) -> list[slice]:
    """Row blocks of the ``[B, A, A]`` pair arrays, small enough to stay in cache when A
    is large. They depend on A only, never on how many rows a chunk holds, so sums over
    blocks add up in the same order whatever the chunking."""
    size = min(n, max(1, _BLOCK_CELLS // max(1, n)))
    return [slice(k, min(n, k + size)) for k in range(0, n, size)]


@dataclass(frozen=True)
class Sorted:
    """A round's games with the actors in canonical order (``order[b]``: original index of
    each sorted slot): positions ``xs``, saliences ``ss``, weights ``w = c·s``, who takes
    part (``act``), the median voter ``mu``, the range ``scale[B, 1]`` and ``rel_mu =
    |x − μ|/R``."""

    order: np.ndarray
    xs: np.ndarray
    ss: np.ndarray
    w: np.ndarray
    act: np.ndarray
    mu: np.ndarray
    scale: np.ndarray
    rel_mu: np.ndarray

    @property
    def everyone(self) -> bool:
        return bool(self.act.all())


def canonical_order(x: np.ndarray, c: np.ndarray, s: np.ndarray, active: np.ndarray,
                    span: np.ndarray) -> Sorted:
    """Sort the actors of every row: active first, then by position, capability, salience
    (so the result does not depend on the order they are listed in)."""
    rows = np.arange(x.shape[0])[:, None]
    order = np.lexsort((s, c, x, ~active), axis=1)
    xs = x[rows, order]
    cs = c[rows, order]
    ss = s[rows, order]
    act = active[rows, order]
    w = cs * ss
    mu = weighted_median_sorted(xs, fallback_weights(w, act), axis=1)
    scale = np.where(span > 0, span, 1.0)[:, None]
    rel_mu = np.abs(xs - mu[:, None]) / scale
    return Sorted(order, xs, ss, w, act, mu, scale, rel_mu)


def pair_eu(st: Sorted, blk: slice, p: np.ndarray, r_pair: np.ndarray | None,
            cfg: ExpectedUtility) -> np.ndarray:
    """``E^i(U_ij)`` for challengers ``i`` in ``blk`` and every target ``j``; 0 on the
    diagonal and wherever either side takes no part."""
    rel = np.abs(st.xs[:, None, :] - st.xs[:, blk, None]) / st.scale[:, :, None]
    eu = expected_utility(rel, st.rel_mu[:, blk], p, st.ss, r_pair, cfg.q, cfg.t_rule)
    if not st.everyone:
        eu = np.where(st.act[:, blk, None] & st.act[:, None, :], eu, 0.0)
    own = np.arange(blk.start, blk.stop)
    eu[:, own - blk.start, own] = 0.0
    return eu


def probabilities(st: Sorted, cfg: ExpectedUtility, r: np.ndarray | None = None
                  ) -> np.ndarray:
    """``P[b, i, j]``: probability that i prevails over j (``r``: the voters' exponents,
    used by ``probability="triples"`` only)."""
    if cfg.probability == "triples":
        return triples_probability(st.xs, st.w, r, st.scale[:, 0], st.act)
    n_rows, n = st.xs.shape
    p = np.empty((n_rows, n, n))
    for blk in blocks(n):
        p[:, blk] = win_probability(st.xs, st.w, cfg.probability, blk)
    return p


def expected_utilities(st: Sorted, cfg: ExpectedUtility
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(eu, sent, r)``: every actor's ``E^i(U_ij)`` with its own exponent, the sender's
    ``E`` as used in offers (the receiver's exponent when ``perspective="receiver"``) and
    the risk exponents (all 1 without ``risk``)."""
    n_rows, n = st.xs.shape
    p = probabilities(st, cfg)
    eu = np.empty((n_rows, n, n))
    if not cfg.risk:
        for blk in blocks(n):
            eu[:, blk] = pair_eu(st, blk, p[:, blk], None, cfg)
        return eu, eu, np.ones_like(st.xs)
    security = np.zeros((n_rows, n))  # Sec_i = Σ_j E^j(U_ji): column sums
    for blk in blocks(n):
        security += pair_eu(st, blk, p[:, blk], None, cfg).sum(axis=1)
    r = risk_exponents(security, st.act)
    if cfg.probability == "triples":  # the votes use each voter's new exponent
        p = probabilities(st, cfg, r)
    sender_view = np.empty((n_rows, n, n)) if cfg.perspective == "receiver" else None
    for blk in blocks(n):
        eu[:, blk] = pair_eu(st, blk, p[:, blk], r[:, blk, None], cfg)
        if sender_view is not None:
            # E^j(U_jl) as the target l sees it: with l's exponent
            sender_view[:, blk] = pair_eu(st, blk, p[:, blk], r[:, None, :], cfg)
    return eu, (eu if sender_view is None else sender_view), r


@dataclass
class Choice:
    """Per receiver (sorted slot): the sender it takes an offer from, whether it has any,
    the share of the way it moves and the kind (index into :data:`KINDS`)."""

    sender: np.ndarray
    any_offer: np.ndarray
    ratio: np.ndarray
    kind: np.ndarray


def offer_kinds(a: np.ndarray, b: np.ndarray, gap: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(kind, ratio, sender_wins)`` of the offers ``[b, l, j]`` from sender j (its ``E``:
    ``a``) to receiver l (``E`` of challenging j: ``b``): 1 conflict, 2 compromise,
    3 capitulation, 0 none; ``ratio = |b/a|`` for a compromise, else 1."""
    sender_wins = (a > 0) & (gap > 0)  # actors on one spot have nothing to offer
    yields = sender_wins & (b <= 0)
    conflict = sender_wins & (b > 0) & (a > b)
    compromise = yields & (-b < a)
    kind = np.where(yields, np.where(compromise, 2, 3), np.where(conflict, 1, 0)).astype(
        np.int8)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(compromise, -b / a, 1.0)
    return kind, ratio, sender_wins


def pick_offer(cfg: ExpectedUtility, st: Sorted, blk: slice, a: np.ndarray, b: np.ndarray,
               kind: np.ndarray, ratio: np.ndarray, sender_wins: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Each receiver's offer under ``offer_rule``: ``(sender index, has any offer)``."""
    xj = st.xs[:, None, :]
    xi = st.xs[:, blk, None]
    gap = np.abs(xj - xi)
    has = kind > 0
    if cfg.offer_rule == "max_eu":
        # dmasad: the challenge with the highest sender EU, won or not (then the
        # nearest sender); the receiver moves only if it loses that one
        top = np.where(sender_wins, a, -np.inf).max(axis=2, keepdims=True)
        cand = sender_wins & (a >= top - REL_TOL * np.abs(top))  # equal up to rounding
        pick = np.argmin(np.where(cand, gap, np.inf), axis=2)
        return pick, np.take_along_axis(has, pick[:, :, None], axis=2)[:, :, 0]
    widest = (st.xs.max(axis=1) - st.xs.min(axis=1))[:, None, None]
    step = 2.0 * widest + 1.0  # more than any move: kind·step + move orders kind first
    move = gap * ratio
    if cfg.offer_rule == "least_move":
        key = np.where(has, move, np.inf)
    else:
        sub = move
        if cfg.offer_rule == "scholz_code":
            # compromises: the lowest |EU|-weighted point of the two positions
            with np.errstate(invalid="ignore", divide="ignore"):
                point = (np.abs(b) * xi + np.abs(a) * xj) / (np.abs(b) + np.abs(a))
            sub = np.where(kind == 2, point - st.xs[:, :1, None], move)
        key = np.where(has, kind * step + sub, np.inf)
    # ties (equal up to rounding, e.g. the same step left or right): the
    # offer its sender expects most from, i.e. the most enforceable one
    best = key.min(axis=2, keepdims=True)
    tied = has & (key <= best + REL_TOL * step)
    return np.argmax(np.where(tied, a, -np.inf), axis=2), np.asarray(has.any(axis=2))


def choose_offers(st: Sorted, cfg: ExpectedUtility, eu: np.ndarray, sent: np.ndarray
                  ) -> Choice:
    """Every receiver's choice, block by block of receivers l (``[b, l, j]``: the offer
    from sender j to l)."""
    n_rows, n = st.xs.shape
    out = Choice(np.zeros((n_rows, n), dtype=np.intp), np.zeros((n_rows, n), dtype=bool),
                 np.ones((n_rows, n)), np.zeros((n_rows, n), dtype=np.int8))
    for blk in blocks(n):
        a = np.ascontiguousarray(sent[:, :, blk].transpose(0, 2, 1))  # the sender's EU
        b = eu[:, blk, :]  # the receiver's EU of challenging j
        gap = np.abs(st.xs[:, None, :] - st.xs[:, blk, None])
        kind, ratio, sender_wins = offer_kinds(a, b, gap)
        pick, any_offer = pick_offer(cfg, st, blk, a, b, kind, ratio, sender_wins)
        out.sender[:, blk] = pick
        out.any_offer[:, blk] = any_offer
        out.ratio[:, blk] = np.take_along_axis(ratio, pick[:, :, None], axis=2)[:, :, 0]
        out.kind[:, blk] = np.take_along_axis(kind, pick[:, :, None], axis=2)[:, :, 0]
    return out


def move(st: Sorted, choice: Choice) -> np.ndarray:
    """The receivers' new positions (sorted slots): a compromise moves ``|b/a|`` of the
    way; anything else lands exactly on the sender's position (no rounding)."""
    sender_x = np.take_along_axis(st.xs, choice.sender, axis=1)
    partial = np.where(choice.kind == 2, st.xs + (sender_x - st.xs) * choice.ratio, sender_x)
    return np.where(choice.any_offer, partial, st.xs)


@dataclass(frozen=True)
class RoundResult:
    """A round's new positions and risk exponents (original order), and what each
    receiver chose (sorted slots), from which :meth:`offers` lists the moves."""

    x_new: np.ndarray
    risk: np.ndarray
    sorted: Sorted
    choice: Choice
    xs_new: np.ndarray

    def offers(self, which: list[int]) -> list[Offer]:
        """The chosen offers of rows ``which``: (row, mover, sender, kind, from, to)."""
        st, ch = self.sorted, self.choice
        out = []
        for row in which:
            for l_sorted in np.flatnonzero(ch.any_offer[row]):
                j_sorted = ch.sender[row, l_sorted]
                out.append((
                    row,
                    int(st.order[row, l_sorted]),
                    int(st.order[row, j_sorted]),
                    KINDS[int(ch.kind[row, l_sorted])],
                    float(st.xs[row, l_sorted]),
                    float(self.xs_new[row, l_sorted]),
                ))
        return out


def play_round(x: np.ndarray, c: np.ndarray, s: np.ndarray, active: np.ndarray,
               span: np.ndarray, cfg: ExpectedUtility) -> RoundResult:
    """One round on rows of positions ``x[B, A]`` (see the module docstring)."""
    st = canonical_order(x, c, s, active, span)
    eu, sent, r = expected_utilities(st, cfg)
    choice = choose_offers(st, cfg, eu, sent)
    xs_new = move(st, choice)
    rows = np.arange(x.shape[0])[:, None]
    x_new = np.empty_like(x)
    x_new[rows, st.order] = xs_new
    r_out = np.empty_like(x)
    r_out[rows, st.order] = r
    return RoundResult(x_new, r_out, st, choice, xs_new)
