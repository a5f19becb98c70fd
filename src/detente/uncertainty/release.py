"""Give the memory a Monte Carlo block freed back to the system before the next block.

A block's models allocate and free large temporaries (a round's candidate table, a
slice's turn state). glibc's allocator keeps freed memory in the arena of the thread
that used it (one arena per worker thread), and above its mmap threshold, which it raises
to the largest block freed so far, arrays come from those arenas too: memory freed by one
worker is not reused by the other, and the process's resident size creeps up block after
block (measured on the seven-model 10^5-draw run: ~260 → ~490 MiB over seven blocks,
while what the blocks hold at once stays about the same). ``malloc_trim(0)`` returns
every arena's free pages to the system; it changes no number and costs a few
milliseconds a block. Elsewhere than glibc it does nothing."""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


def release_free_memory() -> None:
    """Return freed heap memory to the system (glibc's ``malloc_trim(0)``), if available."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` where the C library has none (musl, macOS,
    Windows)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        fn = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    return fn
