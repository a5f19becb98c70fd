"""Reading one analyst's estimates: a whole scenario file, or a compact CSV of stances.

Every analyst describes the *same* negotiation: the same actors, issues,
capabilities and scales; only the stances (positions, saliences, their
ranges and evidence) may differ. Two forms are read:

- a scenario in any supported format (YAML, detente CSV, ...), compared with
  the panel's base scenario field by field (sources may be added);
- a compact CSV with one stance a row, applied to a base scenario::

      actor,issue,position,salience,position_low,position_high,salience_low,salience_high,evidence
      RUS,donetsk,90,0.9,,,,,reads the call as a firm demand

  (``actor``, ``issue``, ``position``, ``salience`` required; the rest optional).
  An analyst who gives no row for a stance takes none on it.

The analyst's name is the file's stem (``alice.yaml`` -> ``alice``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente import formats
from detente.errors import DetenteError, FormatError, OptionError, Problem, ScenarioError, short
from detente.formats.tabular import delimited_rows
from detente.inputs.files import read_text
from detente.scenario import Scenario

COMPACT_COLUMNS = ("actor", "issue", "position", "salience", "position_low", "position_high",
                   "salience_low", "salience_high", "evidence", "sources")
_REQUIRED = ("actor", "issue", "position", "salience")


@dataclass(frozen=True)
class AnalystEstimates:
    """One analyst's scenario (the base with their stances) and where it came from."""

    analyst: str
    scenario: Scenario
    file: str


def is_compact_csv(text: str) -> bool:
    """A CSV whose first non-comment line is a header starting ``actor,issue``."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        cells = [c.strip().lower() for c in stripped.split(",")]
        return cells[:2] == ["actor", "issue"]
    return False


def read_estimates(
    paths: Sequence[str | os.PathLike[str]],
    *,
    base: Scenario | None = None,
) -> list[AnalystEstimates]:
    """Every analyst's estimates, checked against one base scenario.

    The base is ``base`` if given, else the first file that is a whole
    scenario (a compact CSV needs one). Two files with the same stem are an
    error (the stem names the analyst).
    """
    if len(paths) < 2:
        raise DetenteError(f"a panel needs at least two analysts' files (got {len(paths)})")
    texts: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        texts.append((path, read_text(path)))
    names = [p.stem for p, _ in texts]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise DetenteError(f"analysts are named by their file's stem; {', '.join(twice)} "
                           "appears more than once (rename one file)")
    wholes: dict[Path, Scenario] = {}
    for path, text in texts:
        if not (path.suffix.lower() == ".csv" and is_compact_csv(text)):
            wholes[path] = formats.read(path)
    if base is None:
        if not wholes:
            raise OptionError("every analyst's file is a compact CSV of stances: give the "
                              "scenario they apply to ({base})")
        base = next(iter(wholes.values()))
    out = []
    for path, text in texts:
        if path in wholes:
            scenario = wholes[path]
            _check_same_frame(base, scenario, str(path))
        else:
            scenario = _apply_compact(base, text, str(path))
        out.append(AnalystEstimates(path.stem, scenario, str(path)))
    return out


def _frame(scenario: Scenario) -> dict[str, Any]:
    """What every analyst must share: the scenario without stances and sources."""
    data = scenario.to_dict()
    for key in ("stances", "sources", "name", "title", "description"):
        data.pop(key, None)
    return data


def _check_same_frame(base: Scenario, other: Scenario, file: str) -> None:
    """Problems for every field outside the stances where ``other`` differs from ``base``."""
    diffs = list(_differences(_frame(base), _frame(other), ()))
    src_base = {s.id: s for s in base.sources}
    for k, src in enumerate(other.sources):
        if src.id in src_base and src_base[src.id] != src:
            diffs.append((("sources", k), f"source {src.id!r} described differently"))
    if diffs:
        problems = [Problem(path, found, "the same value as in the panel's base scenario "
                            f"{base.name!r} (analysts may differ only in their stances)", file)
                    for path, found in diffs[:12]]
        raise ScenarioError(problems, file=file)


def _differences(a: Any, b: Any, path: tuple[str | int, ...]
                 ) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in b:
                yield path + (key,), "nothing (the base has a value)"
            elif key not in a:
                yield path + (key,), f"{short(b[key])} (the base has none)"
            else:
                yield from _differences(a[key], b[key], path + (key,))
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield path, f"{len(b)} entries (the base has {len(a)})"
            return
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _differences(x, y, path + (k,))
    elif a != b:
        yield path, short(b)


def _apply_compact(base: Scenario, text: str, file: str) -> Scenario:
    """The base scenario with its stances replaced by the rows of a compact CSV."""
    rows = delimited_rows(text, file=file)
    rows = [(line, cells) for line, cells in rows
            if any(cells) and not cells[0].startswith("#")]
    header = [c.lower() for c in rows[0][1]]
    problems = []
    unknown = [c for c in header if c not in COMPACT_COLUMNS]
    missing = [c for c in _REQUIRED if c not in header]
    if unknown or missing:
        found = ", ".join([f"unknown column(s) {', '.join(unknown)}"] * bool(unknown)
                          + [f"no column(s) {', '.join(missing)}"] * bool(missing))
        raise FormatError([Problem((), found, "columns among " + ", ".join(COMPACT_COLUMNS)
                                   + " (actor, issue, position, salience required)",
                                   file, rows[0][0])], file=file)
    stances: list[dict[str, Any]] = []
    lines: dict[tuple[str | int, ...], int] = {}
    for line, cells in rows[1:]:
        if len(cells) > len(header):
            problems.append(Problem((), f"{len(cells)} cells", f"at most {len(header)}",
                                    file, line))
            continue
        row = {h: c for h, c in zip(header, cells, strict=False) if c != ""}
        stance: dict[str, Any] = {k: row[k] for k in ("actor", "issue", "position", "salience",
                                                       "evidence") if k in row}
        for q in ("position", "salience"):
            lo, hi = row.get(f"{q}_low"), row.get(f"{q}_high")
            if lo is not None or hi is not None:
                stance.setdefault("uncertainty", {})[q] = [lo, hi]
        if "sources" in row:
            stance["sources"] = [s.strip() for s in row["sources"].split(";") if s.strip()]
        lines[("stances", len(stances))] = line
        stances.append(stance)
    if problems:
        raise FormatError(problems, file=file)
    data = base.to_dict()
    data["stances"] = stances

    def locate(path: tuple[str | int, ...]) -> int | None:
        return lines.get(tuple(path[:2]))

    return Scenario.from_dict(data, file=file, locate=locate)
