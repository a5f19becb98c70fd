"""The outlook over time: month-by-month paths of the pressures.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from detente.api._scenarios import ScenarioLike, _scenario

if TYPE_CHECKING:
    from detente.engines import Engine
    from detente.outlook import Outlook


def outlook(
    scenario: ScenarioLike = None,
    *,
    months: int = 24,
    paths: int = 10_000,
    seed: int = 0,
    rule: str = "consecutive:2",
    solution: str = "nash",
    lookahead: float = 6.0,
    hold_months: int = 12,
    coverage: float = 0.9,
    utility: str = "linear",
    engine: str | Engine = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    drivers: bool = True,
    driver_paths: int = 1000,
    top: int = 5,
    parties: Sequence[str] = (),
    settlements_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
    format: str | None = None,
) -> Outlook:
    """When a deal becomes possible, on what terms, and whether it holds: Monte Carlo
    over ``paths`` month-by-month paths of the scenario's pressures
    (:func:`detente.outlook.outlook`; ``rule`` is ``consecutive:K`` or ``hazard:H``).
    ``seed`` fixes the result; ``engine``, ``workers`` and ``chunk_size`` only decide
    where it runs. ``parties``: only packages needing every one of these actors' consent
    count (the outlook of a settlement between them). ``settlements_only``: only packages
    under which no fighting continues count (:func:`detente.deals.fighting.settles`; no
    change where the scenario marks no cost of fighting)."""
    from detente.outlook import outlook as run
    from detente.outlook import parse_rule

    return run(_scenario(scenario, format), months=months, paths=paths, seed=seed,
               rule=parse_rule(rule), solution=solution, lookahead=lookahead,
               hold_months=hold_months, coverage=coverage, utility=utility, engine=engine,
               scheduler=scheduler, workers=workers, chunk_size=chunk_size, drivers=drivers,
               driver_paths=driver_paths, top=top, parties=tuple(parties),
               settlements_only=settlements_only, progress=progress)
