"""Readers of the war, dispute and conflict data sets into tidy, typed tables.

One function per data set of ``shared/data/war`` (its README gives sources and codes):

- :func:`read_ucdp`: UCDP/PRIO armed conflicts -> conflict-years (one row per
  ``(conflict_id, year)``, secondary supporters merged) and **episodes** (start, end,
  duration in days and months, ``ended`` / censored at the end of the file's last year);
- :func:`read_cow_interstate`: COW inter-state war dyad-years -> **wars** (years, states,
  sides, war-level outcome, battle deaths) and **participants** (per state outcome);
- :func:`read_cow_intrastate`: COW intra-state war-years -> **wars** with outcome, type,
  intervention and duration;
- :func:`read_disputes`: GML MIDs -> **disputes** (outcome and settlement labelled, counts of
  states per side) with their **participants** when the participants file is given;
- :func:`read_capabilities` (COW NMC) and :func:`read_states` (COW state system).

Every reader checks columns, types and documented codes (errors name file, line and
column) and derives durations from the rows themselves, never from known year ranges or
row counts, so a later release with the same columns reads the same. :func:`detect` tells
which data set a file holds from its header.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from detente.errors import FormatError, Problem
from detente.evidence.csvtable import Column, read_table
from detente.evidence.majors import is_major

DAYS_PER_MONTH = 365.25 / 12

INTER_OUTCOMES = {1: "winner", 2: "loser", 3: "compromise or tied", 4: "transformed",
                  5: "ongoing", 6: "stalemate", 7: "continues below war level",
                  8: "changed sides"}
INTRA_OUTCOMES = {1: "side A wins", 2: "side B wins", 3: "compromise", 4: "transformed",
                  5: "ongoing", 6: "stalemate", 7: "continues at a lower level"}
MID_OUTCOMES = {1: "victory side A", 2: "victory side B", 3: "yield by side A",
                4: "yield by side B", 5: "stalemate", 6: "compromise", 7: "released",
                8: "unclear", 9: "joins an ongoing war"}
MID_SETTLEMENTS = {1: "negotiated", 2: "imposed", 3: "none", 4: "unclear"}
MISSING = (-9, -8)
"""The source codes for missing and not applicable, allowed in every coded COW/MID column."""


def _label(table: dict[int, str], value: object) -> str:
    return table.get(int(value), "missing") if pd.notna(value) else "missing"  # type: ignore[call-overload]

UCDP_COLUMNS = (
    Column("conflict_id"), Column("year"), Column("gwno_a", "str"),
    Column("gwno_a_2nd", "str", required=False), Column("gwno_b", "str", required=False),
    Column("gwno_b_2nd", "str", required=False), Column("incompatibility", "str"),
    Column("intensity_level", codes=(1, 2)), Column("type_of_conflict", "str"),
    Column("start_date", "date"), Column("start_date2", "date"), Column("ep_end", codes=(0, 1)),
    Column("ep_end_date", "date", required=False),
)
UCDP_INCOMPATIBILITY = ("territory", "government", "both")
UCDP_TYPES = ("extrasystemic", "interstate", "intrastate", "II")

INTER_COLUMNS = (
    Column("warnum"), Column("ccode1"), Column("ccode2"), Column("year"),
    Column("sidea1", codes=(1, 2)), Column("initiator1", codes=(0, 1)),
    Column("outcome1", required=False, codes=(*INTER_OUTCOMES, *MISSING)),
    Column("batdeath1", required=False), Column("resume", codes=(0, 1)),
)
INTRA_COLUMNS = (
    Column("warnum"), Column("warname", "str"), Column("wartype", "str"), Column("year"),
    Column("ccodea"), Column("sidea", "str", required=False),
    Column("sideb", "str", required=False),
    Column("intnl", codes=(0, 1, *MISSING)),
    Column("outcome", codes=(*INTRA_OUTCOMES, *MISSING)),
    Column("sideadeaths", required=False), Column("sidebdeaths", required=False),
)
DISPUTE_COLUMNS = (
    Column("dispnum"), Column("styear"), Column("stmon"),
    Column("outcome", codes=(*MID_OUTCOMES, *MISSING)),
    Column("settle", codes=(*MID_SETTLEMENTS, *MISSING)),
    Column("fatality", codes=(0, 1, 2, 3, 4, 5, 6, *MISSING)), Column("mindur"),
    Column("maxdur"), Column("hiact"), Column("hostlev", codes=(1, 2, 3, 4, 5, *MISSING)),
    Column("recip", codes=(0, 1, *MISSING)),
)
PARTICIPANT_COLUMNS = (
    Column("dispnum"), Column("ccode"), Column("styear"), Column("stmon"),
    Column("endyear"), Column("endmon"), Column("sidea", codes=(0, 1)), Column("hiact"),
    Column("orig", codes=(0, 1, *MISSING)),
)
NMC_COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")
NMC_COLUMNS = (Column("ccode"), Column("year"),
               *(Column(c, "float", required=False) for c in NMC_COMPONENTS),
               Column("cinc", "float", required=False))
STATE_COLUMNS = (Column("stateabb", "str"), Column("ccode"), Column("statenme", "str"),
                 Column("styear"), Column("endyear"))

KINDS = {
    "ucdp": UCDP_COLUMNS, "cow-interstate": INTER_COLUMNS, "cow-intrastate": INTRA_COLUMNS,
    "disputes": DISPUTE_COLUMNS, "participants": PARTICIPANT_COLUMNS, "nmc": NMC_COLUMNS,
    "states": STATE_COLUMNS,
}
"""Each data set's declared columns (what :func:`detect` looks for)."""


