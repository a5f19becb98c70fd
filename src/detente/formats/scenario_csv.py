"""detente's own CSV form: one file, several sections, spreadsheet-friendly.

A section starts with a line holding only ``#name`` (trailing commas are
ignored, so files saved by spreadsheets still read); the next line is the
header; rows follow until the next section. Sections::

    #scenario   key,value            name, title, as_of, description, conflict (as JSON)
    #sources    id,title,publisher,date,url,note
    #actors     id,name,capability,bloc,description, capability_<dist columns>,
                salience_correlation, position_correlation, batna, batna_<dist columns>,
                batna_pressure, cow_code, cow_members (;-separated), capability_source,
                expectations (as JSON)
    #issues     id,name,low,high,status_quo,description
    #anchors    issue,value,label
    #options    issue,name,value
    #stances    actor,issue,position,salience,sources,evidence,
                position_<dist columns>, salience_<dist columns>
    #redlines   actor,issue,above,below,low,high,options,sources,evidence
    #blocs      id,name,correlation,coordinator,description,sources
    #linkages   actor,offer_issue,offer_op,offer_value,requires_issue,requires_op,
                requires_value,sources,evidence
    #pressures  id,name,value,description,sources, value_<dist columns>, process (as JSON)
    #shocks     id,name,pressure,change,description,sources,monthly_probability,recurring
                one row per changed pressure
    #fronts     id,name,description,sources
    #proposals  id,title,proposer,date,sources,evidence,assumptions
    #packages   proposal,issue,option,point,phase,open   one row per issue a proposal names
    #metadata   key,value            value as JSON

The structure columns (see docs/scenarios.md): an issue's ``controlled_by``
and ``vetoes`` are ``;``-separated actor ids and ``no_agreement`` the label of
an explicit no-agreement status quo, ``stops_fighting`` the ``;``-separated options
(names) or anchors (values) that stop fighting on the issue's ``fronts``; a
pressure's ``during`` is ``fighting`` for a cost of fighting (empty: no agreement)
and ``fronts`` where it runs; an issue's ``guarantors`` are ``actor=cost/credibility``
(``;``-separated), ``beneficiaries`` actor ids and ``lifted_by``
``option=actor|actor;...``; a red line's ``uncertain_low``/``uncertain_high`` where
its bound may really lie; a pressure's ``process`` and an actor's ``expectations``
(``detente outlook``) are JSON objects with the YAML form's fields (docs/outlook.md);
an actor's ``capability_by_issue`` is ``issue=value;...``
and its ``batna_pressure`` is
``pressure=coefficient;...``. A red line row gives one of ``above``,
``below``, ``low`` and ``high`` (a range) or ``options`` (``;``-separated). A
linkage's ``*_op`` is ``at_least``, ``at_most``, ``above`` or ``below`` (or
``>=``, ``<=``, ``>``, ``<``), or ``options`` with ``*_value`` the ``;``-separated
option names. Rows of ``#shocks`` with the same id are one
shock. A ``#packages`` row gives an ``option`` name or a ``point`` on the
scale and an optional ``phase`` name (phases in the order they first appear),
or ``open`` = ``yes`` for an issue the proposal leaves open (one row per issue,
so any issue id can be written).

Distribution columns for a quantity ``q``: ``q_dist`` (uniform, triangular,
normal), ``q_low``, ``q_high``, ``q_mode``, ``q_mean``, ``q_sd``; empty when
the quantity is certain. ``sources`` in a stance row is a ``;``-separated
list of source ids. Empty cells mean "not given". Lines starting with ``##``
are comments. Every error names the line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from detente.errors import FormatError, Path, Problem
from detente.formats.tabular import SPACE, delimited_rows
from detente.scenario import Distribution, Scenario

NAME = "csv"

_DIST = ("dist", "low", "high", "mode", "mean", "sd")
_COLUMNS: dict[str, tuple[str, ...]] = {
    "scenario": ("key", "value"),
    "sources": ("id", "title", "publisher", "date", "url", "note"),
    "actors": ("id", "name", "capability", "bloc", "description",
               *(f"capability_{k}" for k in _DIST), "salience_correlation",
               "position_correlation", "batna", *(f"batna_{k}" for k in _DIST),
               "batna_pressure", "cow_code", "cow_members", "capability_source",
               "capability_by_issue", "expectations"),
    "issues": ("id", "name", "low", "high", "status_quo", "description", "controlled_by",
               "vetoes", "no_agreement", "no_agreement_band", "stops_fighting", "fronts",
               "guarantors", "beneficiaries", "lifted_by"),
    "anchors": ("issue", "value", "label"),
    "options": ("issue", "name", "value"),
    "stances": ("actor", "issue", "position", "salience", "sources", "evidence",
                *(f"position_{k}" for k in _DIST), *(f"salience_{k}" for k in _DIST)),
    "redlines": ("actor", "issue", "above", "below", "low", "high", "options", "sources",
                 "evidence", "uncertain_low", "uncertain_high"),
    "blocs": ("id", "name", "correlation", "coordinator", "description", "sources"),
    "linkages": ("actor", "offer_issue", "offer_op", "offer_value", "requires_issue",
                 "requires_op", "requires_value", "sources", "evidence"),
    "pressures": ("id", "name", "value", "description", "sources",
                  *(f"value_{k}" for k in _DIST), "during", "fronts", "process"),
    "fronts": ("id", "name", "description", "sources"),
    "shocks": ("id", "name", "pressure", "change", "description", "sources",
               "monthly_probability", "recurring"),
    "proposals": ("id", "title", "proposer", "date", "sources", "evidence", "assumptions"),
    "packages": ("proposal", "issue", "option", "point", "phase", "open"),
    "metadata": ("key", "value"),
}
_OPS = {"at_least": "at_least", ">=": "at_least", "at_most": "at_most", "<=": "at_most",
        "above": "above", ">": "above", "below": "below", "<": "below"}
# the quantities of each section that may carry <dist> columns
_UNCERTAIN = {"actors": ("capability", "batna"), "stances": ("position", "salience")}
_REQUIRED = {
    "scenario": ("key", "value"),
    "actors": ("id",),
    "issues": ("id",),
    "anchors": ("issue", "value", "label"),
    "options": ("issue", "name", "value"),
    "stances": ("actor", "issue"),
    "sources": ("id",),
    "metadata": ("key", "value"),
    "redlines": ("actor", "issue"),
    "blocs": ("id",),
    "linkages": ("actor", "offer_issue", "offer_op", "offer_value", "requires_issue",
                 "requires_op", "requires_value"),
    "pressures": ("id",),
    "fronts": ("id",),
    "shocks": ("id", "pressure", "change"),
    "proposals": ("id", "proposer"),
    "packages": ("proposal", "issue"),
}


def sniff(text: str) -> bool:
    for line in text.splitlines():
        cell = line.split(",")[0].strip().lower()
        if not cell or cell.startswith("##"):
            continue
        return cell.startswith("#") and cell.lstrip("#") in _COLUMNS
    return False


def _sections(text: str, file: str | None) -> dict[str, list[tuple[int, dict[str, str]]]]:
    """Split the file into sections of (line number, row as dict)."""
    problems: list[Problem] = []
    sections: dict[str, list[tuple[int, dict[str, str]]]] = {}
    current: str | None = None
    header: list[str] | None = None
    for line, cells in delimited_rows(text, file=file):
        while cells and cells[-1] == "":
            cells.pop()
        if not cells or cells[0].startswith("##"):
            continue
        first = cells[0]
        if first.startswith("#") and len(cells) == 1:
            name = first[1:].strip().lower()
            if name not in _COLUMNS:
                problems.append(Problem((), f"section {first!r}",
                                        f"one of {', '.join('#' + s for s in _COLUMNS)}",
                                        file, line))
                current = None
                continue
            if name in sections:
                problems.append(Problem((), f"a second {first!r} section",
                                        "each section at most once", file, line))
            current, header = name, None
            sections.setdefault(name, [])
            continue
        if current is None:
            if not problems or problems[-1].line != line:
                problems.append(Problem((), f"a row outside any section ({first!r})",
                                        "a section line such as #actors first", file, line))
            continue
        if header is None:
            header = [c.lower() for c in cells]
            unknown = [c for c in header if c not in _COLUMNS[current]]
            if unknown:
                problems.append(Problem((current,), f"column(s) {', '.join(unknown)}",
                                        f"columns among {', '.join(_COLUMNS[current])}",
                                        file, line))
            twice = sorted({c for c in header if header.count(c) > 1})
            if twice:
                problems.append(Problem((current,), f"column(s) {', '.join(twice)} twice",
                                        "each column once", file, line))
            missing = [c for c in _REQUIRED[current] if c not in header]
            if missing:
                problems.append(Problem((current,), f"no column(s) {', '.join(missing)}",
                                        f"a header with {', '.join(_REQUIRED[current])}",
                                        file, line))
            continue
        if len(cells) > len(header):
            problems.append(Problem((current,), f"{len(cells)} cells",
                                    f"at most {len(header)} (the header's columns)", file, line))
            continue
        sections[current].append(
            (line, {h: c for h, c in zip(header, cells, strict=False) if c != ""})
        )
    if problems:
        raise FormatError(problems, file=file)
    return sections


def _dist(row: dict[str, str], prefix: str) -> dict[str, str] | None:
    keys = {k: row.get(f"{prefix}_{k}") for k in _DIST}
    if not any(keys.values()):
        return None
    out = {("kind" if k == "dist" else k): v for k, v in keys.items() if v is not None}
    out.setdefault("kind", "uniform")
    return out


def loads(text: str, *, file: str | None = None) -> list[Scenario]:
    data, lines = _parse(text, file)

    def locate(path: Path) -> int | None:
        return lines.get(path)

    return [Scenario.from_dict(data, file=file, locate=locate)]


def locator(text: str) -> Callable[[Path], int | None]:
    """The line of each field of a file already read once (for problems found later, such
    as a model's needs)."""
    _, lines = _parse(text, None)
    return lines.get


def _parse(text: str, file: str | None) -> tuple[dict[str, Any], dict[Path, int]]:
    """The scenario's plain data and the line of each item; a FormatError lists every
    problem of the layout."""
    sections = _sections(text, file)
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    data: dict[str, Any] = {}

    for line, row in sections.get("scenario", []):
        key = row.get("key", "")
        if key not in ("name", "title", "as_of", "description", "conflict"):
            problems.append(Problem(("scenario",), f"key {key!r}",
                                    "one of name, title, as_of, description, conflict", file,
                                    line))
            continue
        data[key] = row.get("value", "")
        if key == "conflict":
            try:
                data[key] = json.loads(data[key])
            except (json.JSONDecodeError, RecursionError):
                problems.append(Problem(("conflict",), "text that is not JSON",
                                        "the conflict facts as a JSON object", file, line))
        lines[(key,)] = line

    for line, row in sections.get("metadata", []):
        try:
            value = json.loads(row.get("value", "null"))
        except (json.JSONDecodeError, RecursionError):  # not JSON (or absurdly nested): text
            value = row.get("value")
        data.setdefault("metadata", {})[row.get("key", "")] = value
        lines[("metadata", row.get("key", ""))] = line

    for key in ("sources", "actors", "issues", "stances"):
        items = []
        for index, (line, row) in enumerate(sections.get(key, [])):
            item: dict[str, Any] = dict(row)
            for q in _UNCERTAIN.get(key, ()):
                dist = _dist(row, q)
                for k in _DIST:
                    item.pop(f"{q}_{k}", None)
                if dist:
                    item[f"{q}_uncertainty"] = dist
            if key == "stances" and "sources" in item:
                item["sources"] = [s.strip(SPACE) for s in item["sources"].split(";")
                                   if s.strip(SPACE)]
            for col in ("controlled_by", "vetoes", "fronts"):
                if col in item:
                    item[col] = _list(item[col])
            if "stops_fighting" in item:
                item["stops_fighting"] = [_name_or_number(x)
                                          for x in _list(item["stops_fighting"])]
            if "batna_pressure" in item:
                item["batna_pressure"] = _pairs(item["batna_pressure"])
            if "capability_by_issue" in item:
                item["capability_by_issue"] = _pairs(item["capability_by_issue"])
            if "beneficiaries" in item:
                item["beneficiaries"] = _list(item["beneficiaries"])
            if "guarantors" in item:
                item["guarantors"] = [_guarantor(part) for part in _list(item["guarantors"])]
            if "lifted_by" in item:
                item["lifted_by"] = {k: (v or "").split("|")
                                     for k, v in _pairs(item["lifted_by"]).items()}
            if "cow_members" in item:
                item["cow_members"] = _list(item["cow_members"])
            if key == "actors" and "expectations" in item:
                item["expectations"] = _json_object(item["expectations"],
                                                    ("actors", index, "expectations"),
                                                    problems, file, line)
            items.append(item)
            lines[(key, index)] = line
        data[key] = items
    _read_structure(sections, data, lines, problems, file)
    _read_proposals(sections, data, lines, problems, file)

    issue_index = {item.get("id"): k for k, item in enumerate(data["issues"])}
    for sub in ("anchors", "options"):
        for line, row in sections.get(sub, []):
            at = issue_index.get(row.get("issue"))
            if at is None:
                problems.append(Problem((sub,), f"unknown issue {row.get('issue')!r}",
                                        "an issue id from the #issues section", file, line))
                continue
            entries = data["issues"][at].setdefault(sub, [])
            if sub == "anchors":
                entries.append({"value": row.get("value"), "label": row.get("label")})
            else:
                entries.append({"name": row.get("name"), "value": row.get("value")})
            lines[("issues", at, sub, len(entries) - 1)] = line

    if problems:
        raise FormatError(problems, file=file)
    return data, lines


def _json_object(cell: str, path: Path, problems: list[Problem], file: str | None,
                 line: int) -> Any:
    """A cell holding a JSON object (a process, an actor's expectations); a problem naming
    the line and the field (``path``) when it is not one."""
    try:
        value = json.loads(cell)
    except (json.JSONDecodeError, RecursionError):
        value = None
    if not isinstance(value, dict):
        problems.append(Problem(path, "text that is not a JSON object",
                                f"the {path[-1]} as a JSON object", file, line))
        return cell
    return value


def _list(cell: str) -> list[str]:
    """A ``;``-separated list, or a JSON list (what the writer uses for ids holding ``;``)."""
    text = cell.strip(SPACE)
    if text.startswith("["):
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            value = None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
    return [x.strip(SPACE) for x in cell.split(";") if x.strip(SPACE)]


def _join(ids: Iterable[str]) -> str:
    """The cell of a list of ids: ``;``-separated, or a JSON list when an id needs it."""
    ids = list(ids)
    if any(";" in i or i != i.strip(SPACE) or i.startswith("[") for i in ids):
        return json.dumps(ids, ensure_ascii=False)
    return ";".join(ids)


def _guarantor(part: str) -> dict[str, Any]:
    """``USA=0.05/0.6`` -> ``{"actor": "USA", "cost": "0.05", "credibility": "0.6"}``."""
    actor, _, rest = part.partition("=")
    cost, _, credibility = rest.partition("/")
    out: dict[str, Any] = {"actor": actor.strip()}
    if cost.strip():
        out["cost"] = cost.strip()
    if credibility.strip():
        out["credibility"] = credibility.strip()
    return out


def _pairs(cell: str) -> dict[str, Any]:
    """``a=1;b=-0.5`` -> ``{"a": "1", "b": "-0.5"}`` (the scenario checks the numbers)."""
    out: dict[str, Any] = {}
    for part in _list(cell):
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip() or None
    return out


def _read_structure(sections: dict[str, list[tuple[int, dict[str, str]]]], data: dict[str, Any],
                    lines: dict[Path, int], problems: list[Problem], file: str | None) -> None:
    """The #redlines, #blocs, #linkages, #pressures and #shocks sections into ``data``."""
    stance_at = {(st.get("actor"), st.get("issue")): k for k, st in enumerate(data["stances"])}
    for line, row in sections.get("redlines", []):
        k = stance_at.get((row.get("actor"), row.get("issue")))
        if k is None:
            problems.append(Problem(("redlines",), f"a red line of {row.get('actor')!r} on "
                                    f"{row.get('issue')!r}", "a row of #stances for that actor "
                                    "and issue", file, line))
            continue
        red: dict[str, Any] = {key: row[key] for key in ("above", "below", "evidence")
                               if key in row}
        if "low" in row or "high" in row:
            red["range"] = [row.get("low"), row.get("high")]
        if "uncertain_low" in row or "uncertain_high" in row:
            red["uncertainty"] = [row.get("uncertain_low"), row.get("uncertain_high")]
        for key in ("options", "sources"):
            if key in row:
                red[key] = _list(row[key])
        entries = data["stances"][k].setdefault("red_lines", [])
        entries.append(red)
        lines[("stances", k, "red_lines", len(entries) - 1)] = line
    for index, (line, row) in enumerate(sections.get("blocs", [])):
        bloc: dict[str, Any] = dict(row)
        if "sources" in bloc:
            bloc["sources"] = _list(bloc["sources"])
        data.setdefault("blocs", []).append(bloc)
        lines[("blocs", index)] = line
    for index, (line, row) in enumerate(sections.get("linkages", [])):
        link: dict[str, Any] = {"actor": row.get("actor")}
        for part in ("offer", "requires"):
            op = row.get(f"{part}_op", "")
            if op == "options":
                link[part] = {"issue": row.get(f"{part}_issue"),
                              "options": _list(row.get(f"{part}_value", ""))}
                continue
            if op not in _OPS:
                problems.append(Problem(("linkages", index, f"{part}_op"), repr(op),
                                        f"one of {', '.join(_OPS)}, options", file, line))
                continue
            link[part] = {"issue": row.get(f"{part}_issue"), _OPS[op]: row.get(f"{part}_value")}
        for key in ("sources", "evidence"):
            if key in row:
                link[key] = _list(row[key]) if key == "sources" else row[key]
        data.setdefault("linkages", []).append(link)
        lines[("linkages", index)] = line
    for index, (line, row) in enumerate(sections.get("pressures", [])):
        pressure: dict[str, Any] = {k: v for k, v in row.items() if not k.startswith("value_")}
        dist = _dist(row, "value")
        if dist:
            pressure["uncertainty"] = dist
        for key in ("sources", "fronts"):
            if key in pressure:
                pressure[key] = _list(pressure[key])
        if "process" in pressure:
            pressure["process"] = _json_object(pressure["process"],
                                               ("pressures", index, "process"), problems,
                                               file, line)
        data.setdefault("pressures", []).append(pressure)
        lines[("pressures", index)] = line
    for index, (line, row) in enumerate(sections.get("fronts", [])):
        front: dict[str, Any] = dict(row)
        if "sources" in front:
            front["sources"] = _list(front["sources"])
        data.setdefault("fronts", []).append(front)
        lines[("fronts", index)] = line
    shocks: dict[str, dict[str, Any]] = {}
    for line, row in sections.get("shocks", []):
        shock = shocks.get(row["id"])
        if shock is None:
            shock = shocks[row["id"]] = {"id": row["id"], "changes": {}}
            data.setdefault("shocks", []).append(shock)
            lines[("shocks", len(shocks) - 1)] = line
        for key in ("name", "description", "monthly_probability", "recurring"):
            if key in row:
                shock[key] = row[key]
        if "sources" in row:
            shock["sources"] = _list(row["sources"])
        shock["changes"][row.get("pressure", "")] = row.get("change")
        lines[("shocks", len(shocks) - 1, "changes", row.get("pressure", ""))] = line


def _read_proposals(sections: dict[str, list[tuple[int, dict[str, str]]]],
                    data: dict[str, Any], lines: dict[Path, int], problems: list[Problem],
                    file: str | None) -> None:
    """The #proposals and #packages sections into ``data["proposals"]``."""
    at: dict[str, dict[str, Any]] = {}
    for index, (line, row) in enumerate(sections.get("proposals", [])):
        prop: dict[str, Any] = {k: v for k, v in row.items() if k != "sources"}
        if "sources" in row:
            prop["sources"] = _list(row["sources"])
        prop["package"] = {}
        at[row.get("id", "")] = prop
        data.setdefault("proposals", []).append(prop)
        lines[("proposals", index)] = line
    for line, row in sections.get("packages", []):
        owner = at.get(row.get("proposal", ""))
        if owner is None:
            problems.append(Problem(("packages",), f"unknown proposal {row.get('proposal')!r}",
                                    "a proposal id from the #proposals section", file, line))
            continue
        issue = row.get("issue", "")
        if row.get("open", "").lower() in ("yes", "true", "1"):
            owner.setdefault("open", []).append(issue)
            continue
        choice: Any = row.get("option")
        if choice is None and "point" in row:
            try:
                choice = float(row["point"])
            except ValueError:
                choice = row["point"]
        owner["package"][issue] = choice
        index = data["proposals"].index(owner)
        lines[("proposals", index, "package", issue)] = line
        if row.get("phase"):
            phases = owner.setdefault("phases", [])
            phase = next((p for p in phases if p["name"] == row["phase"]), None)
            if phase is None:
                phase = {"name": row["phase"], "issues": []}
                phases.append(phase)
            phase["issues"].append(issue)


def _write_proposals(out: list[list[Any]], scenario: Scenario) -> None:
    _section(out, "proposals", (
        {"id": p.id, "title": p.title, "proposer": p.proposer,
         "date": None if p.date is None else p.date.isoformat(),
         "sources": ";".join(p.sources), "evidence": p.evidence,
         "assumptions": p.assumptions} for p in scenario.proposals))

    def phase_of(p: Any, issue: str) -> str | None:
        return next((ph.name for ph in p.phases if issue in ph.issues), None)

    _section(out, "packages", [
        {"proposal": p.id, "issue": issue,
         "option": choice if isinstance(choice, str) else None,
         "point": None if isinstance(choice, str) else choice, "phase": phase_of(p, issue)}
        for p in scenario.proposals for issue, choice in p.package.items()]
        + [{"proposal": p.id, "issue": issue, "open": "yes"}
           for p in scenario.proposals for issue in p.open])


def _name_or_number(text: str) -> str | float:
    """A ``stops_fighting`` entry: an anchor's value when it reads as a number, else an
    option's name."""
    try:
        return float(text)
    except ValueError:
        return text


def _dist_cells(dist: Distribution | None, prefix: str) -> dict[str, Any]:
    if dist is None:
        return {}
    return {f"{prefix}_{'dist' if k == 'kind' else k}": v for k, v in dist.to_dict().items()}


def _section(out: list[list[Any]], name: str, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if not rows and name not in ("actors", "issues", "stances"):
        return
    columns = [c for c in _COLUMNS[name] if any(r.get(c) not in (None, "") for r in rows)]
    columns = columns or list(_REQUIRED[name])
    out.append([f"#{name}"])
    out.append(columns)
    for r in rows:
        out.append([_fmt(r.get(c)) for c in columns])


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


def _write_structure(out: list[list[Any]], scenario: Scenario) -> None:
    _section(out, "redlines", (
        {"actor": st.actor, "issue": st.issue, "above": r.above, "below": r.below,
         "low": r.range[0] if r.range else None, "high": r.range[1] if r.range else None,
         "options": _join(r.options), "sources": ";".join(r.sources), "evidence": r.evidence,
         "uncertain_low": r.uncertainty[0] if r.uncertainty else None,
         "uncertain_high": r.uncertainty[1] if r.uncertainty else None}
        for st in scenario.stances for r in st.red_lines))
    _section(out, "blocs", (
        {"id": b.id, "name": b.name, "correlation": b.correlation, "coordinator": b.coordinator,
         "description": b.description, "sources": ";".join(b.sources)} for b in scenario.blocs))

    def cond(prefix: str, c: Any) -> dict[str, Any]:
        if c.options:
            return {f"{prefix}_issue": c.issue, f"{prefix}_op": "options",
                    f"{prefix}_value": _join(c.options)}
        op = next(k for k in ("at_least", "at_most", "above", "below")
                  if getattr(c, k) is not None)
        return {f"{prefix}_issue": c.issue, f"{prefix}_op": op, f"{prefix}_value": c.bound}

    _section(out, "linkages", (
        {"actor": k.actor, **cond("offer", k.offer), **cond("requires", k.requires),
         "sources": ";".join(k.sources), "evidence": k.evidence} for k in scenario.linkages))
    _section(out, "pressures", (
        {"id": p.id, "name": p.name, "value": p.value, "description": p.description,
         "sources": ";".join(p.sources), **_dist_cells(p.uncertainty, "value"),
         "during": None if p.during == "no_agreement" else p.during, "fronts": _join(p.fronts),
         "process": None if p.process is None else json.dumps(
             p.process.model_dump(mode="json", exclude_none=True), ensure_ascii=False)}
        for p in scenario.pressures))
    _section(out, "fronts", (
        {"id": f.id, "name": f.name, "description": f.description,
         "sources": ";".join(f.sources)} for f in scenario.fronts))
    _section(out, "shocks", (
        {"id": k.id, "name": k.name, "pressure": p, "change": v, "description": k.description,
         "sources": ";".join(k.sources), "monthly_probability": k.monthly_probability,
         "recurring": "true" if k.recurring else None}
        for k in scenario.shocks for p, v in k.changes.items()))


def dumps(scenario: Scenario) -> str:
    # a stance's sources share one cell, separated by ';': an id holding one cannot be written
    clash = [Problem(("sources", k, "id"), f"source id {src.id!r}, which holds ';'",
                     "an id without ';' (the CSV format separates a stance's sources with it); "
                     "rename the source or write YAML")
             for k, src in enumerate(scenario.sources) if ";" in src.id]
    if clash:
        raise FormatError(clash)
    out: list[list[Any]] = []
    head = [{"key": "name", "value": scenario.name}]
    for key in ("title", "as_of", "description"):
        value = getattr(scenario, key)
        if value:
            head.append({"key": key, "value": str(value)})
    if scenario.conflict is not None:
        head.append({"key": "conflict", "value": json.dumps(
            scenario.conflict.model_dump(mode="json", exclude_none=True))})
    _section(out, "scenario", head)
    _section(out, "sources", (s.model_dump(mode="json") for s in scenario.sources))
    _section(out, "actors", (
        {"id": a.id, "name": a.name, "capability": a.capability, "bloc": a.bloc,
         "description": a.description, **_dist_cells(a.capability_uncertainty, "capability"),
         "salience_correlation": a.salience_correlation,
         "position_correlation": a.position_correlation, "batna": a.batna,
         **_dist_cells(a.batna_uncertainty, "batna"),
         "batna_pressure": ";".join(f"{k}={_fmt(v)}" for k, v in a.batna_pressure.items()),
         "cow_code": a.cow_code, "cow_members": _join(map(str, a.cow_members)),
         "capability_source": a.capability_source,
         "capability_by_issue": ";".join(f"{k}={_fmt(v)}"
                                         for k, v in a.capability_by_issue.items()),
         "expectations": json.dumps({k: e.model_dump(mode="json", exclude_none=True)
                                     for k, e in a.expectations.items()}, ensure_ascii=False)
         if a.expectations else None}
        for a in scenario.actors))
    _section(out, "issues", (
        {"id": i.id, "name": i.name, "low": i.low, "high": i.high, "status_quo": i.status_quo,
         "description": i.description, "controlled_by": _join(i.controlled_by),
         "vetoes": _join(i.vetoes), "no_agreement": i.no_agreement,
         "no_agreement_band": i.no_agreement_band,
         "stops_fighting": _join(tuple(m if isinstance(m, str) else _fmt(float(m))
                                       for m in i.stops_fighting)),
         "fronts": _join(i.fronts),
         "guarantors": ";".join(f"{g.actor}={_fmt(g.cost)}/{_fmt(g.credibility)}"
                                for g in i.guarantors),
         "beneficiaries": _join(i.beneficiaries),
         "lifted_by": ";".join(f"{k}={'|'.join(v)}" for k, v in i.lifted_by.items())}
        for i in scenario.issues))
    _section(out, "anchors", ({"issue": i.id, "value": a.value, "label": a.label}
                              for i in scenario.issues for a in i.anchors))
    _section(out, "options", ({"issue": i.id, "name": o.name, "value": o.value}
                              for i in scenario.issues for o in i.options))
    _section(out, "stances", (
        {"actor": s.actor, "issue": s.issue, "position": s.position, "salience": s.salience,
         "sources": ";".join(s.sources), "evidence": s.evidence,
         **_dist_cells(s.position_uncertainty, "position"),
         **_dist_cells(s.salience_uncertainty, "salience")}
        for s in scenario.stances))
    _write_structure(out, scenario)
    _write_proposals(out, scenario)
    _section(out, "metadata", ({"key": k, "value": json.dumps(v)}
                               for k, v in scenario.metadata.items()))
    buf = io.StringIO()
    plain = csv.writer(buf, lineterminator="\n")
    # with '\n' as line end the writer leaves a lone '\r' unquoted, which a reader takes
    # for a line end: quote every cell of such a row
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in out:
        (quoted if any("\r" in str(c) for c in row) else plain).writerow(row)
    return buf.getvalue()
