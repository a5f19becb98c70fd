"""The ``detente`` command's entry point: ``detente --version`` alone is answered from
:mod:`detente.version` without importing Typer (0.1 s of a 0.2 s start); anything else
runs the Typer app of :mod:`detente.cli.main`, which prints the same line for
``--version`` given with other arguments."""

from __future__ import annotations

import sys


def main() -> None:
    """Run ``detente`` with the process's arguments."""
    if sys.argv[1:] == ["--version"]:
        from detente.version import __version__

        print(f"detente {__version__}")
        return
    from detente.cli.main import main as run_app

    run_app()
