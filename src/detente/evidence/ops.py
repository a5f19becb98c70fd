"""The evidence operations the facade delegates to: read the data, compute, return a result.

Each function here is what one ``detente.api`` entry does (``capabilities``, ``baserates``,
``ending_by_month``, ``evidence_backtest``); the facade only resolves the scenario and
adds file and line to errors.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from detente.errors import DetenteError, ModelInputError, Problem
from detente.evidence import datasets, readers
from detente.evidence.backtest import EvidenceBacktest
from detente.evidence.capabilities import CapabilityReport, apply_capabilities, match_state
from detente.evidence.majors import is_major
from detente.evidence.readers import DAYS_PER_MONTH
from detente.evidence.reference import (
    UCDP_TYPE,
    BaseRates,
    Description,
    cinc_lookup,
    codes_of,
    counts,
    dispute_sides,
    match_disputes,
    match_episodes,
    match_wars,
    ratio_of,
    side_ratios,
)
from detente.evidence.survival import ending_by_month, kaplan_meier
from detente.scenario import Scenario

DataDir = str | os.PathLike[str] | None


def capabilities(scenario: Scenario, *, year: int, measure: str = "cinc", rule: str = "keep",
                 scale: str = "total", data: DataDir = None) -> CapabilityReport:
    """The scenario with its state actors' capabilities from the COW NMC data in ``year``."""
    nmc_file = datasets.data_file(datasets.NMC, data)
    nmc = readers.read_capabilities(nmc_file)
    states = readers.read_states(datasets.data_file(datasets.STATES, data))
    return apply_capabilities(scenario, nmc, states, year=year, measure=measure, rule=rule,
                              scale=scale, data_file=nmc_file.name)


# ---- reference classes ------------------------------------------------------------------

def describe_scenario(scenario: Scenario, *, data: DataDir = None) -> Description:
    """The scenario's ``conflict:`` facts as a :class:`Description`: months fought from
    ``started`` to ``as_of``; a missing major-power flag or capability ratio derived from
    the sides' COW codes (matched as ``detente capabilities`` does) and CINC."""
    import datetime as dt

    facts = scenario.conflict
    if facts is None:
        raise ModelInputError([Problem(("conflict",), "no conflict block",
                                       "a conflict: block of facts (type, incompatibility, "
                                       "started, ...) or describe the conflict by options")])
    as_of = scenario.as_of or dt.date.today()
    months = max(0.0, (as_of - facts.started).days / DAYS_PER_MONTH)
    notes = [f"months fought: {facts.started} to {as_of}"]
    nmc = readers.read_capabilities(datasets.data_file(datasets.NMC, data))
    states = readers.read_states(datasets.data_file(datasets.STATES, data))
    year = as_of.year
    present = {int(c) for c in nmc.loc[nmc["year"] == min(year, int(nmc["year"].max())),
                                       "ccode"]}
    codes: dict[str, list[int]] = {}
    for side in ("side_a", "side_b"):
        for actor_id in getattr(facts, side):
            actor = scenario.actor(actor_id)
            code, _ = match_state(actor.id, actor.name, actor.cow_code, states, present)
            codes.setdefault(side, []).extend([code] if code is not None else
                                              list(actor.cow_members))
    major = facts.major_power
    if major is None and codes:
        major = any(is_major(c, year) for cs in codes.values() for c in cs)
        notes.append(f"major power fighting derived from the sides' COW codes: {major}")
    ratio = facts.capability_ratio
    if ratio is None and codes.get("side_a") and codes.get("side_b"):
        cinc = cinc_lookup(nmc)
        ratio = ratio_of(cinc(codes["side_a"], year), cinc(codes["side_b"], year))
        if ratio is not None:
            notes.append(f"capability ratio from CINC in {min(year, int(nmc['year'].max()))}"
                         f": {ratio:.2f}")
    return Description(type=facts.type, incompatibility=facts.incompatibility,
                       intensity=facts.intensity, months_fought=round(months, 2),
                       major_power=major, capability_ratio=ratio,
                       described_by=f"scenario {scenario.name} (conflict block)",
                       notes=tuple(notes))


