"""Utilities over deals as a file states them, exactly: the typed extra a reader returns.

Most detente formats give positions and saliences, from which
:mod:`detente.deals` derives utilities by distance. GENIUS utility spaces
instead *state* each party's utility of every deal. A reader of such a file
returns the :class:`~detente.scenario.Scenario` plus a :class:`UtilitySpaces`
(this module), and the deal tools take it as an explicit parameter
(``DealProblem.from_scenario(scenario, spaces=...)``): no side channel in
``Scenario.metadata``.

Every number is an exact rational (:class:`fractions.Fraction`, read from the
file's decimal text), so that ties between deals are ties, not floating-point
accidents. For actor ``a`` and deal ``x``:

    u_a(x) = min(cap_a, Σ_i w_ai v_ai(x_i) + Σ_k r_k [x satisfies rectangle k])

with ``v_ai`` the per-option values (``values``), ``w_ai`` the raw weights
(``weights``: not renormalised), ``r_k`` the value of hyper-rectangle term
``k`` (``rectangles``: nonlinear spaces) and ``cap_a`` the utility cap
(``None``: no cap). Acceptance against the reservation value ``β_a`` is
``u_a(x) >= β_a`` (``"at_least"``, GENIUS's rule) or ``u_a(x) > β_a``
(``"above"``).

This module imports nothing from detente: formats build it, deals read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

Acceptance = Literal["above", "at_least"]
"""A deal is acceptable to an actor when its utility is ``above`` (``>``) or ``at_least``
(``>=``) its BATNA / reservation value."""

ACCEPTANCE_RULES: tuple[str, ...] = ("above", "at_least")


@dataclass(frozen=True)
class Bound:
    """The options of ``issue`` whose value lies in ``[low, high]`` (inclusive)."""

    issue: str
    low: Fraction
    high: Fraction


@dataclass(frozen=True)
class Rectangle:
    """A hyper-rectangle term: worth ``value`` when every bound holds (``inside``), or,
    for an excluding rectangle (``inside=False``), when some bound fails. No bounds:
    always worth ``value``."""

    bounds: tuple[Bound, ...]
    value: Fraction
    inside: bool = True


@dataclass(frozen=True)
class ActorUtility:
    """One actor's stated utility (see the module docstring for the formula)."""

    weights: Mapping[str, Fraction] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Fraction]] = field(default_factory=dict)
    rectangles: tuple[Rectangle, ...] = ()
    cap: Fraction | None = None
    reservation: Fraction | None = None


@dataclass(frozen=True)
class UtilitySpaces:
    """Every actor's stated utility, and the acceptance rule the source uses."""

    actors: Mapping[str, ActorUtility]
    acceptance: Acceptance = "above"
    source: str = ""

    @property
    def additive(self) -> bool:
        """No hyper-rectangle terms (the cap may still bind: see ``DealProblem``)."""
        return not any(u.rectangles for u in self.actors.values())
