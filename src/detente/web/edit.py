"""In-browser editing: field edits, addressed by the paths error messages use.

The edit form names each input by its field path (``actors[0].capability``,
``stances[3].salience``), the same path a :class:`~detente.errors.Problem`
reports, so the page can show every problem next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from detente.errors import DetenteError, Path
from detente.scenario import Scenario

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\.")


def parse_path(text: str) -> Path:
    """``"stances[3].salience"`` -> ``("stances", 3, "salience")`` (inverse of
    :func:`detente.errors.format_path`)."""
    out: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _PART.match(text, pos)
        if match is None or match.end() == pos:
            raise DetenteError(f"field {text[:80]!r}: expected a path like actors[0].name")
        if match.group(1):
            out.append(match.group(1))
        elif match.group(2):
            out.append(int(match.group(2)))
        pos = match.end()
    if not out:
        raise DetenteError("field '': expected a path like actors[0].name")
    return tuple(out)


def _set(data: Any, path: Path, value: Any, text: str) -> None:
    node = data
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            raise DetenteError(f"field {text[:80]!r}: the scenario has no such field") from None
    last = path[-1]
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value
    elif isinstance(node, dict) and isinstance(last, str):
        if value == "" and last not in ("name", "id", "actor", "issue"):
            node.pop(last, None)  # an emptied optional field is left out
        else:
            node[last] = value
    else:
        raise DetenteError(f"field {text[:80]!r}: the scenario has no such field")


def apply_edits(scenario: Scenario, edits: Mapping[str, Any], *,
                file: str = "edit") -> Scenario:
    """The scenario with ``edits`` (path -> value) applied, validated as a whole; a
    :class:`~detente.errors.ScenarioError` lists every problem by field."""
    data = scenario.to_dict()
    for text, value in edits.items():
        _set(data, parse_path(text), value, text)
    return Scenario.from_dict(data, file=file)
