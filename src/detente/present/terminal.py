"""User text is data, never markup: one place that makes it safe for a terminal.

Text from a scenario (titles, names, labels, evidence, sources, ids) and the
error messages that quote it reach the terminal through Rich. Rich reads
``[...]`` as markup and ``:name:`` as emoji codes, and a terminal obeys raw
escape sequences (colours, window titles, hyperlinks). So:

- :func:`make_console` builds the consoles the CLI prints with: markup and
  emoji codes off (a ``str`` is printed as it is), and every control character
  in printed text shown visibly (``\\x1b``), whatever renderable carries it;
- :func:`styled` builds styled text from a markup template written in code,
  with user values inserted as plain text (never parsed);
- every table it prints keeps its words whole at the width printed
  (:mod:`detente.present.fit`: wrapped between words, or stacked);
- :func:`visible` is the plain-text rule on its own (for ``typer.echo`` of
  CSV to a terminal, and for HTML/JS, which escape separately).
"""

from __future__ import annotations

import json as _json
import re
import string
from collections.abc import Callable, Iterable
from typing import IO, Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.highlighter import JSONHighlighter
from rich.markup import escape
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from detente.present.fit import Fitted

# C0 and C1 controls except newline and tab, DEL, and the bidirectional overrides that
# can make a terminal show text in another order than it is stored
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """``text`` with every control character shown as an escape (``"\\x1b"``).

    Newlines and tabs are kept; everything else that a terminal would obey
    instead of print (ESC, BEL, CR, backspace, bidi overrides) is spelled out.
    """
    return _CONTROL.sub(_escape_char, text) if _CONTROL.search(text) else text


def has_control(text: str) -> bool:
    """Whether ``text`` holds a character :func:`visible` would spell out."""
    return _CONTROL.search(text) is not None


def literal(value: Any) -> Text:
    """A user value as Rich text that is printed exactly (controls made visible)."""
    return Text(visible(str(value)))


class _Fields(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        return escape(visible(format(value, format_spec)))


_FIELDS = _Fields()


def styled(template: str, /, *args: Any, **kwargs: Any) -> Text:
    """Rich markup written in code, with user values inserted as plain text.

    ``styled("[bold]{name}[/] under {model}", name=issue.name, model=m.name)``:
    the template's tags style the line; ``[red]`` or ``:100:`` inside a value is
    printed as typed, and control characters in it are shown visibly.
    """
    return Text.from_markup(_FIELDS.format(template, *args, **kwargs), emoji=False)


class _VisibleControls:
    """Wraps a renderable; its printed text shows control characters visibly."""

    def __init__(self, inner: RenderableType):
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        inner = Fitted(self.inner) if isinstance(self.inner, Table) else self.inner
        for segment in console.render(inner, options):
            if segment.control is None and has_control(segment.text):
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment


class _ControlHook(RenderHook):
    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        return [_VisibleControls(r) for r in renderables]


class DataConsole(Console):
    """A console for data: no markup or emoji codes in strings, controls made visible.

    Strings are made visible before Rich builds its text (which would silently
    drop some controls, such as the BEL ending a window-title sequence, and keep
    ESC); any other renderable (a table holding user text) is checked as it is
    printed.
    """

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("highlight", False)
        super().__init__(**kwargs)
        if kwargs.get("width") is None:  # read $COLUMNS when printing, not when created:
            self._width = None  # the CLI's consoles are made when a command is first run
        if kwargs.get("height") is None:
            self._height = None
        self.push_render_hook(_ControlHook())

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(visible(text), **kwargs)

    def print_json(self, json: str | None = None, *, data: Any = None,
                   indent: int | str | None = 2, highlight: bool = True, **kwargs: Any) -> None:
        """JSON as Rich prints it, except that control characters JSON leaves raw (C1,
        bidi overrides) are written as ``\\uXXXX`` escapes: still valid JSON, the same
        strings when parsed, and nothing a terminal obeys."""
        obj = data if json is None else _json.loads(json)
        kwargs.setdefault("ensure_ascii", False)
        text = _CONTROL.sub(_json_escape, _json.dumps(obj, indent=indent, **kwargs))
        rich_text = Text(text)
        if highlight:
            JSONHighlighter().highlight(rich_text)
        self.print(rich_text, soft_wrap=True)


def make_console(*, stderr: bool = False, file: IO[str] | None = None, **kwargs: Any) -> Console:
    """The console every command prints with (see :class:`DataConsole`)."""
    return DataConsole(stderr=stderr, file=file, **kwargs)


def for_stream(text: str, stream: IO[str]) -> str:
    """``text`` as written to ``stream``: controls made visible on a terminal, else unchanged
    (so that CSV or JSON piped to a file round-trips exactly)."""
    isatty = getattr(stream, "isatty", None)
    return visible(text) if isatty is not None and isatty() else text


def join(values: Iterable[Any], sep: str = ", ") -> str:
    """User values joined as plain text with control characters visible."""
    return sep.join(visible(str(v)) for v in values)


class ByWidth:
    """A renderable built for the width it is printed at: ``build(width)`` chooses what fits
    (e.g. a table that leaves out a picture column at 80 columns rather than cut numbers)."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        built = self.build(options.max_width)
        yield Fitted(built) if isinstance(built, Table) else built


class Hanging:
    """One line of an indented listing, wrapped on words with a hanging indent, never at
    the left edge: a bullet's continuation lines sit beneath its text (``"  - crosses
    UKR's red line …"`` continues beneath ``crosses``), other lines' two columns in from
    where the text starts (``"  package: …"`` continues at column 4)."""

    def __init__(self, prefix: str, body: Text) -> None:
        self.prefix, self.body = prefix, body
        bullet = prefix.endswith("- ")
        self.rest = " " * len(prefix) + ("" if bullet else "  ")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - len(self.rest), 8)
        for k, part in enumerate(self.body.wrap(console, width, overflow="fold")):
            part.rstrip()
            yield Text(self.rest if k else self.prefix) + part


def hanging(line: str, style: str = "") -> RenderableType:
    """``line`` as data (controls visible), wrapped with a hanging indent (:class:`Hanging`)
    after its leading spaces and ``- `` bullet; a line without indent is plain text."""
    body = line.lstrip(" ")
    prefix = line[:len(line) - len(body)]
    if body.startswith("- "):
        prefix, body = prefix + "- ", body[2:]
    if not prefix:
        return Text(visible(line), style=style)
    return Hanging(prefix, Text(visible(body), style=style))
