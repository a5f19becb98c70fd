"""DEU issues as backtest cases: which issues are scored, and with which capabilities.

Scoring convention of the literature (and of ``shared/data/README.md``): an
issue is scored when its realised outcome lies in [0, 100] and at least three
actors have both a position and a salience. Errors are absolute differences
on the issue's 0..100 scale.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from detente.errors import DetenteError
from detente.extras import DeuContext, ScenarioExtras, extras_of
from detente.power.council import SCHEMES, CouncilPower
from detente.scenario import Scenario


@dataclass(frozen=True)
class Case:
    """One issue with a known outcome, ready to forecast."""

    scenario: Scenario
    issue: str
    proposal: str
    outcome: float | None
    reference_point: float | None
    n_actors: int
    era: str
    voting_rule: str
    procedure: str
    context: DeuContext

    @property
    def extras(self) -> ScenarioExtras:
        """The typed extras to bind models with (:meth:`detente.models.base.Model.bind`)."""
        return ScenarioExtras(deu=self.context)

    @property
    def council(self) -> CouncilPower:
        """The Council's rules for this issue (the ensemble's capability provider)."""
        return CouncilPower.from_deu(self.context)

    @property
    def scoreable(self) -> bool:
        """Outcome in [0, 100] and at least 3 actors with position and salience."""
        return (self.outcome is not None and not math.isnan(self.outcome)
                and 0.0 <= self.outcome <= 100.0 and self.n_actors >= 3)


def actors_with_salience(scenario: Scenario, context: DeuContext | None = None) -> list[str]:
    """Actors with a position and a recorded salience (the DEU reader lists the others in
    ``context.missing_salience``; default: the scenario's own extras)."""
    if context is None:
        context = extras_of(scenario).deu
    missing = context.missing_salience if context is not None else frozenset()
    return [s.actor for s in scenario.stances if s.actor not in missing]


def with_capabilities(scenario: Scenario, caps: dict[str, float]) -> Scenario:
    """A copy of ``scenario`` with the given actor capabilities (re-validated)."""
    data = scenario.to_dict()
    for actor in data["actors"]:
        actor["capability"] = float(caps.get(actor["id"], actor.get("capability", 1.0)))
    return Scenario.from_dict(data)


def make_case(scenario: Scenario, *, capability: str = "equal",
              institution_weight: float = 1.0) -> Case:
    """A :class:`Case` from a DEU scenario, with capabilities from ``capability``'s scheme."""
    ctx = extras_of(scenario).deu
    if ctx is None:
        raise DetenteError(
            f"scenario {scenario.name!r} is not a DEU issue (no metadata.dataset = 'deu'); "
            "backtests need realised outcomes"
        )
    if capability not in SCHEMES:
        raise DetenteError(f"unknown capability scheme {capability!r}; known: {', '.join(SCHEMES)}")
    actor_ids = scenario.actor_ids
    rules = CouncilPower.from_deu(ctx, institution_weight=institution_weight)
    era = rules.era(actor_ids)
    if capability != "equal":
        caps = rules.capabilities(actor_ids, capability)
        scenario = with_capabilities(scenario, dict(zip(actor_ids, caps, strict=True)))
    return Case(
        scenario=scenario,
        issue=scenario.issues[0].id,
        proposal=ctx.proposal,
        outcome=ctx.outcome,
        reference_point=scenario.issues[0].status_quo,
        n_actors=len(actors_with_salience(scenario, ctx)),
        era=era.name,
        voting_rule=ctx.voting_rule,
        procedure=ctx.procedure,
        context=ctx,
    )


def load_cases(path: str | os.PathLike[str], *, capability: str = "equal",
               institution_weight: float = 1.0, scoreable_only: bool = True,
               format: str | None = None) -> list[Case]:
    """Read a DEU table and turn its issues into cases (the scoreable ones by default)."""
    from detente.formats import read_all

    return make_cases(read_all(path, format=format), capability=capability,
                      institution_weight=institution_weight, scoreable_only=scoreable_only)


def make_cases(scenarios: Sequence[Scenario], *, capability: str = "equal",
               institution_weight: float = 1.0, scoreable_only: bool = True) -> list[Case]:
    """The DEU issues ``scenarios`` as cases (the scoreable ones by default)."""
    cases = [make_case(s, capability=capability, institution_weight=institution_weight)
             for s in scenarios]
    return [c for c in cases if c.scoreable] if scoreable_only else cases
