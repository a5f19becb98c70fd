"""What an SMP run records beside its forecast (first draw), as typed records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.models.base import Details
from detente.models.smp.turn import Turn


@dataclass(frozen=True)
class SmpTurnRow(Details):
    """One actor in one turn: whom it challenged (its ``p_win`` and ``gain``), the bargain
    it took (``"initiator:receiver"``), the position it holds after the turn (per issue of
    its group) and that position's probability. ``issues`` names the group when the
    issues ran in several groups."""

    actor: str
    issues: str | None
    target: str | None
    p_win: float | None
    gain: float | None
    bargain: str | None
    position: Mapping[str, float]
    p_position: float

    def to_dict(self) -> dict[str, Any]:
        """The table row: ``actor``, (``issues``), ``target``, ``p_win``, ``gain``,
        ``bargain``, one column per issue, ``p_position``."""
        row: dict[str, Any] = {"actor": self.actor}
        if self.issues is not None:
            row["issues"] = self.issues
        row.update(target=self.target, p_win=self.p_win, gain=self.gain, bargain=self.bargain)
        row.update(self.position)
        row["p_position"] = self.p_position
        return row


@dataclass(frozen=True)
class SmpDetails(Details):
    """An SMP run (first draw).

    ``parameters``: the nine KTAB parameters the run used; ``groups``: the
    issue groups run as one space each; ``turns``: turns per group;
    ``most_probable`` and ``weighted_mean``: both read-outs per issue;
    ``ideal[R][A][I]``: ideals per round; ``probability``: per group and
    round, each actor's position probability; ``risk``: per round (first
    group), each actor's risk attitude; ``rounds``: per round, one
    :class:`SmpTurnRow` per actor and group.
    """

    parameters: Mapping[str, Any]
    groups: list[list[str]]
    turns: list[int]
    readout: str
    most_probable: Mapping[str, float]
    weighted_mean: Mapping[str, float]
    ideal: list[Any]
    probability: list[dict[str, float]]
    risk: list[list[float]]
    rounds: list[list[SmpTurnRow]]

    def round_records(self) -> list[list[dict[str, Any]]]:
        return [[row.to_dict() for row in rnd] for rnd in self.rounds]


def turn_rows(
    actors: Sequence[str], issues: Sequence[str], groups: list[list[int]],
    runs: list[list[Turn]], position: np.ndarray, prob: np.ndarray,
) -> list[list[SmpTurnRow]]:
    """Per round from 1, the rows of every group still running (``position[R, A, I]`` and
    ``prob[R, G, A]`` of the first draw)."""
    rounds: list[list[SmpTurnRow]] = []
    for r in range(1, position.shape[0]):
        rows: list[SmpTurnRow] = []
        for gi, (g, turns) in enumerate(zip(groups, runs, strict=True)):
            if r >= len(turns):
                continue
            for rec in turns[r].records:
                a = rec.actor
                took = rec.took
                rows.append(SmpTurnRow(
                    actor=actors[a],
                    issues=", ".join(issues[k] for k in g) if len(groups) > 1 else None,
                    target=None if rec.target is None else actors[rec.target],
                    p_win=rec.p_win,
                    gain=rec.gain,
                    bargain=f"{actors[took[0]]}:{actors[took[1]]}" if took else None,
                    # the position the actor holds after this turn
                    position={issues[k]: float(position[r, a, k]) for k in g},
                    p_position=float(prob[r, gi, a]),
                ))
        rounds.append(rows)
    return rounds
