"""The exchange model's log of executed exchanges.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.api._scenarios import ScenarioLike, _scenario
from detente.extras import extras_of
from detente.results import ExchangeRun

if TYPE_CHECKING:  # the inputs layer is imported on first use
    pass


def exchanges(
    scenario: ScenarioLike = None,
    *,
    rounds: int = 10,
    variant: str = "equal-gain",
    rule: str = "decide",
    seed: int = 0,
    candidates: bool = False,
    format: str | None = None,
    controlled_only: bool = False,
) -> ExchangeRun:
    """Run the exchange model and keep its log of executed exchanges.

    ``variant`` is ``equal-gain`` (default) or ``random-rate`` (which uses
    ``seed``); ``rule`` is ``decide`` (default) or ``paper``; ``candidates``
    also lists round 1's candidate exchanges before any is executed. Where the
    scenario says who delivers or must consent to each issue, each side of the
    log says whether it ``controls`` what it gives; ``controlled_only`` keeps the
    exchanges where both do (a filter of the log; the model is unchanged).
    """
    from detente.models.exchange import Exchange
    from detente.models.exchange import candidates as round_one

    sc = _scenario(scenario, format)
    model = Exchange(rounds=rounds, variant=variant, rule=rule)  # type: ignore[arg-type]
    fc = model.bind(extras_of(sc)).forecast(sc, seed=seed)
    found = tuple(c.to_dict() for c in round_one(sc, model)) if candidates else None
    return ExchangeRun(sc, fc, rounds, seed, found, controlled=controlled_only)
