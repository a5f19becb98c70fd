"""Actors' capabilities from the COW National Material Capabilities (CINC) data.

For one year, each *state* actor of a scenario gets its CINC score (the mean of its shares
of the six world totals: military expenditure and personnel, iron and steel, primary
energy, total and urban population) or, on request, its share of one component:

    share_c(s, y) = x_c(s, y) / sum over states s' with data in y of x_c(s', y)

An actor is matched to a COW state by, in order: its ``cow_code``, its name equal to the
COW state name, its id equal to the COW abbreviation (``RUS``), or an alias below. An actor
matched by none is *non-state* (the EU, a bloc, an armed group) and, by the rule the user
chooses, is either **kept** as given (and named in the output) or given the sum of its
``cow_members``' values (**members**).

Since only ratios of capabilities matter to the models, the new values are by default
**scaled** so the replaced actors' total stays what the scenario had (``scale="total"``):
the ratios among states are CINC's, and a kept non-state actor keeps its weight against
the states as a group. ``scale="share"`` writes the raw shares. A stated capability range
is scaled by new/old, keeping its relative width. Each replaced capability cites a source
(the data set and year) added to the scenario.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from detente.errors import DetenteError, ModelInputError, Problem
from detente.evidence.readers import NMC_COMPONENTS
from detente.scenario import Distribution, Scenario

Measure = Literal["cinc", "milex", "milper", "irst", "pec", "tpop", "upop"]
MEASURES: tuple[str, ...] = ("cinc", *NMC_COMPONENTS)
Rule = Literal["keep", "members"]
Scale = Literal["total", "share"]

ALIASES: dict[str, int] = {
    "united states": 2, "us": 2, "usa": 2, "america": 2, "u s": 2,
    "united kingdom": 200, "uk": 200, "britain": 200, "great britain": 200, "gbr": 200,
    "russian federation": 365, "soviet union": 365, "ussr": 365, "rus": 365,
    "ukraine": 369, "ukr": 369, "germany": 255, "deu": 255, "west germany": 260,
    "france": 220, "fra": 220, "china": 710, "prc": 710, "chn": 710, "japan": 740,
    "jpn": 740, "turkey": 640, "turkiye": 640, "tur": 640, "iran": 630, "irn": 630,
    "belarus": 370, "blr": 370, "poland": 290, "pol": 290, "india": 750, "ind": 750,
}
"""Common names and ISO-style codes of states whose COW name or abbreviation differs."""

COMPONENT_NAMES = {
    "cinc": "CINC (composite index)", "milex": "military expenditure",
    "milper": "military personnel", "irst": "iron and steel production",
    "pec": "primary energy consumption", "tpop": "total population",
    "upop": "urban population",
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


@dataclass(frozen=True)
class CapabilityRow:
    """One actor: how it was matched and its capability before and after."""

    actor: str
    name: str
    kind: Literal["state", "members", "kept"]
    matched_by: str
    ccode: int | None
    state_name: str | None
    cinc: float | None
    shares: dict[str, float | None]
    old: float
    new: float
    members: tuple[int, ...] = ()
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "name": self.name, "kind": self.kind,
                "matched_by": self.matched_by, "ccode": self.ccode,
                "state_name": self.state_name, "cinc": self.cinc, "shares": self.shares,
                "old": self.old, "new": self.new, "members": list(self.members),
                "source": self.source}


@dataclass(frozen=True)
class CapabilityReport:
    """The scenario with capabilities from the data, and what was done to each actor."""

    scenario: Scenario
    year: int
    measure: str
    rule: str
    scale: str
    factor: float
    rows: tuple[CapabilityRow, ...]
    source_id: str
    data_file: str
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario.name, "year": self.year, "measure": self.measure,
                "non_state_rule": self.rule, "scale": self.scale, "factor": self.factor,
                "source": self.source_id, "data_file": self.data_file,
                "actors": [r.to_dict() for r in self.rows], "notes": list(self.notes)}


def shares(nmc: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per state in ``year``: ``cinc`` as published and each component's world share."""
    rows = nmc[nmc["year"] == year].set_index("ccode")
    out = pd.DataFrame({"cinc": rows["cinc"]})
    for comp in NMC_COMPONENTS:
        total = rows[comp].sum(min_count=1)
        out[comp] = rows[comp] / total if total and total > 0 else float("nan")
    return out


def match_state(actor_id: str, name: str, cow_code: int | None, states: pd.DataFrame,
           present: set[int]) -> tuple[int | None, str]:
    if cow_code is not None:
        return cow_code, "cow_code"
    by_name = {_norm(n): int(c) for n, c in zip(states["statenme"], states["ccode"],
                                                 strict=True)}
    by_abb = {_norm(a): int(c) for a, c in zip(states["stateabb"], states["ccode"],
                                                strict=True)}
    for key, table, how in ((name, by_name, "name"), (actor_id, by_abb, "COW abbreviation"),
                            (name, ALIASES, "alias"), (actor_id, ALIASES, "alias")):
        code = table.get(_norm(key))
        if code is not None and code in present:
            return code, how
    return None, "not a state"


def _value(table: pd.DataFrame, code: int, measure: str) -> float | None:
    if code not in table.index:
        return None
    v = table.at[code, measure]
    return None if pd.isna(v) else float(v)


def _scaled(dist: Distribution | None, ratio: float) -> Distribution | None:
    if dist is None or ratio <= 0:
        return None
    data = dist.model_dump()
    for key in ("low", "high", "mode", "mean", "sd"):
        if data.get(key) is not None:
            data[key] = data[key] * ratio
    return Distribution.model_validate(data)


