"""The ``detente`` command group: commands registered by name, imported when run.

``detente --version`` and ``detente --help`` must not pay for SciPy, SQLAlchemy,
pandas or the history store (issue 31: they took 2 s). So the root group knows
each command as a :class:`Lazy` entry (module, function, one-line help) and
imports the command's module only when that command is run, or its own
``--help`` is asked for. Listing the commands (``detente --help``) shows the
one-line help from the entry without importing anything.

This module imports nothing of detente and nothing heavier than Typer/Click.
``tests/cli/test_startup.py`` checks the import graph of ``--version`` and
``--help`` and that every entry's help line is the command's own.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup, TyperOption


@dataclass(frozen=True)
class Lazy:
    """A command known by where it lives: ``module.attr`` is a command function (run as
    ``app.command(name)`` would) or a :class:`typer.Typer` sub-app (a command group);
    ``help`` is its one-line help for the root's command list (the first paragraph of
    its docstring or ``Typer(help=...)``: a test keeps the two equal)."""

    module: str
    attr: str
    help: str

    def load(self, name: str) -> Any:
        """Import the module and build the Click command, named ``name``."""
        target = getattr(importlib.import_module(self.module), self.attr)
        if isinstance(target, typer.Typer):
            command: Any = typer.main.get_group(target)
        else:
            command = typer.main.get_command_from_info(
                typer.models.CommandInfo(name=name, callback=target),
                pretty_exceptions_short=True, rich_markup_mode="rich")
        command.name = name
        return command


def first_paragraph(text: str | None) -> str:
    """The first paragraph of a help text, on one line (what the command list shows)."""
    return " ".join(inspect.cleandoc(text or "").split("\n\n")[0].split())


def _plain_flags(command: Any, ctx: Any) -> None:
    """Show a boolean flag as ``--force``, not ``--force <bool>``, and an option's own metavar
    (``<table|json>``) where it has one: Typer's help prints the value type of every option
    and ignores a metavar."""
    for param in [*command.params, command.get_help_option(ctx)]:
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
        for sub in command.commands.values():  # loaded ones only (values() loads nothing)
            _plain_flags(sub, ctx)


class _Commands(dict[str, Any]):
    """The group's loaded commands; looking one up by ``[name]`` loads a lazy one
    (``get``, ``in`` and iteration see only what is loaded)."""

    def __init__(self, group: LazyGroup, loaded: dict[str, Any]) -> None:
        super().__init__(loaded)
        self.group = group

    def __missing__(self, name: str) -> Any:
        command = self.group.load(name)
        if command is None:
            raise KeyError(name)
        return command


class LazyGroup(TyperGroup):
    """A Typer group whose commands are :class:`Lazy` entries (``lazy``, set by the
    subclass), plus any registered the usual way; every command's help shows flags without
    a value type."""

    lazy: ClassVar[dict[str, Lazy]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self, dict(self.commands))
        self._listing = False

    def load(self, name: str) -> Any:
        """The command ``name``, imported and built on first use."""
        command = self.commands.get(name)  # get() loads nothing
        if command is None and name in self.lazy:
            command = self.lazy[name].load(name)
            self.add_command(command, name)
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        eager = [n for n in super().list_commands(ctx) if n not in self.lazy]
        return [*self.lazy, *eager]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and cmd_name in self.lazy and cmd_name not in self.commands:
            # the root's command list: the entry's help line, nothing imported
            return TyperCommand(cmd_name, help=self.lazy[cmd_name].help)
        command = self.load(cmd_name)
        if command is not None:
            _plain_flags(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_flags(self, ctx)
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
