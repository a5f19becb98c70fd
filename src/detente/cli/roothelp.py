"""``detente --help`` written without Typer or Rich, byte for byte what they write.

``detente --help`` took 0.4 s, two thirds of it importing Typer and Rich and laying
out two panels (issue 31, item 3: under 0.3 s). The root help is data
(:mod:`detente.cli.commands`), and its layout is simple enough to write here:

- the usage line and the help text wrapped at the console width less a margin of one
  column each side, every line padded with spaces to the full width;
- the *Options* and *Commands* panels, as Typer builds them and
  :class:`detente.present.fit.FitTables` lays them out: every column but the last at its
  widest content (plus one column of padding each side inside the table, none at its
  edges), the last taking the rest of the panel and wrapped there by Rich's own line
  breaker (:func:`rich._wrap.divide_line`, a light import);
- in a terminal, Rich's colour codes: each run of text between the edges of the spans of
  Typer's option highlighter (``--top``, ``-h``, ``Usage:``) in its style, the commands'
  names bold cyan, the borders and the help's later paragraphs dim, as
  ``ESC[codesm…ESC[0m`` around every styled run, exactly where Rich splits them.

:func:`plain_root_help` returns ``None`` wherever its output could differ from Typer's,
and the entry point then runs Typer as before: when Typer or Rich would be told how to
write by the environment (``FORCE_COLOR``, ``TTY_COMPATIBLE``, ``TERMINAL_WIDTH``,
``NO_COLOR`` or ``TERM=dumb`` in a terminal...), when the output's encoding is not UTF-8
(Rich draws the panels in ASCII then), outside POSIX, at a width where a panel would wrap
a word or stack its rows (below 54-60 columns), and for help text holding Rich markup,
emoji codes or ``<...>`` types. ``tests/cli/test_startup.py`` compares this text with
Typer's, plain and in colour, for both program names (``detente``, ``python -m
detente``), at the widths around every edge (every width from 20 to 250 in a slow test),
and on a pipe and a pseudo-terminal.
"""

from __future__ import annotations

import itertools
import os
import re
import sys

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


Segment = tuple[str, str]
"""A run of text and its SGR codes (``"1;36"``; ``""`` for none), as Rich writes it."""

#: Typer's option highlighter (``typer.rich_utils.OptionHighlighter``) and its theme:
#: each match of a named group is a span of that style, in this order (a later span's
#: colour wins where two overlap); ``types`` (``<...>``) is not written here.
_HIGHLIGHTS = (re.compile(r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])"),
               re.compile(r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])"),
               re.compile(r"(?P<types>\<[^\>]+\>)"),
               re.compile(r"(?P<usage>Usage: )"))
_THEME = {"switch": (("1",), "32"), "option": (("1",), "36"), "usage": ((), "33")}
_Style = tuple[tuple[str, ...], str]  # attributes, colour
_PLAIN: _Style = ((), "")
_BOLD: _Style = (("1",), "")
_DIM: _Style = (("2",), "")
_BOLD_CYAN: _Style = (("1",), "36")


def _combine(*styles: _Style) -> str:
    """The SGR codes of ``styles`` laid over each other (attributes add up, the last colour
    wins), in Rich's order: attributes by number, then the colour."""
    attributes = sorted({a for style, _ in styles for a in style}, key=int)
    colours = [colour for _, colour in styles if colour]
    return ";".join([*attributes, *colours[-1:]])


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for pattern in _HIGHLIGHTS:
        for match in pattern.finditer(text):
            for name in match.groupdict():
                start, end = match.span(name)
                if start > -1 and end > start:
                    if name not in _THEME:
                        raise _NotPlain
                    spans.append((start, end, name))
    return spans


def _lines(text: str, width: int) -> list[tuple[int, int]]:
    """Where Rich breaks ``text`` (one paragraph) at ``width`` columns
    (:func:`rich._wrap.divide_line`): each line's ``(start, end)``, trailing whitespace
    beyond the width removed as Rich's ``rstrip_end`` does. A word wider than the width
    (Rich would fold it, and FitTables would stack the table), a line break or a
    character not one column wide is not written here."""
    from rich._wrap import divide_line
    from rich.cells import cell_len

    if cell_len(text) != len(text) or "\n" in text or "\t" in text:
        raise _NotPlain
    if any(len(word) > width for word in text.split()):
        raise _NotPlain
    offsets = [0, *divide_line(text, width, fold=True), len(text)]
    out = []
    for a, b in itertools.pairwise(offsets):
        excess = (b - a) - width
        if excess > 0:
            b -= min(excess, len(text[a:b]) - len(text[a:b].rstrip()))
        out.append((a, b))
    return out


def _text(text: str, spans: list[tuple[int, int, str]], a: int, b: int, base: _Style,
          over: _Style = _PLAIN, pad: int = 0) -> list[Segment]:
    """Line ``text[a:b]`` as Rich renders a line of a :class:`rich.text.Text` of style
    ``base``: a run at every edge of a span, each in ``base`` and its spans' styles, with
    ``pad`` spaces of ``base`` after it (a left-justified table cell), all under ``over``
    (a table column's or ``print``'s style)."""
    line = text[a:b] + " " * pad
    local = [(max(s, a) - a, min(e, b) - a, n) for s, e, n in spans if s < b and e > a]
    edges = sorted({0, len(line), *(x for s, e, _ in local for x in (s, e))})
    out = []
    for x, y in itertools.pairwise(edges):
        styles = [_THEME[n] for s, e, n in local if s <= x and e >= y]
        out.append((line[x:y], _combine(over, base, *styles)))
    return out


