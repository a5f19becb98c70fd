"""The ``detente`` command's entry point (``[project.scripts]`` and ``python -m detente``).

What it does before and after the Typer app of :mod:`detente.cli.main`, each for start-up
time (issue 31, item 3):

- ``detente --version`` alone is answered from :mod:`detente.version` without importing
  Typer (0.1 s of a 0.2 s start); the Typer app prints the same line for ``--version``
  given with other arguments.
- ``detente --help`` (or ``-h``) alone is written by :mod:`detente.cli.roothelp`, byte
  for byte Typer's text (in a terminal with its colour codes), without importing Typer
  or Rich's console (0.15 s of CPU); where that module cannot be sure of writing what
  Typer would, Typer prints it.
- The command being run has its module imported first, then everything imported so far
  is moved out of the cyclic garbage collector's sight (:func:`gc.freeze`): the
  ~50,000 objects of the imports (classes, functions, pydantic schemas, numpy) live until
  the process ends, and every collection during the run used to walk them again.
- When the command ends (normally, by an error or by ``SystemExit``), everything is
  frozen again, so that the interpreter's shutdown does not run full collections over
  every object before it frees them by reference count. Objects are still freed and
  ``atexit`` handlers still run; only garbage in reference cycles made during the run is
  left to the operating system, which reclaims the whole process anyway.

Together they save about 0.25 s of CPU of ``detente forecast``'s ~1.4 s (measured in
``benchmarks/bench_startup.py``, issue 31's closing note).
"""

from __future__ import annotations

import gc
import importlib
import sys


def main() -> None:
    """Run ``detente`` with the process's arguments."""
    args = sys.argv[1:]
    if args == ["--version"]:
        from detente.version import __version__

        print(f"detente {__version__}")
        return
    if args in (["--help"], ["-h"]):
        from detente.cli.roothelp import plain_root_help

        text = plain_root_help()
        if text is not None:
            sys.stdout.write(text)
            return
    from detente.cli.main import COMMANDS
    from detente.cli.main import main as run_app

    if args and args[0] in COMMANDS:
        importlib.import_module(COMMANDS[args[0]].module)
    gc.freeze()
    try:
        run_app()
    finally:
        gc.freeze()
