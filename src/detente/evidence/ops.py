"""The evidence operations the facade delegates to: read the data, compute, return a result.

Each function here is what one ``detente.api`` entry does (``capabilities``, ``baserates``,
``ending_by_month``, ``evidence_backtest``); the facade only resolves the scenario and
adds file and line to errors.
"""

from __future__ import annotations

import os

from detente.evidence import datasets, readers
from detente.evidence.capabilities import CapabilityReport, apply_capabilities
from detente.scenario import Scenario

DataDir = str | os.PathLike[str] | None


def capabilities(scenario: Scenario, *, year: int, measure: str = "cinc", rule: str = "keep",
                 scale: str = "total", data: DataDir = None) -> CapabilityReport:
    """The scenario with its state actors' capabilities from the COW NMC data in ``year``."""
    nmc_file = datasets.data_file(datasets.NMC, data)
    nmc = readers.read_capabilities(nmc_file)
    states = readers.read_states(datasets.data_file(datasets.STATES, data))
    return apply_capabilities(scenario, nmc, states, year=year, measure=measure, rule=rule,
                              scale=scale, data_file=nmc_file.name)
