"""The one kind of error a user sees: where, what was found, what was expected.

Readers, validation and models raise :class:`DetenteError` subclasses for bad
input; the CLI turns them into messages and exit code 1. Every
:class:`Problem` names the file, line (when known) and field, so a user can go
straight to the spot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from detente.spelling import Spell, fields, python_words, quote, spelled

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """Render a field path: ``("stances", 3, "salience")`` -> ``stances[3].salience``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(scenario)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    ``path`` is the field inside the scenario (as a tuple, rendered with
    :func:`format_path`); ``file`` and ``line`` say where it came from when the
    reader knows.
    """

    path: Path
    found: str
    expected: str
    file: str | None = None
    line: int | None = None

    @property
    def field(self) -> str:
        return format_path(self.path)

    @property
    def where(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        if self.file:
            return self.file
        if self.line:
            return f"line {self.line}"
        return ""

    def __str__(self) -> str:
        where = self.where
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.field}: found {self.found}; expected {self.expected}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "found": self.found,
            "expected": self.expected,
        }


class DetenteError(Exception):
    """Base class of every error detente raises for bad input or bad usage."""


class OptionError(DetenteError):
    """A bad value of a named option (a request's field, a function's keyword).

    The message is a template in which ``{draws}`` names a field, ``{force:force=True}``
    a field with its Python spelling and ``{as_of YYYY-MM-DD:as_of=...}`` a field with
    the value a face writes after it (``{{``/``}}`` are braces): ``str()`` gives Python's
    words (``draws must be an integer >= 1 (got 0)``), :meth:`spelled` another face's —
    the CLI spells each field as its flag (``--draws``, ``--as-of YYYY-MM-DD``), so that
    only the CLI knows its flags.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        super().__init__(self.spelled(python_words, values=False))

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the message names, in order."""
        return fields(self.template)

    def spelled(self, spell: Spell, *, values: bool = True) -> str:
        """The message with each field as ``spell(field, python_spelling)`` says, followed
        by the value it takes where the template gives one (unless ``values`` is false:
        Python's spelling holds it); see :mod:`detente.spelling`."""
        return spelled(self.template, spell, values=values)

    @staticmethod
    def quote(text: str) -> str:
        """``text`` (a value, a name the user typed) safe inside a template."""
        return quote(text)


class ScenarioError(DetenteError):
    """A scenario (or a file meant to become one) has one or more problems."""

    def __init__(self, problems: Iterable[Problem], file: str | None = None):
        probs = tuple(p if p.file or file is None else replace(p, file=file) for p in problems)
        self.problems: tuple[Problem, ...] = probs
        n = len(probs)
        head = f"{n} problem{'s' if n != 1 else ''}"
        if file:
            head += f" in {file}"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in probs))

class FormatError(ScenarioError):
    """A file could not be read in the format it was taken for."""


class ModelInputError(DetenteError):
    """A model cannot run on the scenario as given (e.g. it needs a status quo)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def short(value: object, limit: int = 60) -> str:
    """A value as shown in an error message: repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
