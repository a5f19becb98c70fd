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

import contextlib
import enum
import functools
import importlib
import inspect
import re
import types
import typing
from collections.abc import Iterator
from typing import Any, ClassVar

from typer.core import TyperCommand, TyperGroup, TyperOption

from detente.cli.commands import Lazy

#: The Parameter class Typer's options derive from: the click that Typer runs on, its own
#: copy (``typer._click``, Typer 0.2x, which the click package is not) or, with an older
#: Typer, the click package. Checking against ``click.Parameter`` would miss every Typer
#: option where Typer has its own copy (and importing click costs --help 0.04 s).
PARAMETER: type = next(c for c in TyperOption.__mro__ if c.__name__ == "Parameter")


def current_context() -> Any:
    """The click context of the command being run (``None`` outside one), from the click
    Typer runs on (see :data:`PARAMETER`)."""
    package = PARAMETER.__module__.rpartition(".")[0]  # typer._click or click
    return importlib.import_module(package + ".globals").get_current_context(silent=True)


def first_paragraph(text: str | None) -> str:
    """The first paragraph of a help text, on one line (what the command list shows)."""
    return " ".join(inspect.cleandoc(text or "").split("\n\n")[0].split())


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


class _Deferred(type):
    """A stand-in for a class of a module not imported yet (``_module``, ``_name``):
    calling it, or reading any attribute of it (``Traceback.from_exception``), imports
    the module and hands over to the real class."""

    _module: str
    _name: str

    def _real(cls) -> Any:
        return getattr(importlib.import_module(cls._module), cls._name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(cls._real(), attr)


DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}
"""What ``typer.rich_utils`` imports at its top but uses only for Markdown help (not ours:
``rich_markup_mode="rich"``) and for tracebacks: 0.15 s of CPU here (markdown-it, Pygments)
that ``detente --help`` paid for nothing (issue 31, item 3)."""


def rich_utils() -> Any:
    """``typer.rich_utils``, imported with :data:`DEFERRED` classes as :class:`_Deferred`
    stand-ins (imported on first use, so every behaviour is kept) where nothing has
    imported their modules yet."""
    import sys

    if "typer.rich_utils" in sys.modules:
        return sys.modules["typer.rich_utils"]
    import types

    stubs = {}
    for module, name in DEFERRED.items():
        if module not in sys.modules:
            stub = types.ModuleType(module)
            setattr(stub, name, _Deferred(name, (), {"_module": module, "_name": name}))
            stubs[module] = sys.modules[module] = stub
    try:
        return importlib.import_module("typer.rich_utils")
    finally:
        for module, stub in stubs.items():
            if sys.modules.get(module) is stub:
                del sys.modules[module]


@contextlib.contextmanager
def _fitting_help() -> Iterator[None]:
    """Typer prints help through a console it builds itself; for one help text that
    console's tables keep their words whole (:class:`detente.present.fit.FitTables`:
    no ``--calibrated-uncertai…`` or ``das`` / ``k``). Imported here: only help pays."""
    rich_utils_ = rich_utils()

    from detente.present.fit import FitTables

    made = rich_utils_._get_rich_console

    def fitting_console(stderr: bool = False) -> Any:
        out = made(stderr=stderr)
        out.push_render_hook(FitTables())
        return out

    rich_utils_._get_rich_console = fitting_console
    try:
        yield
    finally:
        rich_utils_._get_rich_console = made


def _fitted_help(format_help: Any) -> Any:
    """``format_help`` run under :func:`_fitting_help`."""

    @functools.wraps(format_help)
    def wrapper(ctx: Any, formatter: Any) -> Any:
        with _fitting_help():
            return format_help(ctx, formatter)

    wrapper.fitted = True  # type: ignore[attr-defined]
    return wrapper


def _plain_flags(command: Any, ctx: Any) -> None:
    """Show a boolean flag as ``--force``, not ``--force <bool>``, and an option's own metavar
    (``<table|json>``) where it has one: Typer's help prints the value type of every option
    and ignores a metavar. Help texts are reflowed (:func:`reflow`) and printed with tables
    that keep words whole (:func:`_fitting_help`)."""
    command.help = reflow(command.help)
    if not getattr(command.format_help, "fitted", False) and not isinstance(command,
                                                                             LazyGroup):
        command.format_help = _fitted_help(command.format_help)
    for param in [*command.params, command.get_help_option(ctx)]:
        if isinstance(param, PARAMETER) and getattr(param, "help", None):
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
        for sub in command.commands.values():  # loaded ones only (values() loads nothing)
            _plain_flags(sub, ctx)


class _DefaultsAsDeclared:
    """A parameter's coercion that takes an absent value or the parameter's own default
    as it is, and hands every other value to Typer's coercion, built on first need.

    Typer (0.29) coerces every value, defaults too, through a pydantic ``TypeAdapter``
    built on first use: a command run with its defaults (``detente forecast``) paid 0.3 s
    of CPU importing pydantic for values already of their declared type (issue 31, item
    3). ``None`` becomes ``None`` (``()`` for a repeatable option) as Typer's own
    ``RuntimeParam.coerce`` does before it looks at the type; a default is kept only when
    it is exactly of its declared type (``int``, ``float``, ``str`` or the declared
    ``Enum``), within the option's ``min``/``max`` and without choices of its own, which
    is what Typer's coercion returns for it (a ``Path`` is not: Typer may resolve or check
    it). A value from the command line always goes through Typer."""

    PLAIN = (int, float, str)

    def __init__(self, param: Any) -> None:
        self.param = param
        self.real: Any = None

    def _declared(self) -> type | None:
        kind = self.param.type_descriptor.annotation
        if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
            kinds = [k for k in typing.get_args(kind) if k is not type(None)]
            kind = kinds[0] if len(kinds) == 1 else None
        return kind if isinstance(kind, type) else None

    def _as_declared(self, value: Any) -> bool:
        param, kind = self.param, self._declared()
        if value is not param.default or kind is None:
            return False
        if issubclass(kind, enum.Enum):
            return type(value) is kind
        info = param.type_descriptor.parameter_info
        return (type(value) is kind and issubclass(kind, self.PLAIN)
                and not param.type_descriptor.is_choice
                and (info.min is None or value >= info.min)
                and (info.max is None or value <= info.max))

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return () if param.multiple or param.nargs == -1 else None
        if self._as_declared(value):
            return value
        if self.real is None:
            from typer._coercion import build_runtime_param

            self.real = build_runtime_param(param.type_descriptor)
        return self.real.coerce(value, param=param, ctx=ctx)


def _defaults_as_declared(command: Any, ctx: Any, *, subcommands: bool = True) -> None:
    """Every Typer parameter of ``command`` (its help option and, with ``subcommands``,
    its loaded subcommands' too) coerced by :class:`_DefaultsAsDeclared`; a Typer without
    this machinery is left as it is."""
    for param in [*command.params, command.get_help_option(ctx)]:
        if (getattr(param, "_runtime_param", False) is None
                and hasattr(param, "type_descriptor")):
            param._runtime_param = _DefaultsAsDeclared(param)
    if subcommands and isinstance(command, TyperGroup):
        for sub in command.commands.values():  # loaded ones only (values() loads nothing)
            _defaults_as_declared(sub, ctx)


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
            _defaults_as_declared(command, ctx)
        return command

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _defaults_as_declared(self, ctx, subcommands=False)  # the group's own options
        return list(super().parse_args(ctx, args))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_flags(self, ctx)
        self._listing = True
        try:
            with _fitting_help():
                super().format_help(ctx, formatter)
        finally:
            self._listing = False
