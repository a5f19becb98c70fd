"""Reading a user's text file with clear errors (no such file, a folder, not text)."""

from __future__ import annotations

import os
from pathlib import Path

from detente.errors import DetenteError


def check_size(n_bytes: int, name: str, *, limit: int, what: str = "file") -> None:
    """Refuse input larger than ``limit`` bytes, naming its size and the limit."""
    if n_bytes > limit:
        raise DetenteError(f"{name}: {n_bytes / 2**20:.1f} MiB is larger than the "
                           f"{limit // 2**20} MiB {_article(what)} may have; is it the "
                           "right file?")


def _article(what: str) -> str:
    return ("an " if what[:1] in "aeiou" else "a ") + what


def read_bytes(path: str | os.PathLike[str], *, what: str = "file",
               max_bytes: int | None = None) -> bytes:
    """The file's bytes; a missing file, a folder, an unreadable file or (with ``max_bytes``)
    one larger than that is a DetenteError naming the path. ``what`` names the file
    expected (``"scenario file"``) in the messages. The one reader of user files: scenario
    formats, articles, panels and review files all come through here."""
    p = Path(path)
    try:
        if max_bytes is not None and p.is_file():
            check_size(p.stat().st_size, str(p), limit=max_bytes, what=what)
        return p.read_bytes()
    except FileNotFoundError:
        raise DetenteError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise DetenteError(f"{p}: is a folder, expected {_article(what)}") from None
    except OSError as exc:
        raise DetenteError(f"{p}: cannot read ({exc.strerror or exc})") from None


def looks_binary(raw: bytes) -> bool:
    """NUL bytes, or more than 10% control characters other than tab/newline/CR/FF."""
    if b"\x00" in raw[:65536]:
        return True
    head = raw[:65536]
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > 0.10


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), else cp1252; binary content is a DetenteError."""
    if looks_binary(raw):
        raise DetenteError(f"{file}: looks like a binary file (NUL or control bytes), "
                           "expected plain text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DetenteError(f"{file}: is neither UTF-8 nor Windows-1252 text; save it as UTF-8")


def read_text(path: str | os.PathLike[str]) -> str:
    """A text file's content (see :func:`decode_text`)."""
    return decode_text(read_bytes(path), str(path))
