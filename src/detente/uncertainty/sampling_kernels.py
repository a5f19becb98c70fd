"""The sampling of a block of draws (:meth:`~.sampling.InputSpace.sample`) in compiled
passes (numba), bit for bit the array code.

The array code applies each copula group, each distribution kind's inverse CDF and each
kind of input (position, salience, capability) as a few array passes with fancy
indexing, each allocating a ``[n, K]`` or ``[n, A, I]`` temporary. Here:

- :func:`copula`: ``z_k ← √ρ F + √(1 − ρ) z_k`` group after group (groups overlap: a
  bloc's follows its members' own), row after row;
- :func:`unit_values`: ``u`` clipped to [0, 1], then uniform ``l + u (h − l)`` and
  triangular (the two-branch inverse CDF of :mod:`.sampling`), clipped to [l, h]
  (truncated normals stay with scipy's ``ndtri``, in array code);
- :func:`scatter`: each value into its position, salience or capability (floored at 0);
- :func:`ndtr`: Φ, cephes' ``ndtr`` as scipy's C code computes it (the same
  coefficients, operations and order, libm's ``exp``): bit for bit
  ``scipy.special.ndtr``, and with :func:`ndtr_into` about 1.6× faster on a block;
- :func:`place`: all of it row after row in one pass, for input spaces of uniform and
  triangular inputs (the bundled scenario's).

The random numbers (numpy's generator) stay where they are; the same IEEE operations in
the same order (no fast-math), numpy's clip and maximum rules for ties and NaN
(:func:`detente.models.compiled.clip`).
``tests/uncertainty/test_sampling_kernels.py`` checks both paths.
"""

from __future__ import annotations

import math

import numpy as np

from detente.models.compiled import clip as _clip
from detente.models.compiled import jit as _jit
from detente.uncertainty import normal

#: the kinds of :func:`scatter`'s targets
POSITION, SALIENCE, CAPABILITY, OTHER = 0, 1, 2, 3


@_jit
def _copula_row(z, r, factors, starts, cols, roots):  # pragma: no cover - compiled
    """Row ``r`` of :func:`copula`."""
    for g in range(starts.shape[0] - 1):
        a, b = roots[g, 0], roots[g, 1]
        f = a * factors[g, r]
        for j in range(starts[g], starts[g + 1]):
            c = cols[j]
            z[r, c] = f + b * z[r, c]


@_jit
def copula(z, factors, starts, cols, roots):  # pragma: no cover - compiled
    """Group g (``cols[starts[g]:starts[g + 1]]``) of ``z[n, K]`` shares the factor
    ``factors[g]``: ``z ← roots[g, 0] F + roots[g, 1] z`` (√ρ, √(1 − ρ)), in group order
    (row after row: rows are independent)."""
    for r in range(z.shape[0]):
        _copula_row(z, r, factors, starts, cols, roots)


@_jit
def _unit_value(u, code, lo, hi, m):  # pragma: no cover - compiled
    """The uniform (code 0) or triangular (1) inverse CDF at ``u`` clipped to [0, 1],
    clipped to [lo, hi]."""
    x = _clip(u, 0.0, 1.0)
    span = hi - lo
    if code == 0:
        v = lo + x * span
    else:
        cut = (m - lo) / span if span > 0 else 0.0
        if x < cut:
            v = lo + math.sqrt(x * span * (m - lo))
        else:
            v = hi - math.sqrt((1.0 - x) * span * (hi - m))
    return _clip(v, lo, hi)


@_jit
def unit_values(u, code, low, high, mode, out):  # pragma: no cover - compiled
    """``out[n, K]`` from ``u[n, K]`` for the uniform (code 0) and triangular (1)
    columns; other columns are left as they are."""
    n, k = u.shape
    for r in range(n):
        for c in range(k):
            if code[c] <= 1:
                out[r, c] = _unit_value(u[r, c], code[c], low[c], high[c], mode[c])


@_jit
def _put(v, r, kind, a, i, pos, sal, cap):  # pragma: no cover - compiled
    """Draw r's value ``v`` of one input into its position, salience or capability
    (``max(v, 0)`` as ``np.maximum``: NaN kept, ``-0.0`` kept)."""
    if kind == POSITION:
        pos[r, a, i] = v
    elif kind == SALIENCE:
        sal[r, a, i] = v
    elif kind == CAPABILITY:
        cap[r, a] = v if (v >= 0.0 or v != v) else 0.0


@_jit
def scatter(values, kind, actor, issue, pos, sal, cap):  # pragma: no cover - compiled
    """Each column of ``values[n, K]`` into ``pos[n, A, I]``, ``sal[n, A, I]`` or
    ``cap[n, A]`` (:func:`_put`)."""
    n, k = values.shape
    for r in range(n):
        for c in range(k):
            _put(values[r, c], r, kind[c], actor[c], issue[c], pos, sal, cap)


@_jit
def place(z, factors, starts, cols, roots, code, low, high, mode, kind, actor, issue, u,
          pos, sal, cap):  # pragma: no cover - compiled
    """The whole compiled sampling of a block's normals ``z[n, K]`` (overwritten), row
    after row: :func:`copula`, Φ (:func:`ndtr_into`, into the scratch ``u[K]``),
    :func:`unit_values` and :func:`scatter` — for input spaces of uniform and
    triangular inputs only (codes 0 and 1). One pass over the draws instead of four,
    and no ``[n, K]`` temporaries."""
    n, k = z.shape
    for r in range(n):
        _copula_row(z, r, factors, starts, cols, roots)
        ndtr_into(z[r], u)
        for c in range(k):
            v = _unit_value(u[c], code[c], low[c], high[c], mode[c])
            _put(v, r, kind[c], actor[c], issue[c], pos, sal, cap)


