"""The classic expected-utility-model CSV: one issue, one row per actor.

The public implementations of Bueno de Mesquita's model (dmasad, jmckib,
minimalgeek) all read a four-column table, with different header words::

    Actor,Capability,Position,Salience          (dmasad, jmckib)
    name,capability,position,salience          (minimalgeek)
    Stakeholder,Resources,Position,Salience    (dmasad's China and Honduras data)

Reading rules (all overridable by keyword):

- **Header.** The first non-blank line names the four columns, in any order,
  case-insensitively; the words recognised for each are in ``_ALIASES``. The
  delimiter is a comma, semicolon or tab, whichever the header line holds.
  ``sniff`` accepts a file only when its header maps onto exactly these four
  roles, so other ``.csv`` formats are not mistaken for this one.
- **Salience scale** (``salience_scale``): ``"auto"`` (default) reads the
  saliences as percentages (0–100, divided by 100) when any salience in the
  file exceeds 1, and as fractions (0–1) otherwise. A 0–100 file in which
  every salience happens to be 0 or 1 is therefore read as 0–1: pass
  ``salience_scale="percent"`` for it. ``"unit"`` forces 0–1.
- **Issue scale** (``scale``): the files carry no scale, so by default the
  issue runs from the lowest to the highest stated position (the range the
  expected utility model itself normalises distances by). When every actor
  states the same position ``p`` the scale is ``p − 1 .. p + 1``. Pass
  ``scale=(low, high)`` to set it.
- **Actor ids** are the names; a name that occurs again (the litigation case
  study has two "Attorney" rows) gets the id ``"<name> (2)"``, ``(3)``, ...
  while its ``name`` stays as written.

The scenario is named after the file (``dmasad__ExampleActors``); its one
issue has the id ``issue``.

Writing (``dumps``) produces ``name,capability,position,salience`` with
saliences as fractions and the actor *ids* in the name column (the one label
column the format has); numbers are written with ``repr`` so that they read
back exactly. The format holds one issue: for a scenario with several, pass
``issue=``; actors with no stance on it are left out.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Any, Literal

from detente.errors import DetenteError, FormatError, Path, Problem, ScenarioError, short
from detente.formats.tabular import delimited_rows
from detente.scenario import Scenario

NAME = "eum-csv"

ISSUE_ID = "issue"

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "actor", "stakeholder", "player", "actor name"),
    "capability": ("capability", "resources", "power", "influence", "clout", "capabilities"),
    "position": ("position", "pos", "preference"),
    "salience": ("salience", "importance", "priority"),
}
_ROLE_OF = {alias: role for role, aliases in _ALIASES.items() for alias in aliases}

SalienceScale = Literal["auto", "unit", "percent"]


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _header_roles(cells: Sequence[str]) -> list[str | None]:
    return [_ROLE_OF.get(c.strip().strip('"').strip().lower()) for c in cells]


def sniff(text: str) -> bool:
    """True when the first non-blank line is a four-column EUM header."""
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], delimiter=_delimiter(line)))
        except csv.Error:
            return False
        cells = [c for c in cells if c.strip()]  # spreadsheets add trailing commas
        roles = _header_roles(cells)
        return len(roles) == 4 and set(roles) == set(_ALIASES)
    return False


def loads(
    text: str,
    *,
    file: str | None = None,
    salience_scale: SalienceScale = "auto",
    scale: tuple[float, float] | None = None,
    name: str | None = None,
) -> list[Scenario]:
    """Read one EUM table into a one-issue :class:`Scenario` (see the module doc)."""
    if salience_scale not in ("auto", "unit", "percent"):
        raise DetenteError(
            f"salience_scale {salience_scale!r}: expected 'auto', 'unit' or 'percent'"
        )
    problems: list[Problem] = []

    def add(path: Path, found: str, expected: str, line: int | None) -> None:
        problems.append(Problem(path, found, expected, file, line))

    lines = text.splitlines()
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise FormatError([Problem((), "an empty file", "a header line "
                                   "(name,capability,position,salience) and one row per actor",
                                   file, 1)], file=file)
    delim = _delimiter(lines[first])
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in delimited_rows(text, file=file, delimiter=delim):
        if not any(cells):
            continue
        if header is None:
            header = cells
            while header and not header[-1]:
                header = header[:-1]
            roles = _header_roles(header)
            for k, role in enumerate(roles):
                if role is None:
                    add(("header", k), short(header[k]),
                        "one of the columns name, capability, position, salience "
                        "(or Actor/Stakeholder, Resources, ...)", line)
                elif role in columns:
                    add(("header", k), f"a second {role} column {header[k]!r}",
                        "each column once", line)
                else:
                    columns[role] = k
            missing = [role for role in _ALIASES if role not in columns]
            if missing and not problems:
                add(("header",), f"no {' or '.join(missing)} column",
                    "the columns name, capability, position, salience", line)
            if problems:
                raise FormatError(problems, file=file)
            continue
        if len(cells) < len(header) or any(cells[len(header):]):
            add(("actors", len(rows)), f"{len(cells)} fields ({short(delim.join(cells))})",
                f"{len(header)} fields: {delim.join(header)}", line)
            rows.append((line, {}))
            continue
        rows.append((line, {role: cells[k] for role, k in columns.items()}))
    if header is not None and not rows:
        add(("actors",), "no actor rows", "one row per actor below the header", None)

    # parse the numbers, row by row
    parsed: list[tuple[int, int, str, float, float, float]] = []
    for index, (line, row) in enumerate(rows):
        if not row:
            continue
        ok = True
        label = row["name"]
        if not label:
            add(("actors", index, "name"), "an empty name", "the actor's name", line)
            ok = False
        values: dict[str, float] = {}
        for role in ("capability", "position", "salience"):
            raw = row[role]
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                path: Path = ("actors", index, role) if role == "capability" else (
                    "stances", index, role)
                add(path, short(raw), "a finite number", line)
                ok = False
            values[role] = value
        if ok:
            parsed.append((index, line, label, values["capability"], values["position"],
                           values["salience"]))

    percent = salience_scale == "percent" or (
        salience_scale == "auto" and any(p[5] > 1 for p in parsed)
    )
    divisor = 100.0 if percent else 1.0
    if scale is not None:
        low, high = float(scale[0]), float(scale[1])
        if not low < high:
            raise DetenteError(f"scale {scale!r}: expected (low, high) with low < high")
    clean: list[tuple[int, int, str, float, float, float]] = []
    for index, line, label, cap, pos, sal in parsed:
        ok = True
        if cap < 0:
            add(("actors", index, "capability"), short(cap), "a capability >= 0", line)
            ok = False
        if not 0 <= sal <= divisor:
            unit = "0..100 (this file's saliences read as percentages)" if percent else "0..1"
            add(("stances", index, "salience"), short(sal), f"a salience within {unit}", line)
            ok = False
        if scale is not None and not low <= pos <= high:
            add(("stances", index, "position"), short(pos),
                f"a position within the scale {low:g}..{high:g}", line)
            ok = False
        if ok:
            clean.append((index, line, label, cap, pos, sal))
    parsed = clean

    if scale is None and parsed:
        low = min(p[4] for p in parsed)
        high = max(p[4] for p in parsed)
        if low == high:
            low, high = low - 1.0, high + 1.0
    elif scale is None:
        low, high = 0.0, 1.0

    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    line_of: dict[Path, int] = {}
    seen: dict[str, int] = {}
    used: set[str] = {p[2] for p in parsed}
    for _index, line, label, cap, pos, sal in parsed:
        actor_id = label
        if label in seen:
            n = seen[label] + 1
            while f"{label} ({n})" in used:
                n += 1
            actor_id = f"{label} ({n})"
            seen[label] = n
            used.add(actor_id)
        else:
            seen[label] = 1
        k = len(actors)
        actors.append({"id": actor_id, "name": label, "capability": cap})
        stances.append({"actor": actor_id, "issue": ISSUE_ID, "position": pos,
                        "salience": sal / divisor})
        line_of[("actors", k)] = line
        line_of[("stances", k)] = line

    scenario_name = name or (PurePath(file).stem if file else "eum-csv")
    data = {
        "name": scenario_name,
        "title": f"{scenario_name} (expected-utility CSV)",
        "actors": actors,
        "issues": [{"id": ISSUE_ID, "name": scenario_name, "low": low, "high": high}],
        "stances": stances,
        "metadata": {"format": NAME, "salience_scale": "percent" if percent else "unit"},
    }
    # rows with problems were left out: map the dict's row numbers back to the file's rows
    row_index = [p[0] for p in parsed]

    def locate(path: Path) -> int | None:
        if len(path) >= 2 and path[0] in ("actors", "stances") and isinstance(path[1], int):
            return line_of.get((str(path[0]), path[1]))
        return None

    scenario: Scenario | None = None
    if problems and not actors:
        raise FormatError(sorted(problems, key=lambda p: p.line or 0), file=file)
    try:
        scenario = Scenario.from_dict(data, file=file, locate=locate)
    except ScenarioError as exc:
        for p in exc.problems:
            path = p.path
            if len(path) >= 2 and path[0] in ("actors", "stances") and isinstance(path[1], int):
                path = (path[0], row_index[path[1]], *path[2:])
            problems.append(replace(p, path=path))
    if problems:
        raise FormatError(sorted(problems, key=lambda p: p.line or 0), file=file)
    assert scenario is not None
    return [scenario]


def dumps(scenario: Scenario, *, issue: str | None = None) -> str:
    """The scenario's one issue (or ``issue``) as ``name,capability,position,salience``."""
    if issue is None:
        if len(scenario.issues) != 1:
            raise DetenteError(
                f"the eum-csv format holds one issue; scenario {scenario.name!r} has "
                f"{len(scenario.issues)} ({', '.join(scenario.issue_ids)}); write one issue at a "
                "time with detente.formats.eum_csv.dumps(scenario, issue=ID)"
            )
        issue = scenario.issues[0].id
    else:
        scenario.issue(issue)  # KeyError names the choices
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["name", "capability", "position", "salience"])
    for actor in scenario.actors:
        stance = scenario.stance(actor.id, issue)
        if stance is None:
            continue
        writer.writerow([actor.id, repr(float(actor.capability)), repr(float(stance.position)),
                         repr(float(stance.salience))])
    return buf.getvalue()
