"""Freed memory goes back to the system between Monte Carlo blocks (glibc's malloc_trim)."""

from __future__ import annotations

import platform
import sys

import numpy as np
import pytest

from detente.uncertainty import release


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_freed_heap_memory_goes_back_to_the_system() -> None:
    assert release._malloc_trim() is not None
    # 1 MiB arrays come from the heap once a larger mmapped array was freed (glibc raises
    # its mmap threshold to it); keeping the last one alive pins the heap's top, so
    # the memory of the others stays resident until trimmed
    big = np.ones(8 << 20, dtype=np.uint8)
    del big
    parts = [np.ones(1 << 20, dtype=np.uint8) for _ in range(64)]
    last = parts[-1]
    del parts
    held = rss_mib()
    release.release_free_memory()
    assert rss_mib() < held - 32  # most of the 63 MiB freed is returned
    assert last.sum() == 1 << 20
