"""A procedural model: the agenda setter, the voting rule and veto players shape the outcome.

The spatial models of EU legislative procedures (Steunenberg 1994; Tsebelis
& Garrett 2000; Crombez 2000) read the outcome off the rules: an *agenda
setter* (the Commission, which alone proposes) makes the proposal closest to
what it wants among those the decision rule accepts over the status quo q:

    W(q) = { x : voters holding ≥ quota of the voters' capability strictly prefer x to q,
                 and every veto player strictly prefers x to q }        (the win set)

    x̂ = the point of W(q) ∪ {q} nearest to the target t,

with symmetric single-peaked utilities (|x − p_a| < |q − p_a| means a prefers
x to q; see :mod:`detente.models.winset`). Under qualified majority the
quota is the Council's threshold; under unanimity it is 1 (every member a
veto player); under co-decision the Parliament is a veto player.

Two named targets (parameter ``style``):

- ``"setter"``: t = the setter's position (the classic take-it-or-leave-it
  proposal); if the setter takes no stance, the compromise below is used;
- ``"compromise"``: t = the capability × salience weighted mean of all
  positions (the compromise model), kept only as far as the rule allows: the
  weighted bargain, projected onto what can pass.

The model is generic: which actor sets the agenda, who votes with which
quota and who holds a veto are parameters. For EU decisions the backtest
derives them from the procedure, the voting rule and the era
(:mod:`detente.backtest.procedure`); the model itself reads no metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from detente.arrays import ScenarioArrays
from detente.models.base import Constraint, Model, ModelOutput, Number, OneOf, single_round
from detente.models.compromise import weighted_mean
from detente.models.winset import nearest_in_win_set, win_set


def procedural_outcome(
    position: np.ndarray,
    weight: np.ndarray,
    capability: np.ndarray,
    status_quo: np.ndarray,
    *,
    voters: np.ndarray,
    vetoes: np.ndarray,
    setter: int | None,
    quota: float,
    style: str = "setter",
) -> np.ndarray:
    """``x̂[..., I]`` (see the module docstring).

    ``position``, ``weight``, ``capability`` ``[..., A, I]`` (weight 0 = no
    stance); ``voters``, ``vetoes`` boolean ``[A]``; ``setter`` an actor index
    or ``None``.
    """
    active = weight > 0
    p = np.where(active, position, 0.0)
    target = weighted_mean(position, weight)
    if style == "setter" and setter is not None:
        has = active[..., setter, :]
        target = np.where(has, p[..., setter, :], target)
    q = np.broadcast_to(status_quo, target.shape)
    left, right, ok = win_set(p, capability, active & voters[:, None], q, quota=quota,
                              vetoes=active & vetoes[:, None])
    out = nearest_in_win_set(target, q, left, right, ok)
    return np.where(active.any(axis=-2), out, np.nan)


Style = Literal["setter", "compromise"]


@dataclass(frozen=True, kw_only=True)
class Procedural(Model):
    """Agenda setter and decision rule: the point of the win set of q nearest the target.

    Parameters:

    - ``setter`` (default ``None``: no agenda setter): actor id of the agenda
      setter; it neither votes nor vetoes.
    - ``vetoes`` (default none): actor ids that must prefer the outcome to q.
    - ``voters`` (default ``None``: every actor but the setter and the veto
      players): actor ids that vote; their capabilities weigh the votes.
    - ``quota`` (default 0.5): share of the voters' capability a decision
      needs, in (0, 1] (1 = unanimity).
    - ``style`` (default ``"compromise"``, chosen by proposal-grouped CV on
      DEU I/II in all six splits: docs/accuracy.md): target ``"compromise"``
      (the weighted mean of positions) or ``"setter"`` (the setter's position).
    """

    name = "procedural"
    label = "Procedural (agenda setter, voting rule)"
    needs_status_quo = True
    setter: str | None = None
    vetoes: tuple[str, ...] = ()
    voters: tuple[str, ...] | None = None
    quota: float = 0.5
    style: Style = "compromise"

    constraints: ClassVar[Mapping[str, Constraint]] = {
        "quota": Number(above=0, high=1),
        "style": OneOf.literal(Style),
    }

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        actors = arrays.actors
        # actors named in the rules but absent from this scenario take no part
        setter = actors.index(self.setter) if self.setter in actors else None
        vetoes = np.isin(actors, self.vetoes)
        if self.voters is None:
            voters = ~vetoes
            if setter is not None:
                voters[setter] = False
        else:
            voters = np.isin(actors, self.voters)
        cap = np.broadcast_to(arrays.capability[:, :, None], arrays.position.shape)
        outcome = procedural_outcome(arrays.position, arrays.weight, cap, arrays.status_quo,
                                     voters=voters, vetoes=vetoes, setter=setter,
                                     quota=self.quota, style=self.style)
        return single_round(arrays, outcome)
