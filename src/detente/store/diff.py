"""What changed between two scenarios, and how much each change moved each forecast.

A scenario's canonical dictionary (:meth:`detente.Scenario.to_dict`) is split
into keyed entries: the scenario's own fields, sources, actors, issues,
stances (keyed ``actor/issue``) and any other top-level section (the
negotiation's *structure*: blocs, controls, red lines, proposals, ...; items
keyed by their ``id`` or ``name``). Comparing the entries of two scenarios
gives the :class:`Change` list.

Changes to actors, issues, stances and structure can move a forecast; they are
the players of a Shapley attribution (:mod:`detente.store.attribution`): the
forecast of the old scenario with any subset of them applied is computed, and
each change is credited with its average marginal effect. An added actor
brings its stances with it (and an added issue its stances); a stance or a
structure record that names an actor or issue absent from a subset is left out
of that subset's scenario.
Source lists and the scenario's own text fields enter no model, so they are
listed but not attributed (their Shapley value would be exactly 0).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.extras import extras_of
from detente.models.base import Model
from detente.scenario import Scenario
from detente.store.attribution import EXACT_UP_TO, shapley

SECTIONS = ("actors", "issues", "stances", "sources")
"""The sections every scenario has; any other top-level list is structure."""
_TOP = ("name", "title", "as_of", "description", "metadata")
Key = tuple[str, ...]  # (section, id...) of one entry


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry: its value before and after (``None`` = absent)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    """One entry that was added, removed or changed.

    ``kind`` is ``actor``, ``issue``, ``stance``, ``structure``, ``source`` or
    ``scenario``; ``key`` names the entry (``RUS``, ``RUS/donetsk``,
    ``blocs/Europe``); ``fields`` lists what differs (for a change).
    """

    kind: str
    key: str
    action: str
    fields: tuple[FieldChange, ...] = ()

    @property
    def moves_forecasts(self) -> bool:
        """Whether the change can move a forecast (sources, titles and the proposals on
        the table cannot: no model reads them)."""
        return self.kind not in ("source", "scenario") and \
            self.key.partition("/")[0] != "proposals"

    def describe(self) -> str:
        if self.action != "changed":
            return f"{self.kind} {self.key} {self.action}"
        parts = [f"{f.field} {_short(f.before)} → {_short(f.after)}" for f in self.fields]
        return f"{self.kind} {self.key}: " + "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "action": self.action,
                "fields": [{"field": f.field, "before": f.before, "after": f.after}
                           for f in self.fields]}


@dataclass(frozen=True)
class _Unit:
    """What applying one change does: entries set (value) or deleted (``None``)."""

    sets: tuple[tuple[Key, Any], ...]


@dataclass(frozen=True)
class Attributed:
    """Forecasts before and after, and each attributed change's share of the move.

    ``before[m, k]`` / ``after[m, k]``: model ``m``'s forecast on issue ``k`` (the
    issues both scenarios share); ``contribution[c, m, k]``: change
    ``changes[c]``'s part of ``after - before`` (they sum to it).
    """

    models: tuple[str, ...]
    issues: tuple[str, ...]
    changes: tuple[Change, ...]
    before: np.ndarray
    after: np.ndarray
    contribution: np.ndarray
    exact: bool
    samples: int
    evaluations: int
    marginal_low: np.ndarray | None = None
    marginal_high: np.ndarray | None = None
    """``[c, m, k]``: the smallest and largest marginal contribution of each change (see
    :class:`~detente.store.attribution.Attribution`)."""
    spans: np.ndarray | None = None
    """``[k]``: each issue's scale width (for the knife-edge tolerance)."""
    path_edge: np.ndarray | None = None
    """``[c, m, k]``: a position change along whose path (the position moved alone from
    its old to its new value in :data:`PATH_POINTS` steps) the forecast both rises and
    falls: a knife-edge the two ends hide."""

    @property
    def move(self) -> np.ndarray:
        return self.after - self.before

    @property
    def knife_edge(self) -> np.ndarray:
        """``[c, m, k]``: the change moves the forecast by more than the sensitivity tools'
        non-monotone tolerance (``MONOTONE_TOL`` of the scale) in both directions,
        depending on which other changes come with it: a knife-edge, flagged as
        ``detente sensitivity`` flags a non-monotone input."""
        if self.marginal_low is None or self.marginal_high is None:
            return np.zeros_like(self.contribution, dtype=bool)
        from detente.uncertainty.sensitivity import MONOTONE_TOL

        span = self.spans if self.spans is not None else np.full(len(self.issues), 100.0)
        tol = MONOTONE_TOL * np.asarray(span, dtype=float)[None, None, :]
        both = (self.marginal_low < -tol) & (self.marginal_high > tol)
        if self.path_edge is not None:
            both = both | self.path_edge
        return np.asarray(both)


    def knife_edges(self) -> dict[tuple[str, str], tuple[int, ...]]:
        """``(model, issue) -> indices of the changes`` that moved that forecast across a
        knife-edge (:attr:`knife_edge`): the one reading of the flags that ``history
        diff`` (table and JSON) and ``history timeline`` (table, JSON, figure) share."""
        edge = self.knife_edge
        return {(model, issue): tuple(int(j) for j in np.flatnonzero(edge[:, m, k]))
                for m, model in enumerate(self.models) for k, issue in enumerate(self.issues)
                if edge[:, m, k].any()}


