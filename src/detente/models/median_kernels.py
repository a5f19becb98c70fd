"""The weighted median (:func:`~.median.weighted_median`) as one compiled pass (numba),
bit for bit the array code.

The array code sorts every element's (draw, issue) actors with ``argsort``, gathers
positions and weights with ``take_along_axis`` and takes a cumulative sum: a dozen
``[n, A, I]`` arrays. Here each element's weighted positions (``+∞`` without weight) are
sorted in place by a stable insertion sort (the order of a stable ``argsort``: equal
positions keep their actors' order), their weights added up one after another (as
``cumsum``), and the first position whose running weight reaches
``½ Σ w (1 − 1e-12)`` is the median (the first position when none does, as ``argmax``
of all False); NaN without any weight.
``tests/models/test_baseline.py`` checks both paths.
Compiled on first use and cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np

from detente.models.compiled import jit as _jit


@_jit
def _sorted(position, weight, d, i, pos, w):  # pragma: no cover - compiled
    """Element (d, i)'s positions (``+∞`` without weight) and weights (0 without) into
    ``pos``, ``w``, stably sorted by position; returns whether any actor has weight."""
    m = position.shape[1]
    any_weight = False
    for a in range(m):
        wa = weight[d, a, i]
        p = position[d, a, i] if wa > 0 else np.inf
        wa = wa if wa > 0 else 0.0
        any_weight = any_weight or wa > 0
        j = a - 1
        # insertion sort: stable; NaN after every number, as numpy sorts
        while j >= 0 and (pos[j] > p or (pos[j] != pos[j] and p == p)):
            pos[j + 1] = pos[j]
            w[j + 1] = w[j]
            j -= 1
        pos[j + 1] = p
        w[j + 1] = wa
    return any_weight


@_jit
def _medians(position, weight, tol, out, pos, w, cum):  # pragma: no cover - compiled
    """``out[n, I]``: every element's lower weighted median (NaN without weight)."""
    n, m, k = position.shape
    for d in range(n):
        for i in range(k):
            if not _sorted(position, weight, d, i, pos, w):
                out[d, i] = np.nan
                continue
            total = 0.0
            for a in range(m):
                total = w[a] if a == 0 else total + w[a]
                cum[a] = total
            half = 0.5 * total * tol
            first = 0
            for a in range(m):
                if cum[a] >= half:
                    first = a
                    break
            out[d, i] = pos[first]


def weighted_median(position: np.ndarray, weight: np.ndarray, rel_tol: float) -> np.ndarray:
    """:func:`~.median.weighted_median` of ``position``, ``weight`` ``[n, A, I]``."""
    position, weight = (np.ascontiguousarray(v, dtype=float) for v in (position, weight))
    n, m, k = position.shape
    out = np.empty((n, k))
    pos, w, cum = np.empty((3, m))
    _medians(position, weight, 1 - rel_tol, out, pos, w, cum)
    return out
