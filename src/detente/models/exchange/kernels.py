"""The exchange model's step loop as one compiled function (numba), bit for bit
:meth:`~.round.RoundState.run`'s array code.

A round executes exchanges one at a time per draw: pick the best admissible
candidate (the earliest within the tie tolerance of the highest gain), move both
suppliers, then recompute the candidates it disturbs. In arrays each step is some
forty small numpy calls on a few dozen disturbed candidates (about 70 % of a
forecast's time); here it is a few hundred scalar operations. Draws are independent
(every candidate, position and sum belongs to one draw), so the loop runs each draw's
steps to the end before the next draw's; a step of the array code executes one
exchange in every draw at once, which touches disjoint cells, so the order of draws
changes nothing.

The numbers are the array code's exactly: every value goes through the same IEEE
operations in the same order (numba compiles without fast-math: nothing is
reassociated or fused into FMAs), and the only reductions are maxima, which do not
depend on order. ``tests/models/test_exchange_kernels.py`` checks whole runs of both
paths for identical outcomes, positions, counts and logs.

Of the candidates an execution disturbs, about half share no supplied cell with it,
only a partner whose recorded position it changed; under decide's rule their
equal-gain solution reads nothing that changed, so when decide's check did not cut
their move last time (``cut``), only the check runs again (:func:`_recheck`) — the
numbers a full recomputation gives, without its work (the step loop waits mostly on
memory: a disturbed candidate's row is rarely in cache at 200×20).

Compiled on first use and cached on disk (``cache=True``), so a fresh process loads
the compiled loop from numba's cache instead of compiling it again.
"""

from __future__ import annotations

import numba
import numpy as np

from detente.models.compiled import KERNEL_OPTIONS, jit
from detente.models.exchange.pairing import EPS, TIE, TOL

#: the decorator of the helpers called once per candidate: inlined into their callers
#: (numba's IR inlining), so a call passes no array structs (``st`` alone is 17 of them).
#: In-process A/B on 200×20's first round: about a quarter less time in the step loop
#: with the superblocks below; it makes the one-time compile a few seconds longer.
inline = numba.njit(inline="always", **KERNEL_OPTIONS)

#: blocks per superblock: the step loop looks for a draw's best candidate among its
#: superblocks' maxima, then one superblock's blocks, then one block's slots, instead of
#: every block's maximum (some 20,000 blocks a draw at 200×20)
SUPER = 64

#: the fields of one log record (:meth:`~.round.RoundState._record`), by column
RECORD_FIELDS = ("ma", "mb", "xa", "xb", "ya", "yb", "gi", "gj", "gain",
                 "o0_0", "o1_0", "o0_1", "o1_1")


@inline
def _outcome_at(c, side, v, st, paper):  # pragma: no cover - compiled
    """:meth:`~.round.RoundState._outcome_at` for one candidate and one value."""
    pos, start, w, wsum, sum_start = st[0], st[1], st[3], st[4], st[5]
    sum_now, shift, supply, across, cell, recorded = st[6], st[7], st[8], st[9], st[10], st[12]
    f_s = supply[side, c]
    ws = w[f_s]
    total = wsum[cell[side, c]]
    if paper:
        own = pos[f_s]
        base = sum_now[cell[side, c]]
        return (base + ws * (v - own)) / total
    x0 = start[f_s]
    rec = recorded[side, c]
    base = sum_start[cell[side, c]] + shift[across[side, c]]
    base = base - (ws * (rec - x0) if rec == rec else 0.0)  # rec == rec: recorded (not NaN)
    return (base + ws * (v - x0)) / total


@inline
def _set_gain(c, gi, gj, gain, side_gain, equal_gain):  # pragma: no cover - compiled
    side_gain[0, c] = gi
    side_gain[1, c] = gj
    if equal_gain:
        gain[c] = abs(gi)
    elif gi != gi or gj != gj:  # np.minimum propagates NaN
        gain[c] = np.nan
    else:
        gain[c] = gi if gi <= gj else gj