def baserates(description: Description, *, min_cases: int = 10, min_at_risk: int = 5,
              months: int = 24, data: DataDir = None) -> BaseRates:
    """The reference classes of ``description`` (see :mod:`detente.evidence.reference`)."""
    ucdp_file = datasets.data_file(datasets.UCDP, data)
    conflicts = readers.read_ucdp(ucdp_file)
    nmc = readers.read_capabilities(datasets.data_file(datasets.NMC, data))
    names = state_names(readers.read_states(datasets.data_file(datasets.STATES, data)))
    cinc = cinc_lookup(nmc)
    ep = conflicts.episodes
    ep_ratios = _ratios_for(ep["gwno_a"], ep["gwno_b"], ep["first_year"], cinc)
    ep = ep.assign(sides=[_sides(a, b, names) for a, b in zip(ep["gwno_a"], ep["gwno_b"],
                                                              strict=True)])
    conflicts = readers.Conflicts(conflicts.years, ep, conflicts.source, conflicts.last_year)
    episodes = match_episodes(conflicts, description, ep_ratios, min_cases=min_cases,
                              min_at_risk=min_at_risk)
    durations = episodes.cases["duration_months"].to_numpy(dtype=float)
    ended = episodes.cases["ended"].to_numpy(dtype=bool)
    km = kaplan_meier(durations, ended)
    ending = ending_by_month(durations, ended, lasted=description.months_fought, months=months)

    interstate = description.type in (None, "interstate")
    if interstate:
        war_file = datasets.data_file(datasets.COW_INTERSTATE, data)
        wars = readers.read_cow_interstate(war_file)
        w_ratios = _ratios_for(wars.wars["side_a"], wars.wars["side_b"],
                               wars.wars["start_year"], cinc)
        frame = wars.wars.assign(sides=[_sides(a, b, names) for a, b in
                                        zip(wars.wars["side_a"], wars.wars["side_b"],
                                            strict=True)])
        wars = readers.Wars(frame, wars.participants, wars.source, wars.kind)
    else:
        war_file = datasets.data_file(datasets.COW_INTRASTATE, data)
        wars = readers.read_cow_intrastate(war_file)
        w_ratios = np.full(len(wars.wars), np.nan)
    war_match = match_wars(wars, description, w_ratios, min_cases=min_cases)
    order = ("decisive", "compromise", "stalemate", "transformed",
             "continues below war level", "ongoing") if interstate else tuple(INTRA_ORDER)
    outcomes = counts(war_match.cases["outcome"], order)
    years_fought = math.floor(description.months_fought / 12)
    lasting = war_match.cases[war_match.cases["years"] > years_fought]
    outcomes_lasting = counts(lasting["outcome"], order)

    sources = {"episodes": ucdp_file.name, "wars": war_file.name,
               "capabilities": datasets.NMC}
    dispute_match, settlements = None, {}
    notes = [
        "UCDP episode end: a calendar year with fewer than 25 battle-related deaths "
        "(not necessarily a settlement); durations from the episode's start date; an "
        f"episode active in {conflicts.last_year} is censored at that year's end",
        "frequencies among past cases: the outside view, not a forecast of this conflict",
    ]
    if interstate:
        mid_file = datasets.data_file(datasets.MID_DISPUTES, data)
        disputes = readers.read_disputes(mid_file,
                                         datasets.data_file(datasets.MID_PARTICIPANTS, data))
        majors, d_ratios = dispute_sides(disputes, cinc)
        dispute_match = match_disputes(disputes, description, majors, d_ratios,
                                       min_cases=min_cases)
        settlements = counts(dispute_match.cases["settlement"],
                             ("negotiated", "imposed", "none", "unclear"))
        sources["disputes"] = mid_file.name
    else:
        notes.append("militarized disputes are inter-state: no settlement class for an "
                     "intra-state conflict")
    if ending.at_risk < min_at_risk:
        notes.append(f"only {ending.at_risk} matching case(s) lasted "
                     f"{description.months_fought:.0f} months: P(ending) rests on few cases")
    return BaseRates(description, episodes, km, ending, war_match, outcomes,
                     outcomes_lasting, dispute_match, settlements, sources, tuple(notes))