@dataclass(frozen=True)
class Conflicts:
    """UCDP armed conflicts: ``years`` (one row per conflict-year) and ``episodes``."""

    years: pd.DataFrame
    episodes: pd.DataFrame
    source: str
    last_year: int
    """The file's last year: an episode still active then is censored at its end."""


@dataclass(frozen=True)
class Wars:
    """COW wars: one row per war (``wars``) and, for inter-state wars, per state
    (``participants``); ``kind`` is ``"interstate"`` or ``"intrastate"``."""

    wars: pd.DataFrame
    participants: pd.DataFrame
    source: str
    kind: str


@dataclass(frozen=True)
class Disputes:
    """GML militarized disputes and (when read) their participants."""

    disputes: pd.DataFrame
    participants: pd.DataFrame | None
    source: str


# ---- detection -------------------------------------------------------------------------

def detect(path: str | os.PathLike[str]) -> str:
    """Which data set ``path`` holds (a key of :data:`KINDS`), from its header line."""
    file = str(path)
    try:
        with Path(path).open(encoding="utf-8-sig") as handle:
            head = handle.readline()
    except OSError as exc:
        raise FormatError([Problem(("file",), exc.strerror or "unreadable",
                                   "a readable CSV file", file)]) from None
    except UnicodeDecodeError:
        raise FormatError([Problem(("file",), "not UTF-8 text", "a CSV file", file)]) from None
    names = {h.strip().strip('"') for h in head.strip().split(",")}
    for kind, columns in KINDS.items():
        if {c.name for c in columns} <= names:
            return kind
    raise FormatError([Problem(("header",), f"columns {head.strip()[:80]!r}",
                               "a UCDP, COW war, GML dispute, NMC or COW states file "
                               "(see shared/data/war/README.md)", file, 1)])


def _codes_problem(frame: pd.DataFrame, column: str, allowed: tuple[str, ...],
                   file: str) -> None:
    bad = ~frame[column].isin(allowed)
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        raise FormatError([Problem((column,), repr(frame[column].iloc[k]),
                                   "one of " + ", ".join(allowed), file,
                                   int(frame["_line"].iloc[k]))])


# ---- UCDP ------------------------------------------------------------------------------

def _codes(cell: object) -> tuple[int, ...]:
    if cell is None or cell is pd.NA or (isinstance(cell, float) and np.isnan(cell)):
        return ()
    return tuple(int(x) for x in str(cell).replace(";", ",").split(",") if x.strip().isdigit())