@inline
def _moves_ok(c, pos, supply, move, moved_total, moved_down, moved_up
              ):  # pragma: no cover - compiled
    good = True
    for side in range(2):
        m = move[side, c]
        am = abs(m)
        y = pos[supply[side, c]] + m
        good = good and (am <= 100) and (am > EPS) and (y >= -TOL) and (y <= 100 + TOL)
        good = good and (moved_total[side, c] + m <= 100)
        good = good and (((m < 0) and not moved_up[side, c])
                         or ((m > 0) and not moved_down[side, c]))
    return good


@inline
def _check_outcome(c, side, st, paper, equal_gain):  # pragma: no cover - compiled
    """:meth:`~.round.RoundState._check_outcome` for one candidate; whether it cut the
    move (changed moves, voting positions and gains)."""
    pos, start, sal, w = st[0], st[1], st[2], st[3]
    wsum, sum_start, sum_now, shift = st[4], st[5], st[6], st[7]
    supply, across, cell, rate = st[8], st[9], st[10], st[11]
    recorded, move, voting, gain, side_gain = st[12], st[13], st[14], st[15], st[16]
    demand = pos if paper else start
    other = 1 - side
    f_s = supply[side, c]
    xs = pos[f_s]
    ys = voting[side, c]
    target = demand[across[side, c]]
    n0 = _outcome_at(c, side, xs, st, paper)
    n1 = _outcome_at(c, side, ys, st, paper)
    a0 = target - n0
    a1 = target - n1
    if abs(a0) <= TOL:
        a0 = 0.0
    if abs(a1) <= TOL:
        a1 = 0.0
    if (a0 >= 0 and a1 >= 0) or (a0 <= 0 and a1 <= 0):
        return False
    f_t = supply[other, c]
    f_sd = across[other, c]
    f_ts = across[side, c]
    cell_s, cell_t = cell[side, c], cell[other, c]
    w_s = w[f_s]
    ws_s = wsum[cell_s]
    if paper:
        here = sum_now[cell_s]
    else:
        rec = recorded[side, c]
        here = sum_start[cell_s] + shift[f_ts]
        here = here + (0.0 if rec == rec else w_s * (xs - start[f_s]))
    delta = abs((target * ws_s - here) / w_s)
    r_s = delta * w_s / ws_s
    k = rate[c]
    r_t = r_s / k if side == 0 else r_s * k
    m_t = abs(r_t * wsum[cell_t] / w[f_t])
    xt = pos[f_t]
    if xt > demand[f_sd]:
        m_t = -m_t
    m_s = -delta if xs > target else delta
    move[side, c] = m_s
    move[other, c] = m_t
    voting[side, c] = xs + m_s
    voting[other, c] = xt + m_t
    g_s = r_t * sal[f_sd] - r_s * sal[f_s]
    g_t = r_s * sal[f_ts] - r_t * sal[f_t]
    if side == 0:
        _set_gain(c, g_s, g_t, gain, side_gain, equal_gain)
    else:
        _set_gain(c, g_t, g_s, gain, side_gain, equal_gain)
    return True


