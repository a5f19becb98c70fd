"""Where each actor's no-deal value (BATNA) comes from, as data the deal tools read.

A :class:`DealProblem <detente.deals.utility.DealProblem>` holds one
:class:`BatnaProvenance` per actor: its :class:`BatnaOrigin` (derived from the status
quo, given by the caller, stated in the scenario, or the reservation value of stated
utilities), whether the scenario's pressures move it (``pressured``) and which named
shocks moved those pressures (``shocks``). The deal tools decide on these fields only:

- a BATNA given by the caller is taken as it is (no stated distribution is drawn for it,
  no pressure moves it);
- a BATNA derived from the status quo moves with the drawn utility of the status quo;
- a pressured BATNA moves with the pressures' drawn values.

The words shown for a provenance ("status quo + pressures + shock k") are made by
:func:`batna_label` alone, when a result is written out (``DealReport.to_dict``, which
the table, the JSON and the web page all read); no decision reads them back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class BatnaOrigin(enum.Enum):
    """What an actor's point no-deal value is, before pressures move it."""

    STATUS_QUO = "status_quo"
    """The actor's utility of the status quo (the default)."""
    GIVEN = "given"
    """Given by the caller (``--batna``, ``batna=``): taken as it is."""
    SCENARIO = "scenario"
    """The actor's ``batna`` stated in the scenario."""
    RESERVATION = "reservation"
    """The reservation value of stated utilities (a GENIUS domain)."""


@dataclass(frozen=True)
class BatnaProvenance:
    """One actor's no-deal value: its origin, whether pressures move it, and the named
    shocks that moved those pressures (in the order applied)."""

    origin: BatnaOrigin
    pressured: bool = False
    shocks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.shocks and not self.pressured:
            raise ValueError("a shock moves a no-deal value only through its pressures")

    @property
    def given(self) -> bool:
        """Taken as the caller gave it: nothing is drawn or shifted for it."""
        return self.origin is BatnaOrigin.GIVEN

    @property
    def from_status_quo(self) -> bool:
        """Derived from the status quo (so it moves with the status quo's drawn utility)."""
        return self.origin is BatnaOrigin.STATUS_QUO


_ORIGIN_WORDS = {
    BatnaOrigin.STATUS_QUO: "status quo",
    BatnaOrigin.GIVEN: "given",
    BatnaOrigin.SCENARIO: "scenario",
    BatnaOrigin.RESERVATION: "reservation value",
}


def batna_label(provenance: BatnaProvenance) -> str:
    """The words for a provenance, e.g. ``"status quo + pressures + shock three-villages"``
    (for display and the JSON ``source`` field only)."""
    words = _ORIGIN_WORDS[provenance.origin]
    if provenance.pressured:
        words += " + pressures"
    return words + "".join(f" + shock {k}" for k in provenance.shocks)
