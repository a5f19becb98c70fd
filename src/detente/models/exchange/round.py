"""One round of the exchange model: the equal-gain solution of every candidate, then the
exchanges executed one by one, highest gain first, in decide's bookkeeping.

A candidate's solution (equal gain): j moves all the way to i's position on
p (``ΔO_p = |x_ip − x_jp| w_jp / W_p``), i moves ``ΔO_q W_q / w_iq`` on q with
``ΔO_q = k ΔO_p``; if that passes j's position, i moves all the way and j's
move follows from k. It is admissible when the gain is at least 1e-10, both
moves lie in (1e-10, 100], both voting positions stay in [0, 100] and neither
side's moves in it change direction; a move whose forecast would pass the
partner's position is cut to land there (decide's ``check_nbs``). After each
execution the candidates that share an actor's supply or demand issue with it
are recomputed.
"""

from __future__ import annotations

import numpy as np

from detente.models.exchange.pairing import (
    BLOCK,
    EPS,
    TIE,
    TOL,
    Candidates,
    Executed,
    find_candidates,
)


class RoundState:
    """One round: candidates, the positions so far, and decide's bookkeeping."""

    def __init__(self, x0, sal, w, ok, wsum, o_start, pairs, model, rng):
        self.start = x0  # positions at the round's start (0..100) [D, A, I]
        self.salience = sal
        self.weight = w
        self.weight_total = wsum
        self.model = model
        self.paper_rule = model.rule == "paper"
        self.position = x0.copy()  # current positions
        d_, a_, i_ = x0.shape
        self.shape = (d_, a_, i_)
        self.sum_start = (w * x0).sum(axis=1)  # Σ w x at the round's start [D, I]
        self.sum_now = self.sum_start.copy()  # Σ w x at current positions (paper rule)
        self.partner_shift = np.zeros((d_, a_, i_))  # recorded partner shifts per demander
        self.supplied = np.zeros((d_, a_, i_), dtype=bool)
        self.o_start = o_start
        c = find_candidates(x0, ok, sal, o_start, pairs) if pairs.size else Candidates.empty()
        self.cands = c
        n = c.demander.size
        self.n_candidates = n
        self.executed_per_draw = np.zeros(d_, dtype=np.int64)
        if n == 0:
            return
        self.rate = self._rates(rng)  # k: the demanded issue's shift per offered one
        # decide's history of each side's supply moves in a candidate: down, up, their sum
        self.moved_down = np.zeros((2, n), dtype=bool)
        self.moved_up = np.zeros((2, n), dtype=bool)
        self.moved_total = np.zeros((2, n))
        self.recorded = np.full((2, n), np.nan)  # the partner's recorded position, per side
        self.move = np.zeros((2, n))
        self.voting = np.zeros((2, n))  # each side's voting position on its supply issue
        self.gain = np.zeros(n)
        self.side_gain = np.zeros((2, n))
        self.valid = np.zeros(n, dtype=bool)
        self.sort_key = np.full(n, -np.inf)  # gain where admissible, -inf elsewhere
        self.block_max = np.full(n // BLOCK, -np.inf)
        self._calculate(np.flatnonzero(c.demander >= 0))
        self.involved, self.involved_start = self._involvement_index()

    def _rates(self, rng: np.random.Generator) -> np.ndarray:
        """``k`` per candidate: ``(s_ip + s_jp)/(s_iq + s_jq)`` (equal gain), or drawn between
        the two rates at which one side gains nothing (random rate)."""
        c, sal = self.cands, self.salience
        ci, cj = np.maximum(c.demander, 0), np.maximum(c.supplier, 0)
        cd, cp, cq = c.draw, c.demanded, c.offered
        s_ip, s_iq = sal[cd, ci, cp], sal[cd, ci, cq]
        s_jp, s_jq = sal[cd, cj, cp], sal[cd, cj, cq]
        if self.model.variant == "equal-gain":
            return (s_ip + s_jp) / (s_iq + s_jq)
        lo, hi = s_jp / s_jq, s_ip / s_iq
        return lo + rng.random(self.n_candidates) * (hi - lo)

    def _involvement_index(self) -> tuple[np.ndarray, np.ndarray]:
        """(draw, actor, issue) -> the live candidates that involve the actor on the issue,
        as a sorted member list and the start of each key's run in it."""
        c = self.cands
        d_, a_, i_ = self.shape
        live = c.demander >= 0
        ci, cj = np.maximum(c.demander, 0), np.maximum(c.supplier, 0)
        cd, cp, cq = c.draw, c.demanded, c.offered
        keys = np.concatenate([
            (cd * a_ + ci) * i_ + cp, (cd * a_ + ci) * i_ + cq,
            (cd * a_ + cj) * i_ + cp, (cd * a_ + cj) * i_ + cq,
        ])
        members = np.tile(np.arange(self.n_candidates), 4)
        keep = np.tile(live, 4)
        keys, members = keys[keep], members[keep]
        order = np.argsort(keys, kind="stable")
        return members[order], np.searchsorted(keys[order], np.arange(d_ * a_ * i_ + 1))

    # ---- the equal-gain (or given-rate) solution for a subset of candidates -----------

    def _calculate(self, idx: np.ndarray) -> None:
        c, pos, x0, sal = self.cands, self.position, self.start, self.salience
        w, ws = self.weight, self.weight_total
        if idx.size == 0:
            return
        d, ci, cj = c.draw[idx], c.demander[idx], c.supplier[idx]
        p, q = c.demanded[idx], c.offered[idx]
        k = self.rate[idx]
        demand_src = pos if self.paper_rule else x0
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
        self.voting[0, idx], self.voting[1, idx] = yi, yj
        self._set_gain(idx, gi, gj)
        valid = self._moves_ok(idx) & (self.gain[idx] >= EPS)
        if self.model.variant == "random-rate":
            valid &= (gi >= EPS) & (gj >= EPS)
        sub = idx[valid]
        if sub.size:
            self._check_outcome(sub, 0)
            self._check_outcome(sub, 1)
            valid[valid] = self._moves_ok(sub)
        self.valid[idx] = valid
        self._touch(idx)

    def _touch(self, idx: np.ndarray) -> None:
        """Refresh the sort keys of ``idx`` and the maxima of their blocks."""
        self.sort_key[idx] = np.where(self.valid[idx], self.gain[idx], -np.inf)
        blocks = np.unique(idx // BLOCK)
        self.block_max[blocks] = self.sort_key.reshape(-1, BLOCK)[blocks].max(axis=1)

    def _set_gain(self, idx: np.ndarray, gi: np.ndarray, gj: np.ndarray) -> None:
        self.side_gain[0, idx], self.side_gain[1, idx] = gi, gj
        if self.model.variant == "equal-gain":
            self.gain[idx] = np.abs(gi)
        else:
            self.gain[idx] = np.minimum(gi, gj)

    def _moves_ok(self, idx: np.ndarray) -> np.ndarray:
        c = self.cands
        good = np.ones(idx.size, dtype=bool)
        for side, (actor, issue) in enumerate(((c.demander, c.offered), (c.supplier, c.demanded))):
            m = self.move[side, idx]
            start = self.position[c.draw[idx], actor[idx], issue[idx]]
            am = np.abs(m)
            y = start + m
            good &= (am <= 100) & (am > EPS) & (y >= -TOL) & (y <= 100 + TOL)
            good &= self.moved_total[side, idx] + m <= 100
            good &= ((m < 0) & ~self.moved_up[side, idx]) | ((m > 0) & ~self.moved_down[side, idx])
        return good

    def _outcome_at(self, idx, side, d, s_actor, issue, t_actor, value):
        """decide's in-round forecast on ``issue`` with the supplier at ``value``."""
        w = self.weight[d, s_actor, issue]
        if self.paper_rule:
            own = self.position[d, s_actor, issue]
            return (self.sum_now[d, issue] + w * (value - own)) / self.weight_total[d, issue]
        x0 = self.start[d, s_actor, issue]
        rec = self.recorded[side, idx]
        recorded = ~np.isnan(rec)
        base = self.sum_start[d, issue] + self.partner_shift[d, t_actor, issue]
        base = base - np.where(recorded, w * (np.where(recorded, rec, x0) - x0), 0.0)
        return (base + w * (value - x0)) / self.weight_total[d, issue]

    def _check_outcome(self, idx: np.ndarray, side: int) -> None:
        """Cut a move whose forecast would pass the partner's position (decide's check_nbs)."""
        c = self.cands
        d = c.draw[idx]
        if side == 0:
            sa, ta, s_iss, t_iss = c.demander[idx], c.supplier[idx], c.offered[idx], c.demanded[idx]
        else:
            sa, ta, s_iss, t_iss = c.supplier[idx], c.demander[idx], c.demanded[idx], c.offered[idx]
        other = 1 - side
        xs = self.position[d, sa, s_iss]
        ys = self.voting[side, idx]
        demand_src = self.position if self.paper_rule else self.start
        target = demand_src[d, ta, s_iss]
        n0 = self._outcome_at(idx, side, d, sa, s_iss, ta, xs)
        n1 = self._outcome_at(idx, side, d, sa, s_iss, ta, ys)
        a0, a1 = target - n0, target - n1
        a0 = np.where(np.abs(a0) <= TOL, 0.0, a0)
        a1 = np.where(np.abs(a1) <= TOL, 0.0, a1)
        # a forecast already on the partner's position counts as not passing it (exact
        # arithmetic; decide's Decimal test leaves this case to its rounding noise)
        cross = ~(((a0 >= 0) & (a1 >= 0)) | ((a0 <= 0) & (a1 <= 0)))
        if not cross.any():
            return
        sel = idx[cross]
        d, sa, ta, s_iss, t_iss = d[cross], sa[cross], ta[cross], s_iss[cross], t_iss[cross]
        xs, target = xs[cross], target[cross]
        w_s = self.weight[d, sa, s_iss]
        ws_s = self.weight_total[d, s_iss]
        if self.paper_rule:
            here = self.sum_now[d, s_iss]
        else:
            rec = self.recorded[side, sel]
            recorded = ~np.isnan(rec)
            x0s = self.start[d, sa, s_iss]
            here = self.sum_start[d, s_iss] + self.partner_shift[d, ta, s_iss] + np.where(
                recorded, 0.0, w_s * (xs - x0s))
        delta = np.abs((target * ws_s - here) / w_s)
        r_s = delta * w_s / ws_s
        k = self.rate[sel]
        r_t = r_s / k if side == 0 else r_s * k
        w_t = self.weight[d, ta, t_iss]
        m_t = np.abs(r_t * self.weight_total[d, t_iss] / w_t)
        xt = self.position[d, ta, t_iss]
        s_demand = demand_src[d, sa, t_iss]
        m_t = np.where(xt > s_demand, -m_t, m_t)
        m_s = np.where(xs > target, -delta, delta)
        self.move[side, sel], self.move[other, sel] = m_s, m_t
        self.voting[side, sel], self.voting[other, sel] = xs + m_s, xt + m_t
        sal = self.salience
        # gains: the supplier S loses r_s on its supply issue and gains r_t on its demand issue
        g_s = r_t * sal[d, sa, t_iss] - r_s * sal[d, sa, s_iss]
        g_t = r_s * sal[d, ta, s_iss] - r_t * sal[d, ta, t_iss]
        gi, gj = (g_s, g_t) if side == 0 else (g_t, g_s)
        self._set_gain(sel, gi, gj)

    # ---- executing ----------------------------------------------------------------------

    def run(self) -> list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
        steps: list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]] = []
        if self.n_candidates == 0:
            return steps
        d_ = self.shape[0]
        npd = self.cands.n_per_draw
        nb = npd // BLOCK
        blocks = self.sort_key.reshape(-1, BLOCK)
        while True:
            bm = self.block_max.reshape(d_, nb)
            best = bm.max(axis=1)
            active = np.isfinite(best)
            if not active.any():
                break
            draws = np.flatnonzero(active)
            best = best[draws]
            floor = best - TIE * np.maximum(1.0, np.abs(best))
            # the earliest candidate within the tie tolerance: first such block, then slot
            fb = np.argmax(bm[draws] >= floor[:, None], axis=1)
            gb = draws * nb + fb
            slot = np.argmax(blocks[gb] >= floor[:, None], axis=1)
            chosen = gb * BLOCK + slot
            steps.append((draws, chosen, self._execute(chosen)))
            self.executed_per_draw[draws] += 1
        return steps

    def _execute(self, ex: np.ndarray) -> dict[str, np.ndarray]:
        """Execute candidates ``ex`` (one per draw): record them, move both suppliers to
        their voting positions, and recompute the candidates they disturb."""
        c = self.cands
        who = (c.draw[ex], c.demander[ex], c.supplier[ex], c.demanded[ex], c.offered[ex])
        record = self._record(ex, who)
        self.valid[ex] = False
        self._touch(ex)
        new_recorded = self._record_partner_positions(ex, who)
        self._move_suppliers(ex, who)
        cand, exi = self._disturbed(ex, who)
        if cand.size:
            self._update_disturbed(who, cand, exi, new_recorded)
        return record

    def _record(self, ex: np.ndarray, who: Executed) -> dict[str, np.ndarray]:
        """What the log needs of executed candidates ``ex``: moves (``ma``, ``mb``), start
        (``xa``, ``xb``) and voting positions (``ya``, ``yb``) of the demander's and the
        supplier's side, their gains, and the forecast before and after on both issues."""
        d, a, b, p, q = who
        ya, yb = self.voting[0, ex].copy(), self.voting[1, ex].copy()
        record: dict[str, np.ndarray] = {
            "ma": self.move[0, ex].copy(), "mb": self.move[1, ex].copy(),
            "xa": self.position[d, a, q].copy(), "xb": self.position[d, b, p].copy(),
            "ya": ya, "yb": yb,
            "gi": self.side_gain[0, ex].copy(), "gj": self.side_gain[1, ex].copy(),
            "gain": self.gain[ex].copy(),
        }
        for side, (sa, ta, iss, yv) in enumerate(((a, b, q, ya), (b, a, p, yb))):
            o0 = self._outcome_at(ex, side, d, sa, iss, ta, self.position[d, sa, iss])
            o1 = self._outcome_at(ex, side, d, sa, iss, ta, yv)
            record[f"o0_{side}"], record[f"o1_{side}"] = o0, o1
        return record

    def _record_partner_positions(self, ex: np.ndarray, who: Executed) -> list[np.ndarray]:
        """decide records each supplier's new position for its demanding partner (keeping an
        earlier record that went further); returns the new records of both sides."""
        d, a, b, p, q = who
        out = []
        for side, (sa, ta, iss) in enumerate(((a, b, q), (b, a, p))):
            yv = self.voting[side, ex]
            old = self.recorded[side, ex]
            start = self.start[d, sa, iss]
            has = ~np.isnan(old)
            oldv = np.where(has, old, start)
            keep_old = np.where(start <= oldv, oldv < yv, oldv > yv)
            new = np.where(has & keep_old, oldv, yv)
            self.partner_shift[d, ta, iss] += self.weight[d, sa, iss] * (new - oldv)
            out.append(new)
        return out

    def _move_suppliers(self, ex: np.ndarray, who: Executed) -> None:
        """Both sides of ``ex`` take their voting positions on the issue they supply."""
        d, a, b, p, q = who
        ya, yb = self.voting[0, ex], self.voting[1, ex]
        self.sum_now[d, q] += self.weight[d, a, q] * (ya - self.position[d, a, q])
        self.sum_now[d, p] += self.weight[d, b, p] * (yb - self.position[d, b, p])
        self.position[d, a, q] = ya
        self.position[d, b, p] = yb
        self.supplied[d, a, q] = True
        self.supplied[d, b, p] = True

    def _disturbed(self, ex: np.ndarray, who: Executed) -> tuple[np.ndarray, np.ndarray]:
        """The still admissible candidates that involve an actor of ``ex`` on one of its two
        issues, each with the index (into ``ex``) of the exchange that disturbs it."""
        d, a, b, p, q = who
        a_, i_ = self.shape[1], self.shape[2]
        keys = np.concatenate([(d * a_ + a) * i_ + q, (d * a_ + a) * i_ + p,
                               (d * a_ + b) * i_ + p, (d * a_ + b) * i_ + q])
        lo, hi = self.involved_start[keys], self.involved_start[keys + 1]
        total = int((hi - lo).sum())
        if total == 0:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        owner = np.repeat(np.arange(keys.size), hi - lo)
        offs = np.arange(total) - np.repeat(np.cumsum(hi - lo) - (hi - lo), hi - lo)
        cand = self.involved[lo[owner] + offs]
        exi = np.tile(np.arange(ex.size), 4)[owner]
        cand, first = np.unique(cand, return_index=True)
        exi = exi[first]
        live = self.valid[cand]
        return cand[live], exi[live]

    def _update_disturbed(self, who: Executed, cand: np.ndarray, exi: np.ndarray,
                          new_recorded: list[np.ndarray]) -> None:
        """Recompute the candidates ``cand`` that share a supply or demand issue of an actor
        with the executed exchange ``exi`` (an index into ``who``), after decide's history
        updates."""
        c = self.cands
        _, a, b, p, q = who
        ea, eb, ep, eq = a[exi], b[exi], p[exi], q[exi]
        ci, cj, cp, cq = c.demander[cand], c.supplier[cand], c.demanded[cand], c.offered[cand]
        sup_i = ((ci == ea) & (cq == eq)) | ((ci == eb) & (cq == ep))
        sup_j = ((cj == ea) & (cp == eq)) | ((cj == eb) & (cp == ep))
        dem = (((ci == eb) & (cp == eq)) | ((cj == eb) & (cq == eq))
               | ((ci == ea) & (cp == ep)) | ((cj == ea) & (cq == ep)))
        # decide keeps a supplier's previous move in its history when its supply moved
        for side, sup in ((0, sup_i), (1, sup_j)):
            s = cand[sup]
            m = self.move[side, s]
            self.moved_total[side, s] += m
            self.moved_down[side, s] |= m < 0
            self.moved_up[side, s] |= m > 0
        # the recorded partner position seen by candidates with the same demander/supplier
        na, nb = new_recorded
        hit_i = (ci == ea) & (cj == eb) & (cq == eq)
        hit_j = (ci == eb) & (cj == ea) & (cp == eq)
        self.recorded[0, cand[hit_i]] = na[exi[hit_i]]
        self.recorded[1, cand[hit_j]] = na[exi[hit_j]]
        hit_i = (ci == eb) & (cj == ea) & (cq == ep)
        hit_j = (ci == ea) & (cj == eb) & (cp == ep)
        self.recorded[0, cand[hit_i]] = nb[exi[hit_i]]
        self.recorded[1, cand[hit_j]] = nb[exi[hit_j]]
        self._calculate(cand[sup_i | sup_j | dem])
