"""The rules of an EU legislative decision as parameters of the procedural model.

From a DEU case's procedure (``proc``), voting rule (``counvte``) and Council
era (:mod:`detente.power.council`):

- agenda setter: the Commission (``com``), which alone proposes;
- veto players: the Parliament (``ep``) under co-decision (COD); none under
  consultation (CNS), where its opinion does not bind;
- voters: the member states, weighted by the era's Council votes (under the
  Lisbon double majority: the mean of population share and member share,
  as ``council-votes`` in :mod:`detente.power.council`);
- quota: the era's qualified majority as a share of the votes (62/87 in the
  EU15, 232/321, 255/345, 260/352 under Nice, 65% under Lisbon), or 1 under
  unanimity.

Member states without a stance on an issue do not vote on it (DEU records no
position for them; the quota is a share of the votes of those with one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from detente.backtest.deu import Case, make_case
from detente.power.council import ERA_BY_NAME
from detente.scenario import Scenario

INSTITUTIONS = ("com", "ep")


def qmv_share(era_name: str) -> float:
    """The era's qualified-majority threshold as a share of the Council's votes."""
    era = ERA_BY_NAME[era_name]
    if era.votes is None:
        return era.quota / 100.0
    return era.quota / sum(era.votes.values())


def quota_for(case: Case) -> float:
    """1 under unanimity, else the era's QMV share."""
    return 1.0 if case.voting_rule.strip().lower().startswith("unan") else qmv_share(case.era)


def procedural_params(case: Case) -> dict[str, Any]:
    """Keyword parameters of :class:`~detente.models.procedural.Procedural` for ``case``."""
    cod = case.procedure.strip().upper() != "CNS"
    return {
        "setter": "com",
        "vetoes": ("ep",) if cod else (),
        "voters": tuple(a for a in case.scenario.actor_ids if a not in INSTITUTIONS),
        "quota": quota_for(case),
    }


def with_council_votes(case: Case) -> Case:
    """The case with capabilities from the era's Council votes (institutions 1)."""
    return make_case(case.scenario, capability="council-votes")


def procedural_inputs(case: Case) -> tuple[Scenario, dict[str, Any]]:
    """The scenario (Council-vote capabilities) and parameters the procedural model gets."""
    return with_council_votes(case).scenario, procedural_params(case)


#: models whose parameters come from each case's rules in a backtest (others run as given)
CASE_RULES: dict[str, Callable[[Case], tuple[Scenario, dict[str, Any]]]] = {
    "procedural": procedural_inputs,
}
