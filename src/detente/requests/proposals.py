"""What judging the plans on the table computes: the :class:`ProposalRequest`, declared
once with its constraints (see :mod:`detente.constraints`); the deal problem it judges
them on is its nested :class:`~detente.requests.DealProblemRequest`.

The CLI and the web build one, :func:`detente.api.proposals` and
:func:`detente.api.proposals_cost` pass it whole, and
:func:`detente.deals.proposal_report.evaluate_proposals` takes it; a keyword call
(``proposals(scenario, draws=2000, utility="quadratic")``) builds it from the keywords,
each routed to the declaration that has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from detente.constraints import Declaration, Flag, Integer
from detente.errors import OptionError
from detente.requests.deals import DealProblemRequest

AMEND_RULES: tuple[str, ...] = ("fewest", "nash")
"""How a blocked plan is amended: ``fewest`` issues moved (then least movement), or the
largest ``nash`` product over the veto holders."""


@dataclass(frozen=True, kw_only=True)
class ProposalRequest(Declaration):
    """The plans on the table judged on ``problem``'s deal problem (``utility``,
    ``acceptance``, ``shocks``): ``draws > 0`` gives each actor's probability of accepting
    under the stated uncertainty (``seed``); ``models`` (default: the forecast defaults;
    empty: none) are the forecasts each plan is compared with; a blocked plan gets its
    smallest amendment by ``amend_rule`` (:data:`AMEND_RULES`) unless ``amendments`` is
    false.
    """

    problem: DealProblemRequest = field(default_factory=DealProblemRequest)
    draws: int = 0
    seed: int = 0
    models: tuple[str, ...] | None = None
    amend_rule: str = "fewest"
    amendments: bool = True

    constraints: ClassVar = {
        "draws": Integer(0),
        "seed": Integer(0),
        "amendments": Flag(),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.models is not None:
            object.__setattr__(self, "models", tuple(self.models))
        if self.amend_rule not in AMEND_RULES:
            raise OptionError(f"amendment rule {OptionError.quote(repr(self.amend_rule))}: "
                              f"expected one of {', '.join(AMEND_RULES)}")
