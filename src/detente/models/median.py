"""The weighted median model: the position a weighted majority backs.

Sort the positions on an issue; the forecast is the first position at which
the cumulative capability × salience weight reaches half the total:

    x̂_i = min { p : Σ_{a: p_ai <= p} c_a s_ai >= ½ Σ_a c_a s_ai }

With an even split the lower of the two middle positions wins ("first
reaches half"). It is the median voter theorem's prediction under weighted
voting (Black 1948). Actors with zero weight or no stance do not count; an
issue with no weight at all gets NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from detente.arrays import ScenarioArrays
from detente.models.base import Model, ModelOutput, single_round

_REL_TOL = 1e-12
#: from this many elements (draws × issues) on, :func:`weighted_median` runs as one
#: compiled pass (:mod:`.median_kernels`, the same numbers); below it the array code runs
#: and numba is never imported
COMPILED_ELEMENTS = 32_768


def weighted_median(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Lower weighted median over the actor axis (axis -2) of ``position[..., A, I]``.

    A relative tolerance of 1e-12 on the half-way mark keeps exact ties
    (e.g. two equal weights) from being lost to rounding.
    """
    lead = position.shape[:-2] + position.shape[-1:]
    if math.prod(lead) >= COMPILED_ELEMENTS:
        from detente.models import median_kernels

        a, i = position.shape[-2:]
        return median_kernels.weighted_median(
            position.reshape(-1, a, i), np.broadcast_to(weight, position.shape).reshape(-1, a, i),
            _REL_TOL).reshape(lead)
    pos = np.where(weight > 0, position, np.inf)
    order = np.argsort(pos, axis=-2, kind="stable")
    sorted_pos = np.take_along_axis(pos, order, axis=-2)
    sorted_w = np.take_along_axis(np.where(weight > 0, weight, 0.0), order, axis=-2)
    out = weighted_median_sorted(sorted_pos, sorted_w, axis=-2)
    return np.where(sorted_w.sum(axis=-2) > 0, out, np.nan)


def weighted_median_sorted(
    sorted_pos: np.ndarray, sorted_w: np.ndarray, axis: int = -2
) -> np.ndarray:
    """The first of the positions, sorted along ``axis``, at which the cumulative
    weight reaches half the total (within the relative tolerance); ``axis`` is removed.
    """
    cum = np.cumsum(sorted_w, axis=axis)
    total = np.take(cum, [-1], axis=axis)
    first = np.argmax(cum >= 0.5 * total * (1 - _REL_TOL), axis=axis)
    return np.take_along_axis(sorted_pos, np.expand_dims(first, axis), axis=axis).squeeze(axis)


@dataclass(frozen=True, kw_only=True)
class WeightedMedian(Model):
    """Capability × salience weighted (lower) median of the stated positions.

    ``x̂_i = min { p : Σ_{a: p_ai ≤ p} c_a s_ai ≥ ½ Σ_a c_a s_ai }`` (NaN where no
    actor has weight). No parameters.
    """

    name = "median"
    label = "Weighted median"

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        return single_round(arrays, weighted_median(arrays.position, arrays.weight))
