"""The SMP's two O(A³) sums as compiled loops (numba), bit for bit the array formulas.

A turn of A actors costs two sums over A³ terms; everything else is O(A²):

- :func:`third_party_sums`, the third parties' votes on every challenge ``i → j`` as
  the challenger sees it (:func:`~.batch_challenges.own_challenges_rows`):
  ``Σ_n max(0, v_n)`` and ``Σ_n min(0, v_n)`` over third parties ``n``;
- :func:`coalition_sums`, the coalitions of a vote over options
  (:func:`~.primitives.coalitions`): ``Σ_k max(0, vote(w_k, u_ki − u_kj))``.

As numpy arrays these are some twenty passes over A³ temporaries per turn (about 12 ns
a cell at 500 actors, memory-bound); as one loop each cell is a few dozen
floating-point operations in registers. The loops keep the arrays' numbers exactly:
every cell goes through the same IEEE operations in the same order (numba compiles
without fast-math, so nothing is reassociated or fused into FMAs), and each sum adds
its terms one after the other in the order of the summed axis, as numpy does over a
non-contiguous axis. The only difference a loop could make is the sign of a zero sum
(``0.0 + (−0.0)``), which the callers add to a positive ``1e-10``/``1e-8`` and so never
shows (``tests/models/test_smp_kernels.py`` checks the results against the array
formulas bit for bit).

Compiled on first use and cached on disk (``cache=True``: numba's ``__pycache__`` or
its user cache), so a fresh process loads them in milliseconds; they release the GIL
(``nogil=True``) so that :mod:`.tiles` can run two at once.
"""

from __future__ import annotations

import numba
import numpy as np

from detente.models.smp.primitives import MIN_COALITION

