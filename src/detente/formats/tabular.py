"""Reading delimited text (CSV, TSV) into numbered rows, with clean errors."""

from __future__ import annotations

import csv
import io

from detente.errors import FormatError, Problem

SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\x1c\x1d\x1e\x1f")
"""What a cell is stripped of: Unicode white space, as the scenario validator strips it
(Python's ``str.strip`` would also take the separators ``\x1c``-``\x1f``, so that text
ending in one would not come back as written)."""


def delimited_rows(
    text: str, *, file: str | None = None, delimiter: str = ","
) -> list[tuple[int, list[str]]]:
    """``(line number, cells)`` for every row; malformed input is a :class:`FormatError`.

    The line number is that of the row's last physical line (a quoted cell may
    span lines). Cells are stripped of surrounding white space.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, [c.strip(SPACE) for c in row]) for row in reader]
    except csv.Error as exc:
        raise FormatError(
            [Problem((), f"malformed delimited text ({exc})", "well-formed CSV/TSV", file,
                     reader.line_num or None)],
            file=file,
        ) from None
