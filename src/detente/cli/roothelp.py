"""``detente --help`` printed without Typer or Rich, byte for byte what they print.

``detente --help`` took 0.4 s, two thirds of it importing Typer and Rich and laying
out two panels (issue 31, item 3: under 0.3 s). The root help is data
(:mod:`detente.cli.commands`), and where Rich would print it as plain text, its layout is
simple enough to write here:

- the usage line and the help text wrapped at the console width less a margin of one
  column each side, every line padded with spaces to the full width;
- the *Options* and *Commands* panels, as Typer builds them and
  :class:`detente.present.fit.FitTables` lays them out: every column but the last at its
  widest content (plus one column of padding each side inside the table, none at its
  edges), the last taking the rest of the panel and wrapped there by Rich's own line
  breaker (:func:`rich._wrap.divide_line`, a light import).

:func:`plain_root_help` returns ``None`` wherever its output could differ from Typer's,
and the entry point then runs Typer as before: when Rich would write colours or control
codes (a terminal, ``FORCE_COLOR``, ``TTY_COMPATIBLE``...), when the width comes from
Typer's ``TERMINAL_WIDTH``, when the output's encoding is not UTF-8 (Rich draws the
panels in ASCII then), outside POSIX, at a width where a panel would wrap a word or
stack its rows, and for help text holding Rich markup or emoji codes.
``tests/cli/test_startup.py`` compares this text with Typer's at every width from 20 to
250 columns for both program names (``detente`` and ``python -m detente``).
"""

from __future__ import annotations

import itertools
import os
import re
import sys
from collections.abc import Sequence

from detente.cli.commands import COMMANDS, ROOT_HELP, VERSION_HELP

HELP_HELP = "Show this message and exit."
"""Click's help line of the help option."""

#: The root's options as Typer's help lists them: long flags, short flags, negative long
#: and short flags, value type, help.
ROOT_OPTIONS = (("--version", "", "", "", "", VERSION_HELP),
                ("--help", "-h", "", "", "", HELP_HELP))

#: Environment variables with which Typer or Rich may style, size or place the output
#: differently from a plain pipe.
_STYLED = ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
           "TERMINAL_WIDTH", "_TYPER_FORCE_DISABLE_TERMINAL", "JUPYTER_COLUMNS",
           "JUPYTER_LINES", "LEGACY_WINDOWS")

#: Text that Rich's markup (``[bold]``, ``\\[``) or emoji codes (``:smile:``) would change.
_MARKUP = re.compile(r"\[|\\|:\S*?:")

_PANEL_MARGIN = 4  # "│ " and " │"


def program_name() -> str:
    """The program's name as click shows it in the usage line (its
    ``_detect_program_name``): ``python -m detente`` when run as a module, else the
    script's file name."""
    main = sys.modules["__main__"]
    path = sys.argv[0]
    package = getattr(main, "__package__", None)
    if package in {None, ""}:
        return os.path.basename(path)
    name = os.path.splitext(os.path.basename(path))[0]
    module = package if name == "__main__" else f"{package}.{name}"
    return f"python -m {module.lstrip('.')}"


def _console_width() -> int:
    """The width Rich's console uses when printing to a pipe: the first of stdin, stdout,
    stderr that is a terminal gives its columns, ``COLUMNS`` overrides them, else 80."""
    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80


def _click_width() -> int:
    """The width click wraps the usage line at (its ``HelpFormatter``): the terminal's
    columns as :func:`shutil.get_terminal_size` reads them, at most 80, less 2, at least
    50."""
    import shutil

    return max(min(shutil.get_terminal_size().columns, 80) - 2, 50)


def _wrap(text: str, width: int) -> list[str] | None:
    """``text`` broken into lines of at most ``width`` columns as Rich breaks a
    :class:`rich.text.Text` (its ``divide_line``); ``None`` if a word is wider than that
    (Rich would fold it, and FitTables would stack the table) or a character is not
    one column wide."""
    from rich._wrap import divide_line
    from rich.cells import cell_len

    lines: list[str] = []
    for line in text.split("\n"):
        if cell_len(line) != len(line):
            return None
        if any(len(word) > width for word in line.split()):
            return None
        offsets = [0, *divide_line(line, width, fold=True), len(line)]
        lines.extend(line[a:b].rstrip() for a, b in itertools.pairwise(offsets))
    return lines


def _padded(lines: Sequence[str], width: int, left: str = "", right: str = "") -> list[str]:
    return [f"{left}{line:<{width}}{right}" for line in lines]


def _panel(title: str, rows: list[list[str]], width: int) -> list[str]:
    """A panel of a borderless table: every column but the last at its widest cell plus
    its padding (one column each side, none at the table's edges), the last column the
    rest, its cells wrapped there."""
    inner = width - _PANEL_MARGIN
    widths = [max(len(row[i]) for row in rows) + (1 if i == 0 else 2)
              for i in range(len(rows[0]) - 1)]
    last = inner - sum(widths) - 1  # its left padding
    out = [f"╭─ {title} {'─' * (width - len(title) - 5)}╮"]
    for row in rows:
        wrapped = _wrap(row[-1], last)
        if wrapped is None:
            raise _NotPlain
        fixed = "".join(
            f"{cell:<{w - 1}} " if i == 0 else f" {cell:<{w - 2}} "
            for i, (cell, w) in enumerate(zip(row[:-1], widths, strict=True)))
        for k, line in enumerate(wrapped):
            lead = fixed if k == 0 else " " * len(fixed)
            out.append(f"│ {lead} {line:<{last}} │")
    out.append(f"╰{'─' * (width - 2)}╯")
    return out


class _NotPlain(Exception):
    """The help cannot be written here exactly as Typer would write it."""


def _plain_output() -> bool:
    """Whether Rich would write the help without any colour or control code, in UTF-8."""
    if os.name != "posix" or any(os.environ.get(name) for name in _STYLED):
        return False
    out = sys.stdout
    try:
        if out is None or out.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "")
    return encoding == "utf8"


def render(prog: str, width: int, click_width: int) -> str | None:
    """The root help at ``width`` columns for program ``prog``, or ``None`` where Typer
    would lay it out otherwise (see the module docstring)."""
    usage = f"Usage: {prog} [OPTIONS] COMMAND [ARGS]..."
    texts = [ROOT_HELP, *(o[-1] for o in ROOT_OPTIONS), *(e.help for e in COMMANDS.values())]
    if len(usage) > click_width or any(_MARKUP.search(t) for t in texts):
        return None
    first, _, rest = ROOT_HELP.partition("\n\n")
    try:
        usage_lines = _wrap(usage, width - 2)
        head = _wrap(first, width - 2)
        tail = _wrap(rest, width - 2) if rest else []
        if usage_lines is None or head is None or tail is None:
            raise _NotPlain
        blank = " " * width
        lines = [blank, *_padded(usage_lines, width - 2, " ", " "), blank,
                 *_padded(head, width - 1, " ")]
        if rest:
            lines += [blank, *_padded(tail, width - 1, " ")]
        lines.append(blank)
        lines += _panel("Options", [list(o) for o in ROOT_OPTIONS], width)
        lines += _panel("Commands", [[name, entry.help] for name, entry in COMMANDS.items()],
                        width)
    except _NotPlain:
        return None
    # click then echoes the (empty) text of its own formatter: one more line end
    return "".join(line + "\n" for line in lines) + "\n"


def plain_root_help() -> str | None:
    """``detente --help`` as Typer would print it to this process's output, or ``None``
    where that output would be styled or laid out in a way not written here."""
    if not _plain_output():
        return None
    return render(program_name(), _console_width(), _click_width())
