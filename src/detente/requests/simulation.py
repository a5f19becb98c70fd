"""What a Monte Carlo run over the scenario's declared uncertainty computes: the
:class:`SimulationRequest`, declared once with its constraints (see
:mod:`detente.constraints`); where it runs is its :class:`~detente.engines.execution.Execution`.

The CLI and the web build one, :func:`detente.api.simulate` passes it whole, and
:func:`detente.uncertainty.simulate.simulate` takes it; a keyword call
(``simulate(scenario, draws=1000)``) builds it from the keywords.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from detente.constraints import Declaration, Flag, Integer, Shares
from detente.engines.execution import Execution

if TYPE_CHECKING:
    from detente.models.base import Model

DEFAULT_BLOCK_SIZE = 16384
"""Draws per random stream block (part of what makes a seeded run reproducible)."""
DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
DEFAULT_BINS = 1000


@dataclass(frozen=True, kw_only=True)
class SimulationRequest(Declaration):
    """A Monte Carlo run: ``draws`` draws (default 10,000) of the scenario's declared
    uncertainty through ``models`` (names or instances; default compromise, median and
    Nash) with ``params`` (model name -> keyword parameters).

    ``seed`` (default 0; ``None``: a fresh one, recorded in the result) and ``block_size``
    (draws sampled together) fix the result; ``bins`` and ``quantiles`` shape the
    summaries; ``keep_draws`` keeps every outcome (default: for runs up to 100,000 draws);
    ``calibrated_uncertainty`` first gives every input without a stated distribution the
    default uncertainty calibrated on EU decisions (:mod:`detente.uncertainty.defaults`;
    the result says so). ``execution`` decides only where and how fast it runs.
    """

    models: tuple[str | Model, ...] | None = None
    params: Mapping[str, Mapping[str, Any]] | None = None
    draws: int = 10_000
    seed: int | None = 0
    block_size: int = DEFAULT_BLOCK_SIZE
    bins: int = DEFAULT_BINS
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES
    keep_draws: bool | None = None
    calibrated_uncertainty: bool = False
    execution: Execution = field(default_factory=Execution)

    constraints: ClassVar = {
        "draws": Integer(1),
        "seed": Integer(0, optional=True),
        "block_size": Integer(1),
        "bins": Integer(1),
        "quantiles": Shares(),
        "keep_draws": Flag(optional=True),
        "calibrated_uncertainty": Flag(),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        # any iterable in, tuples kept (a request is a value: frozen and comparable)
        if self.models is not None:
            object.__setattr__(self, "models", tuple(self.models))
        object.__setattr__(self, "quantiles", tuple(float(q) for q in self.quantiles))
