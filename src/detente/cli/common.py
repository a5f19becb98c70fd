"""What every command shares: consoles, error handling, printing views."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import typer
from rich.console import Console, RenderableType

from detente.cli.group import LazyGroup as Group
from detente.cli.options import OutputFormat
from detente.errors import DetenteError, ScenarioError
from detente.present.legends import explain_view
from detente.present.terminal import make_console, styled

F = TypeVar("F", bound=Callable[..., Any])

# markup and emoji codes off, control characters shown: user text prints as typed (issue 19)
console = make_console()
err_console = make_console(stderr=True)

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

__all__ = ["EXIT_BAD_INPUT", "EXIT_USAGE", "Group", "OutputFormat", "console", "err_console",
           "explain", "guard", "show"]


def show(items: Iterable[RenderableType], *, to: Console | None = None) -> None:
    """Print a presenter's view: each renderable on its own lines."""
    out = to or console
    for item in items:
        out.print(item)


def explain(command: str, on: bool) -> None:
    """``--explain``: print the legend of ``command``'s terms (after its table)."""
    if on:
        show(explain_view(command))


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
        err_console.print(styled("[bold red]error:[/] {}", error), soft_wrap=True)


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
