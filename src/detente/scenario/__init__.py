"""Scenario, Actor, Issue, Stance: one negotiation as known on one date.

A :class:`Scenario` is immutable once built and always valid: build it with
:meth:`Scenario.from_dict`, which checks every field and every cross-reference
and reports *all* problems at once as a :class:`~detente.errors.ScenarioError`
(each naming the field, and the file and line when the reader passes a
locator). The scenario layer knows nothing of models or files.

The canonical dictionary form (``to_dict`` / ``from_dict``) is what the YAML
format writes; every other format reads into it and writes from it.

One module per job, every public name re-exported here:

- :mod:`.parts`: the records (actors, issues, stances, red lines, pressures, ...);
- :mod:`.model`: the :class:`Scenario` itself, built and written in canonical form;
- :mod:`.normalisation`: the hand-written shorthands rewritten into the records' fields;
- :mod:`.validation`: each record's fields, problems translated to the user's words;
- :mod:`.structure`: the cross-references of the structure, the war and proposals;
- :mod:`.schema`: the JSON Schema of a scenario file.
"""

from __future__ import annotations

from detente.conflict_facts import ConflictFacts
from detente.errors import Problem, ScenarioError
from detente.scenario.model import Scenario
from detente.scenario.parts import (
    MAX_MAGNITUDE,
    NO_AGREEMENT_BAND,
    WHOLE_WAR,
    Actor,
    Anchor,
    Bloc,
    Condition,
    Distribution,
    Expectation,
    FiniteFloat,
    Front,
    Guarantor,
    Issue,
    Linkage,
    Option,
    Pressure,
    Process,
    Proposal,
    ProposalPhase,
    RedLine,
    Shock,
    Source,
    Stance,
)
from detente.scenario.schema import json_schema
from detente.scenario.structure import Parts, check_fighting, check_proposals, check_structure
from detente.scenario.validation import Locator, field_line

__all__ = [
    "MAX_MAGNITUDE",
    "NO_AGREEMENT_BAND",
    "WHOLE_WAR",
    "Actor",
    "Anchor",
    "Bloc",
    "Condition",
    "ConflictFacts",
    "Distribution",
    "Expectation",
    "FiniteFloat",
    "Front",
    "Guarantor",
    "Issue",
    "Linkage",
    "Locator",
    "Option",
    "Parts",
    "Pressure",
    "Problem",
    "Process",
    "Proposal",
    "ProposalPhase",
    "RedLine",
    "Scenario",
    "ScenarioError",
    "Shock",
    "Source",
    "Stance",
    "check_fighting",
    "check_proposals",
    "check_structure",
    "field_line",
    "json_schema",
]
