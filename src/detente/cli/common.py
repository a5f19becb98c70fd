"""What every command shares: consoles, error handling, printing views."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click
import typer
from rich.console import Console, RenderableType
from typer.core import TyperGroup, TyperOption

from detente.cli.options import OutputFormat
from detente.errors import DetenteError, ScenarioError
from detente.present.fit import FitTables
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


def reflow(text: str | None) -> str | None:
    """Help text as paragraphs that the terminal wraps at its own width: a single line
    break inside a paragraph (the docstring's layout in the source) becomes a space;
    blank lines, list items (``- ``) and click's ``\\b`` blocks are kept."""
    if not text:
        return text
    paragraphs = []
    for para in re.split(r"\n[ \t]*\n", text.strip()):
        if para.lstrip().startswith("\b"):
            paragraphs.append(para)
            continue
        lines: list[str] = []
        for line in (raw.strip() for raw in para.splitlines()):
            if lines and not line.startswith(("- ", "* ", "• ")):
                lines[-1] += " " + line
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _fitted_help(format_help: Callable[..., Any]) -> Callable[..., Any]:
    """``format_help`` printing through a console whose tables keep words whole
    (:class:`detente.present.fit.FitTables`): Typer builds its help console itself, so it
    is swapped for the duration of one help text (imported here: only ``--help`` pays)."""

    @functools.wraps(format_help)
    def wrapper(ctx: Any, formatter: Any) -> Any:
        from typer import rich_utils

        made = rich_utils._get_rich_console

        def fitting_console(stderr: bool = False) -> Console:
            out = made(stderr=stderr)
            out.push_render_hook(FitTables())
            return out

        rich_utils._get_rich_console = fitting_console
        try:
            return format_help(ctx, formatter)
        finally:
            rich_utils._get_rich_console = made

    wrapper.fitted = True  # type: ignore[attr-defined]
    return wrapper


def _plain_flags(command: Any, ctx: Any) -> None:
    """Show a boolean flag as ``--force``, not ``--force <bool>``, and an option's own metavar
    (``<table|json>``) where it has one: Typer's help prints the value type of every option
    and ignores a metavar. Help texts are reflowed (:func:`reflow`) and printed with tables
    that keep words whole."""
    command.help = reflow(command.help)
    if not getattr(command.format_help, "fitted", False):
        command.format_help = _fitted_help(command.format_help)
    for param in [*command.params, command.get_help_option(ctx)]:
        if isinstance(param, click.Parameter) and getattr(param, "help", None):
            param.help = reflow(param.help)  # type: ignore[attr-defined]
        if not isinstance(param, TyperOption):
            continue
        if param.is_flag:
            shown = ""
        elif param.metavar:
            shown = param.metavar
        else:
            continue
        param.display_type_rich = lambda ctx, shown=shown: shown  # type: ignore[method-assign,misc]
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            _plain_flags(sub, ctx)


class Group(TyperGroup):
    """The ``detente`` group: every command's help shows flags without a value type."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _plain_flags(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_flags(self, ctx)
        super().format_help(ctx, formatter)
