"""``detente.scenario`` is a package of one-job modules; every name the single module
``scenario.py`` offered is still importable from ``detente.scenario``, and the modules
import each other in one direction only (parts ← normalisation, validation ← structure ←
model ← schema)."""

from __future__ import annotations

import ast
from pathlib import Path

import detente.scenario as scenario

PACKAGE = Path(scenario.__file__).parent

# The public names of the old single module (its classes, functions and constants, and the
# two error types it re-exported), as they were before the split.
OLD_PUBLIC = (
    "Actor", "Anchor", "Bloc", "Condition", "ConflictFacts", "Distribution", "Expectation",
    "FiniteFloat", "Front", "Guarantor", "Issue", "Linkage", "Locator", "MAX_MAGNITUDE",
    "NO_AGREEMENT_BAND", "Option", "Parts", "Pressure", "Problem", "Process", "Proposal",
    "ProposalPhase", "RedLine", "Scenario", "ScenarioError", "Shock", "Source", "Stance",
    "WHOLE_WAR", "check_fighting", "check_proposals", "check_structure", "field_line",
    "json_schema",
)

# module -> the sibling modules it may import
ALLOWED = {
    "parts": set(),
    "normalisation": set(),
    "validation": {"parts"},
    "structure": {"parts", "validation"},
    "model": {"parts", "normalisation", "validation", "structure"},
    "schema": {"model"},
}


def test_every_old_name_is_reexported() -> None:
    missing = [name for name in OLD_PUBLIC if not hasattr(scenario, name)]
    assert missing == []
    assert sorted(scenario.__all__) == sorted(OLD_PUBLIC)


def test_the_modules_import_each_other_one_way() -> None:
    seen = set()
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem == "__init__":
            continue
        seen.add(path.stem)
        siblings = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "detente.scenario."):
                siblings.add(node.module.split(".")[2])  # type: ignore[union-attr]
        assert siblings <= ALLOWED[path.stem], (path.stem, siblings - ALLOWED[path.stem])
    assert seen == set(ALLOWED)


def test_the_records_resolve_in_the_model() -> None:
    """The models' annotations name records of another module: they must all resolve (a
    pydantic model left undefined raises only when first built)."""
    built = scenario.Scenario.from_dict({
        "name": "t", "actors": [{"id": "a"}], "issues": [{"id": "i", "scale": [0, 1]}],
        "stances": [{"actor": "a", "issue": "i", "position": 0.5, "salience": 1}]})
    assert built.stance("a", "i") is not None
    assert built.stance("a", "i").position == 0.5  # type: ignore[union-attr]
