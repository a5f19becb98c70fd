"""The JSON of ``detente models``, ``table`` and ``check`` (``--format json``): plain data
with the same content as their tables, ids beside names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detente.results import CheckReport, ModelInfo
from detente.scenario import Scenario


def models_json(infos: Sequence[ModelInfo]) -> list[dict[str, Any]]:
    """Each model: ``name`` (what ``--model`` takes), ``label``, ``needs_status_quo``."""
    return [{"name": m.name, "label": m.label, "needs_status_quo": m.needs_status_quo}
            for m in infos]


def comparative_json(scenario: Scenario) -> dict[str, Any]:
    """Issues × actors' stated positions: per issue, per actor that states one, its
    ``position``, nearest ``anchor`` label and ``salience`` (an actor without a stance on
    the issue is left out, as ``—`` in the table)."""
    issues = []
    for issue in scenario.issues:
        stances: dict[str, Any] = {}
        for actor in scenario.actors:
            st = scenario.stance(actor.id, issue.id)
            if st is None:
                continue
            anchor = issue.nearest_anchor(st.position)
            stances[actor.id] = {"position": st.position, "salience": st.salience,
                                 "anchor": anchor.label if anchor else None}
        issues.append({"issue": issue.id, "name": issue.name, "stances": stances})
    return {"scenario": scenario.name, "title": scenario.title,
            "as_of": scenario.as_of.isoformat() if scenario.as_of else None,
            "actors": {a.id: a.name for a in scenario.actors}, "issues": issues}


def check_json(report: CheckReport) -> dict[str, Any]:
    """``ok``, each valid scenario's size, the models checked and the warnings (an invalid
    file is an error on stderr and exit code 1, as for every command)."""
    return {"ok": True, "models": list(report.models),
            "scenarios": [{"name": sc.name, "actors": len(sc.actors), "issues": len(sc.issues),
                           "stances": len(sc.stances)} for sc in report.scenarios],
            "warnings": [{"scenario": name, "issue": n.issue, "kind": n.kind,
                          "reason": n.reason} for name, n in report.warnings()]}
