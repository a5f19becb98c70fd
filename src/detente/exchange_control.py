"""Who controls what an exchange-model trade moves: a post-filter over the model's log.

In the exchange model a trade shifts the *positions* two actors take; any actor
with a stance may "supply" an issue, whether or not it could deliver the move.
Where a scenario says who delivers an issue (``controlled_by``) or must consent
(``vetoes``), :func:`mark_control` adds ``controls`` to each side of each
logged exchange (:meth:`~detente.scenario.Issue.controls`), and
:func:`controlled_only` keeps the exchanges in which both sides control what
they give. The model and its numbers are unchanged; a scenario that declares
neither field gets its log back untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from detente.scenario import Scenario

UNCONTROLLED = "*"
UNCONTROLLED_NOTE = ("* gives on an issue it neither delivers nor holds a veto on (the "
                     "scenario's controlled_by / vetoes): a shift of its stated position, not "
                     "something it could hand over")


def declares_control(scenario: Scenario) -> bool:
    """Whether any issue says who delivers it or who must consent."""
    return any(i.controlled_by or i.vetoes for i in scenario.issues)


def mark_control(log: Sequence[Mapping[str, Any]], scenario: Scenario
                 ) -> list[Mapping[str, Any]]:
    """The log with ``controls: bool`` on each side (unchanged without declared control)."""
    if not declares_control(scenario):
        return list(log)
    out: list[Mapping[str, Any]] = []
    for e in log:
        row = dict(e)
        for side in ("i", "j"):
            part = dict(e[side])
            part["controls"] = scenario.issue(part["supplies"]).controls(part["actor"])
            row[side] = part
        out.append(row)
    return out


def controlled_only(log: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The exchanges in which neither side gives on an issue it does not control."""
    return [e for e in log if e["i"].get("controls", True) and e["j"].get("controls", True)]
