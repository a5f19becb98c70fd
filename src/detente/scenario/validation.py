"""Field-level validation of a scenario's records, every problem reported at once.

Each record is validated by its model and pydantic's errors are translated into
:class:`~detente.errors.Problem` s that name the field the user wrote (and its line, when
the reader passes a :data:`Locator`); then ids are checked unique, values within their
issue's scale and stances' actors and issues known.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from detente.errors import Path, short
from detente.scenario.parts import (
    Actor,
    Issue,
    Source,
    Stance,
)

Locator = Callable[[Path], int | None]
"""Maps a field path to the line it came from (``None`` when unknown)."""


Add = Callable[[Path, str, str], None]


def field_line(locate: Locator | None, path: Path) -> int | None:
    """The line of the field at ``path``, or of its nearest enclosing element that has one
    (a missing field points at its record)."""
    if locate is None:
        return None
    if "red_lines" in path:  # a single red line may be written as `red_line: {...}`
        k = path.index("red_lines")
        alias = path[:k] + ("red_line",) + path[k + 2:]
        if len(path) > k + 1 and path[k + 1] == 0 and locate(alias):
            return locate(alias)
    # fall back to the nearest enclosing element that has a line
    for cut in range(len(path), -1, -1):
        line = locate(path[:cut])
        if line:
            return line
    return None


_EXPECT = {
    "missing": "a value (this field is required)",
    "extra_forbidden": "no such field (check the spelling)",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "greater_than_equal": "a number >= {ge}",
    "greater_than": "a number > {gt}",
    "less_than_equal": "a number <= {le}",
    "string_type": "text",
    "string_too_short": "non-empty text",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_parsing": "a date YYYY-MM-DD",
    "date_type": "a date YYYY-MM-DD",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "literal_error": "one of {expected}",
}


def _describe_error(err: Mapping[str, Any]) -> tuple[str, str]:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
        return "an inconsistent value", msg
    if kind == "missing":
        return "nothing", _EXPECT["missing"]
    template = _EXPECT.get(kind)
    expected = template.format(**ctx) if template else str(err.get("msg", "a valid value"))
    return short(err.get("input")), expected


def validate(model: type[BaseModel], raw: Any, path: Path, add: Add) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not isinstance(p, str) or p != "__root__")
            loc = _translate_loc(loc)
            found, expected = _describe_error(err)
            add(path + loc, found, expected)
        return None


def _translate_loc(loc: tuple[Any, ...]) -> Path:
    """Map pydantic's location (after normalising) back to the field the user wrote."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and part in ("position_uncertainty", "salience_uncertainty"):
            out += ["uncertainty", part.split("_")[0]]
        elif isinstance(part, str) and part.startswith("function-after["):
            continue
        else:
            out.append(part)
    return tuple(out)