def _panel(title: str, rows: list[list[str]], width: int, first: _Style) -> list[list[Segment]]:
    """A panel of a borderless table: every column but the last at its widest cell plus
    its padding (one column each side, none at the table's edges), the last column the
    rest, its cells wrapped there; the first column in ``first`` (as its cells' style)."""
    inner = width - _PANEL_MARGIN
    widths = [max(len(row[i]) for row in rows) + (1 if i == 0 else 2)
              for i in range(len(rows[0]) - 1)]
    last = inner - sum(widths) - 1  # its left padding
    dim = _combine(_DIM)
    out = [[("╭─", dim), (f" {title} ", dim), ("─" * (width - len(title) - 6), dim),
            ("─╮", dim)]]
    for row in rows:
        help_spans = _spans(row[-1])
        for k, (a, b) in enumerate(_lines(row[-1], last)):
            line: list[Segment] = [("│", dim), (" ", "")]
            for i, (cell, w) in enumerate(zip(row[:-1], widths, strict=True)):
                if k and i == 0 and first != _PLAIN:
                    line.append((" " * w, _combine(first)))  # a blank line of the cell
                    continue
                if i:
                    line.append((" ", _combine(first) if i == 0 else ""))
                content = w - (1 if i == 0 else 2)
                if k:
                    line.append((" " * content, ""))
                else:
                    line += _text(cell, _spans(cell), 0, len(cell), _PLAIN, first if i == 0
                                  else _PLAIN, pad=content - len(cell))
                line.append((" ", _combine(first) if i == 0 else ""))
            line.append((" ", ""))
            line += _text(row[-1], help_spans, a, b, _PLAIN, pad=last - (b - a))
            line += [(" ", ""), ("│", dim)]
            out.append(line)
    out.append([(f"╰{'─' * (width - 2)}╯", dim)])
    return out


class _NotPlain(Exception):
    """The help cannot be written here exactly as Typer would write it."""


def _output() -> bool | None:
    """How Rich would write the help to this process's output: ``False`` as plain text,
    ``True`` with the colours of a terminal, ``None`` in a way not written here."""
    if os.name != "posix" or any(os.environ.get(name) for name in _STYLED):
        return None
    out = sys.stdout
    try:
        if out is None:
            return None
        terminal = out.isatty()
    except (AttributeError, ValueError):
        return None
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "")
    if encoding != "utf8":
        return None
    if terminal and (os.environ.get("NO_COLOR")
                     or os.environ.get("TERM", "").lower() in ("dumb", "unknown")):
        return None
    return terminal


def segments(prog: str, width: int, click_width: int) -> list[list[Segment]] | None:
    """The root help at ``width`` columns for program ``prog``, line by line, or ``None``
    where Typer would lay it out otherwise (see the module docstring)."""
    usage = f"Usage: {prog} [OPTIONS] COMMAND [ARGS]..."
    texts = [ROOT_HELP, *(o[-1] for o in ROOT_OPTIONS), *(e.help for e in COMMANDS.values())]
    if len(usage) > click_width or any(_MARKUP.search(t) for t in texts):
        return None
    first, _, rest = ROOT_HELP.partition("\n\n")
    try:
        bold = _combine(_BOLD)
        blank = [(" " * width, "")]
        usage_lines = _lines(usage, width - 2)
        if len(usage_lines) > 1:
            raise _NotPlain
        lines: list[list[Segment]] = [[(" " * width, bold)]]
        lines.append([(" ", bold), *_text(usage, _spans(usage), 0, len(usage), _PLAIN, _BOLD),
                      (" " * (width - 2 - len(usage)), bold), (" ", bold)])
        lines.append([(" " * width, bold)])
        for k, (paragraph, style) in enumerate(((first, _PLAIN), (rest, _DIM))):
            if not paragraph:
                continue
            if k:
                lines.append(blank)
            if _spans(paragraph):
                raise _NotPlain
            for a, b in _lines(paragraph, width - 2):
                lines.append([(" ", ""), *_text(paragraph, [], a, b, style),
                              (" " * (width - 1 - (b - a)), "")])
        lines.append(blank)
        lines += _panel("Options", [list(o) for o in ROOT_OPTIONS], width, _PLAIN)
        lines += _panel("Commands", [[name, entry.help] for name, entry in COMMANDS.items()],
                        width, _BOLD_CYAN)
    except _NotPlain:
        return None
    return lines


def write(lines: list[list[Segment]], styled: bool) -> str:
    """The text of ``lines``, with Rich's escape codes (``ESC[codesm…ESC[0m`` around each
    styled run) or without; click then echoes its own (empty) help text: one more line
    end."""
    def run(text: str, codes: str) -> str:
        return f"\x1b[{codes}m{text}\x1b[0m" if styled and codes and text else text

    return "".join("".join(run(t, c) for t, c in line) + "\n" for line in lines) + "\n"


def render(prog: str, width: int, click_width: int, styled: bool = False) -> str | None:
    """The root help as text (with colours if ``styled``), or ``None`` (see
    :func:`segments`)."""
    lines = segments(prog, width, click_width)
    return None if lines is None else write(lines, styled)


def plain_root_help() -> str | None:
    """``detente --help`` as Typer would print it to this process's output, or ``None``
    where that output would be styled or laid out in a way not written here."""
    styled = _output()
    if styled is None:
        return None
    return render(program_name(), _console_width(), _click_width(), styled)
