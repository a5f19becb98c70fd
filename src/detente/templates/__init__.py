"""Text templates shipped with detente (e.g. the scenario that ``detente new`` writes)."""

from __future__ import annotations

from importlib import resources


def scenario_template(name: str) -> str:
    """A commented YAML scenario named ``name`` that validates as written."""
    text = (resources.files(__name__) / "new-scenario.yaml").read_text(encoding="utf-8")
    return text.replace("__NAME__", name)
