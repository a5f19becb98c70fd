"""The SMP's matrix products on one BLAS thread.

A turn multiplies an A × A matrix of utilities by an A × S matrix of kept positions
(:func:`~detente.models.smp.turn.bargain_values`), small products between long stretches
of other work. OpenBLAS's worker threads spin-wait after each product, so with its
default thread pool they burned as much CPU as the whole rest of a 100-actor run
(0.9 against 0.33 CPU s at 100 × 5, load 11); on one thread the product is as fast and
the numbers are the same (OpenBLAS splits a product between threads by blocks of the
result, each element summed by the same kernel in the same order: checked by the
whole-run hashes of ``benchmarks/bench_smp.py --before``). The limit is process-wide
while a run lasts (threadpoolctl); runs on other threads meanwhile only lose BLAS
threads, never numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with BLAS limited to one thread (restored afterwards)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield
