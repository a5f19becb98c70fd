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
- :func:`scatter`: each value into its position, salience or capability (floored at 0).

The random numbers (numpy's generator) and Φ (scipy's ``ndtr``) stay where they are;
the same IEEE operations in the same order (no fast-math), numpy's clip and maximum
rules for ties and NaN (:func:`detente.models.compiled.clip`).
``tests/uncertainty/test_sampling_kernels.py`` checks both paths.
"""

from __future__ import annotations

import math

from detente.models.compiled import clip as _clip
from detente.models.compiled import jit as _jit

#: the kinds of :func:`scatter`'s targets
POSITION, SALIENCE, CAPABILITY, OTHER = 0, 1, 2, 3


@_jit
def copula(z, factors, starts, cols, roots):  # pragma: no cover - compiled
    """Group g (``cols[starts[g]:starts[g + 1]]``) of ``z[n, K]`` shares the factor
    ``factors[g]``: ``z ← roots[g, 0] F + roots[g, 1] z`` (√ρ, √(1 − ρ)), in group order."""
    for g in range(starts.shape[0] - 1):
        a, b = roots[g, 0], roots[g, 1]
        for r in range(z.shape[0]):
            f = a * factors[g, r]
            for j in range(starts[g], starts[g + 1]):
                c = cols[j]
                z[r, c] = f + b * z[r, c]


@_jit
def unit_values(u, code, low, high, mode, out):  # pragma: no cover - compiled
    """``out[n, K]`` from ``u[n, K]`` for the uniform (code 0) and triangular (1)
    columns; other columns are left as they are."""
    n, k = u.shape
    for r in range(n):
        for c in range(k):
            if code[c] > 1:
                continue
            x = _clip(u[r, c], 0.0, 1.0)
            lo, hi = low[c], high[c]
            span = hi - lo
            if code[c] == 0:
                v = lo + x * span
            else:
                m = mode[c]
                cut = (m - lo) / span if span > 0 else 0.0
                if x < cut:
                    v = lo + math.sqrt(x * span * (m - lo))
                else:
                    v = hi - math.sqrt((1.0 - x) * span * (hi - m))
            out[r, c] = _clip(v, lo, hi)


@_jit
def scatter(values, kind, actor, issue, pos, sal, cap):  # pragma: no cover - compiled
    """Each column of ``values[n, K]`` into ``pos[n, A, I]``, ``sal[n, A, I]`` or
    ``cap[n, A]`` (``max(v, 0)`` as ``np.maximum``: NaN kept, ``-0.0`` kept)."""
    n, k = values.shape
    for r in range(n):
        for c in range(k):
            v = values[r, c]
            if kind[c] == POSITION:
                pos[r, actor[c], issue[c]] = v
            elif kind[c] == SALIENCE:
                sal[r, actor[c], issue[c]] = v
            elif kind[c] == CAPABILITY:
                cap[r, actor[c]] = v if (v >= 0.0 or v != v) else 0.0
