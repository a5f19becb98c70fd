"""The Stokman–Van Oosten exchange model (vote trading / issue linkage), as decide computes it.

Positions are rescaled to 0..100 per issue (x' = (x − low)·100/(high − low)); w = c·s.

1. Expected outcome per issue: O_d = Σ_k w_kd x_kd / Σ_k w_kd.
2. Candidates, for every issue pair (p, q) in scenario order: actors on
   opposite sides of O on both issues (x ≤ O counts as "left"): group A
   (right on both) × D (left on both), then B (left on p only) × C. The actor
   with the larger s_p/s_q is *i*: it demands p and supplies (moves on) q;
   its partner *j* supplies p and demands q.
3. Equal gain: ΔO_q = k·ΔO_p with k = (s_ip + s_jp)/(s_iq + s_jq); first j
   moves all the way to i's position on p (ΔO_p = |x_ip − x_jp| w_jp / W_p) and
   i moves ΔO_q W_q / w_iq; if that passes j's position, i moves all the way
   and j's move follows from k. Gain (both sides) = |ΔO_p s_ip − ΔO_q s_iq|.
4. A candidate is admissible when the gain ≥ 1e-10, both moves are in
   (1e-10, 100], both voting positions stay in [0, 100] and neither actor's
   moves in this candidate change direction. If the forecast on a supply issue
   would pass the partner's position, the move is cut so that it lands there
   and the other move is re-solved with the same k.
5. A round executes the admissible candidate with the highest gain (ties: the
   earliest created), then recomputes every candidate that shares an actor's
   supply issue or an actor's demand issue with it, drops those no longer
   admissible, and repeats until none is left. Voting forecast = O over the
   voting positions. Next round's position on a supplied issue:
   x ← x + (0.1 + 0.4 (1 − s)) (y − x). Exactly ``rounds`` rounds are run.

``rule="decide"`` (default) reproduces decide-exchange-model 2022.1.28 (with
its deterministic tie rule): demand positions stay at the round's start, and
the forecast used for the overshoot test counts only the moves of partners who
traded with the same demanding actor on that issue. ``rule="paper"`` uses the
current positions and the full current forecast, and keeps voting positions
for the next round. ``variant="random-rate"`` draws k per candidate and round
uniformly between the two rates at which one side gains nothing (from the
passed generator), ordering candidates by the smaller of the two gains.
See ``docs/models/exchange.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

from detente.arrays import ScenarioArrays
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
from detente.models.compromise import weighted_mean

_EPS = 1e-10  # decide's thresholds for a gain and a move
_TOL = 1e-9  # slack for comparisons that are exact in decide's Decimal arithmetic
_TIE = 1e-12  # relative: gains closer than this are a tie (earliest candidate wins)
_BLOCK = 256  # candidates per block of the running maxima used to pick the next exchange


@dataclass
class _Round:
    """Candidates of one round, flattened over draws (row n belongs to draw cd[n])."""

    cd: np.ndarray
    ci: np.ndarray
    cj: np.ndarray
    cp: np.ndarray
    cq: np.ndarray
    inner: np.ndarray  # group code of the pair: 0 for A×D, 1 for B×C
    n_per_draw: int


# the pairs of group codes that trade: A (right of O on both issues, code 0) with D (left on
# both, 3), then B (left on p only, 1) with C (left on q only, 2); the index is ``inner``
_PAIRED_GROUPS = ((0, 3), (1, 2))


def _group_code(x0: np.ndarray, ok: np.ndarray, outcome: np.ndarray, p: Any, q: Any
                ) -> np.ndarray:
    """``left_p + 2 left_q`` per actor for issues ``p``, ``q`` (−1 without a stance on both).

    ``left``: position ≤ O (with slack for exact ties), from ``x0[D, A, I]``, ``ok[D, A, I]``
    and ``outcome[D, I]``.
    """
    left = ok & (x0 <= outcome[:, None, :] + _TOL)
    both = ok[:, :, p] & ok[:, :, q]
    return np.where(both, left[:, :, p].astype(np.int8) + 2 * left[:, :, q], -1)


def _candidates(x0: np.ndarray, ok: np.ndarray, sal: np.ndarray, outcome: np.ndarray,
                pairs: np.ndarray) -> _Round:
    """All admissible-looking pairs, in decide's order of creation, per draw."""
    d_ = x0.shape[0]
    p, q = pairs[:, 0], pairs[:, 1]
    code = _group_code(x0, ok, outcome, p, q)  # [D, A, P]
    rows = []
    for block, (g1, g2) in enumerate(_PAIRED_GROUPS):
        first = code == g1  # [D, A, P]
        second = code == g2
        m = first[:, :, None, :] & second[:, None, :, :]  # [D, A, A, P]
        dd, aa, bb, pp = np.nonzero(m)
        rows.append(np.stack([dd, pp, np.full_like(dd, block), aa, bb]))
    allrows = np.concatenate(rows, axis=1)
    order = np.lexsort(allrows[::-1])  # by draw, pair, block, first actor, second actor
    dd, pp, block, aa, bb = allrows[:, order]
    # roles: i demands p and supplies q; i is the one with the larger s_p/s_q
    sa_p, sa_q = sal[dd, aa, p[pp]], sal[dd, aa, q[pp]]
    sb_p, sb_q = sal[dd, bb, p[pp]], sal[dd, bb, q[pp]]
    swap = sa_p / sa_q < sb_p / sb_q
    ci = np.where(swap, bb, aa)
    cj = np.where(swap, aa, bb)
    counts = np.bincount(dd, minlength=d_)
    n_max = int(counts.max()) if counts.size else 0
    n_max = -(-n_max // _BLOCK) * _BLOCK  # whole blocks per draw (for the block maxima)
    # pad every draw to the same number of slots (dead slots have ci == -1)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(dd.size) - start[dd]
    flat = dd * n_max + slot

    def padded(values: np.ndarray, fill: Any) -> np.ndarray:
        out = np.full(d_ * n_max, fill, dtype=values.dtype)
        out[flat] = values
        return out

    cdraw = np.repeat(np.arange(d_), n_max)
    return _Round(
        cd=cdraw,
        ci=padded(ci, -1),
        cj=padded(cj, -1),
        cp=padded(p[pp], 0),
        cq=padded(q[pp], 0),
        inner=padded(block.astype(np.int8), -1),
        n_per_draw=n_max,
    )


Variant = Literal["equal-gain", "random-rate"]
Rule = Literal["decide", "paper"]


@dataclass(frozen=True, kw_only=True)
class Exchange(Model):
    """Stokman–Van Oosten exchange model (equal gain by default), decide-compatible.

    Pairs of actors trade a move on the issue each cares less about for one on
    the issue it cares more about, at the rate ``k = (s_ip + s_jp)/(s_iq + s_jq)``
    that gives both the same gain; the forecast is ``O_d = Σ_k w_kd x_kd / Σ_k w_kd``
    over the voting positions (the module docstring gives every step).

    Parameters:

    - ``rounds`` (default 10): rounds to run, an integer >= 1.
    - ``variant`` (default ``"equal-gain"``): or ``"random-rate"`` (k drawn per
      candidate and round between the two rates at which one side gains nothing).
    - ``rule`` (default ``"decide"``): decide's bookkeeping, or ``"paper"``.
    - ``fixed_weight`` (default 0.1) and ``salience_weight`` (default 0.4): between
      rounds (``rule="decide"``) a supplier starts the next round at
      ``x + (fixed_weight + salience_weight (1 − s)) (y − x)``, from its start
      ``x`` toward its voting position ``y``.
    - ``log`` (default True): keep the exchange log in ``details["exchanges"]``.
    """

    name = "exchange"
    label = "Exchange (Stokman–Van Oosten)"

    rounds: int = 10
    variant: Variant = "equal-gain"
    rule: Rule = "decide"
    fixed_weight: float = 0.1
    salience_weight: float = 0.4
    log: bool = True

    constraints: ClassVar[Mapping[str, Constraint]] = {
        "rounds": Integer(1),
        "variant": OneOf.literal(Variant),
        "rule": OneOf.literal(Rule),
        "fixed_weight": Number(),
        "salience_weight": Number(),
        "log": Flag(),
    }

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        x, sal, w, ok = _normalised(arrays)
        return run_exchange(x, sal, w, ok, arrays, self, rng)


def _normalised(
    arrays: ScenarioArrays,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The model's inputs ``x, s, w, ok`` (each ``[D, A, I]``) from the scenario's arrays.

    ``x = (position − low)·100/(high − low)`` and ``w = c·s`` where the actor takes
    part (``ok``: a stance with weight > 0); elsewhere x = 0, w = 0 and s = 1 (so
    that ratios of saliences stay finite).
    """
    span = arrays.high - arrays.low
    pos = np.where(arrays.mask[None], arrays.position, arrays.low)
    x = (pos - arrays.low) * (100.0 / span)
    sal = np.where(arrays.mask[None], arrays.salience, 0.0)
    w = np.where(arrays.mask[None], arrays.capability[:, :, None] * sal, 0.0)
    ok = arrays.mask[None] & (w > 0)
    return np.where(ok, x, 0.0), np.where(ok, sal, 1.0), np.where(ok, w, 0.0), ok


def _issue_pairs(n_issues: int) -> np.ndarray:
    """``[P, 2]``: every issue pair (p, q) with p < q, in scenario order."""
    pairs = [(p, q) for p in range(n_issues) for q in range(p + 1, n_issues)]
    return np.array(pairs, dtype=np.intp).reshape(-1, 2)


def _denorm(values: np.ndarray, arrays: ScenarioArrays) -> np.ndarray:
    return values * ((arrays.high - arrays.low) / 100.0) + arrays.low


def _forecast(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``O[D, I] = Σ_a w x / Σ_a w`` over the actors of ``x[D, A, I]`` (NaN where Σ w = 0)."""
    return weighted_mean(x, w)


def run_exchange(
    x_start: np.ndarray,
    sal: np.ndarray,
    w: np.ndarray,
    ok: np.ndarray,
    arrays: ScenarioArrays,
    model: Exchange,
    rng: np.random.Generator,
) -> ModelOutput:
    """Run ``model.rounds`` rounds on normalised positions ``x_start[D, A, I]``."""
    d_, _, i_ = x_start.shape
    pairs = _issue_pairs(i_)
    wsum = w.sum(axis=1)  # [D, I]
    x0 = x_start.copy()
    outcome_traj = [_forecast(x0, w)]
    position_traj = [x0.copy()]
    log: list[list[dict[str, Any]]] = []
    counts = np.zeros((model.rounds, d_), dtype=np.int64)
    for r in range(model.rounds):
        o_start = _forecast(x0, w)
        state = _RoundState(x0, sal, w, ok, wsum, o_start, pairs, model, rng)
        steps = state.run()
        voting = state.pos
        outcome_traj.append(_forecast(voting, w))
        position_traj.append(voting.copy())
        counts[r] = state.executed_per_draw
        if model.log:
            log.append(state.log_entries(steps, arrays, r + 1))
        if model.rule == "decide":
            moved = state.supplied
            weight = model.fixed_weight + model.salience_weight * (1.0 - sal)
            x0 = np.where(moved, x0 + weight * (voting - x0), x0)
        else:
            x0 = voting.copy()
    outcome = np.stack(outcome_traj, axis=1)  # [D, R+1, I]
    positions = np.stack(position_traj, axis=1)  # [D, R+1, A, I]
    positions = np.where(arrays.mask[None, None], positions, np.nan)
    traj = Trajectory(outcome=_denorm(outcome, arrays), position=_denorm(positions, arrays))
    details: dict[str, Any] = {
        "rounds": model.rounds,
        "exchanges_per_round": counts[:, 0].tolist(),
        "note": "exchange log and counts are for draw 0",
    }
    if model.log:
        details["exchanges"] = [e for round_log in log for e in round_log]
    return ModelOutput(outcome=traj.outcome[:, -1], trajectory=traj, details=details)


class _RoundState:
    """One round: candidates, the positions so far, and decide's bookkeeping."""

    def __init__(self, x0, sal, w, ok, wsum, o_start, pairs, model, rng):
        self.x0 = x0
        self.sal = sal
        self.w = w
        self.wsum = wsum
        self.model = model
        self.paper = model.rule == "paper"
        self.pos = x0.copy()
        d_, a_, i_ = x0.shape
        self.shape = (d_, a_, i_)
        self.num0 = (w * x0).sum(axis=1)  # Σ w x at the round's start [D, I]
        self.numc = self.num0.copy()  # Σ w x at current positions (paper rule)
        self.rs = np.zeros((d_, a_, i_))  # recorded partner shifts per (demander, issue)
        self.supplied = np.zeros((d_, a_, i_), dtype=bool)
        self.o_start = o_start
        c = _candidates(x0, ok, sal, o_start, pairs) if pairs.size else None
        self.c = c
        n = 0 if c is None else c.ci.size
        self.n = n
        self.executed_per_draw = np.zeros(d_, dtype=np.int64)
        if n == 0:
            return
        live = c.ci >= 0
        ci, cj = np.maximum(c.ci, 0), np.maximum(c.cj, 0)
        cd, cp, cq = c.cd, c.cp, c.cq
        s_ip, s_iq = sal[cd, ci, cp], sal[cd, ci, cq]
        s_jp, s_jq = sal[cd, cj, cp], sal[cd, cj, cq]
        if model.variant == "equal-gain":
            k = (s_ip + s_jp) / (s_iq + s_jq)
        else:
            lo, hi = s_jp / s_jq, s_ip / s_iq
            k = lo + rng.random(n) * (hi - lo)
        self.k = k
        self.fneg = np.zeros((2, n), dtype=bool)
        self.fpos = np.zeros((2, n), dtype=bool)
        self.fsum = np.zeros((2, n))
        self.rec = np.full((2, n), np.nan)
        self.move = np.zeros((2, n))
        self.y = np.zeros((2, n))
        self.gain = np.zeros(n)
        self.gains2 = np.zeros((2, n))
        self.valid = np.zeros(n, dtype=bool)
        self.key = np.full(n, -np.inf)  # gain where admissible, -inf elsewhere
        self.block_max = np.full(n // _BLOCK, -np.inf)
        idx = np.flatnonzero(live)
        self._calculate(idx)
        # index: (draw, actor, issue) -> candidates that involve the actor on the issue
        keys = np.concatenate([
            (cd * a_ + ci) * i_ + cp, (cd * a_ + ci) * i_ + cq,
            (cd * a_ + cj) * i_ + cp, (cd * a_ + cj) * i_ + cq,
        ])
        members = np.tile(np.arange(n), 4)
        keep = np.tile(live, 4)
        keys, members = keys[keep], members[keep]
        order = np.argsort(keys, kind="stable")
        self.idx_members = members[order]
        self.idx_start = np.searchsorted(keys[order], np.arange(d_ * a_ * i_ + 1))

    # ---- the equal-gain (or given-rate) solution for a subset of candidates -----------

    def _calculate(self, idx: np.ndarray) -> None:
        c, pos, x0, sal, w, ws = self.c, self.pos, self.x0, self.sal, self.w, self.wsum
        if idx.size == 0:
            return
        d, ci, cj, p, q = c.cd[idx], c.ci[idx], c.cj[idx], c.cp[idx], c.cq[idx]
        k = self.k[idx]
        demand_src = pos if self.paper else x0
        xi_d, xj_d = demand_src[d, ci, p], demand_src[d, cj, q]
        xi_s, xj_s = pos[d, ci, q], pos[d, cj, p]
        w_iq, w_jp = w[d, ci, q], w[d, cj, p]
        wp, wq = ws[d, p], ws[d, q]
        dist_j, dist_i = np.abs(xi_d - xj_s), np.abs(xj_d - xi_s)
        dp = dist_j * w_jp / wp
        dq = k * dp
        mi = dq * wq / w_iq
        mj = dist_j.copy()
        over = mi > dist_i
        dq = np.where(over, dist_i * w_iq / wq, dq)
        dp = np.where(over, dq / k, dp)
        mi = np.where(over, dist_i, mi)
        mj = np.where(over, dp * wp / w_jp, mj)
        mi = np.where(xi_s > xj_d, -mi, mi)
        mj = np.where(xj_s > xi_d, -mj, mj)
        yi = np.where(over, xj_d, xi_s + mi)
        yj = np.where(over, xj_s + mj, xi_d)
        s_ip, s_iq, s_jp, s_jq = sal[d, ci, p], sal[d, ci, q], sal[d, cj, p], sal[d, cj, q]
        gi = dp * s_ip - dq * s_iq
        gj = dq * s_jq - dp * s_jp
        self.move[0, idx], self.move[1, idx] = mi, mj
        self.y[0, idx], self.y[1, idx] = yi, yj
        self._set_gain(idx, gi, gj)
        valid = self._moves_ok(idx) & (self.gain[idx] >= _EPS)
        if self.model.variant == "random-rate":
            valid &= (gi >= _EPS) & (gj >= _EPS)
        sub = idx[valid]
        if sub.size:
            self._check_outcome(sub, 0)
            self._check_outcome(sub, 1)
            valid[valid] = self._moves_ok(sub)
        self.valid[idx] = valid
        self._touch(idx)

    def _touch(self, idx: np.ndarray) -> None:
        """Refresh the sort keys of ``idx`` and the maxima of their blocks."""
        self.key[idx] = np.where(self.valid[idx], self.gain[idx], -np.inf)
        blocks = np.unique(idx // _BLOCK)
        self.block_max[blocks] = self.key.reshape(-1, _BLOCK)[blocks].max(axis=1)

    def _set_gain(self, idx: np.ndarray, gi: np.ndarray, gj: np.ndarray) -> None:
        self.gains2[0, idx], self.gains2[1, idx] = gi, gj
        if self.model.variant == "equal-gain":
            self.gain[idx] = np.abs(gi)
        else:
            self.gain[idx] = np.minimum(gi, gj)

    def _moves_ok(self, idx: np.ndarray) -> np.ndarray:
        c = self.c
        good = np.ones(idx.size, dtype=bool)
        for side, (actor, issue) in enumerate(((c.ci, c.cq), (c.cj, c.cp))):
            m = self.move[side, idx]
            start = self.pos[c.cd[idx], actor[idx], issue[idx]]
            am = np.abs(m)
            y = start + m
            good &= (am <= 100) & (am > _EPS) & (y >= -_TOL) & (y <= 100 + _TOL)
            good &= self.fsum[side, idx] + m <= 100
            good &= ((m < 0) & ~self.fpos[side, idx]) | ((m > 0) & ~self.fneg[side, idx])
        return good

    def _outcome_at(self, idx, side, d, s_actor, issue, t_actor, value):
        """decide's in-round forecast on ``issue`` with the supplier at ``value``."""
        w = self.w[d, s_actor, issue]
        if self.paper:
            own = self.pos[d, s_actor, issue]
            return (self.numc[d, issue] + w * (value - own)) / self.wsum[d, issue]
        x0 = self.x0[d, s_actor, issue]
        rec = self.rec[side, idx]
        recorded = ~np.isnan(rec)
        base = self.num0[d, issue] + self.rs[d, t_actor, issue]
        base = base - np.where(recorded, w * (np.where(recorded, rec, x0) - x0), 0.0)
        return (base + w * (value - x0)) / self.wsum[d, issue]

    def _check_outcome(self, idx: np.ndarray, side: int) -> None:
        """Cut a move whose forecast would pass the partner's position (decide's check_nbs)."""
        c = self.c
        d = c.cd[idx]
        if side == 0:
            sa, ta, s_iss, t_iss = c.ci[idx], c.cj[idx], c.cq[idx], c.cp[idx]
        else:
            sa, ta, s_iss, t_iss = c.cj[idx], c.ci[idx], c.cp[idx], c.cq[idx]
        other = 1 - side
        xs = self.pos[d, sa, s_iss]
        ys = self.y[side, idx]
        demand_src = self.pos if self.paper else self.x0
        target = demand_src[d, ta, s_iss]
        n0 = self._outcome_at(idx, side, d, sa, s_iss, ta, xs)
        n1 = self._outcome_at(idx, side, d, sa, s_iss, ta, ys)
        a0, a1 = target - n0, target - n1
        a0 = np.where(np.abs(a0) <= _TOL, 0.0, a0)
        a1 = np.where(np.abs(a1) <= _TOL, 0.0, a1)
        # a forecast already on the partner's position counts as not passing it (exact
        # arithmetic; decide's Decimal test leaves this case to its rounding noise)
        cross = ~(((a0 >= 0) & (a1 >= 0)) | ((a0 <= 0) & (a1 <= 0)))
        if not cross.any():
            return
        sel = idx[cross]
        d, sa, ta, s_iss, t_iss = d[cross], sa[cross], ta[cross], s_iss[cross], t_iss[cross]
        xs, target = xs[cross], target[cross]
        w_s = self.w[d, sa, s_iss]
        ws_s = self.wsum[d, s_iss]
        if self.paper:
            here = self.numc[d, s_iss]
        else:
            rec = self.rec[side, sel]
            recorded = ~np.isnan(rec)
            x0s = self.x0[d, sa, s_iss]
            here = self.num0[d, s_iss] + self.rs[d, ta, s_iss] + np.where(
                recorded, 0.0, w_s * (xs - x0s))
        delta = np.abs((target * ws_s - here) / w_s)
        r_s = delta * w_s / ws_s
        k = self.k[sel]
        r_t = r_s / k if side == 0 else r_s * k
        w_t = self.w[d, ta, t_iss]
        m_t = np.abs(r_t * self.wsum[d, t_iss] / w_t)
        xt = self.pos[d, ta, t_iss]
        s_demand = demand_src[d, sa, t_iss]
        m_t = np.where(xt > s_demand, -m_t, m_t)
        m_s = np.where(xs > target, -delta, delta)
        self.move[side, sel], self.move[other, sel] = m_s, m_t
        self.y[side, sel], self.y[other, sel] = xs + m_s, xt + m_t
        sal = self.sal
        # gains: the supplier S loses r_s on its supply issue and gains r_t on its demand issue
        g_s = r_t * sal[d, sa, t_iss] - r_s * sal[d, sa, s_iss]
        g_t = r_s * sal[d, ta, s_iss] - r_t * sal[d, ta, t_iss]
        gi, gj = (g_s, g_t) if side == 0 else (g_t, g_s)
        self._set_gain(sel, gi, gj)

    # ---- executing ----------------------------------------------------------------------

    def run(self) -> list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
        steps: list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]] = []
        if self.n == 0:
            return steps
        d_ = self.shape[0]
        npd = self.c.n_per_draw
        nb = npd // _BLOCK
        blocks = self.key.reshape(-1, _BLOCK)
        while True:
            bm = self.block_max.reshape(d_, nb)
            best = bm.max(axis=1)
            active = np.isfinite(best)
            if not active.any():
                break
            draws = np.flatnonzero(active)
            best = best[draws]
            floor = best - _TIE * np.maximum(1.0, np.abs(best))
            # the earliest candidate within the tie tolerance: first such block, then slot
            fb = np.argmax(bm[draws] >= floor[:, None], axis=1)
            gb = draws * nb + fb
            slot = np.argmax(blocks[gb] >= floor[:, None], axis=1)
            chosen = gb * _BLOCK + slot
            steps.append((draws, chosen, self._execute(chosen)))
            self.executed_per_draw[draws] += 1
        return steps

    def _execute(self, ex: np.ndarray) -> dict[str, np.ndarray]:
        c = self.c
        d, a, b, p, q = c.cd[ex], c.ci[ex], c.cj[ex], c.cp[ex], c.cq[ex]
        ya, yb = self.y[0, ex].copy(), self.y[1, ex].copy()
        record: dict[str, np.ndarray] = {
            "ma": self.move[0, ex].copy(), "mb": self.move[1, ex].copy(),
            "xa": self.pos[d, a, q].copy(), "xb": self.pos[d, b, p].copy(),
            "ya": ya, "yb": yb, "gi": self.gains2[0, ex].copy(), "gj": self.gains2[1, ex].copy(),
            "gain": self.gain[ex].copy(),
        }
        # the forecast before and after on both issues (for externalities)
        for side, (sa, ta, iss, yv) in enumerate(((a, b, q, ya), (b, a, p, yb))):
            o0 = self._outcome_at(ex, side, d, sa, iss, ta, self.pos[d, sa, iss])
            o1 = self._outcome_at(ex, side, d, sa, iss, ta, yv)
            record[f"o0_{side}"], record[f"o1_{side}"] = o0, o1
        self.valid[ex] = False
        self._touch(ex)
        # decide records the partner's new position for the demanding actor
        new_rec = []
        for side, (sa, ta, iss, yv) in enumerate(((a, b, q, ya), (b, a, p, yb))):
            old = self.rec[side, ex]
            start = self.x0[d, sa, iss]
            has = ~np.isnan(old)
            oldv = np.where(has, old, start)
            keep_old = np.where(start <= oldv, oldv < yv, oldv > yv)
            new = np.where(has & keep_old, oldv, yv)
            self.rs[d, ta, iss] += self.w[d, sa, iss] * (new - oldv)
            new_rec.append(new)
        # move the suppliers
        self.numc[d, q] += self.w[d, a, q] * (ya - self.pos[d, a, q])
        self.numc[d, p] += self.w[d, b, p] * (yb - self.pos[d, b, p])
        self.pos[d, a, q] = ya
        self.pos[d, b, p] = yb
        self.supplied[d, a, q] = True
        self.supplied[d, b, p] = True
        # candidates that share an actor's supply or demand issue with the executed one
        a_, i_ = self.shape[1], self.shape[2]
        keys = np.concatenate([(d * a_ + a) * i_ + q, (d * a_ + a) * i_ + p,
                               (d * a_ + b) * i_ + p, (d * a_ + b) * i_ + q])
        lo, hi = self.idx_start[keys], self.idx_start[keys + 1]
        total = int((hi - lo).sum())
        if total == 0:
            return record
        owner = np.repeat(np.arange(keys.size), hi - lo)
        offs = np.arange(total) - np.repeat(np.cumsum(hi - lo) - (hi - lo), hi - lo)
        cand = self.idx_members[lo[owner] + offs]
        exi = np.tile(np.arange(ex.size), 4)[owner]
        cand, first = np.unique(cand, return_index=True)
        exi = exi[first]
        live = self.valid[cand]
        cand, exi = cand[live], exi[live]
        if cand.size == 0:
            return record
        ea, eb, ep, eq = a[exi], b[exi], p[exi], q[exi]
        ci, cj, cp, cq = c.ci[cand], c.cj[cand], c.cp[cand], c.cq[cand]
        sup_i = ((ci == ea) & (cq == eq)) | ((ci == eb) & (cq == ep))
        sup_j = ((cj == ea) & (cp == eq)) | ((cj == eb) & (cp == ep))
        dem = (((ci == eb) & (cp == eq)) | ((cj == eb) & (cq == eq))
               | ((ci == ea) & (cp == ep)) | ((cj == ea) & (cq == ep)))
        # decide keeps a supplier's previous move in its history when its supply moved
        for side, sup in ((0, sup_i), (1, sup_j)):
            s = cand[sup]
            m = self.move[side, s]
            self.fsum[side, s] += m
            self.fneg[side, s] |= m < 0
            self.fpos[side, s] |= m > 0
        # the recorded partner position seen by candidates with the same demander/supplier
        na, nb = new_rec
        hit_i = (ci == ea) & (cj == eb) & (cq == eq)
        hit_j = (ci == eb) & (cj == ea) & (cp == eq)
        self.rec[0, cand[hit_i]] = na[exi[hit_i]]
        self.rec[1, cand[hit_j]] = na[exi[hit_j]]
        hit_i = (ci == eb) & (cj == ea) & (cq == ep)
        hit_j = (ci == ea) & (cj == eb) & (cp == ep)
        self.rec[0, cand[hit_i]] = nb[exi[hit_i]]
        self.rec[1, cand[hit_j]] = nb[exi[hit_j]]
        redo = cand[sup_i | sup_j | dem]
        self._calculate(redo)
        return record

    # ---- the log ------------------------------------------------------------------------

    def log_entries(self, steps, arrays: ScenarioArrays, round_no: int) -> list[dict[str, Any]]:
        """The executed exchanges of draw 0, as plain data on each issue's own scale."""
        out: list[dict[str, Any]] = []
        c = self.c
        scale = (arrays.high - arrays.low) / 100.0
        for draws, chosen, rec in steps:
            if draws.size == 0 or draws[0] != 0:
                continue
            e = int(chosen[0])
            a, b, p, q = int(c.ci[e]), int(c.cj[e]), int(c.cp[e]), int(c.cq[e])
            ext = self._externalities(0, a, b, p, q, rec, int(c.inner[e]), arrays.actors)
            out.append({
                "round": round_no,
                "i": _side_entry(rec, "a", "gi", arrays, a, gives=q, takes=p),
                "j": _side_entry(rec, "b", "gj", arrays, b, gives=p, takes=q),
                "gain": float(rec["gain"][0]),
                "outcome_shift": {
                    arrays.issues[q]: float((rec["o1_0"][0] - rec["o0_0"][0]) * scale[q]),
                    arrays.issues[p]: float((rec["o1_1"][0] - rec["o0_1"][0]) * scale[p]),
                },
                "externalities": ext,
            })
        return out

    def _externalities(self, d, a, b, p, q, rec, block, names) -> dict[str, Any]:
        """Utility change of every actor from the exchange's shift of the two forecasts:

        e_k = (|O⁰_q − x_kq| − |O¹_q − x_kq|) s_kq + (|O⁰_p − x_kp| − |O¹_p − x_kp|) s_kp
        (round-start positions), classed own / inner (same groups as the pair) / outer.
        """
        x0, sal, ok = self.x0[d], self.sal[d], self.w[d] > 0
        both = ok[:, p] & ok[:, q]
        e = np.zeros(x0.shape[0])
        for iss, o0, o1 in ((q, rec["o0_0"][0], rec["o1_0"][0]),
                            (p, rec["o0_1"][0], rec["o1_1"][0])):
            e += (np.abs(o0 - x0[:, iss]) - np.abs(o1 - x0[:, iss])) * sal[:, iss]
        e = np.where(both, e, 0.0)
        code = _group_code(x0[None], ok[None], self.o_start[d][None], p, q)[0]
        kind = np.where(np.isin(code, _PAIRED_GROUPS[block]), "inner", "outer")
        kind[[a, b]] = "own"
        by_actor = {}
        totals = {f"{k}_{s}": 0.0 for k in ("own", "inner", "outer") for s in ("pos", "neg")}
        for k in np.flatnonzero(both):
            v = float(e[k])
            by_actor[names[k]] = v
            if v != 0:
                totals[f"{kind[k]}_{'pos' if v > 0 else 'neg'}"] += v
        return {"by_actor": by_actor, "totals": totals}


def candidates(data: Any, model: Exchange | None = None) -> list[dict[str, Any]]:
    """The first round's candidate exchanges of draw 0, as computed before any is executed.

    Each: the two actors with what each supplies and demands, the moves and
    voting positions (issue scale), the gain of each side and whether it is
    admissible. Sorted by gain, highest first (the order of execution if no
    exchange disturbed another).
    """
    from detente.arrays import compile_scenario
    from detente.scenario import Scenario

    model = model or Exchange()
    arrays = compile_scenario(data) if isinstance(data, Scenario) else data.take(slice(0, 1))
    x, sal, w, ok = _normalised(arrays)
    state = _RoundState(x, sal, w, ok, w.sum(axis=1), _forecast(x, w), _issue_pairs(x.shape[2]),
                        model, np.random.default_rng(0))
    if state.n == 0:
        return []
    c = state.c
    scale, low = (arrays.high - arrays.low) / 100.0, arrays.low
    out = []
    for n in np.flatnonzero(c.ci >= 0):
        a, b, p, q = int(c.ci[n]), int(c.cj[n]), int(c.cp[n]), int(c.cq[n])
        out.append({
            "i": {"actor": arrays.actors[a], "supplies": arrays.issues[q],
                  "demands": arrays.issues[p], "from": float(x[0, a, q] * scale[q] + low[q]),
                  "to": float(state.y[0, n] * scale[q] + low[q]),
                  "gain": float(state.gains2[0, n])},
            "j": {"actor": arrays.actors[b], "supplies": arrays.issues[p],
                  "demands": arrays.issues[q], "from": float(x[0, b, p] * scale[p] + low[p]),
                  "to": float(state.y[1, n] * scale[p] + low[p]),
                  "gain": float(state.gains2[1, n])},
            "gain": float(state.gain[n]),
            "admissible": bool(state.valid[n]),
        })
    out.sort(key=lambda e: -e["gain"] if e["admissible"] else np.inf)
    return out


def _side_entry(
    rec: dict[str, np.ndarray], key: str, gain: str, arrays: ScenarioArrays, actor: int,
    *, gives: int, takes: int,
) -> dict[str, Any]:
    """One side of an executed exchange (draw 0), on the scale of the issue it gives on.

    ``key`` names the side's records in ``rec`` (``x``/``y``/``m`` + key: start,
    voting position and move on 0..100); ``gain`` names its gain.
    """
    scale = (arrays.high[gives] - arrays.low[gives]) / 100.0
    low = arrays.low[gives]
    return {
        "actor": arrays.actors[actor], "supplies": arrays.issues[gives],
        "demands": arrays.issues[takes],
        "from": float(rec[f"x{key}"][0] * scale + low),
        "to": float(rec[f"y{key}"][0] * scale + low),
        "shift": float(rec[f"m{key}"][0] * scale),
        "gain": float(rec[gain][0]),
    }
