"""The outlook over time: month-by-month paths of the pressures.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.api._scenarios import ScenarioLike, _scenario
from detente.requests import OutlookRequest

if TYPE_CHECKING:
    from detente.estimate import CostModel
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


OUTLOOK_PILOTS = (256, 1024)
"""Paths of the two timed pilots of :func:`outlook_cost` (after a warm-up), each cut into
as many blocks as the engine has workers."""


def outlook_cost(scenario: ScenarioLike = None, *, request: OutlookRequest | None = None,
                 format: str | None = None, **options: Any) -> CostModel:
    """The cost of :func:`outlook` of the same request here, as ``fixed + per_path ·
    paths`` (:mod:`detente.estimate`), each run on the request's execution.

    Two fits on pilots of :data:`OUTLOOK_PILOTS` paths: without the drivers
    (``a(n) = f₁ + m·n``: the setup once, the paths) and, when the request finds the
    drivers, with ``driver_paths = paths = n`` (``b(n) = f₂ + (m + d)·n``: every
    input's two runs of the drivers too). The cost is then ``f + d·min(driver_paths,
    paths) + m·paths`` with ``f`` the larger fixed part: what ``detente outlook`` guards
    with."""
    from detente.engines.base import cpu_count
    from detente.estimate import CostModel, measure

    req = OutlookRequest.of(request, **options)
    sc = _scenario(scenario, format)

    workers = req.execution.workers or cpu_count()

    def run(n: int, drivers: bool) -> object:
        # the pilot's paths in `workers` blocks, so that they run side by side as the
        # run's blocks do (one block of a few hundred paths ran alone: twice the run's
        # time a path on two cores)
        block = max(1, min(req.block_size, -(-n // workers)))
        return outlook(sc, request=OutlookRequest.of(req, paths=n, drivers=drivers,
                                                     driver_paths=n, block_size=block,
                                                     progress=None))

    paths = measure(lambda n: run(n, False), units=req.paths, pilots=OUTLOOK_PILOTS,
                    budget=2.0)
    if not req.drivers:
        return paths
    both = measure(lambda n: run(n, True), units=req.paths, pilots=OUTLOOK_PILOTS, warm=0,
                   budget=2.0)
    per_driver_path = max(both.per_unit - paths.per_unit, 0.0)
    fixed = max(paths.fixed, both.fixed) + per_driver_path * min(req.driver_paths, req.paths)
    return CostModel(fixed, paths.per_unit, paths.pilots + both.pilots)