# ---- Φ: cephes' ndtr, as scipy.special.ndtr computes it --------------------------------
# The coefficients of cephes' erf (T/U: x T(x²)/U(x²) on |x| < 1) and erfc (P/Q: e^{−x²}
# P(x)/Q(x) on 1 ≤ x < 8, R/S beyond): :mod:`detente.uncertainty.normal`'s tables (the
# numpy port's), one copy of them.
_ERFC_R, _ERFC_S = (np.asarray(t, dtype=float) for t in (normal.ERFC_R, normal.ERFC_S))
_MAXLOG = normal.MAXLOG
_SQRT1_2 = normal.SQRT1_2
# The polynomials Φ evaluates for almost every value, as named constants: numba's loop
# over a table stays a scalar loop, Horner's rule written out over constants lets the
# compiler run :func:`ndtr_into`'s first loop as vector instructions (10 → 2 ms for
# 1.3 million values; the same operations in the same order, so the same bits). The
# unpacking fails loudly if a table's length ever changes.
_T0, _T1, _T2, _T3, _T4 = normal.ERF_T
_U0, _U1, _U2, _U3, _U4 = normal.ERF_U
_P0, _P1, _P2, _P3, _P4, _P5, _P6, _P7, _P8 = normal.ERFC_P
_Q0, _Q1, _Q2, _Q3, _Q4, _Q5, _Q6, _Q7 = normal.ERFC_Q


@_jit
def _polevl(x, coef):  # pragma: no cover - compiled
    """``coef[0] xⁿ + … + coef[n]`` by Horner's rule, as cephes' ``polevl``."""
    ans = coef[0]
    for i in range(1, coef.shape[0]):
        ans = ans * x + coef[i]
    return ans


@_jit
def _p1evl(x, coef):  # pragma: no cover - compiled
    """:func:`_polevl` with a leading coefficient 1 left out (cephes' ``p1evl``)."""
    ans = x + coef[0]
    for i in range(1, coef.shape[0]):
        ans = ans * x + coef[i]
    return ans


@_jit
def _erf_small(x):  # pragma: no cover - compiled
    """cephes' erf for 0 ≤ x ≤ 1: ``x T(x²) / U(x²)``."""
    z = x * x
    t = (((_T0 * z + _T1) * z + _T2) * z + _T3) * z + _T4  # _polevl(z, T)
    u = ((((z + _U0) * z + _U1) * z + _U2) * z + _U3) * z + _U4  # _p1evl(z, U)
    return x * t / u


@_jit
def _erfc_beyond_one(x):  # pragma: no cover - compiled
    """cephes' erfc for x ≥ 1: ``e^{−x²} P(x)/Q(x)`` (R/S from 8 on), 0 where it
    underflows."""
    z = -x * x
    if z < -_MAXLOG:
        return 0.0
    z = math.exp(z)
    if x < 8.0:  # _polevl(x, P), _p1evl(x, Q) written out
        p = (((((((_P0 * x + _P1) * x + _P2) * x + _P3) * x + _P4) * x + _P5) * x + _P6)
             * x + _P7) * x + _P8
        q = ((((((((x + _Q0) * x + _Q1) * x + _Q2) * x + _Q3) * x + _Q4) * x + _Q5) * x
              + _Q6) * x + _Q7)
    else:
        p = _polevl(x, _ERFC_R)
        q = _p1evl(x, _ERFC_S)
    y = (z * p) / q
    return y if y != 0.0 else 0.0


@_jit
def ndtr(a):  # pragma: no cover - compiled
    """Φ(a), the standard normal CDF, bit for bit ``scipy.special.ndtr`` (cephes:
    ``½ + ½ erf(x)`` where ``|x| < 1``, x = a/√2, with erf odd; else ``½ erfc(|x|)``, or
    1 minus it for x > 0; libm's ``exp``, no fused multiply-adds). Written without
    cephes' mutual recursion of erf and erfc (numba's cache does not reload recursive
    functions reliably), with the branches Φ reaches."""
    if a != a:
        return a
    x = a * _SQRT1_2
    z = abs(x)
    if z < 1.0:
        return 0.5 + 0.5 * (-_erf_small(-x) if x < 0.0 else _erf_small(x))
    y = 0.5 * _erfc_beyond_one(z)
    if x > 0:
        y = 1.0 - y
    return y


@_jit
def ndtr_into(z, out):  # pragma: no cover - compiled
    """:func:`ndtr` of every element of the 1-D ``z`` into ``out`` (not ``z``), in two
    loops: ``½ + ½ erf(a/√2)`` for every element (erf's ``x T(x²)/U(x²)``, which for
    x < 0 is ``−erf(−x)`` bit for bit, the signs of a product and a quotient being
    exact: branch-free, so the compiler runs it as vector instructions), then
    :func:`ndtr` again where ``|a/√2| ≥ 1`` or NaN (about a sixth of standard
    normals)."""
    for j in range(z.shape[0]):
        x = z[j] * _SQRT1_2
        out[j] = 0.5 + 0.5 * _erf_small(x)
    for j in range(z.shape[0]):
        if not abs(z[j] * _SQRT1_2) < 1.0:
            out[j] = ndtr(z[j])
