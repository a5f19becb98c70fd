"""Combining several analysts' estimates into one scenario, stance by stance.

For every actor and issue, the analysts who give a stance each state a
position p_a and a salience s_a. The panel's value is

- ``median`` (default): the median of the analysts' values (the mean of the
  two middle ones for an even panel), robust to one outlier;
- ``trimmed-mean``: the mean after cutting ⌊trim·n⌋ values from each end
  (``trim`` = 0.2 by default; with fewer than five analysts nothing is cut and
  it is the plain mean).

The spread becomes the uncertainty that ``simulate`` and ``sensitivity``
use: a triangular distribution from the lowest to the highest analyst value
with its peak at the panel's value. Where every analyst gives the same value
the range is the envelope of the analysts' own stated ranges, if any (else the
value is certain). ``ranges="envelope"`` always widens the range to the
envelope of the analysts' own ranges as well.

A stance is kept when at least ``min_share`` of the analysts give one
(default 0.5: half the panel); otherwise the panel takes it as no stance.
Every value keeps its provenance: which analysts gave it, their values and
how far apart they are. The combined scenario cites each analyst as a source
(``analyst-<name>``) on the stances they contributed to, and its evidence
notes give the panel values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from detente.errors import DetenteError
from detente.inputs.analysts import AnalystEstimates
from detente.scenario import Scenario, Stance

Aggregator = Literal["median", "trimmed-mean"]
RangeRule = Literal["spread", "envelope"]
AGGREGATORS: tuple[str, ...] = ("median", "trimmed-mean")
RANGE_RULES: tuple[str, ...] = ("spread", "envelope")


@dataclass(frozen=True)
class ValueProvenance:
    """One combined number (a position or a salience) and the analysts' values behind it."""

    kind: Literal["position", "salience"]
    values: tuple[tuple[str, float], ...]
    combined: float
    low: float
    high: float

    @property
    def spread(self) -> float:
        """How far apart the analysts are: highest minus lowest value."""
        vals = [v for _, v in self.values]
        return max(vals) - min(vals)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": dict(self.values), "combined": self.combined,
                "spread": self.spread, "range": [self.low, self.high]}


@dataclass(frozen=True)
class StanceProvenance:
    """Where one combined stance came from (or why the panel dropped it)."""

    actor: str
    issue: str
    analysts: tuple[str, ...]
    without: tuple[str, ...]
    kept: bool
    position: ValueProvenance | None
    salience: ValueProvenance | None
    span: float

    @property
    def position_share(self) -> float:
        """The analysts' position spread as a share of the issue's scale (0..1)."""
        return 0.0 if self.position is None else self.position.spread / self.span

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "issue": self.issue, "analysts": list(self.analysts),
                "without_stance": list(self.without), "kept": self.kept,
                "position": self.position.to_dict() if self.position else None,
                "salience": self.salience.to_dict() if self.salience else None,
                "position_spread_share": self.position_share}


@dataclass(frozen=True)
class PanelResult:
    """The combined scenario and the provenance of each of its stances."""

    scenario: Scenario
    analysts: tuple[str, ...]
    aggregator: str
    trim: float
    ranges: str
    provenance: tuple[StanceProvenance, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario.name, "analysts": list(self.analysts),
                "aggregator": self.aggregator, "trim": self.trim, "ranges": self.ranges,
                "stances": [p.to_dict() for p in self.provenance]}


def aggregate(values: Sequence[float], *, aggregator: Aggregator = "median",
              trim: float = 0.2) -> float:
    """The panel's value of one number (see the module docstring for the formulas)."""
    arr = np.sort(np.asarray(values, dtype=float))
    if arr.size == 0:
        raise DetenteError("no values to aggregate")
    if aggregator == "median":
        return float(np.median(arr))
    if aggregator == "trimmed-mean":
        if not 0 <= trim < 0.5:
            raise DetenteError(f"trim must be in [0, 0.5) (got {trim:g})")
        cut = math.floor(trim * arr.size)
        kept = arr[cut: arr.size - cut]
        # a float mean of equal values can land one ulp outside them: clip to the kept range
        return float(np.clip(kept.mean(), kept[0], kept[-1]))
    raise DetenteError(f"unknown aggregator {aggregator!r}; use {' or '.join(AGGREGATORS)}")