PATH_POINTS = 9
"""Points on the path of a changed position (ends included) checked for a knife-edge."""


def _path_edges(da: Mapping[str, Any], db: Mapping[str, Any], units: Sequence[_Unit],
                models: Sequence[Model], issues: Sequence[str], spans: np.ndarray,
                seed: int | None) -> np.ndarray:
    """``[c, m, k]``: for each change that moves one stance's position (and nothing
    else), whether the forecast, with that position alone moved step by step from its old
    to its new value, rises and falls by more than ``MONOTONE_TOL`` of the scale (the
    test ``detente sensitivity`` applies across an input's range)."""
    from detente.uncertainty.sensitivity import MONOTONE_TOL, non_monotone

    m, k = len(models), len(issues)
    out = np.zeros((len(units), m, k), dtype=bool)
    base = compose(da, db, [])
    for j, unit in enumerate(units):
        if len(unit.sets) != 1 or unit.sets[0][0][0] != "stances":
            continue
        key, after = unit.sets[0]
        at = next((n for n, st in enumerate(base.get("stances", []))
                   if (st.get("actor"), st.get("issue")) == (key[1], key[2])), None)
        if at is None or not isinstance(after, Mapping):
            continue
        old, new = base["stances"][at].get("position"), after.get("position")
        if not isinstance(old, int | float) or not isinstance(new, int | float) or old == new:
            continue
        curve = []
        for t in np.linspace(0.0, 1.0, PATH_POINTS):
            data = copy.deepcopy(base)
            data["stances"][at]["position"] = float(old + t * (new - old))
            data["stances"][at].pop("position_uncertainty", None)
            try:
                sc = Scenario.from_dict(json.loads(json.dumps(data, default=str)))
            except DetenteError:
                break
            curve.append(_forecasts(sc, models, issues, seed).reshape(m, k))
        if len(curve) < PATH_POINTS:
            continue
        path = np.stack(curve)
        for mm in range(m):
            for kk in range(k):
                out[j, mm, kk] = non_monotone(path[:, mm, kk], MONOTONE_TOL * spans[kk])
    return out


@dataclass(frozen=True)
class ScenarioDiff:
    """Every change between two scenarios, and the attribution when it could be made."""

    changes: tuple[Change, ...]
    attributed: Attributed | None = None
    unattributed_reason: str = ""
    issues_added: tuple[str, ...] = field(default=())
    issues_removed: tuple[str, ...] = field(default=())


# ---- entries and changes -------------------------------------------------------------------


def entries(data: Mapping[str, Any]) -> dict[Key, Any]:
    """The keyed entries of a canonical scenario dictionary, in document order."""
    out: dict[Key, Any] = {}
    for name in _TOP:
        if name in data:
            out[("scenario", name)] = data[name]
    for item in data.get("sources", ()):
        out[("sources", item["id"])] = item
    for item in data.get("actors", ()):
        out[("actors", item["id"])] = item
    for item in data.get("issues", ()):
        out[("issues", item["id"])] = item
    for item in data.get("stances", ()):
        out[("stances", item["actor"], item["issue"])] = item
    for name, value in data.items():
        if name in _TOP or name in SECTIONS:
            continue
        ids = _item_ids(value)
        if ids is None:
            out[("structure", name)] = value
        else:
            for ident, item in zip(ids, value, strict=True):
                out[("structure", name, ident)] = item
    return out


def _item_ids(value: Any) -> list[str] | None:
    """The ids of a list of records (by ``id``, else ``name``, else ``actor/issue``), or
    None if it is not such a list or the ids are not unique (then it is one entry)."""
    if not isinstance(value, list) or not value:
        return None
    ids = []
    for item in value:
        if not isinstance(item, Mapping):
            return None
        ident = item.get("id", item.get("name"))
        if ident is None and isinstance(item.get("actor"), str) \
                and isinstance(item.get("issue"), str):
            ident = f"{item['actor']}/{item['issue']}"
        if not isinstance(ident, str):
            return None
        ids.append(ident)
    return ids if len(set(ids)) == len(ids) else None


