"""Degenerate inputs: valid scenarios on which the models have little or nothing to work with.

A scenario can pass validation and still give a model nothing to weigh: every
actor on an issue with capability 0 or salience 0 (total weight
``Σ_a c_a · s_ai = 0``), no stance at all on an issue, or every actor stating one
position. :func:`issue_notes` says so per issue, in one line each; ``detente
check`` prints them as warnings, and a forecast that has no value on an issue
gives the note as the reason (:meth:`detente.results.ForecastSet.gaps`).
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.scenario import Scenario


@dataclass(frozen=True)
class IssueNote:
    """One degenerate issue: which, what kind (``no-stance``, ``zero-weight``,
    ``one-point``), and the one-line reason."""

    issue: str
    kind: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"issue": self.issue, "kind": self.kind, "reason": self.reason}


def issue_notes(scenario: Scenario) -> list[IssueNote]:
    """Every degenerate issue of ``scenario``, in issue order (at most one note per issue:
    the most severe)."""
    capability = {a.id: a.capability for a in scenario.actors}
    notes = []
    for issue in scenario.issues:
        stances = [s for s in scenario.stances if s.issue == issue.id]
        if not stances:
            notes.append(IssueNote(issue.id, "no-stance", "no actor takes a stance on it"))
            continue
        weight = sum(capability.get(s.actor, 0.0) * s.salience for s in stances)
        if weight <= 0:
            why = ("every actor's capability is 0"
                   if all(capability.get(s.actor, 0.0) <= 0 for s in stances)
                   else "every actor's salience is 0"
                   if all(s.salience <= 0 for s in stances)
                   else "capability × salience is 0 for every actor")
            notes.append(IssueNote(issue.id, "zero-weight",
                                   f"zero total weight ({why}): models that weigh actors "
                                   "have nothing to weigh"))
            continue
        positions = {s.position for s in stances}
        if len(positions) == 1 and len(stances) > 1:
            notes.append(IssueNote(issue.id, "one-point",
                                   f"every actor stands at {positions.pop():g}: nothing to "
                                   "bargain over"))
    return notes
