"""Proposals: the plans on the table judged, and the cost of judging them.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.api._deals import deal_problem
from detente.api._forecast import forecast
from detente.api._scenarios import ScenarioLike, _scenario
from detente.errors import DetenteError
from detente.requests import ProposalRequest

if TYPE_CHECKING:
    from detente.deals.proposal_report import ProposalsReport
    from detente.estimate import CostModel


def proposals_cost(scenario: ScenarioLike = None, *, request: ProposalRequest | None = None,
                   format: str | None = None, **options: Any) -> CostModel:
    """The cost of :func:`proposals` of the same request here, as ``fixed + per_draw ·
    draws`` (:func:`detente.deals.cost.proposals_cost`: the models' forecasts and the
    plans judged at the point values timed once, the draws fitted on pilots); what
    ``detente proposals`` guards with."""
    from detente.deals.cost import proposals_cost as cost

    req = ProposalRequest.of(request, **options)
    sc = _scenario(scenario, format)
    problem = deal_problem(sc, request=req.problem)
    wanted = req.models is None or bool(req.models)
    return cost(problem, sc, request=req,
                forecasts=(lambda: forecast(sc, req.models)) if wanted else None)


def proposals(
    scenario: ScenarioLike = None,
    *,
    request: ProposalRequest | None = None,
    format: str | None = None,
    **options: Any,
) -> ProposalsReport:
    """The plans on the table (``proposals`` in the scenario), judged, as ``request`` says
    (:class:`~detente.requests.ProposalRequest`; keyword ``options`` are its fields and
    its problem's: ``utility``, ``acceptance``, ``shocks`` as in :func:`deal_problem`).

    Per proposal: each actor's utility against its no-deal value, who accepts,
    who blocks and by how much, red lines crossed, linkages broken, the mean
    distance (in scale spans) to each model's forecast (``models``, default the
    forecast defaults), and with ``draws > 0`` each actor's probability of
    accepting under the stated uncertainty (``seed``). A blocked proposal gets
    its smallest amendment by ``amend_rule`` (``"fewest"``: fewest issues moved,
    then least movement; ``"nash"``: the largest Nash product over the veto
    holders), unless ``amendments`` is false.
    """
    from detente.deals.proposal_report import evaluate_proposals

    req = ProposalRequest.of(request, **options)
    sc = _scenario(scenario, format)
    if not sc.proposals:
        raise DetenteError(f"scenario {sc.name!r} has no proposals: add a 'proposals' section "
                           "(see docs/scenarios.md)")
    problem = deal_problem(sc, request=req.problem)
    fs = forecast(sc, req.models) if req.models is None or req.models else None
    points = {f.model: f.point for f in fs} if fs is not None else {}
    return evaluate_proposals(problem, sc, forecasts=points, request=req)
