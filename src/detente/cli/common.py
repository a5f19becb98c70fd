"""What every command shares: consoles, error handling, printing views."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import typer
from rich.console import Console, RenderableType

from detente.cli.group import LazyGroup as Group
from detente.cli.group import current_context
from detente.cli.options import OutputFormat
from detente.errors import DetenteError, OptionError, ScenarioError
from detente.present.legends import explain_view
from detente.present.terminal import make_console, styled

F = TypeVar("F", bound=Callable[..., Any])

# markup and emoji codes off, control characters shown: user text prints as typed (issue 19)
console = make_console()
err_console = make_console(stderr=True)

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

__all__ = ["EXIT_BAD_INPUT", "EXIT_USAGE", "Group", "OutputFormat", "cli_words", "console",
           "err_console", "explain", "guard", "show"]


def show(items: Iterable[RenderableType], *, to: Console | None = None) -> None:
    """Print a presenter's view: each renderable on its own lines."""
    out = to or console
    for item in items:
        out.print(item)


def explain(command: str, on: bool) -> None:
    """``--explain``: print the legend of ``command``'s terms (after its table)."""
    if on:
        show(explain_view(command, cli_words))


def print_problems(error: DetenteError) -> None:
    """Print a user-facing error: every problem on its own line, no traceback."""
    if isinstance(error, ScenarioError):
        n = len(error.problems)
        where = next((p.file for p in error.problems if p.file), None)
        head = f"{n} problem{'s' if n != 1 else ''}" + (f" in {where}" if where else "")
        err_console.print(styled("[bold red]error:[/] {}", head))
        for p in error.problems:
            loc = p.where
            err_console.print(
                styled("  [cyan]{}[/][bold]{}[/]: found {}; expected {}",
                       loc + ": " if loc else "", p.field, p.found, p.expected),
                soft_wrap=True,
            )
    else:
        err_console.print(styled("[bold red]error:[/] {}", in_flags(error)), soft_wrap=True)


# fields whose flag is not named after them (the rest: the command's option of the same
# name, else --field-name)
FIELD_FLAGS = {"models": "--model", "params": "--param", "format": "--from",
               "amend_rule": "--amend", "shocks": "--shock", "members": "--ensemble-member"}


def flag_of(field: str) -> str:
    """The flag a field of a request is given with in the command being run."""
    ctx = current_context()
    for param in ctx.command.params if ctx is not None else ():
        if param.name == field or param.name == FIELD_FLAGS.get(field, "").lstrip("-"):
            longs = [o for o in param.opts if o.startswith("--")]
            if longs:
                return longs[0]
    return FIELD_FLAGS.get(field, "--" + field.replace("_", "-"))


def cli_words(field: str, python: str) -> str:
    """The CLI's :data:`~detente.spelling.Spell`: a field as its flag in the command being
    run (``draws`` -> ``--draws``), for the errors and the legends of the presenters."""
    return flag_of(field)


def in_flags(error: DetenteError) -> str:
    """The message of ``error`` in the CLI's words: each field an option error names is
    spelled as its flag (``draws`` -> ``--draws``); only the CLI knows its flags."""
    if isinstance(error, OptionError):
        return error.spelled(cli_words)
    return str(error)


def guard(fn: F) -> F:
    """Turn :class:`DetenteError` into a clear message and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DetenteError as exc:
            print_problems(exc)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper  # type: ignore[return-value]
