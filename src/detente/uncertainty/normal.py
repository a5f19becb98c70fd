"""The standard normal CDF Φ (``ndtr``) and its inverse Φ⁻¹ (``ndtri``), bit for bit
scipy's, without importing scipy.

Why: every draw goes through Φ (the Gaussian copula) and Φ⁻¹ (truncated normals), and
``import scipy.special`` costs about 0.35 CPU s (its array-API layer imports
``numpy.f2py`` and ``numpy.testing``): a third of a small ``forecast``. The numbers must
not move, so this is a port of the code scipy runs — Cephes' ``ndtr``/``erf``/``erfc``
and ``ndtri`` as scipy ≥ 1.15 compiles them from its xsf headers
(``xsf/cephes/ndtr.h``, ``ndtri.h``, ``polevl.h``) — operation for operation:

- ``ndtr(a)``: ``x = a/√2`` (as ``a·M_SQRT1_2``), ``z = |x|``; for ``z < 1``
  ``½ + ½·erf(x)`` with ``erf(x) = x·T(x²)/U(x²)``; else ``y = ½·erfc(z)`` with
  ``erfc(z) = e^{−z²}·P(z)/Q(z)`` (``R/S`` from ``z ≥ 8``; 0 where ``−z² < −MAXLOG``),
  and ``1 − y`` for ``x > 0``;
- ``ndtri(y)``: ``y = 0 → −∞``, ``1 → +∞``, outside ``[0, 1] → NaN``; with
  ``y' = min(y, 1 − y)`` side, for ``y' > e^{−2}``:
  ``√(2π)·(w + w·(w²·P0(w²)/Q0(w²)))``, ``w = y − ½``; else ``t = √(−2 ln y')``,
  ``x = t − ln(t)/t − (1/t)·P(1/t)/Q(1/t)`` (``P1/Q1`` for ``t < 8``, ``P2/Q2``
  beyond), negated on the lower side.

Additions, products and divisions are IEEE operations in numpy as in C (scipy's x86-64
build contracts nothing into FMAs); ``exp`` and ``log`` are not numpy's (it has SIMD
versions of its own on some CPUs) but the C library's, through :mod:`math`, as scipy
calls them — one element at a time, for only the elements in the tails. That is why a
large array (:data:`SCIPY_FROM` elements or more) goes to scipy itself, which is
faster there and worth its import in a run that large. ``tests/uncertainty/
test_normal.py`` checks the bits against scipy's over millions of values (both tails,
the branch boundaries, ±∞, NaN, subnormals).
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

SCIPY_FROM = 1 << 17
"""Arrays of at least this many elements go to scipy.special (the same bits, about four
times faster: ~40 against ~150 ns an element), and so does every array once something
else has imported it. The port's extra cost per call is then at most ~15 ms against
the import's ~350: ``forecast``'s 1,000 draws a model (79,000 values on the bundled
scenario) stay with the port, and a whole 16,384-draw block of 8 or more inputs goes
to scipy."""

# Cephes' constants and coefficient tables (highest power first), as in xsf; public so
# that a compiled kernel can share them (tuples of floats).
SQRT1_2 = 0.70710678118654752440  # M_SQRT1_2
MAXLOG = 7.097827128933839730962063185871e2  # log(DBL_MAX)
SQRT2PI = 2.506628274631000502415765284811045253007
EXP_M2 = 0.13533528323661269189  # exp(-2)

ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
      4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
      9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
ERFC_Q = (1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
      9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
      1.65666309194161350182e3, 5.57535340817727675546e2)
ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
      6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
ERFC_S = (2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
      1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)
ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
      7.00332514112805075473e3, 5.55923013010394962768e4)
ERF_U = (3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
      2.26290000613890934246e4, 4.92673942608635921086e4)

NDTRI_P0 = (-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1,
       1.39312609387279679503e1, -1.23916583867381258016e0)
NDTRI_Q0 = (1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1,
       -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1,
       1.59056225126211695515e1, -1.18331621121330003142e0)
NDTRI_P1 = (4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1,
       4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0,
       -1.40256079171354495875e-1, -3.50424626827848203418e-2, -8.57456785154685413611e-4)
NDTRI_Q1 = (1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1,
       1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1,
       -3.80806407691578277194e-2, -9.33259480895457427372e-4)
NDTRI_P2 = (3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0,
       1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2,
       3.01581553508235416007e-4, 2.65806974686737550832e-6, 6.23974539184983293730e-9)
NDTRI_Q2 = (6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0,
       2.16236993594496635890e-1, 1.34204006088543189037e-2, 3.28014464682127739104e-4,
       2.89247864745380683936e-6, 6.79019408009981274425e-9)


def _polevl(x: np.ndarray, coef: tuple[float, ...]) -> np.ndarray:
    """Cephes ``polevl``: ``c0·xᴺ + … + cN`` by Horner, ``ans = ans·x + c``."""
    ans = np.full_like(x, coef[0])
    for c in coef[1:]:
        ans = ans * x + c
    return ans


def _p1evl(x: np.ndarray, coef: tuple[float, ...]) -> np.ndarray:
    """Cephes ``p1evl``: as :func:`_polevl` with a leading coefficient 1 not stored."""
    ans = x + coef[0]
    for c in coef[1:]:
        ans = ans * x + c
    return ans


def _libm(func: Any, x: np.ndarray) -> np.ndarray:
    """``func`` (:func:`math.exp` or :func:`math.log`: the C library's) on each element."""
    return np.fromiter(map(func, x.tolist()), dtype=np.float64, count=x.size)


def _erfc_pos(z: np.ndarray) -> np.ndarray:
    """Cephes ``erfc(z)`` for ``z ≥ 1`` (``+∞`` included): ``e^{−z²}·P(z)/Q(z)``."""
    out = np.zeros_like(z)
    e = -z * z
    live = ~(e < -MAXLOG)  # below: underflow, 0
    zl, el = z[live], e[live]
    ex = _libm(math.exp, el)
    near = zl < 8.0
    p = np.empty_like(zl)
    q = np.empty_like(zl)
    p[near], q[near] = _polevl(zl[near], ERFC_P), _p1evl(zl[near], ERFC_Q)
    far = ~near
    p[far], q[far] = _polevl(zl[far], ERFC_R), _p1evl(zl[far], ERFC_S)
    out[live] = (ex * p) / q
    return out


def _scipy_wanted(a: np.ndarray) -> bool:
    return a.size >= SCIPY_FROM or "scipy.special" in sys.modules


def _deliver(res: np.ndarray, shape: tuple[int, ...], out: np.ndarray | None) -> Any:
    res = res.reshape(shape)
    if out is not None:
        out[...] = res
        return out
    return res if res.ndim else res[()]


def ndtr(x: Any, out: np.ndarray | None = None) -> Any:
    """Φ(x), the standard normal CDF, elementwise: scipy.special.ndtr's bits (see the
    module). ``out`` (float64, ``x``'s shape) receives the result, as for the ufunc."""
    a = np.asarray(x, dtype=np.float64)
    if _scipy_wanted(a):
        from scipy.special import ndtr as scipy_ndtr

        return scipy_ndtr(a) if out is None else scipy_ndtr(a, out=out)
    return _deliver(ndtr_port(a.ravel()), a.shape, out)


def ndtri(y: Any, out: np.ndarray | None = None) -> Any:
    """Φ⁻¹(y), the standard normal quantile, elementwise: scipy.special.ndtri's bits (see
    the module; NaN outside [0, 1])."""
    a = np.asarray(y, dtype=np.float64)
    if _scipy_wanted(a):
        from scipy.special import ndtri as scipy_ndtri

        return scipy_ndtri(a) if out is None else scipy_ndtri(a, out=out)
    return _deliver(ndtri_port(a.ravel()), a.shape, out)


def ndtr_port(flat: np.ndarray) -> np.ndarray:
    """:func:`ndtr` of a 1-d float64 array by the port (whatever its size)."""
    with np.errstate(all="ignore"):
        xs = flat * SQRT1_2
        z = np.abs(xs)
        res = np.full_like(xs, np.nan)  # NaN in: scipy's quiet NaN out
        small = z < 1.0
        xm = xs[small]
        zz = xm * xm
        res[small] = 0.5 + 0.5 * (xm * _polevl(zz, ERF_T) / _p1evl(zz, ERF_U))
        big = z >= 1.0
        y = 0.5 * _erfc_pos(z[big])
        res[big] = np.where(xs[big] > 0, 1.0 - y, y)
    return res


def ndtri_port(y0: np.ndarray) -> np.ndarray:
    """:func:`ndtri` of a 1-d float64 array by the port (whatever its size)."""
    res = np.full_like(y0, np.nan)
    res[y0 == 0.0] = -np.inf
    res[y0 == 1.0] = np.inf
    # (NaN in takes the arithmetic path below, as in C: its sign flips on the lower side)
    live = ~((y0 == 0.0) | (y0 == 1.0) | (y0 < 0.0) | (y0 > 1.0))
    v = y0[live]
    with np.errstate(all="ignore"):
        upper = v > (1.0 - EXP_M2)
        w = np.where(upper, 1.0 - v, v)
        x = np.empty_like(w)
        mid = w > EXP_M2
        c = w[mid] - 0.5
        c2 = c * c
        x[mid] = (c + c * (c2 * _polevl(c2, NDTRI_P0) / _p1evl(c2, NDTRI_Q0))) * SQRT2PI
        tail = ~mid
        t = np.sqrt(-2.0 * _libm(math.log, w[tail]))
        x0 = t - _libm(math.log, t) / t
        r = 1.0 / t
        inner = t < 8.0
        x1 = np.empty_like(t)
        x1[inner] = r[inner] * _polevl(r[inner], NDTRI_P1) / _p1evl(r[inner], NDTRI_Q1)
        outer = ~inner
        x1[outer] = r[outer] * _polevl(r[outer], NDTRI_P2) / _p1evl(r[outer], NDTRI_Q2)
        xt = x0 - x1
        x[tail] = np.where(upper[tail], xt, -xt)
    res[live] = x
    return res
