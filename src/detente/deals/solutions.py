"""Bargaining solutions over a finite set of deals.

Every function takes ``U[S, A]`` (utilities of the candidate deals, usually
the Pareto frontier), the disagreement point ``d[A]`` (the BATNAs) and returns
the row index of the chosen deal, or ``None`` when no candidate gives every
actor strictly more than ``d`` (no zone of agreement). Only such *rational*
candidates are considered. Ties are broken by the larger total utility, then
by the lower row index, so results are deterministic.

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

from typing import Literal

import numpy as np

SOLUTIONS = ("nash", "asymmetric_nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


def _rational(u: np.ndarray, d: np.ndarray) -> np.ndarray:
    return (u > d).all(axis=1)


def _pick(score: np.ndarray, u: np.ndarray, ok: np.ndarray, rtol: float = 1e-12) -> int | None:
    if not ok.any():
        return None
    s = np.where(ok, score, -np.inf)
    best = s.max()
    tol = rtol * max(1.0, abs(best)) if np.isfinite(best) else 0.0
    near = np.flatnonzero(s >= best - tol)
    total = u[near].sum(axis=1)
    return int(near[np.argmax(total)])


def nash(u: np.ndarray, d: np.ndarray) -> int | None:
    """Symmetric Nash bargaining solution: ``argmax Π_a (u_a − d_a)`` over rational deals."""
    u, d = np.asarray(u, float), np.asarray(d, float)
    ok = _rational(u, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.log(np.where(ok[:, None], u - d, 1.0)).sum(axis=1)
    return _pick(score, u, ok)


def asymmetric_nash(u: np.ndarray, d: np.ndarray, weight: np.ndarray) -> int | None:
    """Asymmetric Nash: ``argmax Σ_a c_a log(u_a − d_a)``, ``c = weight / Σ weight``."""
    u, d = np.asarray(u, float), np.asarray(d, float)
    w = np.asarray(weight, float)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
    ok = _rational(u, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (w * np.log(np.where(ok[:, None], u - d, 1.0))).sum(axis=1)
    return _pick(score, u, ok)


def kalai_smorodinsky(
    u: np.ndarray,
    d: np.ndarray,
    *,
    ideal: np.ndarray | None = None,
    rule: Literal["maxmin", "equal"] = "maxmin",
) -> int | None:
    """Kalai–Smorodinsky: gains proportional to each actor's best possible gain.

    ``ideal`` defaults to the best utility of each actor over the rational
    candidates; ``rule`` picks ``argmax min_a r_a`` or ``argmin (max_a r_a −
    min_a r_a)`` with ``r_a = (u_a − d_a) / (b_a − d_a)``.
    """
    u, d = np.asarray(u, float), np.asarray(d, float)
    ok = _rational(u, d)
    if not ok.any():
        return None
    b = u[ok].max(axis=0) if ideal is None else np.asarray(ideal, float)
    span = np.where(b - d > 0, b - d, 1.0)
    r = (u - d) / span
    score = r.min(axis=1) if rule == "maxmin" else -(r.max(axis=1) - r.min(axis=1))
    return _pick(score, u, ok)


def egalitarian(u: np.ndarray, d: np.ndarray) -> int | None:
    """Egalitarian: ``argmax min_a (u_a − d_a)`` (equal absolute gains)."""
    u, d = np.asarray(u, float), np.asarray(d, float)
    ok = _rational(u, d)
    return _pick((u - d).min(axis=1), u, ok)


def utilitarian(u: np.ndarray, d: np.ndarray) -> int | None:
    """Utilitarian: ``argmax Σ_a u_a`` over rational deals."""
    u, d = np.asarray(u, float), np.asarray(d, float)
    ok = _rational(u, d)
    return _pick(u.sum(axis=1), u, ok)


def all_solutions(u: np.ndarray, d: np.ndarray, capability: np.ndarray) -> dict[str, int | None]:
    """Every solution above, keyed by name (see ``SOLUTIONS``)."""
    return {
        "nash": nash(u, d),
        "asymmetric_nash": asymmetric_nash(u, d, capability),
        "kalai_smorodinsky": kalai_smorodinsky(u, d),
        "egalitarian": egalitarian(u, d),
        "utilitarian": utilitarian(u, d),
    }