def read_ucdp(path: str | os.PathLike[str]) -> Conflicts:
    """UCDP/PRIO armed conflict-years and their episodes.

    An episode is the run of conflict-years sharing ``(conflict_id, start_date2)``; it
    *ended* when a row has ``ep_end`` = 1 (duration = ``ep_end_date`` - ``start_date2``),
    otherwise it is right-censored at 31 December of the file's last year.
    """
    file = str(path)
    raw = read_table(path, UCDP_COLUMNS, what="UCDP armed conflict")
    _codes_problem(raw, "incompatibility", UCDP_INCOMPATIBILITY, file)
    _codes_problem(raw, "type_of_conflict", UCDP_TYPES, file)
    if raw.empty:
        raise FormatError([Problem(("rows",), "no conflict-years", "at least one row", file)])
    ended = raw[raw["ep_end"] == 1]
    if ended["ep_end_date"].isna().any():
        k = int(ended["_line"][ended["ep_end_date"].isna()].iloc[0])
        raise FormatError([Problem(("ep_end_date",), "a blank cell",
                                   "the episode's end date where ep_end is 1", file, k)])
    key = ["conflict_id", "year"]
    firsts = raw.sort_values("_line").groupby(key, sort=True)
    years = firsts.first().reset_index()
    supporters: dict[tuple[int, int], tuple[set[int], set[int]]] = {}
    for cid, year, a2, b2 in zip(raw["conflict_id"], raw["year"], raw["gwno_a_2nd"],
                                 raw["gwno_b_2nd"], strict=True):
        sets = supporters.setdefault((int(cid), int(year)), (set(), set()))
        sets[0].update(_codes(a2))
        sets[1].update(_codes(b2))
    keys = list(zip(years["conflict_id"].astype(int), years["year"].astype(int), strict=True))
    years["gwno_a_2nd"] = [",".join(map(str, sorted(supporters[k][0]))) for k in keys]
    years["gwno_b_2nd"] = [",".join(map(str, sorted(supporters[k][1]))) for k in keys]
    years["ep_end"] = firsts["ep_end"].max().to_numpy().astype(bool)
    years["ep_end_date"] = firsts["ep_end_date"].max().to_numpy()
    years["n_supporters"] = [len(_codes(a)) + len(_codes(b))
                             for a, b in zip(years["gwno_a_2nd"], years["gwno_b_2nd"],
                                             strict=True)]
    years["major_power"] = [
        any(is_major(c, int(y)) for cell in cells for c in _codes(cell))
        for y, *cells in zip(years["year"], years["gwno_a"], years["gwno_b"],
                             years["gwno_a_2nd"], years["gwno_b_2nd"], strict=True)]
    years = years.rename(columns={"intensity_level": "intensity",
                                  "type_of_conflict": "type"})
    last_year = int(years["year"].max())
    episodes = _episodes(years, last_year)
    years = years.merge(episodes[["conflict_id", "start_date2", "episode"]],
                        on=["conflict_id", "start_date2"], how="left")
    return Conflicts(years=years.reset_index(drop=True), episodes=episodes, source=file,
                     last_year=last_year)


def _episodes(years: pd.DataFrame, last_year: int) -> pd.DataFrame:
    g = years.sort_values(key_order := ["conflict_id", "start_date2", "year"]).groupby(
        ["conflict_id", "start_date2"], sort=True)
    del key_order
    ep = g.agg(first_year=("year", "min"), last_year=("year", "max"),
               active_years=("year", "nunique"), ended=("ep_end", "any"),
               end_date=("ep_end_date", "max"), max_intensity=("intensity", "max"),
               first_intensity=("intensity", "first"), type=("type", "first"),
               incompatibility=("incompatibility", "first"), gwno_a=("gwno_a", "first"),
               gwno_b=("gwno_b", "first"), major_power=("major_power", "any"),
               start_date=("start_date", "first"), line=("_line", "min")).reset_index()
    censor = pd.to_datetime(ep["last_year"].astype(int).astype(str) + "-12-31")
    ep["censored"] = ~ep["ended"]
    ep["end_date"] = ep["end_date"].where(ep["ended"], pd.NaT)
    stop = ep["end_date"].where(ep["ended"], censor)
    days = (stop - ep["start_date2"]).dt.days.clip(lower=0)
    ep["duration_days"] = days.astype(int)
    ep["duration_months"] = days / DAYS_PER_MONTH
    ep["still_active_at_file_end"] = ep["censored"] & (ep["last_year"] == last_year)
    ep = ep.sort_values(["conflict_id", "start_date2"]).reset_index(drop=True)
    ep["episode"] = ep.groupby("conflict_id").cumcount() + 1
    ep["prior_episodes"] = ep["episode"] - 1
    return ep


