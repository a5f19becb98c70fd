"""Reading a user's text file with clear errors (no such file, a folder, not text)."""

from __future__ import annotations

import os

from detente.errors import DetenteError
from detente.reading import read_bytes

__all__ = ["decode_text", "looks_binary", "read_bytes", "read_text"]


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
