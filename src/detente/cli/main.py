"""The ``detente`` command: one Typer app; each command group lives in its own module.

The commands are the :class:`~detente.cli.commands.Lazy` entries of
:data:`detente.cli.commands.COMMANDS` (add a command there, not here: see that module),
each imported only when it is run.
"""

from __future__ import annotations

from typing import Annotated

import typer

from detente.cli.commands import COMMANDS, ROOT_HELP, VERSION_HELP
from detente.cli.group import LazyGroup


class Detente(LazyGroup):
    """The root group: the commands of ``COMMANDS``, each imported when run."""

    lazy = COMMANDS


app = typer.Typer(
    name="detente",
    help=ROOT_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Detente,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from detente.version import __version__

        typer.echo(f"detente {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help=VERSION_HELP, is_eager=True,
                           callback=_print_version)
    ] = False,
) -> None:
    """Forecast and broker multi-party, multi-issue negotiations.

    Every forecast is what a model derives from the scenario's stated, sourced assumptions,
    not a statement of fact. With no scenario, commands that take one run the bundled
    'ukraine-2025-11'. Exit codes: 0 success, 1 bad input, 2 usage error.
    """


def main() -> None:
    app()
