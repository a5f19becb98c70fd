"""Scenarios in and out: load, save, convert, check, parse from memory, what-if, schema.

The ground floor of the facade: :data:`ScenarioLike` and the helpers every lane uses to
turn one into a :class:`Scenario` and to place a model's input problems in its file.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente import formats
from detente.atomic import write_text_atomic
from detente.errors import DetenteError, ModelInputError, OptionError, Problem
from detente.models.registry import get_model
from detente.results import CheckReport
from detente.scenario import Scenario, field_line
from detente.scenarios import DEFAULT, resolve
from detente.templates import scenario_template

if TYPE_CHECKING:  # the inputs layer is imported on first use
    pass


ScenarioLike = Scenario | str | os.PathLike[str] | None
"""A scenario, a file path or bundled name, or ``None`` for the bundled default."""


def load(path_or_name: str | os.PathLike[str] | None = None, *,
         format: str | None = None) -> Scenario:
    """Load one scenario from a file (any supported format) or a bundled name.

    ``path_or_name`` defaults to the bundled scenario (``DEFAULT``); ``format``
    forces a reader (default: detect by extension, then by content).
    """
    return formats.read(resolve(path_or_name or DEFAULT), format=format)


def load_all(path_or_name: str | os.PathLike[str] | None = None, *,
             format: str | None = None) -> list[Scenario]:
    """Load every scenario in a file (a DEU table holds one per issue)."""
    return formats.read_all(resolve(path_or_name or DEFAULT), format=format)


def _scenario(scenario: ScenarioLike, format: str | None = None) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario, format=format)


def save(scenario: Scenario, path: str | os.PathLike[str], *, format: str | None = None,
         force: bool = True) -> Path:
    """Write a scenario (format from the extension unless given), atomically.

    ``force=False`` refuses to overwrite an existing file.
    """
    _refuse_existing(Path(path), force)
    return formats.write(scenario, path, format=format)


def convert(source: ScenarioLike, target: str | os.PathLike[str], *, to: str | None = None,
            format: str | None = None, force: bool = False) -> Path:
    """Read ``source`` (``format`` forces its reader) and write it to ``target`` in
    format ``to`` (default: from the extension); ``force`` overwrites an existing file."""
    target = Path(target)
    _refuse_existing(target, force)
    return formats.write(_scenario(source, format), target, format=to)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write an output file (a CSV, a report) atomically: old content or new, never half."""
    return write_text_atomic(path, text)


def format_names(*, writable: bool = False) -> tuple[str, ...]:
    """The names of the scenario formats (for ``format=``); ``writable=True``: only those a
    scenario can be written in (for ``to=``)."""
    return formats.writable_names() if writable else formats.format_names()


def new_scenario(name: str, path: str | os.PathLike[str] | None = None, *,
                 force: bool = False) -> Path:
    """Write a commented template scenario called ``name`` (default file ``NAME.yaml``)."""
    name = name.strip()
    if not name or "/" in name or "\\" in name or not name.isprintable():
        raise DetenteError(f"name {name!r}: expected a short name without slashes or control "
                           "characters (spaces are fine, as in files)")
    # the readers accept any name; the default file name swaps spaces for dashes
    target = Path(path) if path is not None else Path("-".join(name.split()) + ".yaml")
    _refuse_existing(target, force)
    return write_text_atomic(target, scenario_template(name))


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise OptionError(f"{OptionError.quote(str(path))}: exists; pass {{force:force=True}} to "
                          "overwrite it")


def check(path_or_name: str | os.PathLike[str] | None = None, *,
          models: Sequence[str] = (), format: str | None = None) -> CheckReport:
    """Validate every scenario in a file and, for each of ``models``, what it needs.

    Raises :class:`ScenarioError` (the file) or :class:`ModelInputError` (every
    model's problems together); returns the valid scenarios otherwise.
    """
    from detente.arrays import compile_scenario

    scenarios = load_all(path_or_name, format=format)
    checkers = [get_model(name) for name in models]
    problems: list[Problem] = []
    for sc in scenarios if checkers else ():
        arrays = compile_scenario(sc)  # once per scenario, whatever the number of models
        for checker in checkers:
            try:
                checker.check(arrays)
            except ModelInputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise _located(ModelInputError(problems), path_or_name, format=format)
    return CheckReport(tuple(scenarios), tuple(models))


def _located(error: ModelInputError, source: ScenarioLike, *,
            format: str | None = None) -> ModelInputError:
    """``error`` with the file and line of each problem's field, where the scenario came
    from a file (a model's needs are found after reading, on the arrays, which keep no
    lines): a missing field points at its record, as the readers' messages do."""
    if isinstance(source, Scenario) or not error.problems:
        return error
    path = resolve(source or DEFAULT)
    try:
        locate = formats.locator(path, format=format)
    except DetenteError:  # read once already; a file changed since keeps its bare name
        locate = None
    return ModelInputError([
        p if p.file else replace(p, file=str(path), line=p.line or field_line(locate, p.path))
        for p in error.problems])


def loads(text: str | bytes, *, name: str = "upload.yaml",
          format: str | None = None) -> Scenario:
    """Parse one scenario from text (or a file's bytes) held in memory, such as an upload;
    ``name`` is only used to pick the format by its extension and to name the source in
    error messages (never opened)."""
    formats.check_size(len(text), name)
    if isinstance(text, bytes):
        text = formats.decode(text, name)
    fmt = format or formats.detect_format(Path(name), text)
    scenarios = formats.format_module(fmt).loads(text, file=name)
    if len(scenarios) != 1:
        raise DetenteError(f"{name}: holds {len(scenarios)} scenarios where one is needed")
    return scenarios[0]


def dumps(scenario: Scenario, format: str = "yaml") -> str:
    """A scenario as text in a format that can hold one (YAML by default)."""
    return formats.dumps(scenario, format)


@dataclass(frozen=True)
class StanceChange:
    """A what-if: one actor's position and/or salience on one issue set to new values."""

    actor: str
    issue: str
    position: float | None = None
    salience: float | None = None


def what_if(scenario: Scenario, changes: Iterable[StanceChange]) -> Scenario:
    """The scenario with some stances moved (re-validated; a moved stance drops the
    uncertainty range it no longer matches, since a what-if is a point forecast)."""
    data = scenario.to_dict()
    todo = {(c.actor, c.issue): c for c in changes}
    for stance in data.get("stances", []):
        change = todo.pop((stance["actor"], stance["issue"]), None)
        if change is None:
            continue
        if change.position is not None:
            stance["position"] = float(change.position)
            stance.pop("position_uncertainty", None)
        if change.salience is not None:
            stance["salience"] = float(change.salience)
            stance.pop("salience_uncertainty", None)
    if todo:
        missing = ", ".join(f"{a} on {i}" for a, i in todo)
        raise DetenteError(f"what-if: no stated stance of {missing}; only stated stances move")
    return Scenario.from_dict(data)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (see :func:`detente.scenario.json_schema`)."""
    from detente.scenario import json_schema

    return json_schema()
