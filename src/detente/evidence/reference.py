"""Reference classes: the historical cases like this conflict, and how they went.

A conflict is described (:class:`Description`) by its UCDP type and incompatibility, its
intensity, whether a COW major power fights, the capability ratio of the sides (stronger
CINC over weaker, in bands 1–3, 3–10, over 10) and how long it has been fought. Three
populations are matched, each with criteria that apply to it:

- **UCDP conflict episodes** (durations in months, censored at the file's end): the
  duration distribution (Kaplan–Meier) and P(ending within 6/12/24 months | lasted so far).
  An *end* here is UCDP's: a calendar year with fewer than 25 battle-related deaths;
- **COW wars** (inter-state for inter-state conflicts, intra-state otherwise): how they ended;
- **GML militarized disputes** (inter-state only): how they were settled.

When fewer than ``min_cases`` cases match (or, for durations, fewer than ``min_at_risk``
lasted as long as this conflict has), the least important criterion is dropped and the
match retried: capability ratio, then intensity, then major power, then incompatibility.
The type (inter- or intra-state) is never dropped: a class of all conflicts says little of
a war between states, so when even the type alone has too few cases the result says so
(``enough`` is false) rather than widen further. Every step is recorded, so the output says
how the match was made.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detente.evidence.majors import is_major
from detente.evidence.readers import Conflicts, Disputes, Wars
from detente.evidence.survival import EndingCurve, KaplanMeier

UCDP_TYPE = {"interstate": "interstate", "intrastate": "intrastate",
             "internationalized": "II", "extrasystemic": "extrasystemic"}
RATIO_BANDS: tuple[tuple[float, float], ...] = ((1.0, 3.0), (3.0, 10.0), (10.0, math.inf))
DROP_ORDER = ("capability_ratio", "intensity", "major_power", "incompatibility")
"""Criteria dropped first to last when too few cases match (the type is never dropped)."""
HORIZONS = (6, 12, 24)


@dataclass(frozen=True)
class Description:
    """What is known of the conflict at the time of asking (any fact may be unknown)."""

    type: str | None = None
    incompatibility: str | None = None
    intensity: int | None = None
    months_fought: float = 0.0
    major_power: bool | None = None
    capability_ratio: float | None = None
    described_by: str = "options"
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "incompatibility": self.incompatibility,
                "intensity": self.intensity, "months_fought": self.months_fought,
                "major_power": self.major_power, "capability_ratio": self.capability_ratio,
                "capability_band": band_label(self.capability_ratio),
                "described_by": self.described_by, "notes": list(self.notes)}


def band_of(ratio: float | None) -> int | None:
    """Index of the capability-ratio band (None: unknown)."""
    if ratio is None or not np.isfinite(ratio) or ratio < 1:
        return None
    return next(k for k, (lo, hi) in enumerate(RATIO_BANDS) if lo <= ratio < hi)


def band_label(ratio: float | None) -> str | None:
    k = band_of(ratio)
    if k is None:
        return None
    lo, hi = RATIO_BANDS[k]
    return f"{lo:g}–{hi:g}" if np.isfinite(hi) else f"over {lo:g}"


@dataclass(frozen=True)
class Criterion:
    """One condition of a match: its key (see :data:`DROP_ORDER`), label and mask."""

    key: str
    label: str
    mask: np.ndarray


@dataclass(frozen=True)
class Match:
    """The cases of one population that matched, and how: ``steps`` lists each try
    (criteria used, cases, cases at risk) until one had enough."""

    population: str
    cases: pd.DataFrame
    used: tuple[str, ...]
    dropped: tuple[str, ...]
    steps: tuple[dict[str, Any], ...]
    enough: bool

    def to_dict(self, columns: Sequence[str]) -> dict[str, Any]:
        cases = self.cases[list(columns)].astype(object).where(self.cases[list(columns)]
                                                                .notna(), None)
        return {"population": self.population, "n": len(self.cases),
                "criteria": list(self.used), "dropped": list(self.dropped),
                "steps": list(self.steps), "enough": self.enough,
                "cases": [{k: _plain(v) for k, v in row.items()}
                          for row in cases.to_dict("records")]}


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def widen(population: str, frame: pd.DataFrame, criteria: Sequence[Criterion], *,
          enough: Callable[[np.ndarray], tuple[bool, dict[str, Any]]]) -> Match:
    """Match ``frame`` on every criterion; while not ``enough``, drop the criterion that
    comes first in :data:`DROP_ORDER` and retry (the last try is kept if none is)."""
    droppable = [c for c in criteria if c.key in DROP_ORDER]
    active = list(criteria)
    steps: list[dict[str, Any]] = []
    dropped: list[str] = []
    while True:
        mask = np.ones(len(frame), dtype=bool)
        for c in active:
            mask &= c.mask
        ok, counts = enough(mask)
        steps.append({"criteria": [c.label for c in active], **counts})
        if ok or not droppable:
            break
        drop = min(droppable, key=lambda c: DROP_ORDER.index(c.key))
        droppable.remove(drop)
        active.remove(drop)
        dropped.append(drop.label)
    return Match(population, frame[mask].reset_index(drop=True),
                 tuple(c.label for c in active), tuple(dropped), tuple(steps), ok)


# ---- capability ratios of historical cases ---------------------------------------------

def cinc_lookup(nmc: pd.DataFrame) -> Callable[[Sequence[int], int], float | None]:
    """``f(codes, year)``: the summed CINC of states ``codes`` in ``year`` (the nearest
    earlier year with data when ``year`` is past the file's end; None when unknown)."""
    table = {(int(c), int(y)): float(v)
             for c, y, v in zip(nmc["ccode"], nmc["year"], nmc["cinc"], strict=True)
             if pd.notna(v)}
    last = int(nmc["year"].max())

    def total(codes: Sequence[int], year: int) -> float | None:
        y = min(year, last)
        values = [table.get((c, y)) for c in codes]
        if not codes or any(v is None for v in values):
            return None
        return float(sum(v for v in values if v is not None))

    return total


def codes_of(cell: Any) -> list[int]:
    if cell is None or cell is pd.NA or (isinstance(cell, float) and math.isnan(cell)):
        return []
    return [int(x) for x in str(cell).split(",") if x.strip().isdigit()]


def ratio_of(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or a <= 0 or b <= 0:
        return None
    return max(a, b) / min(a, b)


def side_ratios(side_a: pd.Series, side_b: pd.Series, years: pd.Series,
            cinc: Callable[[Sequence[int], int], float | None]) -> np.ndarray:
    out = [ratio_of(cinc(codes_of(a), int(y)), cinc(codes_of(b), int(y)))
           for a, b, y in zip(side_a, side_b, years, strict=True)]
    return np.array([np.nan if r is None else r for r in out], dtype=float)


def _band_mask(ratios: np.ndarray, ratio: float) -> np.ndarray:
    lo, hi = RATIO_BANDS[band_of(ratio) or 0]
    return (ratios >= lo) & (ratios < hi)


# ---- the three populations -------------------------------------------------------------

def match_episodes(conflicts: Conflicts, desc: Description, ratios: np.ndarray, *,
                   min_cases: int, min_at_risk: int) -> Match:
    """UCDP episodes like the conflict, with enough that lasted as long as it has."""
    ep = conflicts.episodes.assign(capability_ratio=ratios)
    crit: list[Criterion] = []
    if desc.type:
        code = UCDP_TYPE[desc.type]
        crit.append(Criterion("type", f"type = {desc.type}", (ep["type"] == code).to_numpy()))
    if desc.incompatibility:
        crit.append(Criterion("incompatibility", f"incompatibility = {desc.incompatibility}",
                              (ep["incompatibility"] == desc.incompatibility).to_numpy()))
    crit += _major_power(ep, desc)
    if desc.intensity is not None:
        crit.append(Criterion("intensity", f"highest intensity = {desc.intensity}",
                              (ep["max_intensity"] == desc.intensity).to_numpy()))
    crit += _capability_band(desc, ratios)
    months = ep["duration_months"].to_numpy()

    def enough(mask: np.ndarray) -> tuple[bool, dict[str, Any]]:
        n, at_risk = int(mask.sum()), int((mask & (months > desc.months_fought)).sum())
        return n >= min_cases and at_risk >= min_at_risk, {"cases": n, "at_risk": at_risk}

    return widen("UCDP conflict episodes", ep, crit, enough=enough)


def _major_power(cases: Any, desc: Description) -> list[Criterion]:
    """The criterion "a major power fights", shared by episodes and wars (none if unstated)."""
    if desc.major_power is None:
        return []
    return [Criterion("major_power", f"major power fighting = {desc.major_power}",
                      (cases["major_power"] == desc.major_power).to_numpy())]


def _capability_band(desc: Description, ratios: np.ndarray) -> list[Criterion]:
    """The criterion "capability ratio in the conflict's band" (none if unstated)."""
    if band_of(desc.capability_ratio) is None:
        return []
    return [Criterion("capability_ratio", f"capability ratio {band_label(desc.capability_ratio)}",
                      _band_mask(ratios, float(desc.capability_ratio or 1)))]


def match_wars(wars: Wars, desc: Description, ratios: np.ndarray, *,
               min_cases: int) -> Match:
    """COW wars like the conflict (inter-state: major power, capability ratio; intra-state:
    internationalized = a state intervened, incompatibility ~ war type)."""
    w = wars.wars.assign(capability_ratio=ratios)
    crit: list[Criterion] = []
    if wars.kind == "intrastate":
        if desc.type in ("internationalized", "intrastate"):
            want = desc.type == "internationalized"
            crit.append(Criterion("type", f"outside intervention = {want}",
                                  (w["intervention"] == want).to_numpy()))
        if desc.incompatibility in ("government", "territory"):
            wt = "central control" if desc.incompatibility == "government" else "local issues"
            crit.append(Criterion("incompatibility", f"war type = {wt}",
                                  (w["wartype"] == wt).to_numpy()))
    else:
        crit += _major_power(w, desc) + _capability_band(desc, ratios)

    def enough(mask: np.ndarray) -> tuple[bool, dict[str, Any]]:
        return int(mask.sum()) >= min_cases, {"cases": int(mask.sum())}

    kind = "inter-state" if wars.kind == "interstate" else "intra-state"
    return widen(f"COW {kind} wars", w, crit, enough=enough)


def match_disputes(disputes: Disputes, desc: Description, majors: np.ndarray,
                   ratios: np.ndarray, *, min_cases: int) -> Match:
    """GML disputes like the conflict: reached war (hostility 5) when the intensity is 2,
    use of force or war otherwise; major power; capability ratio of the sides."""
    d = disputes.disputes.assign(major_power=majors, capability_ratio=ratios)
    crit: list[Criterion] = []
    if desc.intensity == 2:
        crit.append(Criterion("intensity", "hostility = war (5)", (d["hostlev"] == 5)
                              .to_numpy(dtype=bool)))
    else:
        crit.append(Criterion("intensity", "hostility = use of force or war (4–5)",
                              (d["hostlev"] >= 4).to_numpy(dtype=bool)))
    if desc.major_power is not None:
        crit.append(Criterion("major_power", f"major power involved = {desc.major_power}",
                              majors == desc.major_power))
    if band_of(desc.capability_ratio) is not None:
        crit.append(Criterion("capability_ratio",
                              f"capability ratio {band_label(desc.capability_ratio)}",
                              _band_mask(ratios, float(desc.capability_ratio or 1))))

    def enough(mask: np.ndarray) -> tuple[bool, dict[str, Any]]:
        return int(mask.sum()) >= min_cases, {"cases": int(mask.sum())}

    return widen("GML militarized disputes", d, crit, enough=enough)


def dispute_sides(disputes: Disputes, cinc: Callable[[Sequence[int], int], float | None]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per dispute: whether a major power took part, and the capability ratio of the
    originating states of side A and side B in the start year (NaN when unknown)."""
    parts = disputes.participants
    d = disputes.disputes
    if parts is None:
        return np.zeros(len(d), dtype=bool), np.full(len(d), np.nan)
    year = dict(zip(d["dispnum"], d["styear"], strict=True))
    major: dict[int, bool] = {}
    sides: dict[int, tuple[list[int], list[int]]] = {}
    for num, code, side_a, orig in zip(parts["dispnum"], parts["ccode"], parts["sidea"],
                                       parts["orig"], strict=True):
        num, code = int(num), int(code)
        major[num] = major.get(num, False) or is_major(code, int(year[num]))
        if int(orig) == 1:
            sides.setdefault(num, ([], []))[0 if int(side_a) == 1 else 1].append(code)
    majors = np.array([major.get(int(n), False) for n in d["dispnum"]])
    ratios = []
    for n in d["dispnum"]:
        a, b = sides.get(int(n), ([], []))
        r = ratio_of(cinc(a, int(year[int(n)])), cinc(b, int(year[int(n)])))
        ratios.append(np.nan if r is None else r)
    return majors, np.array(ratios, dtype=float)


# ---- the whole result ----------------------------------------------------------------

@dataclass(frozen=True)
class BaseRates:
    """The outside view of one conflict: its reference classes and what they show."""

    description: Description
    episodes: Match
    survival: KaplanMeier
    ending: EndingCurve
    wars: Match
    war_outcomes: dict[str, int]
    war_outcomes_lasting: dict[str, int]
    disputes: Match | None
    settlements: dict[str, int]
    sources: dict[str, str]
    notes: tuple[str, ...] = field(default=())

    def within(self) -> dict[int, tuple[float, float, float]]:
        """P(ending within 6, 12, 24 months | lasted so far), each with its band."""
        return {h: self.ending.within(h) for h in HORIZONS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": "outside view: frequencies among historical cases like this one, "
                    "not a forecast of this conflict",
            "description": self.description.to_dict(),
            "episodes": self.episodes.to_dict(EPISODE_COLUMNS),
            "duration": self.survival.to_dict(),
            "ending_within": {str(h): {"p": p, "low": lo, "high": hi}
                              for h, (p, lo, hi) in self.within().items()},
            "ending_by_month": self.ending.to_dict(),
            "wars": self.wars.to_dict(WAR_COLUMNS[self.wars.population]),
            "war_outcomes": self.war_outcomes,
            "war_outcomes_lasting": self.war_outcomes_lasting,
            "disputes": (None if self.disputes is None else
                         {k: v for k, v in self.disputes.to_dict(DISPUTE_COLUMNS).items()
                          if k != "cases"}),
            "settlements": self.settlements,
            "sources": self.sources,
            "notes": list(self.notes),
        }


EPISODE_COLUMNS = ("conflict_id", "episode", "sides", "type", "incompatibility",
                   "max_intensity", "major_power", "capability_ratio", "start_date2",
                   "end_date", "duration_months", "ended")
WAR_COLUMNS = {
    "COW inter-state wars": ("warnum", "sides", "start_year", "end_year", "years",
                             "major_power", "capability_ratio", "outcome"),
    "COW intra-state wars": ("warnum", "name", "wartype", "start_year", "end_year", "years",
                             "intervention", "outcome"),
}
DISPUTE_COLUMNS = ("dispnum", "styear", "hostlev", "major_power", "capability_ratio",
                   "settlement", "outcome_label")


def counts(values: pd.Series, order: Sequence[str] = ()) -> dict[str, int]:
    """Counts of each value, in ``order`` first (zeros kept), then the rest."""
    vc = values.value_counts()
    out = {k: int(vc.get(k, 0)) for k in order}
    out.update({str(k): int(v) for k, v in vc.items() if k not in out})
    return out
