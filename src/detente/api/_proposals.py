"""Proposals: the plans on the table judged, and the cost of judging them.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from detente.api._deals import deal_problem
from detente.api._forecast import forecast
from detente.api._scenarios import ScenarioLike, _scenario
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.deals.proposal_report import ProposalsReport
    from detente.estimate import CostModel


def proposals_cost(scenario: ScenarioLike = None, *, draws: int, seed: int = 0,
                   utility: str = "linear", acceptance: str | None = None,
                   models: Iterable[str] | None = None, amend_rule: str = "fewest",
                   amendments: bool = True, format: str | None = None,
                   shocks: Sequence[str] = ()) -> CostModel:
    """The cost of :func:`proposals` with the same arguments here, as ``fixed + per_draw ·
    draws`` (:func:`detente.deals.cost.proposals_cost`: the models' forecasts and the
    plans judged at the point values timed once, the draws fitted on pilots); what
    ``detente proposals`` guards with."""
    from detente.deals.cost import proposals_cost as cost

    sc = _scenario(scenario, format)
    problem = deal_problem(sc, utility=utility, acceptance=acceptance, shocks=shocks)
    wanted = models is None or bool(list(models))
    return cost(problem, sc, draws=draws, seed=seed, amend_rule=amend_rule,
                amendments=amendments,
                forecasts=(lambda: forecast(sc, models)) if wanted else None)


def proposals(
    scenario: ScenarioLike = None,
    *,
    utility: str = "linear",
    acceptance: str | None = None,
    draws: int = 0,
    seed: int = 0,
    models: Iterable[str] | None = None,
    amend_rule: str = "fewest",
    amendments: bool = True,
    format: str | None = None,
    shocks: Sequence[str] = (),
) -> ProposalsReport:
    """The plans on the table (``proposals`` in the scenario), judged.

    Per proposal: each actor's utility against its no-deal value, who accepts,
    who blocks and by how much, red lines crossed, linkages broken, the mean
    distance (in scale spans) to each model's forecast (``models``, default the
    forecast defaults), and with ``draws > 0`` each actor's probability of
    accepting under the stated uncertainty (``seed``). A blocked proposal gets
    its smallest amendment by ``amend_rule`` (``"fewest"``: fewest issues moved,
    then least movement; ``"nash"``: the largest Nash product over the veto
    holders), unless ``amendments`` is false. ``utility``, ``acceptance`` and
    ``shocks`` as in :func:`deal_problem`.
    """
    from detente.deals.amendments import AMEND_RULES
    from detente.deals.proposal_report import evaluate_proposals

    if amend_rule not in AMEND_RULES:
        raise DetenteError(f"amendment rule {amend_rule!r}: expected one of "
                           f"{', '.join(AMEND_RULES)}")
    sc = _scenario(scenario, format)
    if not sc.proposals:
        raise DetenteError(f"scenario {sc.name!r} has no proposals: add a 'proposals' section "
                           "(see docs/scenarios.md)")
    problem = deal_problem(sc, utility=utility, acceptance=acceptance, shocks=shocks)
    fs = forecast(sc, models) if models is None or list(models) else None
    points = {f.model: f.point for f in fs} if fs is not None else {}
    return evaluate_proposals(problem, sc, forecasts=points, draws=draws, seed=seed,
                              amend_rule=amend_rule,  # type: ignore[arg-type]
                              amendments=amendments)
