"""Requests: one frozen declaration per operation, its options and their constraints in
one place (:mod:`detente.constraints`), with the shared
:class:`~detente.engines.execution.Execution` (where it runs).

The CLI and the web build a request, :mod:`detente.api` passes it whole and the
implementation takes it; validation happens once, on construction, and an error names the
field. This package is light (no numerics), so that the facade can name every request
without importing the heavy packages that run them.
"""

from detente.engines.execution import Execution
from detente.requests.deals import (
    DealProblemRequest,
    DealRequest,
    LogrollRequest,
    PhaseRequest,
    PressureRequest,
)
from detente.requests.outlook import OutlookRequest
from detente.requests.proposals import ProposalRequest
from detente.requests.simulation import SimulationRequest

__all__ = ["DealProblemRequest", "DealRequest", "Execution", "LogrollRequest", "OutlookRequest",
           "PhaseRequest", "PressureRequest", "ProposalRequest", "SimulationRequest"]