# ---- COW wars --------------------------------------------------------------------------

def _war_outcome(codes: pd.Series) -> str:
    """One war-level outcome from the states' codes (ongoing first, then decisive, ...)."""
    present = set(codes.dropna().astype(int))
    for code, name in ((5, "ongoing"), (1, "decisive"), (2, "decisive"), (3, "compromise"),
                       (6, "stalemate"), (4, "transformed"), (7, "continues below war level"),
                       (8, "changed sides")):
        if code in present:
            return name
    return "unknown"


def read_cow_interstate(path: str | os.PathLike[str]) -> Wars:
    """COW inter-state wars from directed dyad-years: one row per war and per state.

    Duration in years = count of distinct years; a war with a state coded 5 (ongoing) is
    censored. Battle deaths sum each state's count once (-9 = unknown).
    """
    file = str(path)
    raw = read_table(path, INTER_COLUMNS, what="COW inter-state war dyad-year")
    if raw.empty:
        raise FormatError([Problem(("rows",), "no war-years", "at least one row", file)])
    deaths = raw["batdeath1"].astype("Float64").where(raw["batdeath1"] >= 0)
    raw = raw.assign(batdeath=deaths)
    parts = raw.groupby(["warnum", "ccode1"]).agg(
        side=("sidea1", "first"), initiator=("initiator1", "max"),
        outcome=("outcome1", "last"), battle_deaths=("batdeath", "max"),
        first_year=("year", "min"), last_year=("year", "max")).reset_index()
    parts = parts.rename(columns={"ccode1": "ccode"})
    parts["outcome_label"] = parts["outcome"].map(lambda v: _label(INTER_OUTCOMES, v))
    wars = raw.groupby("warnum").agg(
        start_year=("year", "min"), end_year=("year", "max"), years=("year", "nunique"),
        resume=("resume", "max"), line=("_line", "min")).reset_index()
    per_war = parts.groupby("warnum")
    wars["states"] = per_war["ccode"].agg(lambda s: ",".join(map(str, sorted(s)))).to_numpy()
    wars["n_states"] = per_war["ccode"].nunique().to_numpy()
    wars["side_a"] = per_war.apply(lambda d: ",".join(map(str, sorted(d.ccode[d.side == 1]))),
                                   include_groups=False).to_numpy()
    wars["side_b"] = per_war.apply(lambda d: ",".join(map(str, sorted(d.ccode[d.side == 2]))),
                                   include_groups=False).to_numpy()
    wars["outcome"] = per_war["outcome"].agg(_war_outcome).to_numpy()
    wars["battle_deaths"] = per_war["battle_deaths"].sum(min_count=1).to_numpy()
    wars["censored"] = wars["outcome"].eq("ongoing")
    wars["major_power"] = [any(is_major(int(c), int(y)) for c in s.split(","))
                           for s, y in zip(wars["states"], wars["start_year"], strict=True)]
    return Wars(wars=wars, participants=parts, source=file, kind="interstate")


