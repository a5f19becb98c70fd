"""What the broker's operations compute: :class:`DealProblemRequest` (how a scenario
becomes a deal problem), :class:`DealRequest` (the analysis of its deal space),
:class:`LogrollRequest`, :class:`PhaseRequest` and :class:`PressureRequest`, each declared
once with its constraints (see :mod:`detente.constraints`).

The CLI and the web build one, the facade (:func:`detente.api.analyse_deals`,
:func:`~detente.api.logrolls`, :func:`~detente.api.phase`, :func:`~detente.api.pressures`
and the costs) passes it whole; a keyword call (``analyse_deals(scenario,
utility="quadratic", robust=0)``) builds it from the keywords, each routed to the
declaration that has it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from detente.constraints import Declaration, Integer

DEFAULT_ROBUST_DRAWS = 500
"""Draws of the stated uncertainty behind each survival probability when a request's
``robust`` is ``None`` (as ``detente deals``, ``logrolls`` and ``phase`` default to)."""

DealGiven = str | Mapping[str, Any] | None
"""A deal as a caller gives it: ``"issue=option,..."``, ``{issue: option}`` (other issues at
the status quo), or ``None``."""


@dataclass(frozen=True, kw_only=True)
class DealProblemRequest(Declaration):
    """How a scenario becomes a deal problem (:meth:`detente.deals.DealProblem.from_scenario`).

    ``utility``: distance utilities, ``linear`` (default) or ``quadratic``; ``grid``: points
    on an issue without named options (default: the deals package's); ``batna``: BATNAs
    by actor (0..1) replacing the scenario's; ``acceptance``: ``above`` or ``at_least``
    (also spelled ``at-least``; default: the stated utilities' rule, else ``above``);
    ``shocks``: named shocks of the scenario applied to its pressures; ``pressures``: their
    values before the shocks; ``tables`` and ``spaces``: utility tables or stated utilities
    (a GENIUS negotiation's) replacing the distance rule. The implementation checks the
    names it is given (utility, acceptance, actors) against the scenario.
    """

    utility: str = "linear"
    grid: int | None = None
    batna: Mapping[str, float] | None = None
    acceptance: str | None = None
    shocks: tuple[str, ...] = ()
    pressures: Mapping[str, float] | None = None
    tables: Any = None
    spaces: Any = None

    constraints: ClassVar = {"grid": Integer(1, optional=True)}

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "shocks", tuple(self.shocks))
        if isinstance(self.acceptance, str):
            object.__setattr__(self, "acceptance", self.acceptance.replace("-", "_"))

    def given(self) -> dict[str, Any]:
        """The fields set away from their defaults (what a problem is built with)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != f.default}


@dataclass(frozen=True, kw_only=True)
class DealRequest(Declaration):
    """A deal analysis: the Pareto frontier above the BATNAs, ZOPA and bargaining
    solutions of ``problem``'s deal problem.

    ``drops`` (actor -> D) asks which deals open if that actor's BATNA fell by D;
    ``draws > 0`` samples uncertain BATNAs with ``seed``; ``robust`` (default ``None``:
    :data:`DEFAULT_ROBUST_DRAWS`; 0 for none) gives every frontier deal the share of ``robust``
    draws (``seed``) of the stated uncertainty in which it stays acceptable.
    """

    problem: DealProblemRequest = field(default_factory=DealProblemRequest)
    drops: Mapping[str, float] | None = None
    draws: int = 0
    seed: int = 0
    robust: int | None = None

    constraints: ClassVar = {
        "draws": Integer(0),
        "seed": Integer(0),
        "robust": Integer(0, optional=True),
    }


def survival_draws(robust: int | None) -> int:
    """Survival draws of a request's ``robust``: ``None`` takes :data:`DEFAULT_ROBUST_DRAWS`."""
    return DEFAULT_ROBUST_DRAWS if robust is None else robust


@dataclass(frozen=True, kw_only=True)
class LogrollRequest(Declaration):
    """Logrolls of ``problem``'s deal problem: pairs of actors and issues where each side
    gains more than it gives; ``actors`` keeps the trades involving any of them (default:
    all); ``robust`` (default ``None``: :data:`DEFAULT_ROBUST_DRAWS`; 0 for none) draws
    (``seed``) of the stated uncertainty give each trade its survival and rank by it.
    """

    problem: DealProblemRequest = field(default_factory=DealProblemRequest)
    actors: tuple[str, ...] | None = None
    robust: int | None = None
    seed: int = 0

    constraints: ClassVar = {
        "seed": Integer(0),
        "robust": Integer(0, optional=True),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.actors is not None:
            object.__setattr__(self, "actors", tuple(self.actors))


@dataclass(frozen=True, kw_only=True)
class PhaseRequest(Declaration):
    """A deal of ``problem``'s deal problem ordered into self-enforcing phases: ``deal``
    (:data:`DealGiven`; default ``None``: the Nash bargaining deal); the ``top`` plans
    needing the smallest guarantee are kept; ``robust`` (default ``None``:
    :data:`DEFAULT_ROBUST_DRAWS`; 0 for none) draws (``seed``) of the stated uncertainty
    give the deal and each plan their survival, and rank the plans by it.
    """

    problem: DealProblemRequest = field(default_factory=DealProblemRequest)
    deal: DealGiven = None
    top: int = 5
    robust: int | None = None
    seed: int = 0

    constraints: ClassVar = {
        "top": Integer(0),
        "seed": Integer(0),
        "robust": Integer(0, optional=True),
    }


@dataclass(frozen=True, kw_only=True)
class PressureRequest(Declaration):
    """How ``problem``'s pressure variables and named shocks move the deals: the levers of
    each pressure (with ``deal``, :data:`DealGiven`, also the changes over which that deal
    stays acceptable) and the deals after each named shock (which replaces the problem's
    own ``shocks``)."""

    problem: DealProblemRequest = field(default_factory=DealProblemRequest)
    deal: DealGiven = None
