"""Tables that keep every word whole at any width (80 columns included).

Rich shrinks a table that is too wide by narrowing its widest columns, below the
longest word in them if need be; a word that no longer fits is then cut with
``…`` (an identifier such as ``sequencing=no-agreement`` becomes
``sequencing=no-a…``) or folded mid-word. :func:`fitted` lays a table out as an
HTML table does instead:

1. every column gets at least its *minimum* width (its longest word, or its whole
   content where it does not wrap) and at most its *maximum* (its longest line);
2. if the maxima fit, the table is printed as it is;
3. else if the minima fit, each column gets its minimum and the spare width is shared
   out by water-filling: every column still short of its maximum gets an equal share,
   capped at what it needs, until the width is used up (short columns end up whole,
   long text takes the rest); words wrap between words only;
4. else no column layout keeps every word whole, and the table is *stacked*: one
   block per row, its first cell as a heading and each other cell under its
   column's header (``header: value``), so every number and identifier is kept.

The console every command prints with (:class:`detente.present.terminal.DataConsole`)
applies this to every table it prints, so no command has to.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from rich.columns import Columns
from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    RenderableType,
    RenderHook,
    RenderResult,
)
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Column, Table
from rich.text import Text


def _header_text(header: RenderableType) -> str:
    text = header.plain if isinstance(header, Text) else str(header)
    return " ".join(text.split())


def _measure(table: Table, console: Console, options: ConsoleOptions,
             column: Column) -> Measurement:
    """A column's (minimum, maximum) width, padding included, as Rich measures it, except
    that a cell made of :class:`rich.columns.Columns` (Typer's help cells) is as narrow as
    its widest item rather than one character."""
    measured = table._measure_column(console, options, column)
    if column.width is not None:
        return measured
    least = 0
    for cell in table._get_cells(console, column._index, column):
        pad = cell.renderable
        inner = pad.renderable if isinstance(pad, Padding) else pad
        if isinstance(inner, Columns):
            extra = pad.left + pad.right if isinstance(pad, Padding) else 0
            items = [Measurement.get(console, options, r).minimum for r in inner.renderables]
            least = max(least, max(items, default=0) + extra)
    return Measurement(max(measured.minimum, least), max(measured.maximum, least))


def _maxima(table: Table, console: Console, options: ConsoleOptions) -> list[int]:
    return [_measure(table, console, options, c).maximum for c in table.columns]


def widths(table: Table, console: Console, options: ConsoleOptions) -> list[int] | None:
    """Each column's width (padding included) that keeps every word whole within
    ``options.max_width``, per steps 1-3 of the module docstring; ``None`` when the
    minima alone do not fit (the table must be stacked)."""
    columns = table.columns
    if not columns:
        return []
    ranges = [_measure(table, console, options, c) for c in columns]
    room = options.max_width - table._extra_width
    mins = [r.minimum for r in ranges]
    maxs = [max(r.maximum, r.minimum) for r in ranges]
    if sum(maxs) <= room:
        return maxs
    if sum(mins) > room:
        return None
    spare = room - sum(mins)
    sizes = list(mins)
    need = {i: hi - lo for i, (lo, hi) in enumerate(zip(mins, maxs, strict=True)) if hi > lo}
    # water-filling: every column still short gets an equal share of what is left, capped
    # at what it needs, so short columns are whole and long text takes the remainder
    while spare > 0 and need:
        share = max(1, spare // len(need))
        for i in sorted(need, key=lambda i: need[i]):
            give = min(share, need[i], spare)
            sizes[i] += give
            need[i] -= give
            spare -= give
            if not need[i]:
                del need[i]
            if not spare:
                break
    return sizes


def _with_widths(table: Table, sizes: list[int]) -> Table:
    out = copy.copy(table)
    out.columns = [
        dataclasses.replace(c, width=max(0, w - table._get_padding_width(c._index)),
                            min_width=None, max_width=None)
        for c, w in zip(table.columns, sizes, strict=True)
    ]
    return out


_FIGURE_LINE = re.compile(r"^\s*[-+−—\d\[(.]")


def _one_line(cell: Any) -> Any:
    """A cell of figures on several lines (``21.79`` over ``[19.0, 24.7]``) as one line
    in a stacked block; cells holding words keep their lines."""
    if isinstance(cell, str | Text):
        text = cell if isinstance(cell, Text) else Text(cell)
        lines = text.split("\n")
        if len(lines) > 1 and all(_FIGURE_LINE.match(line.plain) for line in lines):
            return Text(" ").join(lines)
    return cell


def stacked(table: Table) -> RenderableType:
    """``table`` as one block per row: the first cell as a heading, then each other
    cell after its column's header (step 4 of the module docstring)."""
    columns = table.columns
    parts: list[RenderableType] = []
    if table.title is not None:
        parts.append(table.title if not isinstance(table.title, str) else Text(table.title))
    headers = [_header_text(c.header) for c in columns]
    for row in range(table.row_count):
        cells = [c._cells[row] if row < len(c._cells) else "" for c in columns]
        first = cells[0] if columns else ""
        if not isinstance(first, str | Text):
            parts.append(first)
        elif str(first).strip():
            head = Text(first, style="bold") if isinstance(first, str) else first
            parts.append(Text.assemble(Text(f"{headers[0]}: ", style="dim"), head)
                         if headers[0] else head)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(overflow="fold")
        for header, cell in zip(headers[1:], cells[1:], strict=True):
            if isinstance(cell, str | Text) and not str(cell).strip():
                continue
            grid.add_row(f"{header}:" if header else "", _one_line(cell))
        parts.append(Padding(grid, (0, 0, 0, 2), expand=False))
    if table.caption is not None:
        parts.append(table.caption if not isinstance(table.caption, str)
                     else Text(table.caption))
    return Group(*parts)


def fitted(table: Table, console: Console, options: ConsoleOptions) -> RenderableType:
    """``table`` laid out for ``options.max_width`` with no word cut or split (see the
    module docstring): as it is, with widened-to-fit column widths, or stacked."""
    if table.width is not None:
        return table
    sizes = widths(table, console, options)
    if sizes is None:
        return stacked(table)
    if sizes == _maxima(table, console, options):
        return table  # the maxima fit: Rich lays it out as it is
    return _with_widths(table, sizes)


class Fitted:
    """A table printed through :func:`fitted` at whatever width it is printed."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield fitted(self.table, console, options)


class FitTables(RenderHook):
    """A console hook that prints every table it is given (on its own or as the body of a
    panel, as in ``--help``) through :func:`fitted`."""

    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        out: list[Any] = []
        for r in renderables:
            if isinstance(r, Table):
                r = Fitted(r)
            elif isinstance(r, Panel) and isinstance(r.renderable, Table):
                r = copy.copy(r)
                r.renderable = Fitted(r.renderable)  # type: ignore[arg-type]
            out.append(r)
        return out
