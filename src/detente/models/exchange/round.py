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
    EPS,
    TIE,
    TOL,
    Candidates,
    candidate_counts,
    find_candidates,
    group_code,
    slot_layout,
)

SLICE = 1 << 16  # candidates solved at once when a round starts
#: from this many candidates (slots) in a round on, it runs as compiled loops
#: (:mod:`.kernels`, the same numbers); below it the array code runs and numba is never
#: imported: loading it costs about 0.5 CPU s and 65 MiB once per process, more than
#: the loop saves on a small round (measured: docs/models/exchange.md)
COMPILED_CANDIDATES = 8192

#: one pass of a round: the draws that executed an exchange, the candidates executed (one
#: per draw) and, when kept, what the log needs of draw 0's (see :meth:`RoundState._record`;
#: its arrays have one entry per exchange of draw 0 in the step, the first ``chosen``)
Step = tuple[np.ndarray, np.ndarray, dict[str, np.ndarray] | None]


class RoundState:
    """One round: candidates, the positions so far, and decide's bookkeeping.

    Every per-candidate read goes through flat indices into the ``[D, A, I]``
    arrays (``supply[side]``: the side's own position on the issue it supplies;
    ``across[side]``: its partner's position on that issue) and the ``[D, I]``
    arrays (``issue_cell[side]``: the draw's entry for that issue), computed once
    per round, so a step costs a few one-dimensional gathers per candidate.
    """

    def __init__(self, x0, sal, w, ok, wsum, o_start, pairs, model, rng,
                 compiled: bool | None = None):
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
        # flat views (reads and writes through them act on the arrays above)
        self._start, self._sal, self._w = x0.ravel(), sal.ravel(), w.ravel()
        self._pos, self._shift = self.position.reshape(-1), self.partner_shift.reshape(-1)
        self._wsum, self._sum_start = wsum.ravel(), self.sum_start.reshape(-1)
        self._sum_now = self.sum_now.reshape(-1)
        self._demand = self._pos if self.paper_rule else self._start
        code = group_code(x0, ok, o_start, pairs[:, 0], pairs[:, 1])  # [D, A, P]
        most = int(candidate_counts(code).max()) if pairs.size and d_ else 0
        # the compiled loops (:mod:`.kernels`, the same numbers) from COMPILED_CANDIDATES
        # candidates on (counting dead slots: known before any is listed)
        n = d_ * slot_layout(most)[0]
        self.compiled = n >= COMPILED_CANDIDATES if compiled is None else compiled
        self.executed_per_draw = np.zeros(d_, dtype=np.int64)
        self.n_candidates = n
        self.cands = Candidates.empty()
        if n == 0:
            return
        if self.compiled:
            from detente.models.exchange import pairing_kernels

            equal_gain = model.variant == "equal-gain"
            c, table, self.supply, self.across, self.issue_cell = \
                pairing_kernels.find_candidates(code, sal, pairs, most, equal_gain)
        else:
            c, table = find_candidates(code, sal, pairs), None
            self._index(c)
        self.cands = c
        n = self.n_candidates = c.demander.size  # the compiled path pads to its own blocks
        if table is None:
            self._allocate(n, self._rates(rng), None)
            self._mark = np.zeros(n, dtype=bool)  # scratch for finding disturbed candidates
        else:  # the table's rows start filled (rates too for equal gain: no draws taken)
            self._allocate(n, None if equal_gain else self._rates(rng), table)
        self.block_max = np.full(n // c.block, -np.inf)
        live = np.flatnonzero(c.demander >= 0)
        self.n_live = live.size
        if self.compiled:
            from detente.models.exchange import kernels

            kernels.solve_all(self._kernel_state(), self._history(), self.valid, self.cut,
                              self.sort_key, self.block_max, live, c.block,
                              self.paper_rule, model.variant == "equal-gain")
            alive = c.demander >= 0
            self.by_supply, self.by_across = kernels.index_both(
                self.supply, self.across, alive, self._pos.size)
            return
        for part in range(0, live.size, SLICE):  # bounded temporaries; each stands alone
            self._calculate(live[part : part + SLICE])
        self.by_supply = self._index_by(self.supply)
        self.by_across = self._index_by(self.across)

    def _allocate(self, n: int, rate: np.ndarray | None, table: np.ndarray | None) -> None:
        """Every candidate's state: its rate k (``rate``: the demanded issue's shift per
        offered one), decide's history of each side's supply moves (down, up, their sum),
        the partner's recorded position per side, each side's move, voting position on its
        supply issue and gain, the pair's gain, whether it is admissible and its sort key
        (the gain where admissible, −inf elsewhere), each ``[2, N]`` or ``[N]``.

        Compiled, the numbers are strided views of the candidate table (``table``, one
        128-byte row a candidate, :data:`.pairing_kernels.TABLE_WIDTH`, aligned to cache
        lines; the flags one ``[N, 6]`` bool row, the sixth whether decide's check cut the
        move, which only the compiled loop reads): recomputing a candidate then touches
        three cache lines instead of one per array, and on a large round (some 600,000 candidates at
        200×20, a few thousand scattered ones disturbed per execution) those misses are
        what the loop waits on. The array code keeps one contiguous array each."""
        if table is not None:
            flags = np.zeros((n, 6), dtype=bool)
            pair = lambda rows, k: rows[:, k : k + 2].T  # noqa: E731
            self.rate, self.gain, self.sort_key = table[:, 0], table[:, 1], table[:, 2]
            self.move, self.voting, self.side_gain = pair(table, 3), pair(table, 5), \
                pair(table, 7)
            self.recorded, self.moved_total = pair(table, 9), pair(table, 11)
            self.valid, self.moved_down, self.moved_up = flags[:, 0], pair(flags, 1), \
                pair(flags, 3)
            self.cut = flags[:, 5]
            if rate is not None:  # else the table holds the rates already
                self.rate[:] = rate
            return  # sort keys −inf and records NaN: as find_candidates filled the table
        assert rate is not None
        self.rate = rate
        self.moved_down = np.zeros((2, n), dtype=bool)
        self.moved_up = np.zeros((2, n), dtype=bool)
        self.moved_total = np.zeros((2, n))
        self.recorded = np.full((2, n), np.nan)
        self.move = np.zeros((2, n))
        self.voting = np.zeros((2, n))
        self.gain = np.zeros(n)
        self.side_gain = np.zeros((2, n))
        self.valid = np.zeros(n, dtype=bool)
        self.sort_key = np.full(n, -np.inf)

    def _kernel_state(self) -> tuple[np.ndarray, ...]:
        """The arrays a candidate's solution reads and writes, in :mod:`.kernels`' order."""
        return (self._pos, self._start, self._sal, self._w, self._wsum, self._sum_start,
                self._sum_now, self._shift, self.supply, self.across, self.issue_cell,
                self.rate, self.recorded, self.move, self.voting, self.gain, self.side_gain)

    def _history(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.moved_total, self.moved_down, self.moved_up

    def _index(self, c: Candidates) -> None:
        """Flat indices of every candidate: side 0 is the demander i (supplies q), side 1
        the supplier j (supplies p); dead slots point at actor 0."""
        _, a_, i_ = self.shape
        ci, cj = np.maximum(c.demander, 0), np.maximum(c.supplier, 0)
        row_i, row_j = (c.draw * a_ + ci) * i_, (c.draw * a_ + cj) * i_
        self.supply = np.stack([row_i + c.offered, row_j + c.demanded])  # [2, N]
        self.across = np.stack([row_j + c.offered, row_i + c.demanded])  # [2, N]
        self.issue_cell = np.stack([c.draw * i_ + c.offered, c.draw * i_ + c.demanded])

    def _rates(self, rng: np.random.Generator) -> np.ndarray:
        """``k`` per candidate: ``(s_ip + s_jp)/(s_iq + s_jq)`` (equal gain), or drawn between
        the two rates at which one side gains nothing (random rate)."""
        c, sal = self.cands, self._sal
        s_ip, s_iq = sal[self.across[1]], sal[self.supply[0]]
        s_jp, s_jq = sal[self.supply[1]], sal[self.across[0]]
        if self.model.variant == "equal-gain":
            return (s_ip + s_jp) / (s_iq + s_jq)
        lo, hi = s_jp / s_jq, s_ip / s_iq
        d_, npd = self.shape[0], c.n_per_draw
        u = rng.random(d_ * c.n_random).reshape(d_, c.n_random)[:, :npd].ravel()
        return lo + u * (hi - lo)

    def _index_by(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat (draw, actor, issue) -> the live candidates with it in ``keys[side]`` for a
        side, as a member list sorted by key and the start of each key's run in it."""
        live = np.tile(self.cands.demander >= 0, 2)
        members = np.tile(np.arange(self.n_candidates), 2)[live]
        flat = keys.reshape(-1)[live]
        order = np.argsort(flat, kind="stable")
        return members[order], np.searchsorted(flat[order], np.arange(self._pos.size + 1))

    # ---- the equal-gain (or given-rate) solution for a subset of candidates -----------

    def _calculate(self, idx: np.ndarray) -> None:
        if idx.size == 0:
            return
        pos, sal, w, ws = self._pos, self._sal, self._w, self._wsum
        f_iq, f_jp = self.supply[0, idx], self.supply[1, idx]
        f_jq, f_ip = self.across[0, idx], self.across[1, idx]
        k = self.rate[idx]
        xi_d, xj_d = self._demand[f_ip], self._demand[f_jq]
        xi_s, xj_s = pos[f_iq], pos[f_jp]
        w_iq, w_jp = w[f_iq], w[f_jp]
        wp, wq = ws[self.issue_cell[1, idx]], ws[self.issue_cell[0, idx]]
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
        s_ip, s_iq, s_jp, s_jq = sal[f_ip], sal[f_iq], sal[f_jp], sal[f_jq]
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
        """Refresh the sort keys of ``idx`` (ascending) and the maxima of their blocks."""
        self.sort_key[idx] = np.where(self.valid[idx], self.gain[idx], -np.inf)
        width = self.cands.block
        blocks = idx // width
        if blocks.size > 1:  # distinct blocks (a repeated one would only be refreshed twice)
            blocks = blocks[np.concatenate([[True], blocks[1:] != blocks[:-1]])]
        self.block_max[blocks] = self.sort_key.reshape(-1, width)[blocks].max(axis=1)

    def _set_gain(self, idx: np.ndarray, gi: np.ndarray, gj: np.ndarray) -> None:
        self.side_gain[0, idx], self.side_gain[1, idx] = gi, gj
        if self.model.variant == "equal-gain":
            self.gain[idx] = np.abs(gi)
        else:
            self.gain[idx] = np.minimum(gi, gj)

    def _moves_ok(self, idx: np.ndarray) -> np.ndarray:
        good = np.ones(idx.size, dtype=bool)
        for side in (0, 1):
            m = self.move[side, idx]
            start = self._pos[self.supply[side, idx]]
            am = np.abs(m)
            y = start + m
            good &= (am <= 100) & (am > EPS) & (y >= -TOL) & (y <= 100 + TOL)
            good &= self.moved_total[side, idx] + m <= 100
            good &= ((m < 0) & ~self.moved_up[side, idx]) | ((m > 0) & ~self.moved_down[side, idx])
        return good

    def _outcome_at(self, idx: np.ndarray, side: int, *values: np.ndarray
                    ) -> list[np.ndarray]:
        """decide's in-round forecast on the issue that ``side`` of candidates ``idx``
        supplies, with the supplier at each of ``values``."""
        f_s, cell = self.supply[side, idx], self.issue_cell[side, idx]
        w = self._w[f_s]
        total = self._wsum[cell]
        if self.paper_rule:
            own = self._pos[f_s]
            base = self._sum_now[cell]
            return [(base + w * (v - own)) / total for v in values]
        x0 = self._start[f_s]
        rec = self.recorded[side, idx]
        recorded = ~np.isnan(rec)
        base = self._sum_start[cell] + self._shift[self.across[side, idx]]
        base = base - np.where(recorded, w * (np.where(recorded, rec, x0) - x0), 0.0)
        return [(base + w * (v - x0)) / total for v in values]

    def _check_outcome(self, idx: np.ndarray, side: int) -> None:
        """Cut a move whose forecast would pass the partner's position (decide's check_nbs)."""
        other = 1 - side
        f_s = self.supply[side, idx]
        xs = self._pos[f_s]
        ys = self.voting[side, idx]
        target = self._demand[self.across[side, idx]]
        n0, n1 = self._outcome_at(idx, side, xs, ys)
        a0, a1 = target - n0, target - n1
        a0 = np.where(np.abs(a0) <= TOL, 0.0, a0)
        a1 = np.where(np.abs(a1) <= TOL, 0.0, a1)
        # a forecast already on the partner's position counts as not passing it (exact
        # arithmetic; decide's Decimal test leaves this case to its rounding noise)
        cross = ~(((a0 >= 0) & (a1 >= 0)) | ((a0 <= 0) & (a1 <= 0)))
        if not cross.any():
            return
        sel = idx[cross]
        f_s, xs, target = f_s[cross], xs[cross], target[cross]
        f_t = self.supply[other, sel]  # the partner on the issue it supplies
        f_sd = self.across[other, sel]  # the supplier on the partner's supply issue
        f_ts = self.across[side, sel]  # the partner on the supplier's supply issue
        cell_s, cell_t = self.issue_cell[side, sel], self.issue_cell[other, sel]
        w_s = self._w[f_s]
        ws_s = self._wsum[cell_s]
        if self.paper_rule:
            here = self._sum_now[cell_s]
        else:
            rec = self.recorded[side, sel]
            recorded = ~np.isnan(rec)
            x0s = self._start[f_s]
            here = self._sum_start[cell_s] + self._shift[f_ts] + np.where(
                recorded, 0.0, w_s * (xs - x0s))
        delta = np.abs((target * ws_s - here) / w_s)
        r_s = delta * w_s / ws_s
        k = self.rate[sel]
        r_t = r_s / k if side == 0 else r_s * k
        w_t = self._w[f_t]
        m_t = np.abs(r_t * self._wsum[cell_t] / w_t)
        xt = self._pos[f_t]
        s_demand = self._demand[f_sd]
        m_t = np.where(xt > s_demand, -m_t, m_t)
        m_s = np.where(xs > target, -delta, delta)
        self.move[side, sel], self.move[other, sel] = m_s, m_t
        self.voting[side, sel], self.voting[other, sel] = xs + m_s, xt + m_t
        sal = self._sal
        # gains: the supplier S loses r_s on its supply issue and gains r_t on its demand issue
        g_s = r_t * sal[f_sd] - r_s * sal[f_s]
        g_t = r_s * sal[f_ts] - r_t * sal[f_t]
        gi, gj = (g_s, g_t) if side == 0 else (g_t, g_s)
        self._set_gain(sel, gi, gj)

    # ---- executing ----------------------------------------------------------------------

    def run(self, *, record_first: bool = True) -> list[Step]:
        """Execute exchanges until no draw has an admissible one left; one step per pass
        (one exchange in every draw that still has one). ``record_first``: keep what the
        log needs of draw 0's exchanges (see :meth:`_record`). Compiled (see
        :data:`COMPILED_CANDIDATES`), the steps run as one loop and the list holds one
        step: draw 0's exchanges (all the log reads)."""
        steps: list[Step] = []
        if self.n_candidates == 0:
            return steps
        if self.compiled:
            return self._run_compiled(record_first)
        d_ = self.shape[0]
        npd = self.cands.n_per_draw
        width = self.cands.block
        nb = npd // width
        blocks = self.sort_key.reshape(-1, width)
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
            chosen = gb * width + slot
            record = self._record(chosen[:1]) if record_first and draws[0] == 0 else None
            self._execute(chosen)
            steps.append((draws, chosen, record))
            self.executed_per_draw[draws] += 1
        return steps

    def _run_compiled(self, record_first: bool) -> list[Step]:
        """:meth:`run` as one compiled loop over every draw's steps (:func:`.kernels.run_round`)."""
        from detente.models.exchange import kernels

        st, hist = self._kernel_state(), self._history()
        npd = self.cands.n_per_draw
        record = record_first
        chosen = np.zeros(npd if record else 0, dtype=np.int64)
        rec = np.zeros((npd if record else 0, len(kernels.RECORD_FIELDS)))
        n0 = kernels.run_round(
            st, hist, self.valid, self.cut, self.sort_key, self.block_max,
            self.supplied.reshape(-1), self.by_supply, self.by_across, self.shape[0], npd,
            self.cands.block,
            self.paper_rule, self.model.variant == "equal-gain", record,
            self.executed_per_draw, chosen, rec)
        if not record:
            return []
        # one step holding all of draw 0's exchanges, in order, with their records
        return [(np.zeros(n0, dtype=np.intp), chosen[:n0].astype(np.intp),
                 {key: rec[:n0, col] for col, key in enumerate(kernels.RECORD_FIELDS)})]

    def _execute(self, ex: np.ndarray) -> None:
        """Execute candidates ``ex`` (one per draw, ascending): move both suppliers to their
        voting positions, and recompute the candidates they disturb."""
        self.valid[ex] = False
        self._touch(ex)
        new_recorded = self._record_partner_positions(ex)
        self._move_suppliers(ex)
        cand, exi = self._disturbed(ex)
        if cand.size:
            self._update_disturbed(ex, cand, exi, new_recorded)

    def _record(self, ex: np.ndarray) -> dict[str, np.ndarray]:
        """What the log needs of candidates ``ex`` about to be executed: moves (``ma``,
        ``mb``), start (``xa``, ``xb``) and voting positions (``ya``, ``yb``) of the
        demander's and the supplier's side, their gains, and the forecast before and after
        on both issues."""
        ya, yb = self.voting[0, ex].copy(), self.voting[1, ex].copy()
        record: dict[str, np.ndarray] = {
            "ma": self.move[0, ex].copy(), "mb": self.move[1, ex].copy(),
            "xa": self._pos[self.supply[0, ex]], "xb": self._pos[self.supply[1, ex]],
            "ya": ya, "yb": yb,
            "gi": self.side_gain[0, ex].copy(), "gj": self.side_gain[1, ex].copy(),
            "gain": self.gain[ex].copy(),
        }
        for side, yv in ((0, ya), (1, yb)):
            record[f"o0_{side}"], record[f"o1_{side}"] = self._outcome_at(
                ex, side, self._pos[self.supply[side, ex]], yv)
        return record

    def _record_partner_positions(self, ex: np.ndarray) -> list[np.ndarray]:
        """decide records each supplier's new position for its demanding partner (keeping an
        earlier record that went further); returns the new records of both sides."""
        out = []
        for side in (0, 1):
            f_s = self.supply[side, ex]
            yv = self.voting[side, ex]
            old = self.recorded[side, ex]
            start = self._start[f_s]
            has = ~np.isnan(old)
            oldv = np.where(has, old, start)
            keep_old = np.where(start <= oldv, oldv < yv, oldv > yv)
            new = np.where(has & keep_old, oldv, yv)
            self._shift[self.across[side, ex]] += self._w[f_s] * (new - oldv)
            out.append(new)
        return out

    def _move_suppliers(self, ex: np.ndarray) -> None:
        """Both sides of ``ex`` take their voting positions on the issue they supply."""
        f_a, f_b = self.supply[0, ex], self.supply[1, ex]
        ya, yb = self.voting[0, ex], self.voting[1, ex]
        self._sum_now[self.issue_cell[0, ex]] += self._w[f_a] * (ya - self._pos[f_a])
        self._sum_now[self.issue_cell[1, ex]] += self._w[f_b] * (yb - self._pos[f_b])
        self._pos[f_a] = ya
        self._pos[f_b] = yb
        supplied = self.supplied.reshape(-1)
        supplied[f_a] = True
        supplied[f_b] = True

    def _disturbed(self, ex: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The still admissible candidates (ascending) that an execution of ``ex`` disturbs,
        each with the index (into ``ex``) of the exchange executed in its draw: those in
        which a side supplies what an actor of ``ex`` supplied (the same actor and issue),
        or a side's partner is an actor of ``ex`` on that actor's demand issue."""
        mark = self._mark
        for (members, start), keys in ((self.by_supply, self.supply[:, ex]),
                                       (self.by_across, self.across[:, ex])):
            keys = keys.reshape(-1)
            lo, hi = start[keys], start[keys + 1]
            total = int((hi - lo).sum())
            if total:
                offs = np.arange(total) - np.repeat(np.cumsum(hi - lo) - (hi - lo), hi - lo)
                mark[members[np.repeat(lo, hi - lo) + offs]] = True
        cand = np.flatnonzero(mark)
        mark[cand] = False
        cand = cand[self.valid[cand]]
        d = self.cands.draw
        slot = np.zeros(self.shape[0], dtype=np.intp)  # draw -> its exchange's index in ex
        slot[d[ex]] = np.arange(ex.size)
        return cand, slot[d[cand]]

    def _update_disturbed(self, ex: np.ndarray, cand: np.ndarray, exi: np.ndarray,
                          new_recorded: list[np.ndarray]) -> None:
        """Recompute the candidates ``cand`` that share a supply or demand issue of an actor
        with the executed exchange ``ex[exi]``, after decide's history updates."""
        # in one draw, an (actor, issue) is one flat index: compare those
        e = ex[exi]
        ea_q, eb_p = self.supply[0, e], self.supply[1, e]  # (a, q), (b, p)
        eb_q, ea_p = self.across[0, e], self.across[1, e]  # (b, q), (a, p)
        ci_q, cj_p = self.supply[0, cand], self.supply[1, cand]
        cj_q, ci_p = self.across[0, cand], self.across[1, cand]
        sup_i = (ci_q == ea_q) | (ci_q == eb_p)
        sup_j = (cj_p == ea_q) | (cj_p == eb_p)
        # decide keeps a supplier's previous move in its history when its supply moved
        for side, sup in ((0, sup_i), (1, sup_j)):
            s = cand[sup]
            m = self.move[side, s]
            self.moved_total[side, s] += m
            self.moved_down[side, s] |= m < 0
            self.moved_up[side, s] |= m > 0
        # the recorded partner position seen by candidates with the same demander/supplier
        na, nb = new_recorded
        hit_i = (ci_q == ea_q) & (cj_q == eb_q)  # same i, j and q
        hit_j = (ci_p == eb_q) & (cj_p == ea_q)  # i = b, j = a, p = q
        self.recorded[0, cand[hit_i]] = na[exi[hit_i]]
        self.recorded[1, cand[hit_j]] = na[exi[hit_j]]
        hit_i = (ci_q == eb_p) & (cj_q == ea_p)  # i = b, j = a, q = p
        hit_j = (ci_p == ea_p) & (cj_p == eb_p)  # same i, j and p
        self.recorded[0, cand[hit_i]] = nb[exi[hit_i]]
        self.recorded[1, cand[hit_j]] = nb[exi[hit_j]]
        self._calculate(cand)
