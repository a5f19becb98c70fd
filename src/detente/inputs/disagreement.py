"""Where a panel of analysts disagrees, and which disagreements move the forecast.

Each number the analysts state differently (a position or a salience of one
stance) is ranked by how far apart they are, on one footing: the spread as a
share of its range (the issue's scale for a position, 0..1 for a salience).

Whether a disagreement *matters* is asked of the existing sensitivity
machinery (:func:`detente.uncertainty.sensitivity.sensitivity`), run on the
combined scenario with only the panel's disagreement as uncertainty: every
disagreed number ranges over [lowest, highest analyst value] (triangular,
peak at the panel's value), everything else at the panel's value. Its
tornado gives, per number, the forecast with that number at the lowest and at
the highest analyst's value (all else at the panel's value) and the swing
between them; its Sobol total index ST gives the number's share of the
forecast's variance over the whole disagreement. A disagreement *moves the
forecast* when the two tornado outcomes have different nearest anchors, or
the swing is at least ``threshold`` (default 5%) of the issue's scale.
Analysts who disagree on whether an actor takes a stance at all are listed
separately (the panel keeps a stance given by at least ``min_share`` of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.inputs.panel import PanelResult, StanceProvenance
from detente.json_values import json_number as fin
from detente.models.base import Model
from detente.scenario import Scenario
from detente.uncertainty.sensitivity import sensitivity


@dataclass(frozen=True)
class Disagreement:
    """One number the analysts state differently, and what it does to the forecast."""

    actor: str
    issue: str
    kind: str
    values: tuple[tuple[str, float], ...]
    combined: float
    spread: float
    share: float
    outcome_low: float | None = None
    outcome_high: float | None = None
    swing: float | None = None
    total_index: float | None = None
    anchor_low: str | None = None
    anchor_high: str | None = None
    moves: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "issue": self.issue, "kind": self.kind,
                "values": dict(self.values), "combined": self.combined,
                "spread": self.spread, "share": self.share,
                "outcome_low": fin(self.outcome_low), "outcome_high": fin(self.outcome_high),
                "swing": fin(self.swing), "ST": fin(self.total_index),
                "anchor_low": self.anchor_low, "anchor_high": self.anchor_high,
                "moves_forecast": self.moves}


@dataclass(frozen=True)
class DisagreementReport:
    """The panel's disagreements, widest first, with the model's verdict on each."""

    model: str
    threshold: float
    point: dict[str, float]
    items: tuple[Disagreement, ...]
    presence: tuple[StanceProvenance, ...]
    analysts: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "threshold": self.threshold, "point": self.point,
                "analysts": list(self.analysts),
                "disagreements": [d.to_dict() for d in self.items],
                "stance_presence": [{"actor": p.actor, "issue": p.issue,
                                     "with_stance": list(p.analysts),
                                     "without_stance": list(p.without), "kept": p.kept}
                                    for p in self.presence]}


def disagreement_scenario(panel: PanelResult) -> Scenario:
    """The combined scenario with the analysts' spread as its only uncertainty."""
    by_key = {(p.actor, p.issue): p for p in panel.provenance}
    data = panel.scenario.to_dict()
    for actor in data["actors"]:
        actor.pop("capability_uncertainty", None)
        actor.pop("batna_uncertainty", None)
    for st in data["stances"]:
        st.pop("position_uncertainty", None)
        st.pop("salience_uncertainty", None)
        prov = by_key[(st["actor"], st["issue"])]
        unc = {}
        for v in (prov.position, prov.salience):
            assert v is not None
            points = [x for _, x in v.values]
            if max(points) > min(points):
                unc[v.kind] = {"kind": "triangular", "low": min(points), "mode": v.combined,
                               "high": max(points)}
        if unc:
            st["uncertainty"] = unc
    return Scenario.from_dict(data)


def disagreements(
    panel: PanelResult,
    model: Model,
    *,
    samples: int = 256,
    seed: int = 0,
    threshold: float = 0.05,
) -> DisagreementReport:
    """Rank the panel's disagreements and test each against ``model``'s forecast."""
    rows = _spreads(panel)
    presence = tuple(p for p in panel.provenance if p.without)
    if not rows:
        return DisagreementReport(model.name, threshold, {}, (), presence, panel.analysts)
    scenario = disagreement_scenario(panel)
    sens = sensitivity(scenario, model, samples=samples, seed=seed)
    tornado = sens.tornado.set_index(["issue", "input"])
    st_index = sens.indices.set_index(["issue", "input"])["ST"]
    out = []
    for row in rows:
        name = f"{row.kind}[{row.actor}, {row.issue}]"
        bar = tornado.loc[(row.issue, name)]
        lo, hi = float(bar["outcome_low"]), float(bar["outcome_high"])
        issue = scenario.issue(row.issue)
        a_lo, a_hi = issue.nearest_anchor(lo), issue.nearest_anchor(hi)
        swing = float(bar["swing"])
        moves = (a_lo is not None and a_hi is not None and a_lo != a_hi) or (
            swing >= threshold * issue.span)
        out.append(Disagreement(
            row.actor, row.issue, row.kind, row.values, row.combined, row.spread, row.share,
            lo, hi, swing, float(st_index.loc[(row.issue, name)]),
            a_lo.label if a_lo else None, a_hi.label if a_hi else None, bool(moves)))
    out.sort(key=lambda d: (-d.share, -(d.swing or 0.0), d.issue, d.actor, d.kind))
    return DisagreementReport(model.name, threshold, sens.point, tuple(out), presence,
                              panel.analysts)


def _spreads(panel: PanelResult) -> list[Disagreement]:
    """Every kept number the analysts do not all state alike."""
    rows = []
    for p in panel.provenance:
        if not p.kept:
            continue
        for v, width in ((p.position, p.span), (p.salience, 1.0)):
            assert v is not None
            if v.spread > 0:
                rows.append(Disagreement(p.actor, p.issue, v.kind, v.values, v.combined,
                                         v.spread, v.spread / width))
    return rows
