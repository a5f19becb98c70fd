"""Scenarios bundled with detente, loadable by name (``detente.load("ukraine-2025-11")``)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from detente.errors import DetenteError

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


def resolve(path_or_name: str | os.PathLike[str]) -> Path:
    """An existing file (or folder), else the file of the bundled scenario of that name."""
    text = os.fspath(path_or_name)
    path = Path(text)
    if path.exists():
        return path
    bundled = bundled_path(text)
    if bundled is not None:
        return bundled
    raise DetenteError(
        f"{text}: no such file, and no bundled scenario of that name "
        f"(bundled: {', '.join(bundled_names()) or 'none'})"
    )
