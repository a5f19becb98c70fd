"""decide-exchange-model's CSV: ``#A``, ``#P``, ``#M``, ``#D`` rows (tab or ``;``).

One row per line; the first field says what the row is:

- ``#A; id; full name; comment`` — an actor;
- ``#P; id; name; description`` — an issue;
- ``#M; issue; value; meaning`` — a point on an issue's scale: the lowest and
  highest ``#M`` values of an issue are its scale (default 0..100); a row with
  a meaning becomes a labelled anchor;
- ``#D; actor; issue; position; salience; power; comment`` — a stance;
- ``#O; text`` — the scenario's description; ``#/; ...`` — a comment.

Fields are separated by tabs or semicolons (whichever the file uses more),
and may be quoted with ``'`` or ``"``. Blank lines and rows of empty fields
are skipped.

decide gives power per ``#D`` row; detente keeps one capability per actor. If
an actor's power differs between its rows, that is reported as a problem that
names every line involved (the file must be made consistent first). An actor
with no ``#D`` row gets capability 1. The format has no place for a status
quo, uncertainty ranges, sources or evidence: :func:`dumps` leaves them out.

Every problem in a file is reported at once, each with its line.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from typing import Any

from detente.errors import FormatError, Path, Problem, ScenarioError
from detente.scenario import Scenario

NAME = "decide"

_KINDS = ("#A", "#P", "#M", "#D", "#O", "#/")
_QUOTES = ("'", '"')


def sniff(text: str) -> bool:
    """True when the text has decide's ``#A`` or ``#D`` rows."""
    for raw in text.splitlines()[:400]:
        line = raw.strip()
        if not line:
            continue
        head = _unquote(line.replace(";", "\t").split("\t", 1)[0].strip())
        if head in ("#A", "#D"):
            return True
    return False


def _delimiter(text: str) -> str:
    return ";" if text.count(";") > text.count("\t") else "\t"


def _unquote(field: str) -> str:
    field = field.strip()
    if len(field) >= 2 and field[0] in _QUOTES and field[-1] == field[0]:
        return field[1:-1]
    return field


