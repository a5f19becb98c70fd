"""Bargaining solutions over a finite set of deals.

Every function takes ``U[S, A]`` (utilities of the candidate deals, usually
the Pareto frontier), the disagreement point ``d[A]`` (the BATNAs) and returns
the row index of the chosen deal, or ``None`` when no candidate is acceptable
to every actor (no zone of agreement). Only such *rational* candidates are
considered: ``u_a > d_a`` for all ``a`` (``strict=True``, the default), or
``u_a >= d_a`` (``strict=False``, GENIUS's "at least the reservation value").
Ties are broken by the larger total utility, then by the lower row index, so
results are deterministic.

**Exact ties.** With ``scale`` given, ``u`` and ``d`` are exact scaled
integers (actor ``a``'s utility is ``u_a / scale_a``, see
:mod:`detente.deals.stated`) and every score below, and the total used for
ties, is computed in exact rational arithmetic on the rational candidates, so
an exact tie is a tie. (The asymmetric Nash score with unequal weights is a
sum of logarithms and keeps the float comparison with a relative tolerance
of ``1e-12``.) Without ``scale``, scores are floats and ties are those within
a relative ``1e-12``.

Let ``g_a = u_a − d_a`` be actor ``a``'s gain over its BATNA.

- symmetric Nash (Nash 1950):         ``argmax Π_a g_a``
- asymmetric Nash (Kalai 1977; Harsanyi–Selten 1972), weights ``c_a`` the
  actors' capabilities normalised to sum to one:  ``argmax Π_a g_a^{c_a}``
  (computed as ``argmax Σ_a c_a log g_a``)
- Kalai–Smorodinsky (1975): with the ideal point ``b_a = max u_a`` over the
  rational candidates, ``argmax min_a g_a / (b_a − d_a)`` (``rule="maxmin"``);
  ``rule="equal"`` instead minimises the spread ``max_a r_a − min_a r_a`` of
  the ratios ``r_a = g_a / (b_a − d_a)`` (negmas's ``ks_points``)
- egalitarian (Kalai 1977, equal absolute gains):  ``argmax min_a g_a``
- utilitarian (Harsanyi 1955):        ``argmax Σ_a u_a``
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from math import prod
from typing import Literal

import numpy as np

SOLUTIONS = ("nash", "asymmetric_nash", "kalai_smorodinsky", "egalitarian", "utilitarian")

ExactScore = Callable[[Sequence[int], Sequence[int], Sequence[int]], object]
"""``score(keys, batna keys, scales)`` of one candidate, exact (ints / Fractions)."""


def _rational(u: np.ndarray, d: np.ndarray, strict: bool = True) -> np.ndarray:
    return np.asarray((u > d).all(axis=1) if strict else (u >= d).all(axis=1))


def _pick_exact(score: ExactScore, u: np.ndarray, d: np.ndarray, scale: np.ndarray,
                ok: np.ndarray) -> int | None:
    """The rational row with the best exact score, then the larger exact total, then the
    lowest row."""
    rows = np.flatnonzero(ok)
    if not len(rows):
        return None
    s = [int(x) for x in scale]
    dd = [int(x) for x in d]
    best: tuple[object, Fraction, int] | None = None
    for r in rows:
        k = [int(x) for x in u[r]]
        key = (score(k, dd, s), sum((Fraction(x, y) for x, y in zip(k, s, strict=True)),
                                    Fraction(0)), -int(r))
        if best is None or key > best:
            best = key
    assert best is not None
    return -best[2]


def _arrays(u: np.ndarray, d: np.ndarray, scale: np.ndarray | None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays, or, with ``scale`` (exact keys), the arrays as given (floats holding
    integers, or object arrays of Python ints)."""
    if scale is None:
        return np.asarray(u, float), np.asarray(d, float)
    return np.asarray(u), np.asarray(d)


def _gains(k: Sequence[int], d: Sequence[int], s: Sequence[int]) -> list[Fraction]:
    return [Fraction(x - y, z) for x, y, z in zip(k, d, s, strict=True)]


def _pick(score: np.ndarray, u: np.ndarray, ok: np.ndarray, rtol: float = 1e-12) -> int | None:
    if not ok.any():
        return None
    s = np.where(ok, score, -np.inf)
    best = s.max()
    tol = rtol * max(1.0, abs(best)) if np.isfinite(best) else 0.0
    near = np.flatnonzero(s >= best - tol)
    total = u[near].sum(axis=1)
    return int(near[np.argmax(total)])


