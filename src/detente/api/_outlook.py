"""The outlook over time: month-by-month paths of the pressures.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.api._scenarios import ScenarioLike, _scenario
from detente.requests import OutlookRequest

if TYPE_CHECKING:
    from detente.outlook import Outlook


def outlook(
    scenario: ScenarioLike = None,
    *,
    request: OutlookRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> Outlook:
    """When a deal becomes possible, on what terms, and whether it holds, as ``request``
    says (:class:`~detente.requests.OutlookRequest`; keyword ``options`` are its fields
    and its execution's and change it: ``outlook(scenario, paths=2000, workers=2)``):
    Monte Carlo over ``paths`` month-by-month paths of the scenario's pressures
    (:func:`detente.outlook.outlook`; ``rule`` is ``consecutive:K`` or ``hazard:H``).
    ``seed`` fixes the result; the execution (engine, workers, chunk size) only decides
    where it runs. ``parties``: only packages needing every one of these actors' consent
    count (the outlook of a settlement between them). ``settlements_only``: only packages
    under which no fighting continues count (:func:`detente.deals.fighting.settles`; no
    change where the scenario marks no cost of fighting)."""
    from detente.outlook import outlook as run

    req = OutlookRequest.of(request, **options)
    return run(_scenario(scenario, format), req)