def _split(line: str, delim: str) -> list[str]:
    """Split one line on ``delim``; fields may be quoted with " (which may hold the
    delimiter) or with ' (which may not)."""
    try:
        fields = next(csv.reader([line], delimiter=delim, quotechar='"', skipinitialspace=True))
    except (csv.Error, StopIteration):
        fields = line.split(delim)
    return [_unquote(f) for f in fields]


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text
                      else text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def loads(text: str, *, file: str | None = None) -> list[Scenario]:
    """Read one scenario; raise :class:`ScenarioError` with every problem, by line."""
    delim = _delimiter(text)
    problems: list[Problem] = []

    def bad(line: int, path: Path, found: str, expected: str) -> None:
        problems.append(Problem(path, found, expected, file, line))

    actors: list[dict[str, Any]] = []
    actor_lines: list[int] = []
    issues: list[dict[str, Any]] = []
    issue_lines: list[int] = []
    stances: list[dict[str, Any]] = []
    stance_lines: list[int] = []
    powers: dict[str, list[tuple[int, float]]] = defaultdict(list)
    marks: dict[str, list[tuple[int, float, str]]] = defaultdict(list)
    description: list[str] = []

    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        fields = _split(raw, delim)
        while fields and fields[-1] == "":
            fields.pop()
        if not fields:
            continue
        kind, rest = fields[0], fields[1:]
        if kind not in _KINDS:
            bad(lineno, (), f"a row starting with {kind[:20]!r}",
                "a row starting with one of #A, #P, #M, #D, #O, #/")
            continue
        if kind == "#/":
            continue
        if kind == "#O":
            description.append(" ".join(rest))
            continue
        if kind == "#A":
            if not rest or not rest[0]:
                bad(lineno, ("actors", len(actors)), "an actor row without an id",
                    "#A; id; full name; comment")
                continue
            actor: dict[str, Any] = {"id": rest[0], "name": rest[1] if len(rest) > 1 and rest[1]
                                     else rest[0]}
            if len(rest) > 2 and " ".join(rest[2:]).strip():
                actor["description"] = " ".join(rest[2:]).strip()
            actors.append(actor)
            actor_lines.append(lineno)
        elif kind == "#P":
            if not rest or not rest[0]:
                bad(lineno, ("issues", len(issues)), "an issue row without an id",
                    "#P; id; name; description")
                continue
            issue: dict[str, Any] = {"id": rest[0],
                                     "name": rest[1] if len(rest) > 1 and rest[1] else rest[0]}
            if len(rest) > 2 and " ".join(rest[2:]).strip():
                issue["description"] = " ".join(rest[2:]).strip()
            issues.append(issue)
            issue_lines.append(lineno)
        elif kind == "#M":
            value = _number(rest[1]) if len(rest) > 1 else None
            if len(rest) < 2 or not rest[0] or value is None:
                bad(lineno, ("issues",), f"scale row {short_row(rest)}",
                    "#M; issue id; number; meaning (optional)")
                continue
            marks[rest[0]].append((lineno, value, " ".join(rest[2:]).strip()))
        elif kind == "#D":
            _read_stance(rest, lineno, len(stances), bad, stances, stance_lines, powers)

    _apply_marks(issues, issue_lines, marks, bad)
    _apply_powers(actors, actor_lines, stances, stance_lines, powers, bad)

    data: dict[str, Any] = {
        "name": _name(file),
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    if description:
        data["description"] = "\n".join(d for d in description if d)
    lines = {"actors": actor_lines, "issues": issue_lines, "stances": stance_lines}

    def locate(path: Path) -> int | None:
        if len(path) >= 2 and path[0] in lines and isinstance(path[1], int):
            seq = lines[str(path[0])]
            return seq[path[1]] if path[1] < len(seq) else None
        return None

    try:
        scenario = Scenario.from_dict(data, file=file, locate=locate)
    except ScenarioError as exc:
        problems.extend(exc.problems)
        scenario = None
    if problems:
        problems.sort(key=lambda p: (p.line or 0))
        raise FormatError(problems, file=file)
    assert scenario is not None
    return [scenario]


def short_row(fields: list[str]) -> str:
    return repr("; ".join(fields))[:60]


def _read_stance(
    rest: list[str],
    lineno: int,
    index: int,
    bad: Any,
    stances: list[dict[str, Any]],
    stance_lines: list[int],
    powers: dict[str, list[tuple[int, float]]],
) -> None:
    path: Path = ("stances", index)
    if len(rest) < 5:
        bad(lineno, path, f"{len(rest)} fields after #D",
            "#D; actor; issue; position; salience; power")
        return
    actor, issue = rest[0], rest[1]
    numbers = {}
    ok = True
    for key, text in zip(("position", "salience", "power"), rest[2:5], strict=True):
        value = _number(text)
        if value is None:
            bad(lineno, path + (key,), repr(text[:40]), f"a number for the {key}")
            ok = False
        numbers[key] = value
    power = numbers["power"]
    if power is not None:
        if power < 0:
            bad(lineno, path + ("power",), f"{power:g}", "a power >= 0")
        powers[actor].append((lineno, power))
    if not ok:
        return
    stance: dict[str, Any] = {"actor": actor, "issue": issue,
                              "position": numbers["position"], "salience": numbers["salience"]}
    if len(rest) > 5 and " ".join(rest[5:]).strip():
        stance["evidence"] = " ".join(rest[5:]).strip()
    stances.append(stance)
    stance_lines.append(lineno)


def _apply_marks(
    issues: list[dict[str, Any]],
    issue_lines: list[int],
    marks: dict[str, list[tuple[int, float, str]]],
    bad: Any,
) -> None:
    known = {i["id"] for i in issues}
    for issue_id, rows in marks.items():
        if issue_id not in known:
            for lineno, _, _ in rows:
                bad(lineno, ("issues",), f"a scale row for unknown issue {issue_id!r}",
                    f"one of the issues declared with #P ({', '.join(sorted(known))})")
    for issue in issues:
        rows = marks.get(issue["id"], [])
        if not rows:
            continue
        values = [v for _, v, _ in rows]
        issue["low"], issue["high"] = min(values), max(values)
        anchors = {v: label for _, v, label in rows if label}
        if anchors:
            issue["anchors"] = [{"value": v, "label": label} for v, label in anchors.items()]


def _apply_powers(
    actors: list[dict[str, Any]],
    actor_lines: list[int],
    stances: list[dict[str, Any]],
    stance_lines: list[int],
    powers: dict[str, list[tuple[int, float]]],
    bad: Any,
) -> None:
    for k, actor in enumerate(actors):
        rows = powers.get(actor["id"], [])
        if not rows:
            continue
        counts: dict[float, list[int]] = defaultdict(list)
        for ln, v in rows:
            counts[v].append(ln)
        usual = max(counts, key=lambda v: (len(counts[v]), v >= 0))
        actor["capability"] = usual if usual >= 0 else 0.0
        if len(counts) > 1:
            odd = [(ln, v) for ln, v in rows if v != usual]
            lines = ", ".join(str(ln) for ln in counts[usual])
            where = "; ".join(f"line {ln}: {v:g}" for ln, v in odd)
            bad(odd[0][0], ("actors", k, "capability"),
                f"power of actor {actor['id']!r} differs between its #D rows ({where}; "
                f"{usual:g} on lines {lines})",
                "the same power on every #D row of an actor (detente keeps one capability "
                "per actor)")


def _name(file: str | None) -> str:
    if not file:
        return "decide"
    stem = file.replace("\\", "/").rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] or "decide"


def _field(value: str) -> str:
    if any(c in value for c in ';\n"\'') or value != value.strip():
        return '"' + value.replace('"', '""').replace("\n", " ") + '"'
    return value


def _fmt(value: float) -> str:
    return repr(float(value))


def dumps(scenario: Scenario) -> str:
    """decide's CSV (semicolon separated): actors, issues with scales, stances.

    The power column repeats each actor's capability; status quo, uncertainty,
    sources and evidence have no place in the format and are left out.
    """
    rows: list[list[str]] = []
    text = scenario.description or scenario.title
    if text:
        rows.append(["#O", text.replace("\n", " ")])
    rows.append(["#/", "ID", "Full name", "comment"])
    for a in scenario.actors:
        rows.append(["#A", a.id, a.name, a.description.replace("\n", " ")])
    rows.append(["#/", "ID", "name", "description"])
    for i in scenario.issues:
        rows.append(["#P", i.id, i.name, i.description.replace("\n", " ")])
        labels = {a.value: a.label for a in i.anchors}
        points = sorted({i.low, i.high, *labels})
        for v in points:
            rows.append(["#M", i.id, _fmt(v), labels.get(v, "")])
    rows.append(["#/", "actor", "issue", "position", "salience", "power"])
    cap = {a.id: a.capability for a in scenario.actors}
    for s in scenario.stances:
        rows.append(["#D", s.actor, s.issue, _fmt(s.position), _fmt(s.salience),
                     _fmt(cap[s.actor])])
    out = []
    for row in rows:
        while len(row) > 2 and row[-1] == "":
            row.pop()
        out.append(";".join(_field(f) for f in row))
    return "\n".join(out) + "\n"
