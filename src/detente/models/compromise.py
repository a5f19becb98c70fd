"""The compromise model: the capability × salience weighted mean of positions.

    x̂_i = Σ_a c_a s_ai p_ai / Σ_a c_a s_ai

over the actors with a stance on issue i. The classic baseline of the
bargaining literature (Achen 2006; Thomson et al. 2006): hard to beat on EU
decisions. Where no actor has weight on an issue the forecast is NaN
(nothing to average).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.arrays import ScenarioArrays
from detente.models.base import Model, ModelOutput, single_round


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Σ w p / Σ w over the actor axis (axis -2); NaN where Σ w = 0.

    ``position[..., A, I]`` may hold NaN where ``weight`` is 0.
    """
    total = weight.sum(axis=-2)
    num = np.where(weight > 0, position * weight, 0.0).sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, num / np.where(total > 0, total, 1.0), np.nan)


@dataclass(frozen=True, kw_only=True)
class Compromise(Model):
    """Capability × salience weighted mean of the stated positions.

    ``x̂_i = Σ_a c_a s_ai p_ai / Σ_a c_a s_ai`` (NaN where no actor has weight).
    No parameters.
    """

    name = "compromise"
    label = "Compromise (weighted mean)"

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        return single_round(arrays, weighted_mean(arrays.position, arrays.weight))
