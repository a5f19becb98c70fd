"""What an expected-utility run records beside its forecast (first draw), as typed records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.arrays import ScenarioArrays
from detente.models.base import Details
from detente.models.eum.simulate import Run


@dataclass(frozen=True)
class EumOffer(Details):
    """An offer an actor took in a round: on ``issue``, ``actor`` moved from ``start`` to
    ``to`` (``moved`` = the distance) on ``target``'s offer of ``kind`` (conflict,
    compromise or capitulation)."""

    issue: str
    actor: str
    target: str
    kind: str
    start: float
    to: float
    moved: float

    def to_dict(self) -> dict[str, Any]:
        return {"issue": self.issue, "actor": self.actor, "target": self.target,
                "kind": self.kind, "from": self.start, "to": self.to, "moved": self.moved}


@dataclass(frozen=True)
class EumDetails(Details):
    """An expected-utility run (first draw): ``rounds_run``; with ``record`` also the
    offers taken per round, the risk exponents per round (issue -> actor -> r), and the
    median voter and weighted mean per round and issue (``None`` without ``record``)."""

    rounds_run: int
    rounds: list[list[EumOffer]] | None = None
    risk_exponents: list[dict[str, dict[str, float]]] | None = None
    median: list[list[float]] | None = None
    mean: list[list[float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.rounds is None:
            return {"rounds_run": self.rounds_run}
        return {"rounds": [[o.to_dict() for o in r] for r in self.rounds],
                "risk_exponents": self.risk_exponents,
                "median": self.median, "mean": self.mean, "rounds_run": self.rounds_run}

    def round_records(self) -> list[list[dict[str, Any]]]:
        return [[o.to_dict() for o in r] for r in self.rounds or []]


def eum_details(
    run: Run, arrays: ScenarioArrays, n_run: int, median: np.ndarray, mean: np.ndarray
) -> EumDetails:
    """The records of the first draw: offers and risk exponents per round."""
    n_issues = arrays.n_issues
    actors = arrays.actors
    issues = arrays.issues
    rounds: list[list[EumOffer]] = []
    for offers in run.offers:
        rounds.append([
            EumOffer(issues[row], actors[mover], actors[sender], kind, x_from, x_to,
                     abs(x_to - x_from))
            for row, mover, sender, kind, x_from, x_to in offers
        ])
    while len(rounds) < n_run - 1:
        rounds.append([])
    risk = [
        {
            issues[row]: {
                actors[k]: float(v[k]) for k in range(len(actors)) if arrays.mask[k, row]
            }
            for row, v in by_row.items()
        }
        for by_row in run.risk
    ]
    return EumDetails(
        rounds_run=n_run - 1,
        rounds=rounds,
        risk_exponents=risk,
        median=median[:n_issues].T.tolist(),
        mean=mean[:n_issues].T.tolist(),
    )
