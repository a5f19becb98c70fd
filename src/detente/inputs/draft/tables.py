"""Finding comparative tables in an article's text (issues × parties' positions).

Three layouts are recognised, each as a block of consecutive lines with the
same number (3 or more) of cells:

- pipe rows (``| Issue | Russia | Ukraine |``; a ``|---|`` rule line is skipped),
- tab-separated rows,
- *glued* rows, as a web page's table reads when copied as text: the cells
  run together with no separator, each new cell starting with a capital
  letter straight after a lower-case letter or a closing quote
  (``Donetsk TerritoryMust be ceded to RussiaNon-negotiable, ...``). These
  need at least three lines (a header and two rows) and cells of at most 80
  characters, so that ordinary prose is never taken for a table.

Every cell keeps its exact character offsets in the article.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MAX_GLUED_CELL = 80
_GLUE = re.compile(r"(?<=[a-z”\"’)])(?=[A-Z“])")
_RULE = re.compile(r"^[\s|:+-]+$")


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and where it is in the article."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A header row and the rows under it."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    layout: str


def _trimmed(line: str, offset: int, bounds: list[tuple[int, int]]) -> tuple[Cell, ...]:
    cells = []
    for a, b in bounds:
        raw = line[a:b]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        cells.append(Cell(text, offset + a + lead, offset + a + lead + len(text)))
    return tuple(cells)


def _split_on(sep: str) -> Callable[[str, int], tuple[Cell, ...] | None]:
    def split(line: str, offset: int) -> tuple[Cell, ...] | None:
        if line.count(sep) < 2:
            return None
        bounds, start = [], 0
        for k, ch in enumerate(line):
            if ch == sep:
                bounds.append((start, k))
                start = k + 1
        bounds.append((start, len(line)))
        cells = list(_trimmed(line, offset, bounds))
        if sep == "|":  # a leading and trailing pipe frame the row
            if cells and not cells[0].text:
                cells = cells[1:]
            if cells and not cells[-1].text:
                cells = cells[:-1]
        return tuple(cells)

    return split


def _split_glued(line: str, offset: int) -> tuple[Cell, ...] | None:
    cuts = [m.start() for m in _GLUE.finditer(line)]
    if not cuts:
        return None
    edges = [0, *cuts, len(line)]
    cells = _trimmed(line, offset, list(itertools.pairwise(edges)))
    if any(not c.text or len(c.text) > MAX_GLUED_CELL for c in cells):
        return None
    return cells


_LAYOUTS = (("pipe", _split_on("|"), 2), ("tab", _split_on("\t"), 2),
            ("glued", _split_glued, 3))


def _lines(text: str) -> Iterator[tuple[str, int]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        yield line.rstrip("\r\n"), offset
        offset += len(line)


def find_tables(text: str) -> list[Table]:
    """Every table in ``text`` (see the module docstring)."""
    tables = []
    for layout, split, min_lines in _LAYOUTS:
        block: list[tuple[Cell, ...]] = []
        for line, offset in [*_lines(text), ("", len(text))]:
            if layout == "pipe" and line.strip() and _RULE.match(line) and block:
                continue
            cells = split(line, offset) if line.strip() else None
            if cells is not None and len(cells) >= 3 and (not block or len(block[0]) == len(cells)):
                block.append(cells)
                continue
            if len(block) >= min_lines:
                tables.append(Table(block[0], tuple(block[1:]), layout))
            block = [cells] if cells is not None and len(cells) >= 3 else []
    return sorted(tables, key=lambda t: t.header[0].start)
