"""Portable history files: the export format, and bundled histories built from it.

An export is one JSON document (``format: detente-history``) listing versions,
each with its history name, ``as_of``, note, sources and the whole scenario,
so nothing is locked in a database: ``history import`` on another machine (or
another database) rebuilds the same versions with the same hashes.

A *bundled* history (``detente/scenarios/NAME-history/history.yaml``) uses the
same document, except that a version may name its scenario
(``scenario: ukraine-2025-11``, a bundled name or a file beside the manifest)
or derive it from another version by a list of sourced changes
(``derive: {from: 2025-11-05, changes: [...]}``); see :func:`apply_change`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from detente.errors import DetenteError
from detente.scenario import Scenario, Source
from detente.version import __version__

if TYPE_CHECKING:
    from detente.store.history import Version

FORMAT = "detente-history"
FORMAT_VERSION = 1
MANIFEST = "history.yaml"


@dataclass(frozen=True)
class Entry:
    """One version read from a portable file, ready to add."""

    history: str
    as_of: dt.date
    note: str
    sources: tuple[Source, ...]
    scenario: Scenario


def write_export(path: Path, versions: Sequence[Version], scenarios: Mapping[str, Scenario]
                 ) -> Path:
    """Write ``versions`` (with their whole scenarios) to ``path`` as JSON, atomically."""
    from detente.formats import write_text_atomic

    doc = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "detente_version": __version__,
        "versions": [{
            "history": v.history, "as_of": v.as_of.isoformat(), "note": v.note,
            "sources": [s.model_dump(mode="json", exclude_none=True) for s in v.sources],
            "scenario_hash": v.scenario_hash,
            "scenario": scenarios[v.scenario_hash].to_dict(),
        } for v in versions],
    }
    write_text_atomic(path, json.dumps(doc, indent=1, sort_keys=True, default=str) + "\n")
    return path


def bundled_history(name: str) -> Path | None:
    """The manifest of a bundled history (``ukraine-2025-11`` or ``ukraine-2025-11-history``)."""
    root = resources.files("detente.scenarios")
    base = name.removesuffix("-history")
    candidate = root / f"{base}-history" / MANIFEST
    return Path(str(candidate)) if candidate.is_file() else None


def bundled_histories() -> tuple[str, ...]:
    root = resources.files("detente.scenarios")
    return tuple(sorted(p.name.removesuffix("-history") for p in root.iterdir()
                        if p.name.endswith("-history") and (p / MANIFEST).is_file()))


def read_versions(path_or_name: str | os.PathLike[str]) -> list[Entry]:
    """The versions of an export file, a manifest, or a bundled history by name."""
    path = Path(os.fspath(path_or_name))
    if path.is_dir() and (path / MANIFEST).is_file():
        path = path / MANIFEST
    if not path.is_file():
        found = bundled_history(os.fspath(path_or_name))
        if found is None:
            raise DetenteError(f"{path_or_name}: no such file, and no bundled history of that "
                               f"name (bundled: {', '.join(bundled_histories()) or 'none'})")
        path = found
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DetenteError(f"{path}: cannot read a history file ({exc})") from None
    if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
        raise DetenteError(f"{path}: not a detente history file (expected 'format: {FORMAT}')")
    if doc.get("format_version", 1) > FORMAT_VERSION:
        raise DetenteError(f"{path}: format_version {doc['format_version']} is newer than this "
                           f"detente reads ({FORMAT_VERSION})")
    raw = doc.get("versions")
    if not isinstance(raw, list) or not raw:
        raise DetenteError(f"{path}: versions: expected a non-empty list")
    return _entries(path, doc, raw)


def _entries(path: Path, doc: Mapping[str, Any], raw: list[Any]) -> list[Entry]:
    data: dict[int, dict[str, Any]] = {}
    pending = list(range(len(raw)))
    while pending:  # derived versions wait for the version they derive from
        progressed = False
        for n in list(pending):
            item = raw[n]
            where = f"{path}: versions[{n}]"
            if not isinstance(item, Mapping):
                raise DetenteError(f"{where}: expected a mapping with as_of and a scenario")
            got = _scenario_data(path, item, raw, data, where)
            if got is not None:
                data[n] = got
                pending.remove(n)
                progressed = True
        if not progressed:
            raise DetenteError(f"{path}: versions derive from each other in a circle")
    out = []
    for n, item in enumerate(raw):
        where = f"{path}: versions[{n}]"
        as_of = _as_of(item.get("as_of"), where)
        scenario = Scenario.from_dict(data[n], file=f"{where}.scenario")
        expected = item.get("scenario_hash")
        if expected is not None and expected != scenario.hash:
            raise DetenteError(f"{where}: scenario_hash {expected} does not match the scenario "
                               f"it holds ({scenario.hash}); the file was edited or damaged")
        sources = item.get("sources", doc.get("sources"))
        try:
            srcs = (scenario.sources if sources is None
                    else tuple(Source(**s) for s in sources))
        except (TypeError, ValueError) as exc:
            raise DetenteError(f"{where}.sources: expected records with an id ({exc})") from None
        history = item.get("history") or doc.get("history") or scenario.name
        out.append(Entry(str(history), as_of, str(item.get("note") or ""), srcs, scenario))
    return out


def _scenario_data(path: Path, item: Mapping[str, Any], raw: list[Any],
                   done: Mapping[int, dict[str, Any]], where: str) -> dict[str, Any] | None:
    scenario = item.get("scenario")
    if isinstance(scenario, Mapping):
        return dict(scenario)
    if isinstance(scenario, str):
        from detente.formats import read
        from detente.scenarios import resolve

        beside = path.parent / scenario
        return read(resolve(beside if beside.is_file() else scenario)).to_dict()
    derive = item.get("derive")
    if not isinstance(derive, Mapping):
        raise DetenteError(f"{where}: expected 'scenario' (a mapping, a file or a bundled "
                           "name) or 'derive' (from, changes)")
    base = _find(raw, derive.get("from"), where)
    if base not in done:
        return None
    data = copy.deepcopy(done[base])
    data["as_of"] = str(item.get("as_of"))  # a derived scenario is as known on its own date
    for k, change in enumerate(derive.get("changes") or []):
        apply_change(data, change, f"{where}.derive.changes[{k}]")
    return data


def _find(raw: list[Any], ref: Any, where: str) -> int:
    for n, item in enumerate(raw):
        if isinstance(item, Mapping) and str(item.get("as_of")) == str(ref):
            return n
    raise DetenteError(f"{where}.derive.from: {ref!r} names no version's as_of date")


def _as_of(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DetenteError(f"{where}.as_of: found {value!r}; expected a date YYYY-MM-DD") from None


def _drop_structure(data: dict[str, Any], kind: str, key: str) -> None:
    """With an actor or issue, the scenario structure that refers to it goes too: linked
    offers by the actor or on the issue, the actor's vetoes and control, its pressure
    links (see docs/scenarios.md)."""
    links = data.get("linkages") or []
    if kind == "issue":
        links = [k for k in links if key not in (k.get("offer", {}).get("issue"),
                                                 k.get("requires", {}).get("issue"))]
    else:
        links = [k for k in links if k.get("actor") != key]
        for issue in data.get("issues", []):
            for field in ("controlled_by", "vetoes"):
                if isinstance(issue.get(field), list) and key in issue[field]:
                    issue[field] = [a for a in issue[field] if a != key]
    if "linkages" in data:
        data["linkages"] = links
    _drop_from_proposals(data, kind, key)


def _drop_from_proposals(data: dict[str, Any], kind: str, key: str) -> None:
    """Proposals by a removed actor go; a removed issue leaves every package, ``open`` list
    and phase (a proposal left settling nothing goes)."""
    if "proposals" not in data:
        return
    kept = []
    for prop in data["proposals"]:
        if kind != "issue":
            if prop.get("proposer") != key:
                kept.append(prop)
            continue
        prop = dict(prop)
        prop["package"] = {k: v for k, v in (prop.get("package") or {}).items() if k != key}
        prop["open"] = [i for i in prop.get("open") or [] if i != key]
        phases = [{**ph, "issues": [i for i in ph.get("issues", []) if i != key]}
                  for ph in prop.get("phases") or []]
        prop["phases"] = [ph for ph in phases if ph["issues"]]
        if prop["package"]:
            kept.append(prop)
    data["proposals"] = kept


def apply_change(data: dict[str, Any], change: Any, where: str) -> None:
    """Apply one sourced change to a canonical scenario dict, in place.

    A change names one entry and what to do: ``{stance: ACTOR/ISSUE, set: {...}}``
    (creating the stance if absent), ``{stance: ..., remove: true}``, the same for
    ``actor: ID``, ``issue: ID`` and ``proposal: ID`` (removing an actor or issue removes
    its stances and the linkages, vetoes, control and proposals that name it; removing a
    proposal takes a plan off the table that was not yet made), plus ``source`` (a
    source id) and ``because`` (the paraphrased evidence), which a manifest must give
    for every change.
    """
    if not isinstance(change, Mapping):
        raise DetenteError(f"{where}: expected a mapping (stance/actor/issue/proposal, set or "
                           "remove)")
    if not change.get("source") or not change.get("because"):
        raise DetenteError(f"{where}: every change needs 'source' and 'because'")
    kinds = [k for k in ("stance", "actor", "issue", "proposal") if k in change]
    if len(kinds) != 1:
        raise DetenteError(f"{where}: name exactly one of stance, actor, issue, proposal")
    kind, key = kinds[0], str(change[kinds[0]])
    section = kind + "s"
    if kind == "stance":
        actor, _, issue = key.partition("/")
        match = lambda e: e["actor"] == actor and e["issue"] == issue  # noqa: E731
    else:
        match = lambda e: e["id"] == key  # noqa: E731
    items = data.setdefault(section, [])
    hits = [e for e in items if match(e)]
    if change.get("remove"):
        if not hits:
            raise DetenteError(f"{where}: no {kind} {key!r} to remove")
        data[section] = [e for e in items if not match(e)]
        if kind in ("actor", "issue"):
            data["stances"] = [s for s in data.get("stances", []) if s[kind] != key]
            _drop_references(data, kind, key)
            _drop_structure(data, kind, key)
        return
    values = change.get("set")
    if not isinstance(values, Mapping):
        raise DetenteError(f"{where}: expected 'set: {{field: value}}' or 'remove: true'")
    if hits:
        hits[0].update(copy.deepcopy(dict(values)))
    elif kind == "stance":
        items.append({"actor": actor, "issue": issue, **copy.deepcopy(dict(values))})
    else:
        items.append({"id": key, **copy.deepcopy(dict(values))})



def _drop_references(data: dict[str, Any], kind: str, key: str) -> None:
    """Remove the structure records (any other top-level list of records) that name a
    removed actor or issue (see :func:`detente.store.diff.names`): a linked offer on a
    removed issue goes with it."""
    from detente.store.diff import SECTIONS, names

    for section, items in list(data.items()):
        if section in SECTIONS or not isinstance(items, list):
            continue
        data[section] = [item for item in items
                         if not (isinstance(item, Mapping) and names(item, kind, {key}))]
