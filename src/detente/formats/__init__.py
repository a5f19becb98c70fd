"""Reading and writing scenarios: one module per format, chosen by extension or content.

Each format module provides ``NAME``, ``sniff(text) -> bool``,
``loads(text, *, file) -> list[Scenario]`` and (where the format can hold a
scenario) ``dumps(scenario) -> str``; its file extensions are declared here, beside
its module, so that picking a format by extension imports no other format's module
(reading a ``.yaml`` file loads neither the XML readers nor the CSV ones). This module
picks the format, reads and writes files, and never leaves a half-written file behind.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from detente import reading
from detente.atomic import write_text_atomic
from detente.errors import DetenteError, FormatError, OptionError, Problem
from detente.errors import Path as ErrorPath
from detente.scenario import Scenario

# the order is the order of content sniffing: most specific first
_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {  # name: (module, file extensions)
    "decide": ("detente.formats.decide_csv", (".csv", ".txt", ".tsv")),
    "deu": ("detente.formats.deu", (".tsv",)),
    "ktab-csv": ("detente.formats.ktab_csv", (".csv",)),
    "ktab-xml": ("detente.formats.ktab_xml", (".xml",)),
    "genius": ("detente.formats.genius", (".xml",)),
    "yaml": ("detente.formats.scenario_yaml", (".yaml", ".yml")),
    "csv": ("detente.formats.scenario_csv", (".csv",)),
    "eum-csv": ("detente.formats.eum_csv", (".csv",)),
}


def format_names() -> tuple[str, ...]:
    return tuple(_FORMATS)


def writable_names() -> tuple[str, ...]:
    """The formats a scenario can be written in (the others are read only)."""
    return tuple(n for n in _FORMATS if hasattr(format_module(n), "dumps"))


def extensions(name: str) -> tuple[str, ...]:
    """The file extensions of format ``name`` (lower case, with the dot; the first is the
    one detente writes)."""
    return _FORMATS[name][1]


def format_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(_FORMATS[name][0])
    except KeyError:
        raise DetenteError(
            f"unknown format {name!r}; known formats: {', '.join(format_names())}"
        ) from None


MAX_BYTES = 16 * 1024 * 1024
"""Largest scenario file read (16 MiB; the largest real one in ``shared/data`` is under
1 MiB): a bigger file is refused at once, before minutes of parsing."""


def check_size(n_bytes: int, name: str) -> None:
    """Refuse input larger than :data:`MAX_BYTES`, naming its size and the limit."""
    reading.check_size(n_bytes, name, limit=MAX_BYTES, what="scenario file")


def _read_text(path: Path) -> str:
    return decode(reading.read_bytes(path, what="scenario file", max_bytes=MAX_BYTES), str(path))


def decode(raw: bytes, name: str) -> str:
    """The text of a file's bytes: UTF-8 (with or without BOM), else cp1252, else latin-1."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DetenteError(f"{name}: not a text file")  # pragma: no cover - latin-1 decodes all


def _by_extension(suffix: str) -> list[str]:
    """The formats whose files may end in ``suffix`` (lower case, with the dot)."""
    return [n for n, (_, exts) in _FORMATS.items() if suffix in exts]


def detect_format(path: Path, text: str | None = None) -> str:
    """The format of a file: by extension first, then by content."""
    suffix = path.suffix.lower()
    by_ext = _by_extension(suffix)
    if text is None:
        text = _read_text(path)
    if len(by_ext) == 1:
        return by_ext[0]
    if not text.strip():
        raise FormatError([Problem((), "an empty file", "a scenario (`detente new NAME` "
                                   "writes a template)", str(path))], file=str(path))
    candidates = by_ext or list(_FORMATS)
    for name in candidates:
        if format_module(name).sniff(text):
            return name
    raise FormatError(
        [Problem((), f"a file whose format could not be recognised (extension {suffix or 'none'})",
                 f"one of: {', '.join(format_names())} (or name it with --from/format=)")],
        file=str(path),
    )


def read_all(path: str | os.PathLike[str], *, format: str | None = None) -> list[Scenario]:
    """Every scenario in a file (most formats hold one; DEU tables hold many)."""
    path = Path(path)
    text = _read_text(path)
    name = format or detect_format(path, text)
    return format_module(name).loads(text, file=str(path))


def locator(path: str | os.PathLike[str], *, format: str | None = None
            ) -> Callable[[ErrorPath], int | None] | None:
    """The line of each field in a scenario file (YAML and CSV scenarios; ``None`` for the
    other formats), for problems found after reading such as a model's needs."""
    path = Path(path)
    text = _read_text(path)
    make = getattr(format_module(format or detect_format(path, text)), "locator", None)
    return None if make is None else make(text)


def read(path: str | os.PathLike[str], *, format: str | None = None) -> Scenario:
    """The one scenario in a file (an error if it holds several)."""
    scenarios = read_all(path, format=format)
    if len(scenarios) != 1:
        raise DetenteError(
            f"{path}: holds {len(scenarios)} scenarios where one is needed (`detente check` "
            "lists them; in Python, detente.load_all reads them all)"
        )
    return scenarios[0]


def dumps(scenario: Scenario, format: str) -> str:
    module = format_module(format)
    if not hasattr(module, "dumps"):
        raise DetenteError(f"format {format!r} can be read but not written")
    return module.dumps(scenario)


def write(scenario: Scenario, path: str | os.PathLike[str], *, format: str | None = None) -> Path:
    """Write ``scenario`` to ``path`` atomically (temp file, then rename)."""
    path = Path(path)
    if format is None:
        suffix = path.suffix.lower()
        matches = [n for n in _by_extension(suffix) if n in writable_names()]
        if not matches:
            raise DetenteError(
                f"{path}: cannot tell the format from the extension {suffix or '(none)'}; "
                f"give one of: {', '.join(writable_names())}"
            )
        # several formats share an extension: take the one named after it (.csv -> csv),
        # else insist on a choice rather than guess
        named = [n for n in matches if n == suffix.lstrip(".")]
        if not named and len(matches) > 1:
            raise OptionError(
                f"{OptionError.quote(str(path))}: the extension {OptionError.quote(suffix)} "
                f"fits several formats ({', '.join(matches)}); name one "
                "({to NAME:format=NAME})"
            )
        format = (named or matches)[0]
    text = dumps(scenario, format)
    write_text_atomic(path, text)
    return path
