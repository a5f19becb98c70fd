"""Atomic file writes: a path holds either its old content or the new, never half.

The new content goes to a temporary file in the same folder, is flushed to disk
(``fsync``) and then renamed over the target (``os.replace``, atomic on one
file system); on any failure the temporary file is removed and the target is
untouched. Every file detente writes (scenarios, reports, weights, saved
simulations) goes through :func:`write_atomic`.

The temporary file is created private (``mkstemp`` makes it 0600), so before the
rename it is given the mode any other tool would create: ``0666 & ~umask``
(0644 under the usual umask 022), as ``open(path, "w")`` does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from detente.errors import DetenteError


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Have ``write(tmp)`` write the new content to a temporary path, then move it to
    ``path`` atomically (made durable with fsync first). Returns ``path``.

    A path that cannot be written (no such folder, no permission, a directory)
    is a :class:`DetenteError` naming it.
    """
    target = Path(path)
    try:
        _replace(target, write)
    except OSError as exc:
        blocker = next((p for p in target.parents if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise DetenteError(f"{target}: cannot write: {blocker} is a file, not a "
                               "folder") from None
        raise DetenteError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically."""

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    return write_atomic(path, write)


def _umask() -> int:
    """The process's umask, read without changing it where the system says it
    (Linux: ``/proc/self/status``); elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace(target: Path, write: Callable[[Path], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
