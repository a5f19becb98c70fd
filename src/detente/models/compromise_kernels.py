"""The weighted mean (:func:`~.compromise.weighted_mean`) as one compiled pass (numba),
bit for bit the array code.

The array code makes five ``[n, A, I]`` or ``[n, I]`` arrays (the products, the masked
products, the two sums, the guarded quotient). Here each element (draw, issue) adds its
actors' weights and weighted positions in one loop, in numpy's order for a sum over
the actor axis of ``[n, A, I]`` with I > 1: from the first actor's term, one actor
after another (with one issue numpy sums the actors pairwise, which differs from 8
actors on: that case stays on the array code). ``tests/models/test_baseline.py``
checks both paths.
"""

from __future__ import annotations

import numpy as np

from detente.models.compiled import jit as _jit


@_jit
def weighted_mean(position, weight, out):  # pragma: no cover - compiled
    """``out[d, i] = Σ_a w p / Σ_a w`` over the actors with ``w > 0`` in the numerator
    (every ``w`` in the denominator, as the array code), NaN where ``Σ w`` is not > 0."""
    n, m, k = position.shape
    for d in range(n):
        for i in range(k):
            w = weight[d, 0, i]
            total = w
            num = position[d, 0, i] * w if w > 0 else 0.0
            for a in range(1, m):
                w = weight[d, a, i]
                total += w
                num += position[d, a, i] * w if w > 0 else 0.0
            out[d, i] = num / total if total > 0 else np.nan