def _kind(key: Key) -> str:
    return {"actors": "actor", "issues": "issue", "stances": "stance",
            "sources": "source"}.get(key[0], key[0])


def _label(key: Key) -> str:
    return "/".join(key[1:])


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[tuple[Change, _Unit]]:
    """Changes from ``a`` to ``b`` (canonical dicts), each with the unit that applies it."""
    ea, eb = entries(a), entries(b)
    gone_actors = {k[1] for k in ea if k[0] == "actors" and k not in eb}
    gone_issues = {k[1] for k in ea if k[0] == "issues" and k not in eb}
    new_actors = {k[1] for k in eb if k[0] == "actors" and k not in ea}
    new_issues = {k[1] for k in eb if k[0] == "issues" and k not in ea}
    out: list[tuple[Change, _Unit]] = []
    for key in [*ea, *(k for k in eb if k not in ea)]:
        before, after = ea.get(key), eb.get(key)
        if before == after:
            continue
        if key[0] == "stances" and (key[1] in gone_actors | new_actors
                                    or key[2] in gone_issues | new_issues):
            continue  # travels with its actor or issue
        if key == _LINKAGES and _linkages_without(before, gone_actors | new_actors,
                                                  gone_issues | new_issues) == \
                _linkages_without(after, gone_actors | new_actors, gone_issues | new_issues):
            continue  # linked offers naming an added or removed actor or issue travel with it
        action = "added" if before is None else "removed" if after is None else "changed"
        fields = _field_changes(before, after) if action == "changed" else ()
        kind = _kind(key)
        if kind == "actor" and fields and all(f.field == "bloc" for f in fields):
            kind = "structure"
        sets: list[tuple[Key, Any]] = [(key, after)]
        if key[0] in ("actors", "issues") and action == "added":
            pos = 1 if key[0] == "actors" else 2
            sets += [(k, v) for k, v in eb.items() if k[0] == "stances" and k[pos] == key[1]]
            if _LINKAGES in eb:  # compose keeps only the linked offers whose names exist
                sets.append((_LINKAGES, eb[_LINKAGES]))
        out.append((Change(kind, _label(key), action, fields), _Unit(tuple(sets))))
    return out


_LINKAGES: Key = ("structure", "linkages")


def _names(link: Mapping[str, Any]) -> set[str]:
    """The actor and issues a linked offer names."""
    return {link.get("actor"), link.get("offer", {}).get("issue"),
            link.get("requires", {}).get("issue")}


def _linkages_without(value: Any, actors: set[str], issues: set[str]) -> list[Any]:
    """The linked offers that name none of ``actors`` / ``issues``."""
    return [k for k in value or [] if not _names(k) & (actors | issues)]


def _field_changes(before: Any, after: Any) -> tuple[FieldChange, ...]:
    if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        return (FieldChange("value", before, after),)
    names = [*before, *(k for k in after if k not in before)]
    return tuple(FieldChange(n, before.get(n), after.get(n)) for n in names
                 if before.get(n) != after.get(n))


def compose(a: Mapping[str, Any], b: Mapping[str, Any], units: Sequence[_Unit]) -> dict[str, Any]:
    """Scenario ``a`` with ``units`` applied, as a canonical dict (entries in ``b``'s order).

    Sources are the union of both (``b``'s record where both have one), so that
    every stance's sources resolve whatever subset is applied.
    """
    ea, eb = entries(a), entries(b)
    current = dict(ea)
    for unit in units:
        for key, value in unit.sets:
            if value is None:
                current.pop(key, None)
            else:
                current[key] = value
    for key, value in eb.items():
        if key[0] in ("sources", "scenario"):
            current[key] = value
    actors = {k[1] for k in current if k[0] == "actors"}
    issues = {k[1] for k in current if k[0] == "issues"}
    absent_actors = {k[1] for k in [*ea, *eb] if k[0] == "actors"} - actors
    absent_issues = {k[1] for k in [*ea, *eb] if k[0] == "issues"} - issues

    def keep(key: Key, value: Any) -> bool:
        if key[0] == "stances":
            return key[1] in actors and key[2] in issues
        if key[0] == "structure" and isinstance(value, Mapping):  # a record naming an absent
            return not (names(value, "actor", absent_actors)  # actor or issue goes too
                        or names(value, "issue", absent_issues))
        return True

    current = {k: v for k, v in current.items() if keep(k, v)}
    if _LINKAGES in current:  # linked offers travel with the actors and issues they name
        kept = [k for k in current[_LINKAGES] if _names(k) <= actors | issues]
        if kept:
            current[_LINKAGES] = kept
        else:
            current.pop(_LINKAGES)
    rank = {k: n for n, k in enumerate(eb)}
    ordered = sorted(current, key=lambda k: (0, rank[k]) if k in rank else (1, list(ea).index(k)))
    return _assemble({k: current[k] for k in ordered})


