"""The one way detente compiles a numerical kernel: numba's ``njit`` with the options
every kernel module shares (exchange, Nash, median, the Monte Carlo sampling and
summaries).

- cached on disk: compiled once per checkout, then read from ``__pycache__``; a kernel
  not in the cache is compiled by a short-lived child Python into it and then loaded
  (:mod:`.child_compile`), so the memory compiling takes (LLVM's, ~360 MiB for the
  seven-model run's kernels) never sits in the run's process;
- ``nogil``: the thread engine's workers run kernels side by side;
- ``error_model="numpy"``: a division by zero gives ``inf``/NaN as the array code
  does, never an exception, so both paths give the same numbers;
- ``_nrt=False``: no reference counting. The kernels allocate nothing (their scratch
  arrays come from the caller), and with counting every helper call counted references
  on each array it was passed: atomic operations that made the exchange round's loop
  two to three times slower (measured on the bundled scenario's draws).

**The cache sees a kernel module's imports.** numba compiles a kernel together with
every compiled function it calls (inlined into one piece of machine code) and keys the
cached piece on the kernel's own source file only: edit a helper in another module
(:func:`clip` here, ``pairwise_sum`` in :mod:`detente.models.smp.kernels`) or a
constant imported from one (the exchange kernels' tolerances) and numba would keep
running the old helper from the caller's cache. :func:`jit` therefore stamps the cache
with the contents of the kernel's file *and* of every module of the same package that
file imports from (:func:`source_files`), so any of them changing recompiles it.

The compiled helpers several kernel modules share live here: :func:`np_max`,
:func:`np_min` and :func:`clip`, numpy's rules for a scalar.

Importing this module imports numba (about 0.5 CPU s and over 50 MiB), so only the
kernel modules import it, and they are imported only for runs large enough to gain.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numba
from numba.core.caching import CacheImpl, CompileResultCacheImpl, FunctionCache

from detente.models.child_compile import compile_apart

KERNEL_OPTIONS: dict[str, Any] = {"nogil": True, "error_model": "numpy", "_nrt": False}
"""numba's options of every kernel (the cache is :func:`jit`'s own, see the module doc)."""


@cache
def source_files(path: str, module: str) -> tuple[Path, ...]:
    """The file ``path`` of the module ``module`` and the files of the modules of its top
    package it imports from (``from detente.x import y``: ``detente/x.py``, or
    ``detente/x/y.py`` when ``y`` is a module; ``import detente.x``), found next to it."""
    top = module.split(".")[0]
    root = Path(path).resolve().parents[module.count(".")]
    names: set[str] = set()
    for node in ast.walk(ast.parse(Path(path).read_bytes())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    files = [Path(path).resolve()]
    for name in sorted(n for n in names if n == top or n.startswith(top + ".")):
        base = root.joinpath(*name.split("."))
        for f in (base.with_suffix(".py"), base / "__init__.py"):
            if f.is_file() and f not in files:
                files.append(f)
    return tuple(files)


def source_stamp(path: str, module: str) -> bytes:
    """SHA-256 of the contents of :func:`source_files` (a cached kernel is valid while
    this is unchanged)."""
    digest = hashlib.sha256()
    for f in source_files(path, module):
        digest.update(f.read_bytes())
    return digest.digest()


class _ImportsStamp:
    """A numba cache locator whose freshness stamp is :func:`source_stamp`."""

    _py_file: str

    def __init__(self, py_func: Callable[..., Any], py_file: str) -> None:
        super().__init__(py_func, py_file)  # type: ignore[call-arg]
        self._module: str = py_func.__module__

    def get_source_stamp(self) -> bytes:
        return source_stamp(self._py_file, self._module)


def _with_imports_stamp(base: type) -> Any:
    """numba's locator ``base`` (where the cache lives) with :class:`_ImportsStamp`."""
    return type(base.__name__, (_ImportsStamp, base), {})


_SOURCE_BACKED = tuple(c for c in CacheImpl._locator_classes
                       if hasattr(c, "get_source_stamp") and "Zip" not in c.__name__
                       and "IPython" not in c.__name__)


class _KernelCacheImpl(CompileResultCacheImpl):
    """numba's cache of compile results, located as numba does (``NUMBA_CACHE_DIR``,
    ``__pycache__``, the user-wide directory), stamped by :func:`source_stamp`."""

    _locator_classes = [_with_imports_stamp(c) for c in _SOURCE_BACKED]  # noqa: RUF012


class KernelCache(FunctionCache):
    """A kernel's on-disk cache, valid while :func:`source_stamp` is unchanged. A kernel
    not in it is compiled by a child Python into it, then loaded (:mod:`.child_compile`:
    what compiling costs in memory stays out of the run); in-process if that fails."""

    _impl_class = _KernelCacheImpl

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        found = super().load_overload(sig, target_context)
        if found is None and compile_apart(self._py_func, sig):
            found = super().load_overload(sig, target_context)
        return found


_njit = numba.njit(**KERNEL_OPTIONS)


def jit(fn: Callable[..., Any]) -> Any:
    """Compile ``fn`` with :data:`KERNEL_OPTIONS`, cached on disk under a stamp of its
    file and the files of the modules it imports (see the module doc)."""
    dispatcher = _njit(fn)
    if not getattr(sys, "frozen", False) and Path(inspect.getfile(fn)).is_file():
        dispatcher._cache = KernelCache(fn)  # what Dispatcher.enable_caching() does
    return dispatcher


@jit
def np_max(a, b):  # pragma: no cover - compiled
    """``np.maximum`` of two floats: NaN if either is, ``b`` on a tie (so ±0 as numpy)."""
    return a if a != a else (a if a > b else b)


@jit
def np_min(a, b):  # pragma: no cover - compiled
    """``np.minimum`` of two floats: NaN if either is, ``b`` on a tie."""
    return a if a != a else (a if a < b else b)


@jit
def clip(x, lo, hi):  # pragma: no cover - compiled
    """``np.minimum(np.maximum(x, lo), hi)`` of a float: NaN kept, a tie gives the bound.
    It is ``np.clip(x, lo, hi)`` but for the sign of a zero where zeros of opposite signs
    tie (``np.clip`` may keep ``x`` there)."""
    return np_min(np_max(x, lo), hi)
