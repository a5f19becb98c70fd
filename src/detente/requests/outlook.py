"""What the outlook over time computes: the :class:`OutlookRequest`, declared once with
its constraints (see :mod:`detente.constraints`); where it runs is its
:class:`~detente.engines.execution.Execution`.

The CLI and the web build one, :func:`detente.api.outlook` passes it whole, and
:func:`detente.outlook.outlook` takes it; a keyword call (``outlook(scenario,
paths=2000, workers=2)``) builds it from the keywords.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from detente.constraints import Between, Declaration, Flag, Integer, Number
from detente.engines.execution import Execution

MAX_MONTHS = 600
"""Longest horizon (50 years): a war's outlook beyond that says nothing."""
MAX_PATHS = 10_000_000
MAX_LOOKAHEAD = 120.0
DEFAULT_BLOCK_SIZE = 1024
"""Paths per random-stream block (part of what makes a seeded run reproducible)."""


@dataclass(frozen=True, kw_only=True)
class OutlookRequest(Declaration):
    """The outlook over ``months`` months and ``paths`` month-by-month paths of the
    scenario's pressures.

    ``rule``: when an open range becomes an agreement, ``consecutive:K`` or ``hazard:H``
    (text, or an :class:`detente.outlook.AgreementRule`); ``solution``: the bargaining
    solution that picks the terms; ``lookahead``: months ahead at which each actor judges
    its no-deal value; ``hold_months``: months after agreement in which reneging is
    checked; ``coverage``: share of paths the reported guarantees cover; ``utility``: the
    deal problem's distance utilities. ``drivers`` finds which input moves the median
    month most (on ``driver_paths`` paths); ``top`` packages are listed. ``parties``: only
    packages needing every one of these actors' consent count; ``settlements_only``: only
    packages under which no fighting continues count. ``seed`` and ``block_size`` fix the
    result; ``execution`` decides only where it runs.
    """

    months: int = 24
    paths: int = 10_000
    seed: int = 0
    rule: Any = "consecutive:2"
    solution: str = "nash"
    lookahead: float = 6.0
    hold_months: int = 12
    coverage: float = 0.9
    block_size: int = DEFAULT_BLOCK_SIZE
    utility: str = "linear"
    drivers: bool = True
    driver_paths: int = 1000
    top: int = 5
    parties: tuple[str, ...] = ()
    settlements_only: bool = False
    execution: Execution = field(default_factory=Execution)

    constraints: ClassVar = {
        "months": Between(1, MAX_MONTHS),
        "paths": Between(1, MAX_PATHS),
        "seed": Integer(0),
        "lookahead": Between(0.0, MAX_LOOKAHEAD, "months"),
        "hold_months": Between(0, MAX_MONTHS),
        "coverage": Number(above=0, high=1),
        "block_size": Integer(1),
        "drivers": Flag(),
        "driver_paths": Integer(1),
        "top": Integer(1),
        "settlements_only": Flag(),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "parties", tuple(self.parties))