def names(record: Mapping[str, Any], kind: str, ids: set[str]) -> bool:
    """Whether a structure record names one of ``ids`` (actors or issues, by ``kind``) in a
    field whose name says so (``issue``, ``if_issue``, ``actors``, ``members`` for actors)."""
    words = ("actor", "member", "proposer") if kind == "actor" else ("issue", "package", "open")
    for name, value in record.items():
        if not any(w in str(name).lower() for w in words):
            continue
        if isinstance(value, Mapping):  # a proposal's package: {issue: option}
            value = list(value)
        if (isinstance(value, str) and value in ids) or \
                (isinstance(value, list) and any(v in ids for v in value if isinstance(v, str))):
            return True
    return False


def _assemble(items: Mapping[Key, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in items.items():
        section = key[0]
        if section == "scenario":
            data[key[1]] = copy.deepcopy(value)
        elif section in SECTIONS:
            data.setdefault(section, []).append(copy.deepcopy(value))
        elif len(key) == 2:  # structure section held whole
            data[key[1]] = copy.deepcopy(value)
        else:
            data.setdefault(key[1], []).append(copy.deepcopy(value))
    for section in SECTIONS:
        data.setdefault(section, [])
    return data


# ---- attribution ---------------------------------------------------------------------------


def diff_scenarios(a: Scenario, b: Scenario, models: Sequence[Model], *, seed: int | None = 0,
                   rng: np.random.Generator | None = None, samples: int = 2000,
                   exact_up_to: int = EXACT_UP_TO) -> ScenarioDiff:
    """Changes from ``a`` to ``b`` and their Shapley attribution for each model.

    Each subset's scenario is forecast by every model with ``seed``; beyond
    ``exact_up_to`` changes, ``samples`` random orders drawn from ``rng``
    estimate the values. When some subset is not a valid scenario (a change
    that needs another, e.g. a structure entry naming an added actor), the diff
    is returned without attribution and says why.
    """
    da, db = a.to_dict(), b.to_dict()
    pairs = compare(da, db)
    changes = tuple(c for c, _ in pairs)
    players = [(c, u) for c, u in pairs if c.moves_forecasts]
    common = tuple(i for i in a.issue_ids if i in set(b.issue_ids))
    added = tuple(i for i in b.issue_ids if i not in set(a.issue_ids))
    removed = tuple(i for i in a.issue_ids if i not in set(b.issue_ids))
    if not models or not common:
        return ScenarioDiff(changes, None, "no model or no shared issue", added, removed)
    units = [u for _, u in players]

    def value(members: frozenset[int]) -> np.ndarray:
        if not members or len(members) == len(units):  # the versions themselves, exactly
            return _forecasts(b if members else a, models, common, seed)
        data = compose(da, db, [units[i] for i in sorted(members)])
        scenario = Scenario.from_dict(json.loads(json.dumps(data, default=str)))
        return _forecasts(scenario, models, common, seed)

    try:
        result = shapley(len(units), value, rng=rng, samples=samples, exact_up_to=exact_up_to)
    except DetenteError as exc:
        reason = f"applying only some of the changes gives an invalid scenario ({exc})"
        return ScenarioDiff(changes, None, reason, added, removed)
    m, k = len(models), len(common)
    spans = np.array([b.issue(i).span for i in common])
    before = _forecasts(a, models, common, seed).reshape(m, k)
    after = before + result.total.reshape(m, k)
    attributed = Attributed(
        models=tuple(model.name for model in models), issues=common,
        changes=tuple(c for c, _ in players), before=before, after=after,
        contribution=result.contribution.reshape(len(units), m, k),
        exact=result.exact, samples=result.samples, evaluations=result.evaluations,
        marginal_low=None if result.marginal_low is None
        else result.marginal_low.reshape(len(units), m, k),
        marginal_high=None if result.marginal_high is None
        else result.marginal_high.reshape(len(units), m, k),
        spans=spans, path_edge=_path_edges(da, db, units, models, common, spans, seed))
    return ScenarioDiff(changes, attributed, "", added, removed)


def _forecasts(scenario: Scenario, models: Iterable[Model], issues: Sequence[str],
               seed: int | None) -> np.ndarray:
    """Every model's point forecast on ``issues``, concatenated model by model."""
    index = [scenario.issue_ids.index(i) for i in issues]
    extras = extras_of(scenario)  # a KTAB file's settings, an EU issue's Council rules
    return np.concatenate([model.bind(extras).forecast(scenario, seed=seed).outcome[0][index]
                           for model in models])


def _short(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
