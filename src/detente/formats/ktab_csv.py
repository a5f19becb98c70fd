"""KTAB's spatial-model CSV: a title row, a header row, one row per actor.

Layout (KTAB's ``SMPModel::csvRead``; fields separated by commas, trailing
commas allowed, quotes trimmed)::

    NAME, DESCRIPTION, NUMBER_OF_ACTORS, NUMBER_OF_DIMENSIONS, ...
    Actor, Description, Power, <dim 1> Position, <dim 1> Salience, ...
    XJ, Xi Jinping, 100, 30, 24, 20, 48,

Each dimension becomes an issue on the scale 0..100 (id and name: the
position column's header); KTAB saliences (0..100) become 0..1. The
capability column's header and the salience headers are kept in
``metadata["ktab"]`` so that a write gives the file back. Writing an issue
on another scale rescales it to 0..100; an actor without a stance on an issue
is written at the scale's midpoint with salience 0 (KTAB has no "no stance").
"""

from __future__ import annotations

import csv
import io
from typing import Any

from detente.errors import FormatError, OptionError, Problem, short
from detente.formats.ktab_common import coordinates, dimension_issues, number
from detente.scenario import Scenario

NAME = "ktab-csv"


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, stripped fields) of every non-blank line, trailing empties dropped."""
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed = next(csv.reader([line], skipinitialspace=True), [])
        except csv.Error:  # e.g. a NUL byte: keep the raw text, the number checks report it
            parsed = line.split(",")
        fields = [f.strip() for f in parsed]
        while fields and fields[-1] == "":
            fields.pop()
        out.append((lineno, fields))
    return out


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def sniff(text: str) -> bool:
    rows = _rows(text[:20000])
    if len(rows) < 2:
        return False
    title, header = rows[0][1], rows[1][1]
    return (
        len(title) >= 4
        and _int(title[2]) is not None
        and _int(title[3]) is not None
        and len(header) >= 5
        and header[0].lower() == "actor"
    )


def loads(text: str, *, file: str | None = None) -> list[Scenario]:
    rows = _rows(text)
    problems: list[Problem] = []

    def add(path: tuple[Any, ...], found: str, expected: str, line: int | None) -> None:
        problems.append(Problem(path, found, expected, file, line))

    if len(rows) < 2:
        add((), "fewer than two non-blank lines",
            "a title row (name, description, actors, dimensions) and a header row", 1)
        raise FormatError(problems, file=file)
    (tline, title), (hline, header) = rows[0], rows[1]
    n_act = _int(title[2]) if len(title) > 2 else None
    n_dim = _int(title[3]) if len(title) > 3 else None
    if n_act is None or n_act < 1:
        add(("actors",), short(title[2] if len(title) > 2 else None),
            "the number of actors (a positive integer) in the title row's 3rd field", tline)
    if n_dim is None or n_dim < 1:
        add(("issues",), short(title[3] if len(title) > 3 else None),
            "the number of dimensions (a positive integer) in the title row's 4th field", tline)
    if problems:
        raise FormatError(problems, file=file)
    assert n_act is not None and n_dim is not None
    if len(header) < 3 + 2 * n_dim:
        add(("issues",), f"{len(header)} header fields",
            f"Actor, Description, capability and {n_dim} position/salience pairs "
            f"({3 + 2 * n_dim} fields)", hline)
        raise FormatError(problems, file=file)

    dims = [header[3 + 2 * k] for k in range(n_dim)]
    sal_heads = [header[4 + 2 * k] for k in range(n_dim)]
    body = rows[2:]
    if len(body) != n_act:
        add(("actors",), f"{len(body)} actor rows",
            f"{n_act} actor rows, as the title row says", body[-1][0] if body else hline)

    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    lines: dict[tuple[Any, ...], int] = {("issues",): hline, ("actors",): tline}
    for k in range(n_dim):
        lines[("issues", k)] = hline
    for a_idx, (lineno, fields) in enumerate(body):
        path = ("actors", a_idx)
        lines[path] = lineno
        if len(fields) < 3 + 2 * n_dim:
            add(path, f"{len(fields)} fields", f"{3 + 2 * n_dim} fields (name, description, "
                f"capability, then position and salience for {n_dim} dimension(s))", lineno)
            continue
        numbers: list[float] = []
        ok = True
        for col in range(2, 3 + 2 * n_dim):
            try:
                numbers.append(float(fields[col]))
            except ValueError:
                what = ("capability" if col == 2 else
                        f"{'position' if col % 2 else 'salience'} on {dims[(col - 3) // 2]!r}")
                add(path, f"{what} {short(fields[col])}", "a number", lineno)
                ok = False
        if not ok:
            continue
        cap, vals = numbers[0], numbers[1:]
        actors.append({"id": fields[0], "description": fields[1], "capability": cap})
        total = sum(vals[1::2])
        if total > 100.0 + 1e-9:
            add(path, f"saliences summing to {total:g}",
                "saliences (0..100) summing to at most 100, as KTAB requires", lineno)
        for k in range(n_dim):
            lines[("stances", len(stances))] = lineno
            stances.append({"actor": fields[0], "issue": dims[k], "position": vals[2 * k],
                            "salience": vals[2 * k + 1] / 100.0})
    if problems:
        raise FormatError(problems, file=file)

    data = {
        "name": title[0] or "ktab",
        "title": title[1] if len(title) > 1 else "",
        "actors": actors,
        "issues": dimension_issues(dims),
        "stances": stances,
        "metadata": {
            "ktab": {
                "format": "csv",
                "capability_header": header[2],
                "salience_headers": sal_heads,
                "title_extra": title[4:],
            }
        },
    }

    def locate(path: tuple[Any, ...]) -> int | None:
        return lines.get(tuple(path[:2]))

    return [Scenario.from_dict(data, file=file, locate=locate)]


def dumps(scenario: Scenario) -> str:
    """The scenario as KTAB's CSV; refused when an actor's saliences sum over 1 (over 100
    on KTAB's scale), which KTAB and :func:`loads` reject (KTAB XML holds such scenarios)."""
    over = []
    for actor in scenario.actors:
        total = sum(coordinates(scenario, actor.id, issue)[1] for issue in scenario.issues)
        if total > 100.0 + 1e-9:
            over.append(f"{actor.id} ({total:g})")
    if over:
        raise OptionError(
            f"KTAB's CSV needs each actor's saliences (0..100) to sum to at most 100; in "
            f"scenario {OptionError.quote(repr(scenario.name))} they sum to more for "
            f"{len(over)} actor(s): {OptionError.quote(', '.join(over[:5]))}"
            f"{', ...' if len(over) > 5 else ''}. Write KTAB XML "
            "({to ktab-xml:format='ktab-xml'}), or lower the saliences"
        )
    meta = scenario.metadata.get("ktab") or {}
    sal_heads = meta.get("salience_headers") or []
    if len(sal_heads) != len(scenario.issues):
        sal_heads = [f"{i.id} Salience" for i in scenario.issues]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([scenario.name, scenario.title or scenario.description,
                len(scenario.actors), len(scenario.issues), *meta.get("title_extra", []), ""])
    head = ["Actor", "Description", meta.get("capability_header") or "Power"]
    for issue, sh in zip(scenario.issues, sal_heads, strict=True):
        head += [issue.id, sh]
    w.writerow([*head, ""])
    for actor in scenario.actors:
        row = [actor.id, actor.description or (actor.name if actor.name != actor.id else ""),
               number(actor.capability)]
        for issue in scenario.issues:
            row += [number(v) for v in coordinates(scenario, actor.id, issue)]
        w.writerow([*row, ""])
    return buf.getvalue()
