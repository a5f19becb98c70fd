"""Read one CSV file into a typed pandas table, or say exactly what is wrong with it.

A :class:`Column` declares a column's name, kind (integer, number, text, date) and,
where the source documents them, its allowed codes. :func:`read_table` checks the
header (a file without the declared columns is a *foreign* file: the error lists the
missing ones) and every cell, and raises :class:`~detente.errors.FormatError` whose
problems name the file, the line (1 = header) and the column. Nothing here knows year
ranges or row counts: a later release of a data set with the same columns reads the same.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from detente.errors import FormatError, Problem, short

Kind = Literal["int", "float", "str", "date"]

MAX_PROBLEMS = 20
"""At most this many cell problems are reported (then "... and N more")."""


@dataclass(frozen=True)
class Column:
    """A declared column: ``codes`` (for ``int``) lists the allowed values, ``required``
    whether a blank cell is an error."""

    name: str
    kind: Kind = "int"
    required: bool = True
    codes: tuple[int, ...] | None = None


def _expected(col: Column) -> str:
    if col.codes is not None:
        return "one of " + ", ".join(map(str, col.codes))
    return {"int": "an integer", "float": "a number", "str": "text",
            "date": "a date YYYY-MM-DD"}[col.kind] + ("" if col.required else " or blank")


def read_table(path: str | os.PathLike[str], columns: Sequence[Column], *,
               what: str) -> pd.DataFrame:
    """The declared ``columns`` of ``path`` as a typed frame (other columns are dropped).

    Integers become ``Int64`` (blank = ``<NA>``), numbers ``float64`` (blank = NaN), dates
    ``datetime64``; ``what`` names the data set in the error of a foreign file. The frame
    keeps each row's file line in the column ``_line``.
    """
    file = str(path)
    header, raw = _read_raw(Path(path), file)
    missing = [c.name for c in columns if c.name not in header]
    if missing:
        raise FormatError([Problem(("header",), f"columns {', '.join(header[:12]) or 'none'}",
                                   f"a {what} file with columns {', '.join(missing)}",
                                   file, 1)])
    problems: list[Problem] = []
    out: dict[str, object] = {"_line": np.arange(2, len(raw) + 2)}
    for col in columns:
        cells = raw[col.name].str.strip()
        out[col.name] = _convert(cells, col, file, problems)
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        shown = problems[:MAX_PROBLEMS]
        if extra > 0:
            shown.append(Problem(("...",), f"{extra} more problem(s)", "valid cells", file))
        raise FormatError(shown)
    return pd.DataFrame(out)


def _read_raw(path: Path, file: str) -> tuple[list[str], pd.DataFrame]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise FormatError([Problem(("file",), "no such file", "a CSV file", file)]) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FormatError([Problem(("file",), short(str(exc), 80), "a readable UTF-8 CSV file",
                                   file)]) from None
    if not rows:
        raise FormatError([Problem(("header",), "an empty file", "a header line", file, 1)])
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    width = len(header)
    for k, row in enumerate(body):
        if len(row) != width:
            raise FormatError([Problem(("row",), f"{len(row)} fields",
                                       f"{width} fields, as in the header", file, k + 2)])
    frame = pd.DataFrame(body, columns=header, dtype=object) if body else \
        pd.DataFrame({h: pd.Series([], dtype=object) for h in header})
    return header, frame.astype(str)


def _convert(cells: pd.Series, col: Column, file: str,
             problems: list[Problem]) -> pd.Series:
    blank = cells.eq("") | cells.str.upper().isin(["NA", "NAN"])
    if col.required and blank.any():
        for k in np.flatnonzero(blank.to_numpy())[:MAX_PROBLEMS]:
            problems.append(Problem((col.name,), "a blank cell", _expected(col), file,
                                    int(k) + 2))
    values = cells.where(~blank, None)
    if col.kind == "str":
        return values.astype("string")
    if col.kind == "date":
        parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    else:
        parsed = pd.to_numeric(values, errors="coerce")
    bad = parsed.isna() & ~blank
    if col.kind == "int":
        frac = parsed.notna() & (parsed != np.floor(parsed.fillna(0)))
        bad |= frac
        if col.codes is not None:
            bad |= parsed.notna() & ~parsed.isin(col.codes)
    for k in np.flatnonzero(bad.to_numpy())[:MAX_PROBLEMS]:
        problems.append(Problem((col.name,), short(cells.iloc[k]), _expected(col), file,
                                int(k) + 2))
    if col.kind == "int":
        return parsed.where(~bad).astype("Float64").astype("Int64")
    if col.kind == "float":
        return parsed.where(~bad).astype("float64")
    return parsed