@inline
def _calculate(c, st, hist, valid, cut, paper, equal_gain):  # pragma: no cover - compiled
    """:meth:`~.round.RoundState._calculate` for one candidate (without its sort key);
    ``cut[c]``: whether decide's check cut its move (see :func:`_recheck`)."""
    pos, start, sal, w, wsum, supply = st[0], st[1], st[2], st[3], st[4], st[8]
    across, cell, rate = st[9], st[10], st[11]
    move, voting, gain, side_gain = st[13], st[14], st[15], st[16]
    moved_total, moved_down, moved_up = hist
    demand = pos if paper else start
    f_iq, f_jp = supply[0, c], supply[1, c]
    f_jq, f_ip = across[0, c], across[1, c]
    k = rate[c]
    xi_d, xj_d = demand[f_ip], demand[f_jq]
    xi_s, xj_s = pos[f_iq], pos[f_jp]
    w_iq, w_jp = w[f_iq], w[f_jp]
    wp, wq = wsum[cell[1, c]], wsum[cell[0, c]]
    dist_j, dist_i = abs(xi_d - xj_s), abs(xj_d - xi_s)
    dp = dist_j * w_jp / wp
    dq = k * dp
    mi = dq * wq / w_iq
    mj = dist_j
    over = mi > dist_i
    if over:
        dq = dist_i * w_iq / wq
        dp = dq / k
        mi = dist_i
        mj = dp * wp / w_jp
    if xi_s > xj_d:
        mi = -mi
    if xj_s > xi_d:
        mj = -mj
    yi = xj_d if over else xi_s + mi
    yj = xj_s + mj if over else xi_d
    gi = dp * sal[f_ip] - dq * sal[f_iq]
    gj = dq * sal[f_jq] - dp * sal[f_jp]
    move[0, c], move[1, c] = mi, mj
    voting[0, c], voting[1, c] = yi, yj
    _set_gain(c, gi, gj, gain, side_gain, equal_gain)
    ok = _moves_ok(c, pos, supply, move, moved_total, moved_down, moved_up) and gain[c] >= EPS
    if not equal_gain:
        ok = ok and gi >= EPS and gj >= EPS
    was_cut = False
    if ok:
        was_cut = _check_outcome(c, 0, st, paper, equal_gain)
        was_cut = _check_outcome(c, 1, st, paper, equal_gain) or was_cut
        ok = _moves_ok(c, pos, supply, move, moved_total, moved_down, moved_up)
    valid[c] = ok
    cut[c] = was_cut


@inline
def _recheck(c, st, hist, valid, cut, paper, equal_gain):  # pragma: no cover - compiled
    """:func:`_calculate` for an admissible candidate whose moves decide's check did not
    cut, when only the partners' recorded shifts it reads changed (decide's rule): the
    equal-gain solution's inputs (own positions, round-start positions, weights, rate,
    history) are those it was solved with, so its stored moves, voting positions and
    gains are that solution's numbers, and it passed the first admissibility test; only
    the check against the partner's position (which reads the shifts) runs again. The
    same operations on the same numbers as :func:`_calculate`."""
    pos, supply, move = st[0], st[8], st[13]
    moved_total, moved_down, moved_up = hist
    was_cut = _check_outcome(c, 0, st, paper, equal_gain)
    was_cut = _check_outcome(c, 1, st, paper, equal_gain) or was_cut
    valid[c] = _moves_ok(c, pos, supply, move, moved_total, moved_down, moved_up)
    cut[c] = was_cut


@inline
def _block_max(b, width, sort_key, block_max):  # pragma: no cover - compiled
    top = -np.inf
    for s in range(b * width, (b + 1) * width):
        if sort_key[s] > top:
            top = sort_key[s]
    block_max[b] = top


@inline
def _mark_runs(keys_a, keys_b, members, first, mark, out, n, tag
               ):  # pragma: no cover - compiled
    """Append to ``out`` (from ``n``) the unmarked members of both keys' runs, marking
    them; with ``tag`` as ``-c - 1`` (found only by this call's keys)."""
    for key in (keys_a, keys_b):
        for m in range(first[key], first[key + 1]):
            c = members[m]
            if not mark[c]:
                mark[c] = True
                out[n] = -c - 1 if tag else c
                n += 1
    return n


@inline
def _super_max(s, nb, nsb, block_max, super_max):  # pragma: no cover - compiled
    """Superblock ``s``'s maximum: of its draw's blocks ``SUPER·t …`` (``nb`` blocks and
    ``nsb`` superblocks a draw; a draw's last superblock may hold fewer)."""
    d = s // nsb
    lo = d * nb + (s - d * nsb) * SUPER
    hi = min(lo + SUPER, (d + 1) * nb)
    top = -np.inf
    for b in range(lo, hi):
        if block_max[b] > top:
            top = block_max[b]
    super_max[s] = top


@inline
def _rescan(b, width, sort_key, block_max, nb, nsb, super_max, sdirty, sblocks, n_sd
            ):  # pragma: no cover - compiled
    """Block ``b``'s maximum scanned again; its superblock listed for a scan (``sblocks``,
    ``n_sd`` so far, returned) when the block held the superblock's maximum and lost it."""
    old = block_max[b]
    _block_max(b, width, sort_key, block_max)
    d = b // nb
    s = d * nsb + (b - d * nb) // SUPER
    if block_max[b] < old and old >= super_max[s] and not sdirty[s]:
        sdirty[s] = True
        sblocks[n_sd] = s
        n_sd += 1
    return n_sd