#: the voting rules, by the code the compiled loops take
RULES = ("Prop", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp")
#: options whose coalition sums are formed together while every voter's row streams by
#: (32 × 500 options: 128 kB, in L2)
OPTION_BLOCK = 32


def rule_code(rule: str) -> int:
    """The code of a voting rule in :data:`RULES`."""
    return RULES.index(rule)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _vote_row(rule: int, w: float, du: np.ndarray) -> None:  # pragma: no cover - compiled
    """``du ← vote(rule, w, du)`` in place (:func:`~.primitives.vote`, the same operations
    in the same order); the rule is chosen once per row so that each loop vectorises."""
    n = du.shape[0]
    if rule == 0:  # Prop
        for j in range(n):
            du[j] = w * du[j]
    elif rule == 1 or rule == 2:  # Binary, PropBin
        for j in range(n):
            x = du[j]
            b = x / 1e-8
            b = -1.0 if b < -1.0 else (1.0 if b > 1.0 else b)
            du[j] = w * b if rule == 1 else w * (0.8 * x + 0.2 * b)
    elif rule == 3:  # PropCbc
        for j in range(n):
            x = du[j]
            du[j] = w * (0.5 * x + 0.5 * (x * x * x))
    elif rule == 4:  # Cubic
        for j in range(n):
            x = du[j]
            du[j] = w * (x * x * x)
    else:  # ASymProsp
        for j in range(n):
            x = du[j]
            du[j] = ((2.0 * w) * x) / 3.0 if x > 0.0 else w * x


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _third_party_rows(
    rule: int, semi: bool, d: np.ndarray, omd: np.ndarray, r: np.ndarray, uni: np.ndarray,
    unn: np.ndarray, e1: np.ndarray, a0: np.ndarray, b0: np.ndarray, w: np.ndarray,
    lo: int, hi: int, pos: np.ndarray, neg: np.ndarray,
) -> None:  # pragma: no cover - compiled
    n = d.shape[0]
    u = np.empty(n)
    v = np.empty(n)
    for i in range(lo, hi):
        pi, ni, a0i, b0i = pos[i], neg[i], a0[i], b0[i]
        pi[:] = 0.0
        ni[:] = 0.0
        if not semi:  # FullCommit, NoCommit: no third-party vote, the sums stay 0
            continue
        for t in range(n):  # third party t; its terms added in order
            if t == i:  # a principal is no third party
                continue
            rit, uit, ut, et, wt = r[i, t], uni[i, t], unn[i, t], e1[i, t], w[t]
            dt, ot = d[t], omd[t]
            for j in range(n):
                uj = (dt[j] * rit + 1.0) * ot[j]  # t's utility of j's position
                u[j] = uj
                v[j] = uit - uj
            _vote_row(rule, wt, v)
            for j in range(n):
                v0 = v[j]
                c = (v0 if v0 > 0.0 else 0.0) + a0i[j]
                p = c / ((b0i[j] - (v0 if v0 < 0.0 else 0.0)) + c)
                v[j] = p * et + (1.0 - p) * (u[j] - ut)
            _vote_row(rule, wt, v)
            v[t] = 0.0  # nor for the challenge of t itself
            for j in range(n):
                x = v[j]
                pi[j] += x if x > 0.0 else 0.0
                ni[j] += x if x < 0.0 else 0.0


def third_party_sums(
    rule: str, semi: bool, parts: object, lo: int, hi: int,
    pos: np.ndarray, neg: np.ndarray,
) -> None:
    """Rows ``lo:hi`` of one run's third-party sums, written into ``pos`` and ``neg``
    (``[A, A]``, C-ordered): ``pos[i, j] = Σ_n max(0, v_n)`` and ``neg[i, j] = Σ_n
    min(0, v_n)``, ``v_n`` third party n's vote on ``i → j`` as ``i`` sees it (zero for
    the principals), from the O(A²) ``parts`` (:class:`~.tiles.RowParts`):

    ``u = (1 − d_nj)(1 + d_nj r_in)``, ``v₀ = vote(w_n, u_ni − u)``,
    ``π = (a0 + max(0, v₀)) / (b0 − min(0, v₀) + a0 + max(0, v₀))`` and, under
    SemiCommit, ``v_n = vote(w_n, π (u_nn − u_ni) + (1 − π)(u − u_nn))`` (else 0).
    """
    p = parts
    _third_party_rows(rule_code(rule), semi, p.d, p.omd, p.r, p.uni, p.unn,  # type: ignore[attr-defined]
                      p.e1, p.a0, p.b0, p.w, lo, hi, pos, neg)  # type: ignore[attr-defined]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _vote_each(rule: int, w: np.ndarray, du: np.ndarray) -> None:  # pragma: no cover
    """``du[k] ← vote(rule, w[k], du[k])`` in place (one weight per voter)."""
    n = du.shape[0]
    if rule == 0:  # Prop
        for k in range(n):
            du[k] = w[k] * du[k]
    elif rule == 1 or rule == 2:  # Binary, PropBin
        for k in range(n):
            x = du[k]
            b = x / 1e-8
            b = -1.0 if b < -1.0 else (1.0 if b > 1.0 else b)
            du[k] = w[k] * b if rule == 1 else w[k] * (0.8 * x + 0.2 * b)
    elif rule == 3:  # PropCbc
        for k in range(n):
            x = du[k]
            du[k] = w[k] * (0.5 * x + 0.5 * (x * x * x))
    elif rule == 4:  # Cubic
        for k in range(n):
            x = du[k]
            du[k] = w[k] * (x * x * x)
    else:  # ASymProsp
        for k in range(n):
            x = du[k]
            du[k] = ((2.0 * w[k]) * x) / 3.0 if x > 0.0 else w[k] * x


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _pairwise_leaf(a: np.ndarray, lo: int, n: int) -> float:  # pragma: no cover - compiled
    """numpy's sum of a contiguous run of at most 128 numbers: fewer than 8 one after
    the other; else eight interleaved partial sums combined as
    ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        k = lo + i
        r0 += a[k]
        r1 += a[k + 1]
        r2 += a[k + 2]
        r3 += a[k + 3]
        r4 += a[k + 4]
        r5 += a[k + 5]
        r6 += a[k + 6]
        r7 += a[k + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


def pairwise_plan(n: int) -> np.ndarray:
    """How numpy sums a contiguous run of ``n`` numbers (its ``pairwise_sum``): runs of
    more than 128 are split in two, the first half a multiple of 8 long, each summed so
    and the two added. As rows ``(0, start, length)`` (sum a leaf run, push it) and
    ``(1, 0, 0)`` (pop two, push their sum), in the order numpy evaluates them."""
    rows: list[tuple[int, int, int]] = []

    def split(lo: int, m: int) -> None:
        if m <= 128:
            rows.append((0, lo, m))
            return
        half = m // 2 - (m // 2) % 8
        split(lo, half)
        split(lo + half, m - half)
        rows.append((1, 0, 0))

    split(0, n)
    return np.array(rows, dtype=np.int64)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def pairwise_sum(a: np.ndarray, plan: np.ndarray, stack: np.ndarray) -> float:  # pragma: no cover
    """``a.sum()`` bit for bit as numpy sums contiguous ``a``, by :func:`pairwise_plan`'s
    ``plan`` for ``len(a)`` (``stack``: scratch of at least ``len(plan)`` numbers)."""
    top = 0
    for r in range(plan.shape[0]):
        if plan[r, 0] == 0:
            stack[top] = _pairwise_leaf(a, plan[r, 1], plan[r, 2])
            top += 1
        else:
            stack[top - 2] = stack[top - 2] + stack[top - 1]
            top -= 1
    return stack[0]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _coalition_rows(
    rule: int, w: np.ndarray, u: np.ndarray, low: np.ndarray, up: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Votes ``u[b, k, :]`` (voters' rows contiguous), sums one voter after another."""
    rows, voters, options = u.shape
    v = np.empty(options)
    for b in range(rows):
        low[b][:] = 0.0
        up[b][:] = 0.0
        for lo in range(1, options, OPTION_BLOCK):  # these options' sums stay in cache
            hi = min(options, lo + OPTION_BLOCK)
            for k in range(voters):  # voters' terms added in order
                wk, uk = w[b, k], u[b, k]
                for i in range(lo, hi):
                    uki = uk[i]
                    for j in range(i):
                        v[j] = uki - uk[j]
                    _vote_row(rule, wk, v[:i])
                    li, ui = low[b, i], up[b, i]
                    for j in range(i):
                        x = v[j]
                        li[j] += x if x > 0.0 else 0.0
                        ui[j] += -x if -x > 0.0 else 0.0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _coalition_rows_pairwise(
    rule: int, w: np.ndarray, ut: np.ndarray, plan: np.ndarray, low: np.ndarray,
    up: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Votes ``ut[b, o, :]`` (each option's column of voters contiguous), each sum over
    voters added as numpy adds a contiguous run (:func:`pairwise_sum`)."""
    rows, options, voters = ut.shape
    v = np.empty(voters)
    x = np.empty(voters)
    stack = np.empty(plan.shape[0])
    for b in range(rows):
        wb = w[b]
        for i in range(options):
            ui_ = ut[b, i]
            low[b, i, i] = 0.0
            up[b, i, i] = 0.0
            for j in range(i):
                uj_ = ut[b, j]
                for k in range(voters):
                    v[k] = ui_[k] - uj_[k]
                _vote_each(rule, wb, v)
                for k in range(voters):
                    x[k] = v[k] if v[k] > 0.0 else 0.0
                low[b, i, j] = pairwise_sum(x, plan, stack)
                for k in range(voters):
                    x[k] = -v[k] if -v[k] > 0.0 else 0.0
                up[b, i, j] = pairwise_sum(x, plan, stack)


def sums_pairwise(util: np.ndarray) -> bool:
    """Whether numpy sums ``util``'s votes over voters pairwise: when the voters' axis
    (``-2``) is the innermost in memory, the arrays of votes numpy forms from it keep that
    layout and its reduction runs along contiguous voters (its pairwise summation);
    otherwise it adds one voter's slice after another. Fewer than 8 voters: the same."""
    inner = min((abs(st) for st, n in zip(util.strides, util.shape, strict=True) if n > 1),
                default=0)
    return util.shape[-2] >= 8 and util.shape[-1] > 1 and abs(util.strides[-2]) == inner


def coalition_sums(rule: str, weight: np.ndarray, util: np.ndarray) -> np.ndarray:
    """``C[..., i, j]``: :func:`~.primitives.coalitions` computed by a compiled loop.

    ``util[..., k, o]`` (actor k's utility of option o), ``weight[..., k]``. Below the
    diagonal ``C_ij = 1e-8 + Σ_k max(0, v_k)``, above it ``C_ji = 1e-8 + Σ_k max(0, −v_k)``
    with ``v_k = vote(w_k, u_ki − u_kj)``, ``i > j`` (KTAB casts votes on the lower
    triangle only; for every rule but ``ASymProsp`` this is also ``Σ_k max(0, v_k(j, i))``,
    bit for bit, since those votes are odd functions of ``du``); the diagonal is ``1e-8``.
    The sums over voters add their terms in the order numpy's array formula did for the
    same memory layout of ``util`` (:func:`sums_pairwise`), so the numbers are unchanged.
    """
    util = np.asarray(util, dtype=float)
    lead, (voters, options) = util.shape[:-2], util.shape[-2:]
    w = np.ascontiguousarray(np.broadcast_to(np.asarray(weight, dtype=float),
                                             (*lead, voters)).reshape(-1, voters))
    low = np.empty((w.shape[0], options, options))
    up = np.empty_like(low)
    if sums_pairwise(util):
        ut = np.ascontiguousarray(np.swapaxes(util, -1, -2).reshape(-1, options, voters))
        _coalition_rows_pairwise(rule_code(rule), w, ut, pairwise_plan(voters), low, up)
    else:
        u = np.ascontiguousarray(util.reshape(-1, voters, options))
        _coalition_rows(rule_code(rule), w, u, low, up)
    lower = np.tril(np.ones((options, options), dtype=bool), -1)
    c = np.where(lower, low, np.swapaxes(up, -1, -2))
    c += MIN_COALITION
    idx = np.arange(options)
    c[:, idx, idx] = MIN_COALITION
    return c.reshape(*lead, options, options)
