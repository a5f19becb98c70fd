"""The Python API that the CLI (and later the web app) call."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from detente import formats
from detente.deals.space import DEFAULT_GRID
from detente.deals.utility import DealProblem, UtilityKind
from detente.errors import DetenteError
from detente.formats.genius import GeniusDomain, read_genius_domain
from detente.models.base import Model
from detente.models.registry import DEFAULT_MODELS, get_model
from detente.results import ForecastSet
from detente.scenario import Scenario
from detente.scenarios import bundled_names, bundled_path
from detente.utility_space import Acceptance


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
    chosen = [
        m if isinstance(m, Model) else get_model(m, **params.get(m, {}))
        for m in (models or DEFAULT_MODELS)
    ]
    return ForecastSet(scenario, tuple(m.forecast(scenario, seed=seed) for m in chosen))


def load_genius(path: str | os.PathLike[str]) -> GeniusDomain:
    """A GENIUS negotiation (a folder, or its domain or one profile file): the scenario and
    every party's stated utility (``.scenario``, ``.spaces``)."""
    return read_genius_domain(_resolve(path))


def _is_genius(path: Path) -> bool:
    return path.is_dir() or formats.detect_format(path) == "genius"


def deal_problem(
    scenario: Scenario | GeniusDomain | str | os.PathLike[str],
    *,
    utility: UtilityKind = "linear",
    grid: int = DEFAULT_GRID,
    batna: Mapping[str, float] | None = None,
    acceptance: Acceptance | None = None,
) -> DealProblem:
    """The deal problem of a scenario, a GENIUS negotiation, or a file / folder / bundled name.

    GENIUS files (a folder, or an ``.xml`` domain or profile) are analysed with
    the utilities they state, as GENIUS computes them, and GENIUS's acceptance
    rule (at least the reservation value); other scenarios with distance
    utilities (``utility``, ``grid``) and acceptance above the BATNA.
    ``acceptance`` (``"above"`` or ``"at_least"``) overrides either default;
    ``batna`` overrides BATNAs by actor.
    """
    if not isinstance(scenario, Scenario | GeniusDomain):
        path = _resolve(scenario)
        scenario = read_genius_domain(path) if _is_genius(path) else formats.read(path)
    if isinstance(scenario, GeniusDomain):
        return DealProblem.from_scenario(scenario.scenario, spaces=scenario.spaces,
                                         batna=batna, acceptance=acceptance, grid=grid)
    return DealProblem.from_scenario(scenario, utility=utility, grid=grid, batna=batna,
                                     acceptance=acceptance)

def open_history(db: str | os.PathLike[str] | None = None) -> Any:
    """The history store (:class:`detente.History`): a file path or a SQLAlchemy URL
    (``postgresql+psycopg://...``); default ``$DETENTE_DB``, else ``history.sqlite`` in
    the user's data folder. Opening migrates the schema to this detente's revision."""
    from detente.store import History

    return History(db)
