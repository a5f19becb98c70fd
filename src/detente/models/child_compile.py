"""Compile a kernel in a short-lived child Python, so that the process that needs it only
loads it from numba's on-disk cache.

Compiling costs a process memory that loading does not give back: LLVM's working memory
while it optimises, and the IR numba keeps for every kernel it compiled. Measured on the
kernels of the seven-model 10^5-draw run (bundled scenario, one process, an empty cache):
resident memory 103 → 468 MiB (peak 538; the exchange round's ``_solve_all`` +114 MiB,
``_run_round`` +65 and 63 more while it compiled), 376 MiB after ``malloc_trim``; the same
kernels loaded from the cache: 103 → 251 (peak 270), 183 after ``malloc_trim``. A user's
first run after an install or an upgrade (an empty or stale cache) peaked at ~600 MiB
against ~480 MiB once the cache was warm.

So :class:`~detente.models.compiled.KernelCache`, on a miss, calls :func:`compile_apart`:
a child Python imports the kernel's module (with the caller's ``sys.path``), compiles the
kernel for the same argument types into the same cache, and exits, its memory going back
to the system; the caller then loads the kernel as from a warm cache. The child compiles
in-process itself (:data:`IN_CHILD` in its environment). Whatever goes wrong in the child
(no cache directory it may write, a kernel that is not a module's name, an interpreter
that cannot start), the caller compiles in-process as numba would, and a compile error is
then raised there, where its traceback belongs. A warm cache never starts a child.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import Any

IN_CHILD = "DETENTE_COMPILE_IN_PROCESS"
"""Environment variable: set (to anything but empty), kernels compile in the process that
calls them (the child sets it for itself, so that it does not start another)."""

_BOOT = """import pickle, sys
path, module, name, sig = pickle.load(sys.stdin.buffer)
sys.path[:] = path
from detente.models.child_compile import compile_here
compile_here(module, name, pickle.loads(sig))
"""


def compile_apart(py_func: Callable[..., Any], sig: Any) -> bool:
    """Compile the kernel of ``py_func`` for the argument types ``sig`` in a child Python
    into the on-disk cache. True if the child says it did; False (nothing else happens)
    when compiling apart is switched off, the kernel cannot be named from its module, or
    the child failed."""
    if os.environ.get(IN_CHILD) or getattr(sys, "frozen", False):
        return False
    name = py_func.__qualname__
    if "<locals>" in name or not sys.executable:
        return False
    try:
        payload = pickle.dumps((list(sys.path), py_func.__module__, name, pickle.dumps(sig)))
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    try:
        done = subprocess.run([sys.executable, "-c", _BOOT], input=payload,
                              env={**os.environ, IN_CHILD: "1"}, capture_output=True,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def compile_here(module: str, name: str, sig: Any) -> None:
    """The child's part: compile the kernel named ``name`` in ``module`` for ``sig`` (its
    dispatcher saves the result to the on-disk cache)."""
    import importlib

    from numba.core.dispatcher import Dispatcher

    mod = importlib.import_module(module)
    found = [d for d in vars(mod).values()
             if isinstance(d, Dispatcher) and d.py_func.__qualname__ == name
             and d.py_func.__module__ == module]
    if not found:
        raise SystemExit(f"{module}: no compiled function {name}")
    found[0].compile(sig)
