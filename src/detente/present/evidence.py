"""Rich views of the evidence results: capabilities, reference classes, backtests.

Presenters only lay out what :mod:`detente.evidence` computed; numbers are formatted, not
derived. Every view of the outside view says what it is: historical frequencies of cases
like this one, not a forecast of this war.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from detente.evidence.capabilities import CapabilityReport


def _num(value: float | None, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}g}"


def capability_view(report: CapabilityReport, *, components: bool = False
                    ) -> Iterable[RenderableType]:
    """One row per actor: how it was matched, its COW state and code, CINC, (the six
    component shares), the capability before and after; then the notes."""
    from detente.evidence.capabilities import COMPONENT_NAMES
    from detente.evidence.readers import NMC_COMPONENTS

    scale = ("scaled so the replaced actors' total is unchanged (×" + _num(report.factor)
             + ")" if report.scale == "total" else "raw shares of the world total")
    table = Table(title=f"Capabilities from {report.data_file}, {report.year}: "
                        f"{COMPONENT_NAMES[report.measure]}",
                  caption=f"new = {report.measure} {scale}; source '{report.source_id}'",
                  title_justify="left")
    for head in ("Actor", "Matched by", "COW state", "CINC", "Old", "New"):
        table.add_column(head, justify="right" if head in ("CINC", "Old", "New") else "left")
    for row in report.rows:
        state = (f"{row.state_name} {row.ccode}" if row.ccode is not None else
                 "sum of " + ", ".join(map(str, row.members)) if row.members else "—")
        table.add_row(row.name, row.matched_by if row.kind != "kept" else "kept as given",
                      state, _num(row.cinc, 3), _num(row.old, 3), _num(row.new, 3))
    yield table
    if components:
        comp = Table(title="Shares of the world total, " + str(report.year),
                     caption=", ".join(f"{c}: {COMPONENT_NAMES[c]}" for c in NMC_COMPONENTS),
                     title_justify="left")
        comp.add_column("Actor")
        for c in NMC_COMPONENTS:
            comp.add_column(c, justify="right")
        for row in report.rows:
            if row.shares:
                comp.add_row(row.name, *(_num(row.shares.get(c), 3) for c in NMC_COMPONENTS))
        yield comp
    for note in report.notes:
        yield Text(note, style="dim")
