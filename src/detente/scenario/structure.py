"""The cross-references of a scenario's structure: control, vetoes, red lines, linkages,
blocs, pressures and shocks, processes, the war's language (fronts, fighting, guarantors,
sanctions relief) and proposals.

Each check receives the validated parts with their indices in the input and reports
through ``add`` (see :mod:`detente.scenario.validation`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from detente.errors import Path
from detente.scenario.parts import (
    Actor,
    Bloc,
    Condition,
    Expectation,
    Front,
    Issue,
    Linkage,
    Pressure,
    Process,
    Proposal,
    Shock,
    Source,
    Stance,
)
from detente.scenario.validation import Add, unknown, within_scale


class Parts(NamedTuple):
    """The validated parts of a scenario being built, each with its index in the input."""

    actors: list[tuple[int, Actor]]
    issues: list[tuple[int, Issue]]
    stances: list[tuple[int, Stance]]
    sources: list[tuple[int, Source]]
    blocs: list[tuple[int, Bloc]]
    linkages: list[tuple[int, Linkage]]
    pressures: list[tuple[int, Pressure]]
    shocks: list[tuple[int, Shock]]


def check_structure(parts: Parts, add: Add) -> None:
    """Cross-references of control, vetoes, red lines, linkages, blocs and pressures."""
    actor_ids = {a.id for _, a in parts.actors}
    issue_by_id = {i.id: i for _, i in parts.issues}
    source_ids = {s.id for _, s in parts.sources}
    pressure_ids = {p.id for _, p in parts.pressures}

    def sources(path: Path, ids: Iterable[str]) -> None:
        for k, src in enumerate(ids):
            if src not in source_ids:
                add(path + ("sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")

    for index, issue in parts.issues:
        for key in ("controlled_by", "vetoes"):
            for k, actor in enumerate(getattr(issue, key)):
                if actor not in actor_ids:
                    unknown(add, ("issues", index, key, k), "actor", actor, actor_ids)
        # (a no-agreement label without a status quo has nothing to label: it is inert)
        if issue.no_agreement is not None and any(o.name == "no-agreement"
                                                  for o in issue.options):
            add(("issues", index, "options"), "an option named 'no-agreement'",
                "another name: 'no-agreement' is the explicit no-deal option")
    for index, st in parts.stances:
        on = issue_by_id.get(st.issue)
        for k, line in enumerate(st.red_lines):
            path: Path = ("stances", index, "red_lines", k)
            sources(path, line.sources)
            if on is None or not on.low < on.high:
                continue
            names = [o.name for o in on.options]
            for j, name in enumerate(line.options):
                if name not in names:
                    add(path + ("options", j), f"unknown option {name!r}",
                        f"an option of issue {on.id!r} ({', '.join(names) or 'none'})")
            bounds = [(key, getattr(line, key)) for key in ("above", "below")]
            if line.range is not None:
                bounds += [("range", line.range[0]), ("range", line.range[1])]
            if line.uncertainty is not None:
                bounds += [("uncertainty", line.uncertainty[0]),
                           ("uncertainty", line.uncertainty[1])]
            for key, value in bounds:
                if value is not None and not on.low <= value <= on.high:
                    add(path + (key,), f"red line at {value:g} outside the scale",
                        within_scale(on))
    for index, actor in parts.actors:
        for named in actor.batna_pressure:
            if named not in pressure_ids:
                unknown(add, ("actors", index, "batna_pressure", named), "pressure",
                         named, pressure_ids)
    for index, bloc in parts.blocs:  # members: the actors naming it (none is allowed)
        sources(("blocs", index), bloc.sources)
    for index, pressure in parts.pressures:
        sources(("pressures", index), pressure.sources)
        dist = pressure.uncertainty
        if dist is not None and not dist.low <= pressure.value <= dist.high:
            add(("pressures", index, "uncertainty"),
                f"range {dist.low:g}..{dist.high:g} that excludes the value {pressure.value:g}",
                "a range that contains the stated value")
    _check_processes(parts, pressure_ids, sources, add)
    for index, shock in parts.shocks:
        sources(("shocks", index), shock.sources)
        for named in shock.changes:
            if named not in pressure_ids:
                unknown(add, ("shocks", index, "changes", named), "pressure", named,
                         pressure_ids)
    _check_linkages(parts.linkages, actor_ids, issue_by_id, sources, add)


def check_fighting(fronts: list[tuple[int, Front]], issues: list[tuple[int, Issue]],
                   pressures: list[tuple[int, Pressure]], sources: list[tuple[int, Source]],
                   actors: list[tuple[int, Actor]], add: Add) -> None:
    """Cross-references of the war's language: fronts named by issues and pressures are
    declared, every ``stops_fighting`` mark is an option or an anchor of its issue,
    guarantors, beneficiaries and lifting actors are actors, lifted options exist."""
    front_ids = {f.id for _, f in fronts}
    source_ids = {s.id for _, s in sources}
    for index, front in fronts:
        for k, src in enumerate(front.sources):
            if src not in source_ids:
                add(("fronts", index, "sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")
    for kind, items in (("issues", issues), ("pressures", pressures)):
        for index, item in items:
            for k, front_id in enumerate(item.fronts):
                if front_id not in front_ids:
                    unknown(add, (kind, index, "fronts", k), "front", front_id, front_ids)
    for index, pressure in pressures:
        if pressure.fronts and pressure.during != "fighting":
            add(("pressures", index, "fronts"), "fronts on a pressure that is not a cost of "
                "fighting", "during: fighting beside fronts (or no fronts)")
    actor_ids = {a.id for _, a in actors}
    issue_ids = {i.id for _, i in issues}
    for index, actor in actors:
        for named in actor.capability_by_issue:
            if named not in issue_ids:
                unknown(add, ("actors", index, "capability_by_issue", named), "issue", named,
                         issue_ids)
    for index, issue in issues:
        for j, g in enumerate(issue.guarantors):
            if g.actor not in actor_ids:
                unknown(add, ("issues", index, "guarantors", j, "actor"), "actor", g.actor,
                         actor_ids)
            for k, src in enumerate(g.sources):
                if src not in source_ids:
                    add(("issues", index, "guarantors", j, "sources", k),
                        f"unknown source {src!r}", "one of the scenario's sources "
                        f"({', '.join(sorted(source_ids)) or 'none'})")
        for j, who in enumerate(issue.beneficiaries):
            if who not in actor_ids:
                unknown(add, ("issues", index, "beneficiaries", j), "actor", who, actor_ids)
        option_names = [o.name for o in issue.options]
        for name, lifters in issue.lifted_by.items():
            if name not in option_names:
                add(("issues", index, "lifted_by", name), f"unknown option {name!r}",
                    f"an option of issue {issue.id!r} ({', '.join(option_names) or 'none'})")
            for j, who in enumerate(lifters):
                if who not in actor_ids:
                    unknown(add, ("issues", index, "lifted_by", name, j), "actor", who,
                             actor_ids)
    for index, issue in issues:
        names = [o.name for o in issue.options]
        values = sorted({a.value for a in issue.anchors} | {o.value for o in issue.options})
        for k, mark in enumerate(issue.stops_fighting):
            if isinstance(mark, str):
                if mark not in names:
                    add(("issues", index, "stops_fighting", k), f"unknown option {mark!r}",
                        f"an option of issue {issue.id!r} ({', '.join(names) or 'none'}) or "
                        "the value of one of its anchors")
            elif not any(abs(float(mark) - v) <= 1e-9 * max(issue.span, 1e-300)
                         for v in values):
                add(("issues", index, "stops_fighting", k), f"no anchor at {float(mark):g}",
                    f"the value of an anchor or option of issue {issue.id!r} "
                    f"({', '.join(f'{v:g}' for v in values) or 'none'}) or an option's name")


def _check_processes(parts: Parts, pressure_ids: set[str],
                     sources: Callable[[Path, Iterable[str]], None], add: Add) -> None:
    """Processes and expectations: known pressures, sources, sourced or marked as assumed,
    bounds that hold the stated value."""
    def stated(path: Path, rec: Process | Expectation) -> None:
        sources(path, rec.sources)
        if not rec.sources and not rec.assumption:
            add(path, "no sources and no assumption note",
                "sources: [...] or assumption: '...' (what is assumed, with its range)")

    for index, pressure in parts.pressures:
        proc = pressure.process
        if proc is None:
            continue
        path: Path = ("pressures", index, "process")
        stated(path, proc)
        for key in ("low", "high"):
            bound = getattr(proc, key)
            if bound is not None and (bound > pressure.value if key == "low"
                                      else bound < pressure.value):
                add(path + (key,), f"{key} {bound:g} that excludes the value "
                    f"{pressure.value:g}", "bounds that contain the pressure's stated value")
    for index, actor in parts.actors:
        for named, expectation in actor.expectations.items():
            path = ("actors", index, "expectations", named)
            if named not in pressure_ids:
                unknown(add, path, "pressure", named, pressure_ids)
            stated(path, expectation)


def _check_linkages(linkages: list[tuple[int, Linkage]], actor_ids: set[str],
                    issue_by_id: Mapping[str, Issue], sources: Callable[[Path, Iterable[str]],
                                                                        None],
                    add: Add) -> None:
    edges: dict[str, set[str]] = {}
    for index, link in linkages:
        path: Path = ("linkages", index)
        sources(path, link.sources)
        if link.actor not in actor_ids:
            unknown(add, path + ("actor",), "actor", link.actor, actor_ids)
        ok = True
        for part in ("offer", "requires"):
            cond: Condition = getattr(link, part)
            issue = issue_by_id.get(cond.issue)
            if issue is None:
                unknown(add, path + (part, "issue"), "issue", cond.issue, issue_by_id)
                ok = False
            elif cond.options:
                names = [o.name for o in issue.options] + (
                    ["no-agreement"] if issue.no_agreement is not None else [])
                for j, name in enumerate(cond.options):
                    if name not in names:
                        add(path + (part, "options", j), f"unknown option {name!r}",
                            f"an option of issue {issue.id!r} ({', '.join(names) or 'none'})")
            elif (issue.low < issue.high and cond.bound is not None
                  and not issue.low <= cond.bound <= issue.high):
                key = next(k for k in ("at_least", "at_most", "above", "below")
                           if getattr(cond, k) is not None)
                add(path + (part, key), f"{cond.bound:g} outside the scale", within_scale(issue))
        if ok:
            edges.setdefault(link.offer.issue, set()).add(link.requires.issue)
    for index, link in linkages:
        cycle = _cycle_through(edges, link.offer.issue, link.requires.issue)
        if cycle:
            add(("linkages", index), "circular linkage " + " → ".join(cycle),
                "linkages without a cycle: each move waits for the other, so none can be "
                "delivered first (state a mutual exchange once, as the offering side's "
                "condition)")


def _cycle_through(edges: Mapping[str, set[str]], start: str, nxt: str) -> list[str] | None:
    """The issues of a path ``nxt → … → start`` closing the edge ``start → nxt``, if any."""
    if start not in edges.get(start, set()) and nxt == start:
        return None
    stack, seen = [(nxt, [start, nxt])], set()
    while stack:
        node, trail = stack.pop()
        if node == start:
            return trail
        if node in seen:
            continue
        seen.add(node)
        stack.extend((m, trail + [m]) for m in sorted(edges.get(node, ())))
    return None


def check_proposals(proposals: list[tuple[int, Proposal]], actors: list[tuple[int, Actor]],
                    issues: list[tuple[int, Issue]], sources: list[tuple[int, Source]],
                    add: Add) -> None:
    """Cross-references of the proposals: proposer, issues, options, points, phases, sources."""
    actor_ids = {a.id for _, a in actors}
    issue_by_id = {i.id: i for _, i in issues}
    source_ids = {s.id for _, s in sources}
    for index, prop in proposals:
        path: Path = ("proposals", index)
        if prop.proposer not in actor_ids:
            unknown(add, path + ("proposer",), "actor", prop.proposer, actor_ids)
        for k, src in enumerate(prop.sources):
            if src not in source_ids:
                add(path + ("sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")
        for issue_id, choice in prop.package.items():
            issue = issue_by_id.get(issue_id)
            where = path + ("package", issue_id)
            if issue is None:
                unknown(add, where, "issue", issue_id, issue_by_id)
            elif isinstance(choice, str):
                names = [o.name for o in issue.options]
                if choice not in names:
                    add(where, f"unknown option {choice!r}",
                        f"an option of issue {issue.id!r} ({', '.join(names) or 'none'}) "
                        "or a point on its scale")
            elif not issue.low <= choice <= issue.high:
                add(where, f"point {choice:g} outside the scale", within_scale(issue))
        for k, issue_id in enumerate(prop.open):
            if issue_id not in issue_by_id:
                unknown(add, path + ("open", k), "issue", issue_id, issue_by_id)
            elif issue_id in prop.package:
                add(path + ("open", k), f"issue {issue_id!r} both in the package and open",
                    "an issue the package does not settle")
        for k, phase in enumerate(prop.phases):
            if any(other.name == phase.name for other in prop.phases[:k]):
                add(path + ("phases", k, "name"), f"a second phase named {phase.name!r}",
                    "a name of its own for each phase")
            for j, issue_id in enumerate(phase.issues):
                if issue_id not in prop.package:
                    add(path + ("phases", k, "issues", j),
                        f"issue {issue_id!r} not in the package",
                        f"an issue the package settles ({', '.join(prop.package)})")
