"""Scenarios bundled with detente, loadable by name (``detente.load("ukraine-2025-11")``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT = "ukraine-2025-11"


def bundled_names() -> tuple[str, ...]:
    root = resources.files(__name__)
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))
    )


def bundled_path(name: str) -> Path | None:
    """The file of a bundled scenario, or ``None`` if there is no such name."""
    candidate = resources.files(__name__) / f"{name}.yaml"
    return Path(str(candidate)) if candidate.is_file() else None