def validate_list(
    data: Mapping[str, Any],
    key: str,
    model: type[BaseModel],
    normalise: Callable[[Any], Any],
    add: Add,
) -> list[tuple[int, Any]]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        add((key,), f"{type(raw).__name__} {short(raw)}", f"a list of {key}")
        return []
    good: list[tuple[int, Any]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            add((key, index), f"{type(item).__name__} {short(item)}", "a mapping of fields")
            continue
        obj = validate(model, normalise(item), (key, index), add)
        if obj is not None:
            good.append((index, obj))
    return good


def check_unique(items: Iterable[tuple[int, Any]], key: str, attr: str, add: Add) -> None:
    seen: dict[str, int] = {}
    for index, obj in items:
        value = getattr(obj, attr)
        if value in seen:
            add((key, index, attr), f"duplicate {attr} {value!r} (first at {key}[{seen[value]}])",
                f"a unique {attr}")
        else:
            seen[value] = index


def check_issues(issues: list[tuple[int, Issue]], add: Add) -> None:
    for index, issue in issues:
        path: Path = ("issues", index)
        if not issue.low < issue.high:
            add(path + ("high",), f"scale {issue.low}..{issue.high}", "low < high")
            continue
        rng = f"a value within the scale {issue.low:g}..{issue.high:g}"
        if issue.status_quo is not None and not issue.low <= issue.status_quo <= issue.high:
            add(path + ("status_quo",), short(issue.status_quo), rng)
        anchored: set[float] = set()
        for k, anchor in enumerate(issue.anchors):
            if not issue.low <= anchor.value <= issue.high:
                add(path + ("anchors", k), f"anchor at {anchor.value:g}", rng)
            if anchor.value in anchored:  # YAML keys anchors by value: one label per point
                add(path + ("anchors", k), f"a second anchor at {anchor.value:g}",
                    "one label per value")
            anchored.add(anchor.value)
        seen: set[str] = set()
        for k, option in enumerate(issue.options):
            if not issue.low <= option.value <= issue.high:
                add(path + ("options", k), f"option {option.name!r} at {option.value:g}", rng)
            if option.name in seen:
                add(path + ("options", k), f"duplicate option {option.name!r}",
                    "unique option names")
            seen.add(option.name)


def check_stances(
    stances: list[tuple[int, Stance]],
    actors: list[tuple[int, Actor]],
    issues: list[tuple[int, Issue]],
    sources: list[tuple[int, Source]],
    add: Add,
) -> None:
    actor_ids = {a.id for _, a in actors}
    issue_by_id = {i.id: i for _, i in issues}
    source_ids = {s.id for _, s in sources}
    seen: dict[tuple[str, str], int] = {}
    for index, st in stances:
        path: Path = ("stances", index)
        if st.actor not in actor_ids:
            unknown(add, path + ("actor",), "actor", st.actor, actor_ids)
        issue = issue_by_id.get(st.issue)
        if issue is None:
            unknown(add, path + ("issue",), "issue", st.issue, issue_by_id)
        elif issue.low < issue.high:
            rng = within_scale(issue)
            if not issue.low <= st.position <= issue.high:
                add(path + ("position",), short(st.position), rng)
            dist = st.position_uncertainty
            if dist is not None and (dist.low < issue.low or dist.high > issue.high):
                add(path + ("uncertainty", "position"), f"range {dist.low:g}..{dist.high:g}", rng)
            if dist is not None and not dist.low <= st.position <= dist.high:
                add(path + ("uncertainty", "position"),
                    f"range {dist.low:g}..{dist.high:g} that excludes the position {st.position:g}",
                    "a range that contains the stated position")
        sal = st.salience_uncertainty
        if sal is not None and (sal.low < 0 or sal.high > 1):
            add(path + ("uncertainty", "salience"), f"range {sal.low:g}..{sal.high:g}",
                "a range within 0..1")
        if sal is not None and not sal.low <= st.salience <= sal.high:
            add(path + ("uncertainty", "salience"),
                f"range {sal.low:g}..{sal.high:g} that excludes the salience {st.salience:g}",
                "a range that contains the stated salience")
        for k, src in enumerate(st.sources):
            if src not in source_ids:
                add(path + ("sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")
        key = (st.actor, st.issue)
        if key in seen:
            add(path, f"a second stance of {st.actor!r} on {st.issue!r} "
                f"(first at stances[{seen[key]}])", "at most one stance per actor and issue")
        else:
            seen[key] = index


def check_invalid_stance_refs(
    raw: Any,
    valid: list[tuple[int, Stance]],
    actors: list[tuple[int, Actor]],
    issues: list[tuple[int, Issue]],
    add: Add,
) -> None:
    """Unknown actor or issue in stances that failed field validation (so all show at once)."""
    if not isinstance(raw, list | tuple):
        return
    done = {index for index, _ in valid}
    known = {"actor": {a.id for _, a in actors}, "issue": {i.id for _, i in issues}}
    issue_by_id = {i.id: i for _, i in issues}
    for index, item in enumerate(raw):
        if index in done or not isinstance(item, Mapping):
            continue
        for key, ids in known.items():
            value = item.get(key)
            if isinstance(value, str) and value and value not in ids:
                unknown(add, ("stances", index, key), key, value, ids)
        issue_id = item.get("issue")
        issue = issue_by_id.get(issue_id) if isinstance(issue_id, str) else None
        position = item.get("position")
        # as for valid stances: only against a valid scale; a non-finite number is already
        # reported as such
        if (issue is not None and issue.low < issue.high and isinstance(position, int | float)
                and math.isfinite(position) and not issue.low <= position <= issue.high):
            add(("stances", index, "position"), short(position), within_scale(issue))


def declared_ids(raw: Any) -> set[str]:
    """The ids written in a list of records, valid or not."""
    if not isinstance(raw, list | tuple):
        return set()
    return {r["id"] for r in raw if isinstance(r, Mapping) and isinstance(r.get("id"), str)}


def skip_declared(add: Add, declared: Mapping[str, set[str]]) -> Add:
    """``add`` without the "unknown actor/issue" problems of ids that are declared (their
    record failed validation and has its own problem), wherever the reference stands:
    a stance, a veto, a red line's bloc, a linked offer."""
    def filtered(path: Path, found: str, expected: str) -> None:
        kind, _, value = found.partition(" ")[2].partition(" ")
        if (found.startswith("unknown ") and kind in ("actor", "issue", "pressure")
                and value.strip("'\"") in declared[f"{kind}s"]):
            return
        add(path, found, expected)
    return filtered


def unknown(add: Add, path: Path, kind: str, value: str, ids: Iterable[str]) -> None:
    """A reference to an actor or issue the scenario does not have."""
    add(path, f"unknown {kind} {value!r}",
        f"one of the scenario's {kind}s ({', '.join(sorted(ids)) or 'none'})")


def within_scale(issue: Issue) -> str:
    return f"a value within the scale {issue.low:g}..{issue.high:g} of issue {issue.id!r}"