INTRA_ORDER = ("side A wins", "side B wins", "compromise", "stalemate", "transformed",
               "continues at a lower level", "ongoing")


def _ratios_for(side_a: Any, side_b: Any, years: Any,
                cinc: Callable[[Sequence[int], int], float | None]) -> np.ndarray:
    return side_ratios(side_a, side_b, years, cinc)


def state_names(states: pd.DataFrame) -> dict[int, str]:
    """COW code -> the state's latest name."""
    return {int(c): str(n) for c, n in zip(states["ccode"], states["statenme"], strict=True)}


def _sides(a: Any, b: Any, names: dict[int, str]) -> str:
    def one(cell: Any) -> str:
        codes = codes_of(cell)
        return " + ".join(names.get(c, str(c)) for c in codes) if codes else "non-state"
    return f"{one(a)} vs {one(b)}"


def describe(scenario: Scenario | None, overrides: dict[str, Any], *,
             data: DataDir = None) -> Description:
    """The conflict described by the scenario's facts (if a scenario is given), with the
    ``overrides`` (any of :class:`Description`'s fields) replacing them."""
    from dataclasses import replace

    given = {k: v for k, v in overrides.items() if v is not None}
    if given.get("type") is not None and given["type"] not in UCDP_TYPE:
        raise ModelInputError([Problem(("type",), repr(given["type"]),
                                       "one of " + ", ".join(UCDP_TYPE))])
    if scenario is None:
        return Description(**given)
    base = describe_scenario(scenario, data=data)
    if not given:
        return base
    return replace(base, **given, described_by=base.described_by + " with options "
                   + ", ".join(sorted(given)))


def outside_view(scenario: Scenario, *, months: int = 24, data: DataDir = None
                 ) -> BaseRates | None:
    """The reference class of the scenario's own conflict (its ``conflict:`` block), for a
    view that shows the outside view beside a model (page 1 of the brief, the web app's
    outlook page); ``None`` where the scenario states no conflict or its reference class
    cannot be found (the war data are missing, no case matches), since those views show
    the model alone then and say so."""
    if scenario.conflict is None:
        return None
    try:
        return baserates(describe_scenario(scenario, data=data), months=months, data=data)
    except DetenteError:
        return None


# ---- termination backtest -----------------------------------------------------------------

def evidence_backtest(file: str | os.PathLike[str], *, split_year: int, bootstrap: int = 1000,
                      seed: int = 0, participants: str | os.PathLike[str] | None = None,
                      data: DataDir = None) -> EvidenceBacktest:
    """The termination backtest of a UCDP conflict-year file or a GML dispute file (the
    kind is read from its header; a dispute file's participants are read from
    ``participants`` or the file of that name beside it). Capability ratios use the NMC
    file of the war data folder when it is found (else that feature is left out)."""
    from pathlib import Path

    from detente.evidence import features
    from detente.evidence.backtest import run

    kind = readers.detect(file)
    try:
        cinc: Any = cinc_lookup(readers.read_capabilities(datasets.data_file(datasets.NMC,
                                                                             data)))
    except DetenteError:
        cinc = None
    if kind == "ucdp":
        task = features.conflict_years(readers.read_ucdp(file), cinc)
    elif kind == "disputes":
        beside = Path(file).with_name(datasets.MID_PARTICIPANTS)
        parts = participants or (beside if beside.is_file() else None)
        task = features.dispute_onsets(readers.read_disputes(file, parts), cinc)
    else:
        raise DetenteError(f"{file}: a {kind} file; expected a UCDP armed conflict file or "
                           "a GML militarized dispute file")
    return run(task, split_year=split_year, bootstrap=bootstrap,
               rng=np.random.default_rng(seed))
