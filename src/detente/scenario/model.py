"""The :class:`Scenario`: one negotiation as known on one date, and its canonical form.

:meth:`Scenario.from_dict` rewrites the shorthands (:mod:`.normalisation`), validates
every record (:mod:`.validation`) and every cross-reference (:mod:`.structure`), and
reports *all* problems at once; :meth:`Scenario.to_dict` writes the canonical plain
form, leaving out unset optional fields.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from pydantic import BaseModel, Field

from detente.conflict_facts import ConflictFacts, check_conflict
from detente.errors import Path, Problem, ScenarioError, short
from detente.scenario.normalisation import (
    normalise_actor,
    normalise_issue,
    normalise_plain,
    normalise_pressure,
    normalise_proposal,
    normalise_stance,
)
from detente.scenario.parts import (
    WHOLE_WAR,
    Actor,
    Bloc,
    Front,
    Issue,
    Linkage,
    Pressure,
    Proposal,
    Shock,
    Source,
    Stance,
    _Frozen,
)
from detente.scenario.structure import Parts, check_fighting, check_proposals, check_structure
from detente.scenario.validation import (
    Locator,
    check_invalid_stance_refs,
    check_issues,
    check_stances,
    check_unique,
    declared_ids,
    field_line,
    skip_declared,
    validate,
    validate_list,
)


class Scenario(_Frozen):
    """One negotiation as known on one date (``as_of``), with its sources.

    Build with :meth:`from_dict` (or a reader in :mod:`detente.formats`), which
    validates everything; construct directly only from trusted parts.
    """

    name: str = Field(min_length=1)
    title: str = ""
    as_of: dt.date | None = None
    description: str = ""
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    stances: tuple[Stance, ...] = ()
    blocs: tuple[Bloc, ...] = ()
    linkages: tuple[Linkage, ...] = ()
    pressures: tuple[Pressure, ...] = ()
    shocks: tuple[Shock, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    """Plans on the table (optional; they change no model's numbers)."""
    fronts: tuple[Front, ...] = ()
    """Where fighting goes on (optional; issues that stop fighting without naming a front
    cover all of it, one front called :data:`WHOLE_WAR` when none is declared)."""
    conflict: ConflictFacts | None = None
    """Facts about the war, for its reference class (optional; they change no forecast)."""
    metadata: dict[str, Any] = Field(default_factory=dict)

    # ---- look-ups -------------------------------------------------------------
    @cached_property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    @cached_property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(f"no actor {actor_id!r}; actors are {', '.join(self.actor_ids)}")

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(f"no issue {issue_id!r}; issues are {', '.join(self.issue_ids)}")

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        """The stance of one actor on one issue, or ``None`` if it takes none."""
        return self._stance_index.get((actor_id, issue_id))

    @cached_property
    def _stance_index(self) -> dict[tuple[str, str], Stance]:
        return {(s.actor, s.issue): s for s in self.stances}

    # ---- structure (control, vetoes, red lines, linkages, blocs, pressures) ----------
    @cached_property
    def has_structure(self) -> bool:
        """Whether any structural feature is set. Without one every tool takes the plain
        path of a scenario of positions and saliences (and gives the same numbers)."""
        return bool(
            self.blocs or self.linkages or self.pressures or self.shocks
            or any(s.red_lines for s in self.stances)
            or any(i.controlled_by or i.vetoes or i.no_agreement or i.stops_fighting
                   or i.guarantors or i.lifted_by for i in self.issues)
            or any(a.batna_pressure for a in self.actors)
        )  # capability_by_issue is not structure: the forecast models read it

    def bloc_of(self, actor_id: str) -> Bloc | None:
        """The declared bloc ``actor_id`` belongs to (a bloc label not declared in
        ``blocs`` is only a label: ``None``)."""
        bloc = self.actor(actor_id).bloc
        return next((b for b in self.blocs if b.id == bloc), None)

    def pressure(self, pressure_id: str) -> Pressure:
        for p in self.pressures:
            if p.id == pressure_id:
                return p
        raise KeyError(f"no pressure {pressure_id!r}; pressures are "
                       f"{', '.join(p.id for p in self.pressures) or 'none'}")

    @property
    def front_ids(self) -> tuple[str, ...]:
        """The fronts fighting goes on: the declared ones, else one for the whole war
        (:data:`WHOLE_WAR`)."""
        return tuple(f.id for f in self.fronts) or (WHOLE_WAR,)

    def shock(self, shock_id: str) -> Shock:
        for k in self.shocks:
            if k.id == shock_id:
                return k
        raise KeyError(f"no shock {shock_id!r}; shocks are "
                       f"{', '.join(k.id for k in self.shocks) or 'none'}")

    # ---- identity -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The canonical plain-data form (what YAML and JSON hold)."""
        data = self.model_dump(mode="json", exclude_none=True)
        for key in ("title", "description"):
            if not data.get(key):
                data.pop(key, None)
        if not data.get("metadata"):
            data.pop("metadata", None)
        for actor in data["actors"]:
            if not actor.get("description"):
                actor.pop("description", None)
        for issue in data["issues"]:
            issue["anchors"] = {_num_key(a["value"]): a["label"] for a in issue["anchors"]}
            issue["options"] = {o["name"]: o["value"] for o in issue["options"]}
            for key in ("anchors", "options", "description"):
                if not issue[key]:
                    issue.pop(key)
        for actor in data["actors"]:
            for key in ("batna_pressure", "expectations", "cow_members", "capability_by_issue"):
                if not actor.get(key):
                    actor.pop(key, None)
        for shock in data["shocks"]:
            if not shock.get("recurring"):
                shock.pop("recurring", None)
        _drop_empty_process_fields(data)
        for issue in data["issues"]:
            for key in ("controlled_by", "vetoes", "stops_fighting", "fronts", "guarantors",
                        "beneficiaries", "lifted_by"):
                if not issue.get(key):
                    issue.pop(key, None)
            for g in issue.get("guarantors", ()):
                for key in ("sources", "evidence"):
                    if not g[key]:
                        g.pop(key)
        for pressure in data["pressures"]:
            if pressure.get("during") == "no_agreement":
                pressure.pop("during")
            if not pressure.get("fronts"):
                pressure.pop("fronts", None)
        if not data["fronts"]:
            data.pop("fronts")
        for front in data.get("fronts", ()):
            for key in ("description", "sources"):
                if not front[key]:
                    front.pop(key)
        for stance in data["stances"]:
            for key in ("sources", "evidence", "red_lines"):
                if not stance[key]:
                    stance.pop(key)
            for line in stance.get("red_lines", ()):
                for key in ("options", "sources", "evidence"):
                    if not line[key]:
                        line.pop(key)
                if line.get("uncertainty") is not None:
                    line["uncertainty"] = list(line["uncertainty"])
        for key in ("blocs", "linkages", "pressures", "shocks"):
            if not data[key]:
                data.pop(key)
            for item in data.get(key, ()):
                for sub in ("sources", "evidence", "description", "coordinator"):
                    if sub in item and not item[sub]:
                        item.pop(sub)
        if not data["proposals"]:
            data.pop("proposals")
        for prop in data.get("proposals", ()):
            for key in ("title", "sources", "evidence", "open", "phases", "assumptions"):
                if not prop[key]:
                    prop.pop(key)
            for phase in prop.get("phases", ()):
                if not phase["description"]:
                    phase.pop("description")
        for source in data["sources"]:
            for key in ("title", "publisher"):
                if not source[key]:
                    source.pop(key)
        return data

    @cached_property
    def hash(self) -> str:
        """A short content hash: two scenarios with the same data share it."""
        # the canonical form leaves out unset optional fields, so that adding an optional
        # field to the schema does not change the hash of existing scenarios
        blob = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def replace(self, **changes: Any) -> Scenario:
        """A new, re-validated scenario with some top-level fields changed."""
        data = self.to_dict()
        for key, value in changes.items():
            data[key] = _plain(value)
        return Scenario.from_dict(data)

    # ---- building -------------------------------------------------------------
    @classmethod
    def from_dict(
        cls,
        data: Any,
        *,
        file: str | None = None,
        locate: Locator | None = None,
    ) -> Scenario:
        """Validate plain data and build a scenario, or raise every problem at once.

        ``locate`` maps a field path to a line number so that errors can point
        into the file the data came from.
        """
        problems: list[Problem] = []

        def add(path: Path, found: str, expected: str) -> None:
            problems.append(Problem(path, found, expected, file, field_line(locate, path)))

        if not isinstance(data, Mapping):
            add((), f"{type(data).__name__} {short(data)}", "a mapping with name, actors, issues")
            raise ScenarioError(problems, file=file)

        known = {"name", "title", "as_of", "description", "sources", "actors", "issues",
                 "stances", "blocs", "linkages", "pressures", "shocks", "proposals", "metadata",
                 "fronts", "conflict"}
        for key in data:
            if key not in known:
                add((str(key),), "an unknown key", f"one of {', '.join(sorted(known))}")

        top = {k: data.get(k)
               for k in ("name", "title", "as_of", "description", "metadata", "conflict")}
        top = {k: v for k, v in top.items() if v is not None}
        if not data.get("name"):
            add(("name",), short(data.get("name")), "a non-empty scenario name")
            top["name"] = "unnamed"
        top_obj = validate(_TopLevel, top, (), add)

        sources = validate_list(data, "sources", Source, normalise_plain, add)
        actors = validate_list(data, "actors", Actor, normalise_actor, add)
        issues = validate_list(data, "issues", Issue, normalise_issue, add)
        stances = validate_list(data, "stances", Stance, normalise_stance, add)
        blocs = validate_list(data, "blocs", Bloc, normalise_plain, add)
        linkages = validate_list(data, "linkages", Linkage, normalise_plain, add)
        pressures = validate_list(data, "pressures", Pressure, normalise_pressure, add)
        shocks = validate_list(data, "shocks", Shock, normalise_plain, add)
        proposals = validate_list(data, "proposals", Proposal, normalise_proposal, add)
        fronts = validate_list(data, "fronts", Front, normalise_plain, add)

        if not data.get("actors"):
            add(("actors",), "no actors", "at least one actor")
        if not data.get("issues"):
            add(("issues",), "no issues", "at least one issue")

        check_unique(actors, "actors", "id", add)
        check_unique(issues, "issues", "id", add)
        check_unique(sources, "sources", "id", add)
        check_issues(issues, add)
        # an actor or issue whose own record is invalid is reported there, not again as
        # "unknown" in every stance that names it
        declared = {kind: declared_ids(data.get(kind))
                    for kind in ("actors", "issues", "pressures")}
        check_stances(stances, actors, issues, sources, skip_declared(add, declared))
        check_invalid_stance_refs(data.get("stances"), stances, actors, issues,
                                   skip_declared(add, declared))
        for key, items in (("blocs", blocs), ("pressures", pressures), ("shocks", shocks)):
            check_unique(items, key, "id", add)
        check_structure(Parts(actors, issues, stances, sources, blocs, linkages, pressures,
                              shocks), skip_declared(add, declared))
        check_unique(proposals, "proposals", "id", add)
        source_ids = [s.id for _, s in sources]
        for k, actor in actors:
            if actor.capability_source is not None and actor.capability_source not in source_ids:
                add(("actors", k, "capability_source"), repr(actor.capability_source),
                    "the id of a source of the scenario")
        check_conflict(top_obj.conflict if top_obj else None, [a.id for _, a in actors],
                       source_ids, add)
        check_proposals(proposals, actors, issues, sources, skip_declared(add, declared))
        check_unique(fronts, "fronts", "id", add)
        check_fighting(fronts, issues, pressures, sources, actors, add)

        if problems:
            raise ScenarioError(problems, file=file)
        assert top_obj is not None
        return cls(
            **top_obj.model_dump(),
            sources=tuple(s for _, s in sources),
            actors=tuple(a for _, a in actors),
            issues=tuple(i for _, i in issues),
            stances=tuple(s for _, s in stances),
            blocs=tuple(b for _, b in blocs),
            linkages=tuple(k for _, k in linkages),
            pressures=tuple(p for _, p in pressures),
            shocks=tuple(k for _, k in shocks),
            proposals=tuple(p for _, p in proposals),
            fronts=tuple(f for _, f in fronts),
        )


class _TopLevel(_Frozen):
    name: str
    title: str = ""
    as_of: dt.date | None = None
    description: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
    conflict: ConflictFacts | None = None


# ---- the canonical form ----------------------------------------------------------


def _drop_empty_process_fields(data: dict[str, Any]) -> None:
    """Leave out the unset parts of processes and expectations in the canonical form."""
    records = [p["process"] for p in data["pressures"] if p.get("process")]
    records += [e for a in data["actors"] for e in a.get("expectations", {}).values()]
    for rec in records:
        for key in ("sources", "assumption"):
            if not rec.get(key):
                rec.pop(key, None)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _num_key(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