def apply_capabilities(scenario: Scenario, nmc: pd.DataFrame, states: pd.DataFrame, *,
                       year: int, measure: str = "cinc", rule: str = "keep",
                       scale: str = "total", data_file: str = "") -> CapabilityReport:
    """Replace the state actors' capabilities by their ``measure`` in ``year`` (see the
    module's docstring); every problem (unknown year or code, a state without data, a
    ``members`` actor without members) is raised at once, naming the actor's field."""
    if measure not in MEASURES:
        raise DetenteError(f"measure {measure!r}: expected one of {', '.join(MEASURES)}")
    years = nmc["year"].dropna()
    if not (years == year).any():
        raise DetenteError(f"year {year}: {data_file or 'the NMC file'} has the years "
                           f"{int(years.min())}–{int(years.max())}")
    table = shares(nmc, year)
    present = {int(c) for c in table.index}
    known = {int(c) for c in states["ccode"]} | {int(c) for c in nmc["ccode"].dropna()}
    source_id = f"cow-nmc-{year}"
    problems: list[Problem] = []
    rows: list[CapabilityRow] = []
    for k, actor in enumerate(scenario.actors):
        code, how = match_state(actor.id, actor.name, actor.cow_code, states, present)
        if actor.cow_code is not None and actor.cow_code not in known:
            problems.append(Problem(("actors", k, "cow_code"), str(actor.cow_code),
                                    "a COW state code (see cow_states.csv)"))
            continue
        if code is not None:
            value = _value(table, code, measure)
            if value is None:
                problems.append(Problem(("actors", k, "cow_code"), f"{code} ({how})",
                                        f"a state with {measure} data in {year}"))
                continue
            sname = states.loc[states["ccode"] == code, "statenme"]
            rows.append(CapabilityRow(
                actor.id, actor.name, "state", how, code,
                str(sname.iloc[-1]) if len(sname) else None, _value(table, code, "cinc"),
                {m: _value(table, code, m) for m in NMC_COMPONENTS}, actor.capability,
                value, source=source_id))
        elif rule == "members":
            if not actor.cow_members:
                problems.append(Problem(("actors", k, "cow_members"), "no member states",
                                        "COW codes of the member states (rule 'members')"))
                continue
            missing = [c for c in actor.cow_members if _value(table, c, measure) is None]
            if missing:
                problems.append(Problem(("actors", k, "cow_members"),
                                        ", ".join(map(str, missing)),
                                        f"COW codes of states with {measure} data in {year}"))
                continue
            total = sum(_value(table, c, measure) or 0.0 for c in actor.cow_members)
            cinc = sum(_value(table, c, "cinc") or 0.0 for c in actor.cow_members)
            rows.append(CapabilityRow(actor.id, actor.name, "members", "cow_members", None,
                                      None, cinc, {}, actor.capability, total,
                                      members=actor.cow_members, source=source_id))
        else:
            rows.append(CapabilityRow(actor.id, actor.name, "kept", how, None, None, None, {},
                                      actor.capability, actor.capability))
    if problems:
        raise ModelInputError(problems)
    replaced = [r for r in rows if r.kind != "kept"]
    factor = 1.0
    if scale == "total" and replaced:
        raw = sum(r.new for r in replaced)
        factor = sum(r.old for r in replaced) / raw if raw > 0 else 1.0
    rows = [r if r.kind == "kept" else _with(r, r.new * factor) for r in rows]
    new_sc = _rebuilt(scenario, rows, source_id, year, measure, data_file)
    notes = []
    kept = [r.name for r in rows if r.kind == "kept"]
    if kept:
        notes.append("left as given (not a state): " + ", ".join(kept)
                     + ("; their values are in the scenario's own units" if
                        scale == "total" else "; their units differ from the shares"))
    return CapabilityReport(new_sc, year, measure, rule, scale, factor, tuple(rows), source_id,
                            data_file, tuple(notes))


def _with(row: CapabilityRow, value: float) -> CapabilityRow:
    return CapabilityRow(row.actor, row.name, row.kind, row.matched_by, row.ccode,
                         row.state_name, row.cinc, row.shares, row.old, value, row.members,
                         row.source)


def _rebuilt(scenario: Scenario, rows: list[CapabilityRow], source_id: str, year: int,
             measure: str, data_file: str) -> Scenario:
    data = scenario.to_dict()
    by_id = {r.actor: r for r in rows}
    for actor, raw in zip(scenario.actors, data["actors"], strict=True):
        row = by_id[actor.id]
        if row.kind == "kept":
            continue
        raw["capability"] = row.new
        ratio = row.new / actor.capability if actor.capability > 0 else 0.0
        dist = _scaled(actor.capability_uncertainty, ratio)
        raw.pop("capability_uncertainty", None)
        if dist is not None:
            raw["capability_uncertainty"] = dist.model_dump(exclude_none=True)
        raw["capability_source"] = source_id
        if row.ccode is not None:
            raw["cow_code"] = row.ccode
    sources = [s for s in data.get("sources", []) if s.get("id") != source_id]
    sources.append({
        "id": source_id,
        "title": f"COW National Material Capabilities, {year}: {COMPONENT_NAMES[measure]}",
        "publisher": "Correlates of War project (Singer, Bremer & Stuckey 1972)",
        "note": f"read by `detente capabilities` from {data_file or 'the NMC file'}; "
                "values scaled as documented in docs/evidence.md"})
    data["sources"] = sources
    return Scenario.from_dict(data)
