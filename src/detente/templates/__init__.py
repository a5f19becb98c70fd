"""Text templates shipped with detente (e.g. the scenario that ``detente new`` writes)."""

from __future__ import annotations

import json
from importlib import resources


def scenario_template(name: str) -> str:
    """A commented YAML scenario named ``name`` that validates as written."""
    text = (resources.files(__name__) / "new-scenario.yaml").read_text(encoding="utf-8")
    # a JSON string is a YAML string: any name (spaces, colons, quotes) reads back as written
    return text.replace("__NAME__", json.dumps(name, ensure_ascii=False))