def nash(u: np.ndarray, d: np.ndarray, *, strict: bool = True,
         scale: np.ndarray | None = None) -> int | None:
    """Symmetric Nash bargaining solution: ``argmax Π_a (u_a − d_a)`` over rational deals."""
    u, d = _arrays(u, d, scale)
    ok = _rational(u, d, strict)
    if scale is not None:
        return _pick_exact(lambda k, dd, s: prod(x - y for x, y in zip(k, dd, strict=True)),
                           u, d, scale, ok)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.log(np.where(ok[:, None], u - d, 1.0)).sum(axis=1)
    return _pick(score, u, ok)


def asymmetric_nash(u: np.ndarray, d: np.ndarray, weight: np.ndarray, *, strict: bool = True,
                    scale: np.ndarray | None = None) -> int | None:
    """Asymmetric Nash: ``argmax Σ_a c_a log(u_a − d_a)``, ``c = weight / Σ weight``."""
    w = np.asarray(weight, float)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
    if scale is not None and np.all(w == w[0]):  # equal weights: the symmetric Nash point
        return nash(u, d, strict=strict, scale=scale)
    if scale is not None:  # in utility units, so that the weights apply to utilities
        u = (np.asarray(u) / np.asarray(scale)).astype(float)
        d = (np.asarray(d) / np.asarray(scale)).astype(float)
    u, d = np.asarray(u, float), np.asarray(d, float)
    ok = _rational(u, d, strict)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (w * np.log(np.where(ok[:, None], u - d, 1.0))).sum(axis=1)
    return _pick(score, u, ok)


def kalai_smorodinsky(
    u: np.ndarray,
    d: np.ndarray,
    *,
    ideal: np.ndarray | None = None,
    rule: Literal["maxmin", "equal"] = "maxmin",
    strict: bool = True,
    scale: np.ndarray | None = None,
) -> int | None:
    """Kalai–Smorodinsky: gains proportional to each actor's best possible gain.

    ``ideal`` defaults to the best utility of each actor over the rational
    candidates; ``rule`` picks ``argmax min_a r_a`` or ``argmin (max_a r_a −
    min_a r_a)`` with ``r_a = (u_a − d_a) / (b_a − d_a)``.
    """
    u, d = _arrays(u, d, scale)
    ok = _rational(u, d, strict)
    if not ok.any():
        return None
    b = u[ok].max(axis=0) if ideal is None else np.asarray(ideal, u.dtype)
    span = np.where(b - d > 0, b - d, 1)
    if scale is not None:
        sp = [int(x) for x in span]

        def ratio(k: Sequence[int], dd: Sequence[int], _s: Sequence[int]) -> Fraction:
            r = [Fraction(x - y, z) for x, y, z in zip(k, dd, sp, strict=True)]
            return min(r) if rule == "maxmin" else -(max(r) - min(r))

        return _pick_exact(ratio, u, d, scale, ok)
    r = (u - d) / span
    score = r.min(axis=1) if rule == "maxmin" else -(r.max(axis=1) - r.min(axis=1))
    return _pick(score, u, ok)


def egalitarian(u: np.ndarray, d: np.ndarray, *, strict: bool = True,
                scale: np.ndarray | None = None) -> int | None:
    """Egalitarian: ``argmax min_a (u_a − d_a)`` (equal absolute gains)."""
    u, d = _arrays(u, d, scale)
    ok = _rational(u, d, strict)
    if scale is not None:
        return _pick_exact(lambda k, dd, s: min(_gains(k, dd, s)), u, d, scale, ok)
    return _pick((u - d).min(axis=1), u, ok)


def utilitarian(u: np.ndarray, d: np.ndarray, *, strict: bool = True,
                scale: np.ndarray | None = None) -> int | None:
    """Utilitarian: ``argmax Σ_a u_a`` over rational deals."""
    u, d = _arrays(u, d, scale)
    ok = _rational(u, d, strict)
    if scale is not None:
        return _pick_exact(lambda k, dd, s: 0, u, d, scale, ok)  # the total decides
    return _pick(u.sum(axis=1), u, ok)


def all_solutions(u: np.ndarray, d: np.ndarray, capability: np.ndarray, *,
                  strict: bool = True, scale: np.ndarray | None = None
                  ) -> dict[str, int | None]:
    """Every solution above, keyed by name (see ``SOLUTIONS``)."""
    kw = {"strict": strict, "scale": scale}
    return {
        "nash": nash(u, d, **kw),  # type: ignore[arg-type]
        "asymmetric_nash": asymmetric_nash(u, d, capability, **kw),  # type: ignore[arg-type]
        "kalai_smorodinsky": kalai_smorodinsky(u, d, **kw),  # type: ignore[arg-type]
        "egalitarian": egalitarian(u, d, **kw),  # type: ignore[arg-type]
        "utilitarian": utilitarian(u, d, **kw),  # type: ignore[arg-type]
    }
