"""The Python API that the CLI (and later the web app) call."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from detente import formats
from detente.errors import DetenteError
from detente.extras import extras_of
from detente.models.base import Model
from detente.models.registry import DEFAULT_MODELS, get_model
from detente.results import ForecastSet
from detente.scenario import Scenario
from detente.scenarios import bundled_names, bundled_path


def _resolve(path_or_name: str | os.PathLike[str]) -> Path:
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


def load(path_or_name: str | os.PathLike[str], *, format: str | None = None) -> Scenario:
    """Load one scenario from a file (any supported format) or a bundled name."""
    return formats.read(_resolve(path_or_name), format=format)


def load_all(path_or_name: str | os.PathLike[str], *, format: str | None = None) -> list[Scenario]:
    """Load every scenario in a file (a DEU table holds one per issue)."""
    return formats.read_all(_resolve(path_or_name), format=format)


def save(scenario: Scenario, path: str | os.PathLike[str], *, format: str | None = None) -> Path:
    """Write a scenario (format from the extension unless given); atomic."""
    return formats.write(scenario, path, format=format)


def forecast(
    scenario: Scenario | str | os.PathLike[str],
    models: Iterable[str | Model] | None = None,
    *,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = 0,
) -> ForecastSet:
    """Run several models on one scenario.

    ``models`` are names (see :func:`detente.available_models`) or model
    instances; ``params`` maps a model name to its keyword parameters.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    params = params or {}
    extras = extras_of(scenario)  # what a model takes from the file (KTAB settings, DEU)
    chosen = [
        (m if isinstance(m, Model) else get_model(m, **params.get(m, {}))).bind(extras)
        for m in (models or DEFAULT_MODELS)
    ]
    return ForecastSet(scenario, tuple(m.forecast(scenario, seed=seed) for m in chosen))
