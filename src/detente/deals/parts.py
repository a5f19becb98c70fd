"""The optional parts of a deal problem (:class:`~detente.deals.utility.DealProblem`),
each present only where the scenario declares what it needs, ``None`` otherwise:

- :class:`PressureTerms`: pressure variables that no-deal values depend on
  (``β_a = β_a⁰ + Σ_p c_ap v_p``), with their uncertainty and the named shocks applied;
- :class:`StatedKeys`: the utility caps and exact scaled-integer keys of stated utilities
  (a GENIUS negotiation's, :mod:`detente.deals.stated`);
- :class:`WarCosts`: where fighting goes on and which pressures are its costs, folded into
  the utility tables (:mod:`detente.deals.fighting`).

The core (actors, deal space, utility tables, capabilities, BATNAs and their provenance,
status quo, weights, acceptance rule, structure) is what every problem has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.scenario import Distribution

from .fighting import Fighting
from .stated import Keys


@dataclass(frozen=True, eq=False)
class PressureTerms:
    """The scenario's pressure variables, as the BATNAs carry them.

    ``effect[A, P]`` (``c_ap``): each actor's BATNA change per unit of each pressure;
    ``value[P]``: the pressures' levels used in the point BATNAs (stated values, then the
    named ``shocks``, which add to them); ``dist``: each pressure's uncertainty and stated
    value (a draw ``v`` shifts the BATNAs by ``c · (v − stated)``); ``ids``: the pressures'
    ids in order.
    """

    ids: tuple[str, ...]
    effect: np.ndarray
    value: np.ndarray
    dist: tuple[tuple[Distribution | None, float], ...]
    shocks: tuple[str, ...] = ()
    """The named shocks applied to the pressures (their ids)."""


@dataclass(frozen=True, eq=False)
class StatedKeys:
    """What stated utilities add to the tables: ``cap[A]``, each actor's utility cap
    (``inf``: none), and ``keys``, exact scaled-integer copies of the numbers that deals
    are compared on."""

    cap: np.ndarray
    keys: Keys


@dataclass(frozen=True, eq=False)
class WarCosts:
    """The costs of fighting a package keeps, folded into the problem's tables and terms:
    ``fighting``, where fighting goes on and which pressures are its costs; ``where[P]``,
    the issue whose table holds each cost (``-1``: the terms); ``kept[A, I]``, the part of
    the status-quo values that is kept costs of fighting."""

    fighting: Fighting
    where: np.ndarray
    kept: np.ndarray
