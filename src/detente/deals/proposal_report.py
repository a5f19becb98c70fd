"""The plans on the table, judged: the record behind ``detente proposals`` and its JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from detente.json_values import json_ready
from detente.notes import neutral_note
from detente.requests.proposals import ProposalRequest
from detente.scenario import Scenario

from .amendments import Amendment, AmendRule, CommonGround, amend, common_ground
from .proposal_phases import PhasedPlanJudgement, judge_phases
from .proposals import (
    POINT_CANNOT_BE_HELD,
    ProposalJudgement,
    compile_proposal,
    judge,
    judge_with_draws,
    with_points,
)
from .utility import DealProblem


@dataclass(frozen=True)
class ProposalEntry:
    """One proposal: its judgement, distances to the models' forecasts, its amendment."""

    judgement: ProposalJudgement
    distance: dict[str, float]
    """Per model: mean over issues of ``|x_i − f_i| / L_i`` (0: the model's forecast)."""
    amendment: Amendment | None
    blocked: bool
    phasing: PhasedPlanJudgement | None = None
    """The plan's own phases judged by the phasing rules (``None``: it states none)."""


@dataclass(frozen=True)
class ProposalsReport:
    scenario: str
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    entries: tuple[ProposalEntry, ...]
    common: CommonGround
    draws: int
    rule: str
    option_names: tuple[tuple[str, ...], ...]

    def ranking(self) -> list[ProposalEntry]:
        """By the probability every party whose consent is needed accepts (with draws),
        else acceptable first; then the smallest blocking margin."""
        def key(e: ProposalEntry) -> tuple[float, float]:
            j = e.judgement
            p = j.p_agreed if j.p_agreed is not None else float(j.verdict.acceptable)
            need = j.margins[j.consent]
            return (-p, -(float(need.min()) if need.size else 0.0))
        return sorted(self.entries, key=key)

    def label(self, options: np.ndarray) -> dict[str, str]:
        return {issue: self.option_names[i][int(options[i])]
                for i, issue in enumerate(self.issues)}

    def to_dict(self) -> dict[str, Any]:
        out = []
        for e in self.ranking():
            j = e.judgement
            p = j.compiled.proposal
            actors = {}
            for a, actor in enumerate(self.actors):
                row: dict[str, Any] = {
                    "utility": float(j.utility[a]), "no_deal": float(j.batna[a]),
                    "margin": float(j.margins[a]), "accepts": bool(j.accepts[a]),
                    "veto_needed": bool(j.consent[a])}
                if j.p_accept is not None:
                    row["p_accept"] = float(j.p_accept[a])
                actors[actor] = row
            out.append({
                "id": p.id, "title": p.title, "proposer": p.proposer,
                "date": None if p.date is None else p.date.isoformat(),
                "sources": list(p.sources), "assumptions": p.assumptions,
                "package": self.label(j.compiled.options), "open": list(p.open),
                "phases": [{"name": ph.name, "issues": list(ph.issues)} for ph in p.phases],
                "phasing": None if e.phasing is None else e.phasing.to_dict(),
                "stated": {k: v for k, v in p.package.items()},
                "between_options": list(j.compiled.points),
                "snapped": [{"issue": i, "point": v, "option": o, "why": POINT_CANNOT_BE_HELD}
                            for i, v, o in j.compiled.snapped],
                "acceptable": j.verdict.acceptable, "reasons": j.verdict.reasons(),
                "vetoed_by": {a: float(-j.margins[self.actors.index(a)])
                              for a in j.verdict.vetoed_by},
                "red_lines": list(j.verdict.red_lines), "linkages": list(j.verdict.linkages),
                "actors": actors, "distance_to_forecast": e.distance,
                "p_all_veto_holders_accept": j.p_agreed,
                "amendment": None if e.amendment is None else {
                    "rule": e.amendment.rule, "package": self.label(e.amendment.options),
                    "changed": list(e.amendment.changed), "movement": e.amendment.movement},
                "amendment_found": (not e.blocked) or e.amendment is not None,
            })
        return json_ready({"scenario": self.scenario, "draws": self.draws,
                           "amendment_rule": self.rule,
                "proposals": out,
                "common_ground": {"agreed": self.common.agreed,
                                  "ranges": {k: list(v) for k, v in self.common.ranges.items()}},
                "note": neutral_note("Utilities, acceptances and amendments")})


def evaluate_proposals(problem: DealProblem, scenario: Scenario, *,
                       forecasts: dict[str, dict[str, float]] | None = None,
                       request: ProposalRequest | None = None,
                       **options: Any) -> ProposalsReport:
    """Judge every proposal of ``scenario`` on ``problem`` (see :mod:`.proposals`) as
    ``request`` says (its draws, seed, amendment rule; its problem options are
    ``problem``'s already; keyword ``options`` are its fields)."""
    req = ProposalRequest.of(request, **options)
    draws, seed, amendments = req.draws, req.seed, req.amendments
    amend_rule = cast(AmendRule, req.amend_rule)
    problem, base = with_points(problem, scenario)
    compiled = [compile_proposal(problem, scenario, p, base=base) for p in scenario.proposals]
    judged = judge_with_draws(problem, scenario, judge(problem, compiled), draws=draws,
                              seed=seed, base=base)
    entries = []
    spans = np.array([issue.span for issue in scenario.issues])
    for j in judged:
        values = np.array([problem.space.option_values[i][o]
                           for i, o in enumerate(j.compiled.options)])
        distance = {}
        for model, point in (forecasts or {}).items():
            f = np.array([point.get(i, np.nan) for i in problem.issues], dtype=float)
            distance[model] = float(np.nanmean(np.abs(values - f) / spans))
        blocked = not j.verdict.acceptable
        amendment = None
        if blocked and amendments:
            proposer = problem.actors.index(j.compiled.proposal.proposer)
            amendment = amend(problem, j.compiled.options, proposer, rule=amend_rule)
        entries.append(ProposalEntry(j, distance, amendment, blocked,
                                     judge_phases(problem, j.compiled.options,
                                                  j.compiled.proposal)))
    packages = (np.stack([c.options for c in compiled]) if compiled
                else np.zeros((0, len(problem.issues)), dtype=np.int64))
    settles = np.array([[issue in c.proposal.package for issue in problem.issues]
                        for c in compiled], dtype=bool).reshape(packages.shape)
    return ProposalsReport(scenario.name, problem.actors, problem.issues, tuple(entries),
                           common_ground(problem, packages, settles), draws, amend_rule,
                           problem.space.option_names)
