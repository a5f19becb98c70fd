"""What is known at the moment of each forecast: the feature tables of the termination models.

Two tasks, each a table with one row per forecast, a ``year`` (for the split), the
``known_year`` when its outcome was known (a training row must be known by the split
year), a ``group`` (the conflict, for clustered resampling and grouped cross-validation),
the outcome ``y`` and the features, which use only what was known when the forecast is made:

- **conflict-years** (UCDP): at the start of each active year of an episode (at its onset
  for the first year), P(the episode ends this year). Features: type and incompatibility
  (known at onset); the previous year's intensity and number of outside supporters in
  this episode (0 for a new episode); active years so far in the episode; earlier episodes
  of the conflict; years since the conflict first began; whether a primary party is a
  COW major power; the region of side A; the calendar year; the log capability ratio of
  the primary parties from the previous year's CINC (inter-state only). Never that year's
  intensity, supporters, end or later duration.
- **disputes at onset** (GML MIDs): P(the dispute ends in a negotiated settlement).
  Features: start year; states on each side among the *originators* (joiners come
  later); a major power among them; the log capability ratio of the originating sides
  from the previous year's CINC. Never hostility, fatalities, actions, reciprocation,
  duration or outcome, which are known only later. Disputes whose settlement is coded
  *unclear* (or missing, -9) are left out (their outcome is unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from detente.evidence.majors import is_major
from detente.evidence.readers import Conflicts, Disputes
from detente.evidence.reference import codes_of, ratio_of

CATEGORICAL_UCDP = ("type", "incompatibility", "region")
NUMERIC_UCDP = ("prev_intensity", "prev_supporters", "years_active", "prior_episodes",
                "conflict_age", "major_party", "year_c", "log_ratio", "ratio_known",
                "new_episode")
CATEGORICAL_MID: tuple[str, ...] = ()
NUMERIC_MID = ("year_c", "n_orig_a", "n_orig_b", "multilateral", "major_orig", "log_ratio",
               "ratio_known")
CENTRE_YEAR = 1950
"""Calendar years enter the models as (year - 1950) / 10: decades from 1950."""


@dataclass(frozen=True)
class Task:
    """One forecasting task: ``table`` (``year``, ``group``, ``y``, features), which
    columns are categorical or numeric, the reference-class columns of its base rate, and
    what ``y`` = 1 means."""

    name: str
    table: pd.DataFrame
    categorical: tuple[str, ...]
    numeric: tuple[str, ...]
    reference_class: tuple[str, ...]
    outcome: str
    unit: str
    source: str


def region(code: int | None) -> str:
    """Gleditsch–Ward / COW code -> region (Americas, Europe, Africa, Middle East, Asia)."""
    if code is None:
        return "unknown"
    for hi, name in ((199, "Americas"), (399, "Europe"), (626, "Africa"),
                     (699, "Middle East"), (999, "Asia and Oceania")):
        if code <= hi:
            return name
    return "unknown"


def conflict_years(conflicts: Conflicts, cinc: object | None = None) -> Task:
    """The UCDP conflict-year task (see the module's docstring)."""
    y = conflicts.years.sort_values(["conflict_id", "start_date2", "year"]).reset_index(drop=True)
    g = y.groupby(["conflict_id", "start_date2"], sort=False)
    prev_int = g["intensity"].shift(1)
    prev_sup = g["n_supporters"].shift(1)
    first_year_of_conflict = y.groupby("conflict_id")["start_date"].transform("min").dt.year
    parties = [codes_of(a) + codes_of(b) for a, b in zip(y["gwno_a"], y["gwno_b"], strict=True)]
    major = [any(is_major(c, int(yr)) for c in cs) for cs, yr in zip(parties, y["year"],
                                                                      strict=True)]
    ratios = np.full(len(y), np.nan)
    if callable(cinc):
        for k, (a, b, yr) in enumerate(zip(y["gwno_a"], y["gwno_b"], y["year"], strict=True)):
            if codes_of(b):
                r = ratio_of(cinc(codes_of(a), int(yr) - 1), cinc(codes_of(b), int(yr) - 1))
                ratios[k] = np.nan if r is None else r
    first_a = [next(iter(codes_of(a)), None) for a in y["gwno_a"]]
    table = pd.DataFrame({
        "year": y["year"].astype(int).to_numpy(),
        "known_year": y["year"].astype(int).to_numpy(),
        "group": y["conflict_id"].astype(int).to_numpy(),
        "y": y["ep_end"].astype(int).to_numpy(),
        "type": y["type"].astype(str).to_numpy(),
        "incompatibility": y["incompatibility"].astype(str).to_numpy(),
        "region": [region(c) for c in first_a],
        "prev_intensity": prev_int.fillna(0).astype(float).to_numpy(),
        "prev_supporters": prev_sup.fillna(0).astype(float).to_numpy(),
        "years_active": g.cumcount().to_numpy().astype(float),
        "prior_episodes": (y["episode"] - 1).astype(float).to_numpy(),
        "conflict_age": (y["year"] - first_year_of_conflict).astype(float).to_numpy(),
        "major_party": np.array(major, dtype=float),
        "year_c": ((y["year"].astype(float) - CENTRE_YEAR) / 10).to_numpy(),
        "log_ratio": np.nan_to_num(np.log(ratios), nan=0.0),
        "ratio_known": np.isfinite(ratios).astype(float),
        "new_episode": (g.cumcount() == 0).astype(float).to_numpy(),
    })
    return Task("ucdp-episode-end", table, CATEGORICAL_UCDP, NUMERIC_UCDP,
                ("type", "incompatibility"), "the episode ends this year", "conflict-year",
                conflicts.source)


def dispute_onsets(disputes: Disputes, cinc: object | None = None) -> Task:
    """The GML dispute-onset task (see the module's docstring)."""
    d = disputes.disputes
    d = d[d["settle"].isin([1, 2, 3])].reset_index(drop=True)  # unclear or missing: out
    parts = disputes.participants
    orig_a: dict[int, list[int]] = {}
    orig_b: dict[int, list[int]] = {}
    if parts is not None:
        for num, code, side_a, orig in zip(parts["dispnum"], parts["ccode"], parts["sidea"],
                                           parts["orig"], strict=True):
            if int(orig) == 1:
                (orig_a if int(side_a) == 1 else orig_b).setdefault(int(num), []).append(
                    int(code))
    nums = d["dispnum"].astype(int).to_numpy()
    years = d["styear"].astype(int).to_numpy()
    a = [orig_a.get(n, []) for n in nums]
    b = [orig_b.get(n, []) for n in nums]
    ratios = np.full(len(d), np.nan)
    if callable(cinc):
        for k, (sa, sb, yr) in enumerate(zip(a, b, years, strict=True)):
            r = ratio_of(cinc(sa, int(yr) - 1), cinc(sb, int(yr) - 1))
            ratios[k] = np.nan if r is None else r
    n_a = np.array([len(s) for s in a], dtype=float)
    n_b = np.array([len(s) for s in b], dtype=float)
    ends = (parts.groupby("dispnum")["endyear"].max() if parts is not None else
            d.set_index("dispnum")["styear"])
    known = np.array([max(int(ends.get(n, yr)), int(yr)) for n, yr in zip(nums, years,
                                                                           strict=True)])
    table = pd.DataFrame({
        "year": years, "known_year": known, "group": nums,
        "y": (d["settle"] == 1).astype(int).to_numpy(),
        "year_c": (years - CENTRE_YEAR) / 10.0,
        "n_orig_a": n_a, "n_orig_b": n_b, "multilateral": ((n_a + n_b) > 2).astype(float),
        "major_orig": np.array([any(is_major(c, int(yr)) for c in sa + sb)
                                for sa, sb, yr in zip(a, b, years, strict=True)], dtype=float),
        "log_ratio": np.nan_to_num(np.log(ratios), nan=0.0),
        "ratio_known": np.isfinite(ratios).astype(float),
    })
    table["major_class"] = np.where(table["major_orig"] > 0, "major power", "no major power")
    table["size_class"] = np.where(table["multilateral"] > 0, "multilateral", "bilateral")
    return Task("mid-negotiated-settlement", table, CATEGORICAL_MID, NUMERIC_MID,
                ("major_class", "size_class"), "the dispute ends in a negotiated settlement",
                "dispute", disputes.source)
