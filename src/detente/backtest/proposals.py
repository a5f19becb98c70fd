"""DEU proposals as multi-issue scenarios: the issues negotiated together, in one scenario.

DEU codes each controversial issue of a legislative proposal as its own row;
the issues of one proposal were negotiated together, so actors could trade
concessions across them (the premise of the exchange model: Stokman & Van
Oosten 1994; König & Proksch 2006 on DEU). A :class:`ProposalCase` puts every
issue of one proposal into one scenario:

- actors: every actor with a position on some issue of the proposal, with the
  capability its issue scenarios give it (the same on every issue of a
  proposal under each scheme, as the era and rule are the proposal's);
- issues: one per DEU issue, scale 0..100, status quo = its reference point;
- stances: position and salience as on the single-issue scenario (an actor
  with a position and no salience keeps salience 0 there).

The cases keep their own scoring (outcome, scoreability): a proposal case
records which of its issues are scored and at which index of the list of
single-issue cases they stand, so per-issue forecasts land in the same
columns as the single-issue backtest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detente.backtest.deu import Case
from detente.scenario import Scenario


@dataclass(frozen=True)
class ProposalCase:
    """One proposal as a multi-issue scenario, and where its scored issues sit."""

    proposal: str
    scenario: Scenario
    scored: tuple[tuple[str, int], ...]  # (issue id, index into the scored cases)


def proposal_scenario(cases: Sequence[Case]) -> Scenario:
    """One scenario holding every issue of ``cases`` (the issues of one proposal)."""
    actors: dict[str, dict] = {}
    issues, stances = [], []
    for case in cases:
        data = case.scenario.to_dict()
        for actor in data["actors"]:
            actors.setdefault(actor["id"], actor)
        issues.extend(data["issues"])
        stances.extend(data["stances"])
    first = cases[0].scenario
    return Scenario.from_dict({
        "name": cases[0].proposal,
        "title": f"{first.metadata.get('proposal_name') or cases[0].proposal} "
                 f"({len(cases)} issues)",
        "actors": list(actors.values()),
        "issues": issues,
        "stances": stances,
    })


def proposal_cases(all_cases: Sequence[Case], scored: Sequence[Case]) -> list[ProposalCase]:
    """Multi-issue scenarios for the proposals of ``scored``, built from ``all_cases``.

    ``all_cases`` holds every issue of the file (scoreable or not: an issue
    without a usable outcome was still negotiated in the package);
    ``scored`` the issues whose forecasts are scored, in backtest order.
    """
    index = {c.issue: k for k, c in enumerate(scored)}
    by_proposal: dict[str, list[Case]] = {}
    for case in all_cases:
        by_proposal.setdefault(case.proposal, []).append(case)
    out = []
    for proposal in dict.fromkeys(c.proposal for c in scored):
        members = by_proposal[proposal]
        out.append(ProposalCase(
            proposal,
            proposal_scenario(members),
            tuple((c.issue, index[c.issue]) for c in members if c.issue in index),
        ))
    return out