def run_round(
    st: tuple[np.ndarray, ...], hist: tuple[np.ndarray, np.ndarray, np.ndarray],
    valid: np.ndarray, cut: np.ndarray, sort_key: np.ndarray, block_max: np.ndarray,
    supplied: np.ndarray, by_supply: tuple[np.ndarray, np.ndarray],
    by_across: tuple[np.ndarray, np.ndarray], n_draws: int, npd: int, width: int,
    paper: bool, equal_gain: bool, record: bool, executed: np.ndarray, chosen0: np.ndarray,
    records0: np.ndarray,
) -> int:
    """Execute every draw's exchanges to the end (:meth:`~.round.RoundState.run`).

    ``st``: the arrays a candidate's solution reads and writes (positions, sums,
    records, moves, voting positions, gains; see :meth:`~.round.RoundState._kernel_state`),
    ``hist``: decide's history of supply moves (total, down, up); ``cut``: whether
    decide's check cut each candidate's move (:func:`solve_all` sets it); ``supplied``:
    the flat ``[D, A, I]`` marks of who supplied. Counts go into
    ``executed[D]``; with ``record``, draw 0's executed candidates into ``chosen0``
    and their log records (:data:`RECORD_FIELDS`) into ``records0``. Returns how many
    exchanges draw 0 executed.
    """
    n_all, n_blocks = valid.shape[0], block_max.shape[0]
    n_super = n_draws * -(-(npd // width) // SUPER)
    scratch = (np.zeros(n_all, dtype=np.bool_), np.empty(n_all, dtype=np.int64),
               np.zeros(n_blocks, dtype=np.bool_), np.empty(n_blocks, dtype=np.int64),
               np.empty(n_super), np.zeros(n_super, dtype=np.bool_),
               np.empty(n_super, dtype=np.int64))
    return int(_run_round(
        st, hist, valid, cut, sort_key, block_max, supplied, *by_supply, *by_across,
        n_draws, npd, width, paper, equal_gain, record, executed, chosen0, records0,
        *scratch))


@jit
def _run_round(
    st, hist, valid, cut, sort_key, block_max, supplied, sup_members, sup_first,
    acr_members, acr_first, n_draws, npd, width, paper, equal_gain, record, executed,
    chosen0, records0, mark, buf, dirty, blocks, super_max, sdirty, sblocks,
):  # pragma: no cover - compiled
    pos, start, w, sum_now, shift, supply = st[0], st[1], st[3], st[6], st[7], st[8]
    across, cell, recorded = st[9], st[10], st[12]
    move, voting, gain, side_gain = st[13], st[14], st[15], st[16]
    moved_total, moved_down, moved_up = hist
    nb = npd // width
    nsb = -(-nb // SUPER)
    for s in range(n_draws * nsb):
        _super_max(s, nb, nsb, block_max, super_max)
    n0 = 0
    new0 = new1 = 0.0
    for d in range(n_draws):
        while True:
            best = -np.inf
            for s in range(d * nsb, (d + 1) * nsb):
                if super_max[s] > best:
                    best = super_max[s]
            if not np.isfinite(best):
                break
            floor = best - TIE * max(1.0, abs(best))
            # the earliest slot within the tie tolerance: it lies in the first such
            # block, which lies in the first such superblock
            s = d * nsb
            while not super_max[s] >= floor:
                s += 1
            gb = d * nb + (s - d * nsb) * SUPER
            while not block_max[gb] >= floor:
                gb += 1
            ex = gb * width
            while not sort_key[ex] >= floor:
                ex += 1
            if record and d == 0:
                chosen0[n0] = ex
                records0[n0, 0], records0[n0, 1] = move[0, ex], move[1, ex]
                records0[n0, 2], records0[n0, 3] = pos[supply[0, ex]], pos[supply[1, ex]]
                records0[n0, 4], records0[n0, 5] = voting[0, ex], voting[1, ex]
                records0[n0, 6], records0[n0, 7] = side_gain[0, ex], side_gain[1, ex]
                records0[n0, 8] = gain[ex]
                records0[n0, 9] = _outcome_at(ex, 0, pos[supply[0, ex]], st, paper)
                records0[n0, 10] = _outcome_at(ex, 0, voting[0, ex], st, paper)
                records0[n0, 11] = _outcome_at(ex, 1, pos[supply[1, ex]], st, paper)
                records0[n0, 12] = _outcome_at(ex, 1, voting[1, ex], st, paper)
            if d == 0:
                n0 += 1
            executed[d] += 1
            # ---- execute: out of the running ----
            valid[ex] = False
            sort_key[ex] = -np.inf
            n_sd = _rescan(ex // width, width, sort_key, block_max, nb, nsb, super_max,
                           sdirty, sblocks, 0)
            # ---- decide's records of each supplier's new position for its partner ----
            for side in range(2):
                f_s = supply[side, ex]
                yv = voting[side, ex]
                old = recorded[side, ex]
                x0 = start[f_s]
                has = old == old
                oldv = old if has else x0
                keep_old = (oldv < yv) if x0 <= oldv else (oldv > yv)
                nv = oldv if (has and keep_old) else yv
                shift[across[side, ex]] += w[f_s] * (nv - oldv)
                if side == 0:
                    new0 = nv
                else:
                    new1 = nv
            # ---- both suppliers move ----
            f_a, f_b = supply[0, ex], supply[1, ex]
            ya, yb = voting[0, ex], voting[1, ex]
            sum_now[cell[0, ex]] += w[f_a] * (ya - pos[f_a])
            sum_now[cell[1, ex]] += w[f_b] * (yb - pos[f_b])
            pos[f_a] = ya
            pos[f_b] = yb
            supplied[f_a] = True
            supplied[f_b] = True
            # ---- the disturbed candidates: a side supplies what an actor of ex supplied
            # (listed as c), else only a side's partner position is one ex recorded
            # (listed as -c - 1); each candidate's solution stands alone, any order ----
            n = _mark_runs(supply[0, ex], supply[1, ex], sup_members, sup_first, mark, buf,
                           0, False)
            n = _mark_runs(across[0, ex], across[1, ex], acr_members, acr_first, mark, buf,
                           n, True)
            m = 0
            for t in range(n):
                code = buf[t]
                c = code if code >= 0 else -code - 1
                mark[c] = False
                if valid[c]:
                    buf[m] = code
                    m += 1
            # ---- decide's history updates (they all need a shared supply) ----
            ea_q, eb_p = supply[0, ex], supply[1, ex]
            eb_q, ea_p = across[0, ex], across[1, ex]
            for t in range(m):
                c = buf[t]
                if c < 0:
                    continue
                ci_q, cj_p = supply[0, c], supply[1, c]
                cj_q, ci_p = across[0, c], across[1, c]
                if ci_q in (ea_q, eb_p):
                    mv = move[0, c]
                    moved_total[0, c] += mv
                    moved_down[0, c] |= mv < 0
                    moved_up[0, c] |= mv > 0
                if cj_p in (ea_q, eb_p):
                    mv = move[1, c]
                    moved_total[1, c] += mv
                    moved_down[1, c] |= mv < 0
                    moved_up[1, c] |= mv > 0
                if ci_q == ea_q and cj_q == eb_q:
                    recorded[0, c] = new0
                if ci_p == eb_q and cj_p == ea_q:
                    recorded[1, c] = new0
                if ci_q == eb_p and cj_q == ea_p:
                    recorded[0, c] = new1
                if ci_p == ea_p and cj_p == eb_p:
                    recorded[1, c] = new1
            # ---- the new solutions; a block's maximum only needs a new scan when its
            # maximum went down ----
            n_dirty = 0
            for t in range(m):
                code = buf[t]
                c = code if code >= 0 else -code - 1
                old_key = sort_key[c]
                if code < 0 and not paper and not cut[c]:
                    _recheck(c, st, hist, valid, cut, paper, equal_gain)
                else:
                    _calculate(c, st, hist, valid, cut, paper, equal_gain)
                key = gain[c] if valid[c] else -np.inf
                sort_key[c] = key
                b = c // width
                if key >= block_max[b]:
                    block_max[b] = key
                    s = (b // nb) * nsb + (b % nb) // SUPER
                    if key > super_max[s]:
                        super_max[s] = key
                elif old_key >= block_max[b] and not dirty[b]:
                    dirty[b] = True
                    blocks[n_dirty] = b
                    n_dirty += 1
            for t in range(n_dirty):
                b = blocks[t]
                dirty[b] = False
                n_sd = _rescan(b, width, sort_key, block_max, nb, nsb, super_max, sdirty,
                               sblocks, n_sd)
            for t in range(n_sd):
                s = sblocks[t]
                sdirty[s] = False
                _super_max(s, nb, nsb, block_max, super_max)
    return n0


def solve_all(st: tuple[np.ndarray, ...], hist: tuple[np.ndarray, np.ndarray, np.ndarray],
              valid: np.ndarray, cut: np.ndarray, sort_key: np.ndarray,
              block_max: np.ndarray, live: np.ndarray, width: int, paper: bool,
              equal_gain: bool) -> None:
    """The solutions of candidates ``live`` (ascending) when a round starts, whether
    decide's check cut each, their sort keys and every block's maximum
    (:meth:`~.round.RoundState._calculate` over them)."""
    _solve_all(st, hist, valid, cut, sort_key, block_max, live, width, paper, equal_gain)


@jit
def _solve_all(
    st, hist, valid, cut, sort_key, block_max, live, width, paper, equal_gain,
):  # pragma: no cover - compiled
    gain = st[15]
    for t in range(live.shape[0]):
        c = live[t]
        _calculate(c, st, hist, valid, cut, paper, equal_gain)
        sort_key[c] = gain[c] if valid[c] else -np.inf
    for b in range(block_max.shape[0]):
        _block_max(b, width, sort_key, block_max)


def index_by(keys: np.ndarray, live: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`~.round.RoundState._index_by` as a counting sort: ``keys[2, N]`` (flat
    ``[D, A, I]`` cells), ``live[N]``; the members of each key in the order side 0's
    candidates then side 1's, each ascending (a stable sort: the same list as the
    stable argsort), and the start of each key's run."""
    return index_both(keys, keys, live, n_keys)[0]


def index_both(supply: np.ndarray, across: np.ndarray, live: np.ndarray, n_keys: int
               ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """:func:`index_by` of ``supply`` and of ``across`` at once: one counting pass and
    one placing pass over the candidates for both (their cells share a cache line of
    the candidate table, which is read twice instead of eight times)."""
    fills = np.zeros((4, n_keys), dtype=np.int64)  # (supply, across) x side: counts first
    _count_keys(supply, across, live, fills)
    out = []
    for k in range(2):
        first = np.zeros(n_keys + 1, dtype=np.int64)
        np.cumsum(fills[2 * k] + fills[2 * k + 1], out=first[1:])
        fills[2 * k + 1] = first[:-1] + fills[2 * k]  # side 1 after side 0, per key
        fills[2 * k] = first[:-1]
        out.append((np.empty(int(first[-1]), dtype=np.int64), first))
    _place(supply, across, live, fills, out[0][0], out[1][0])
    return out[0], out[1]


@jit
def _count_keys(supply, across, live, counts):  # pragma: no cover - compiled
    for c in range(supply.shape[1]):
        if live[c]:
            counts[0, supply[0, c]] += 1
            counts[1, supply[1, c]] += 1
            counts[2, across[0, c]] += 1
            counts[3, across[1, c]] += 1


@jit
def _place(supply, across, live, fills, sup_members, acr_members
           ):  # pragma: no cover - compiled
    for c in range(supply.shape[1]):
        if live[c]:
            for side in range(2):
                k = supply[side, c]
                sup_members[fills[side, k]] = c
                fills[side, k] += 1
                k = across[side, c]
                acr_members[fills[2 + side, k]] = c
                fills[2 + side, k] += 1