def read_cow_intrastate(path: str | os.PathLike[str]) -> Wars:
    """COW intra-state wars from war-years: one row per war (outcome of its last year)."""
    file = str(path)
    raw = read_table(path, INTRA_COLUMNS, what="COW intra-state war-year")
    if raw.empty:
        raise FormatError([Problem(("rows",), "no war-years", "at least one row", file)])
    raw = raw.sort_values(["warnum", "year", "_line"])
    g = raw.groupby("warnum")
    wars = g.agg(name=("warname", "first"), wartype=("wartype", "first"),
                 start_year=("year", "min"), end_year=("year", "max"),
                 years=("year", "nunique"), primary_state=("ccodea", "first"),
                 side_a=("sidea", "first"), side_b=("sideb", "first"),
                 intervention=("intnl", "max"), outcome_code=("outcome", "last"),
                 line=("_line", "min")).reset_index()
    wars["intervention"] = wars["intervention"].astype(bool)
    wars["outcome"] = wars["outcome_code"].map(lambda v: _label(INTRA_OUTCOMES, v))
    wars["censored"] = wars["outcome_code"].eq(5)
    deaths = (raw["sideadeaths"].where(raw["sideadeaths"] >= 0).astype("Float64")
              .fillna(0) + raw["sidebdeaths"].where(raw["sidebdeaths"] >= 0)
              .astype("Float64").fillna(0))
    wars["battle_deaths"] = deaths.groupby(raw["warnum"]).max().to_numpy()
    parts = wars[["warnum", "primary_state"]].rename(columns={"primary_state": "ccode"})
    return Wars(wars=wars, participants=parts, source=file, kind="intrastate")


# ---- disputes ------------------------------------------------------------------------

def read_disputes(path: str | os.PathLike[str],
                  participants: str | os.PathLike[str] | None = None) -> Disputes:
    """GML militarized disputes (outcome and settlement labelled), with participants
    (per state: side, originator or joiner, dates) when ``participants`` is given; then
    ``n_side_a``/``n_side_b``/``n_originators`` count states and every participant's
    dispute must exist in the disputes file."""
    file = str(path)
    disputes = read_table(path, DISPUTE_COLUMNS, what="GML militarized dispute")
    dup = disputes["dispnum"].duplicated()
    if dup.any():
        k = int(np.flatnonzero(dup.to_numpy())[0])
        raise FormatError([Problem(("dispnum",), f"{disputes['dispnum'].iloc[k]} again",
                                   "one row per dispute", file, int(disputes["_line"].iloc[k]))])
    disputes["outcome_label"] = disputes["outcome"].map(lambda v: _label(MID_OUTCOMES, v))
    disputes["settlement"] = disputes["settle"].map(lambda v: _label(MID_SETTLEMENTS, v))
    parts = None
    if participants is not None:
        pfile = str(participants)
        parts = read_table(participants, PARTICIPANT_COLUMNS, what="GML dispute participant")
        unknown = ~parts["dispnum"].isin(disputes["dispnum"])
        if unknown.any():
            k = int(np.flatnonzero(unknown.to_numpy())[0])
            raise FormatError([Problem(("dispnum",), str(parts["dispnum"].iloc[k]),
                                       f"a dispute of {file}", pfile,
                                       int(parts["_line"].iloc[k]))])
        g = parts.groupby("dispnum")
        counts = pd.DataFrame({
            "n_side_a": g["sidea"].sum(), "n_side_b": g["sidea"].count() - g["sidea"].sum(),
            "n_originators": g["orig"].sum()}).reset_index()
        disputes = disputes.merge(counts, on="dispnum", how="left")
    return Disputes(disputes=disputes, participants=parts, source=file)


# ---- capabilities and states ---------------------------------------------------------

def read_capabilities(path: str | os.PathLike[str]) -> pd.DataFrame:
    """COW National Material Capabilities: one row per state-year (``-9`` = missing)."""
    file = str(path)
    frame = read_table(path, NMC_COLUMNS, what="COW national material capabilities")
    for col in (*NMC_COMPONENTS, "cinc"):
        frame[col] = frame[col].where(frame[col] >= 0)
    dup = frame.duplicated(["ccode", "year"])
    if dup.any():
        k = int(np.flatnonzero(dup.to_numpy())[0])
        raise FormatError([Problem(("ccode, year",), "a state-year seen before",
                                   "one row per state and year", file,
                                   int(frame["_line"].iloc[k]))])
    return frame


def read_states(path: str | os.PathLike[str]) -> pd.DataFrame:
    """COW state system membership: one row per spell (a code may have several)."""
    return read_table(path, STATE_COLUMNS, what="COW state system")
