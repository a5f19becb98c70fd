"""Reading a user's file with clear errors: no such file, a folder, unreadable, too large.

The one reader of user files: scenario formats, articles, panels and review files all
come through :func:`read_bytes` (the counterpart of :mod:`detente.atomic` for writing).
"""

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