def combine(
    estimates: Sequence[AnalystEstimates],
    *,
    aggregator: Aggregator = "median",
    trim: float = 0.2,
    ranges: RangeRule = "spread",
    min_share: float = 0.5,
    name: str | None = None,
) -> PanelResult:
    """One scenario from several analysts' estimates of the same negotiation."""
    if aggregator not in AGGREGATORS:
        raise DetenteError(f"unknown aggregator {aggregator!r}; use {' or '.join(AGGREGATORS)}")
    if ranges not in RANGE_RULES:
        raise DetenteError(f"unknown range rule {ranges!r}; use {' or '.join(RANGE_RULES)}")
    if not 0 < min_share <= 1:
        raise DetenteError(f"min_share must be in (0, 1] (got {min_share:g})")
    if len(estimates) < 2:
        raise DetenteError(f"a panel needs at least two analysts (got {len(estimates)})")
    base = estimates[0].scenario
    names = tuple(e.analyst for e in estimates)
    stances: list[dict[str, Any]] = []
    provenance: list[StanceProvenance] = []
    for issue in base.issues:
        for actor in base.actors:
            given = [(e.analyst, st) for e in estimates
                     if (st := e.scenario.stance(actor.id, issue.id)) is not None]
            if not given:
                continue
            prov, stance = _combine_stance(actor.id, issue.id, issue.span, given, names,
                                           aggregator, trim, ranges, min_share)
            provenance.append(prov)
            if stance is not None:
                stances.append(stance)
    data = base.to_dict()
    data["stances"] = stances
    data["sources"] = _sources(estimates, aggregator, trim)
    data["name"] = name or f"{base.name}-panel"
    data["title"] = (base.title or base.name) + f" (panel of {len(names)}, {aggregator})"
    return PanelResult(Scenario.from_dict(data), names, aggregator, trim, ranges,
                       tuple(provenance))


def _combine_stance(actor: str, issue: str, span: float, given: list[tuple[str, Stance]],
                    names: tuple[str, ...], aggregator: Aggregator, trim: float,
                    ranges: RangeRule, min_share: float
                    ) -> tuple[StanceProvenance, dict[str, Any] | None]:
    who = tuple(a for a, _ in given)
    without = tuple(n for n in names if n not in who)
    kept = len(given) >= min_share * len(names)
    values = {q: _value(q, given, aggregator, trim, ranges) for q in ("position", "salience")}
    prov = StanceProvenance(actor, issue, who, without, kept, values["position"],
                            values["salience"], span)
    if not kept:
        return prov, None
    stance: dict[str, Any] = {"actor": actor, "issue": issue}
    uncertainty: dict[str, Any] = {}
    for q, v in values.items():
        stance[q] = v.combined
        if v.high > v.low:
            uncertainty[q] = {"kind": "triangular", "low": v.low, "mode": v.combined,
                              "high": v.high}
    if uncertainty:
        stance["uncertainty"] = uncertainty
    sources = []
    for _, st in given:
        sources += [s for s in st.sources if s not in sources]
    stance["sources"] = sources + [f"analyst-{a}" for a in who]
    stance["evidence"] = _evidence(prov, aggregator, given)
    return prov, stance


def _value(q: Literal["position", "salience"], given: list[tuple[str, Stance]],
           aggregator: Aggregator, trim: float, ranges: RangeRule) -> ValueProvenance:
    vals = tuple((a, float(getattr(st, q))) for a, st in given)
    points = [v for _, v in vals]
    combined = aggregate(points, aggregator=aggregator, trim=trim)
    low, high = min(points), max(points)
    own = [d for _, st in given if (d := getattr(st, f"{q}_uncertainty")) is not None]
    if own and (ranges == "envelope" or high == low):
        low = min([low] + [d.low for d in own])
        high = max([high] + [d.high for d in own])
    return ValueProvenance(q, vals, combined, low, high)


def _evidence(prov: StanceProvenance, aggregator: str, given: list[tuple[str, Stance]]) -> str:
    parts = []
    for v in (prov.position, prov.salience):
        assert v is not None
        each = ", ".join(f"{a} {x:g}" for a, x in v.values)
        parts.append(f"{v.kind} {aggregator} {v.combined:g} ({each}; spread {v.spread:g})")
    text = f"Panel of {len(given)}: " + "; ".join(parts) + "."
    if prov.without:
        text += f" No stance from {', '.join(prov.without)}."
    notes = list(dict.fromkeys(st.evidence for _, st in given if st.evidence))
    if notes:
        text += " Analysts' notes: " + " | ".join(notes)
    return text


def _sources(estimates: Sequence[AnalystEstimates], aggregator: str, trim: float
             ) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for e in estimates:
        for src in e.scenario.to_dict().get("sources", []):
            seen.setdefault(src["id"], src)
    how = aggregator + (f" (trim {trim:g})" if aggregator == "trimmed-mean" else "")
    for e in estimates:
        sid = f"analyst-{e.analyst}"
        if sid in seen:
            raise DetenteError(f"{e.file}: a source is already called {sid!r}; rename it "
                               "(the panel cites each analyst under that id)")
        seen[sid] = {"id": sid, "title": f"Estimates of analyst {e.analyst}",
                     "note": f"{e.file}; combined by {how}"}
    return list(seen.values())
