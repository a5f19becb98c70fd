"""The CLI's deal guard on the web: deal work over the CLI's size limit is refused before
it starts, with its size in words (a web request has no ``--yes``: such work is the
CLI's).

The limit is the CLI's (:data:`detente.cli.guards.LONG_DEAL_WORK` utilities, counted by
:func:`detente.api.estimate_deals` without enumerating the space: milliseconds), so the
same work is refused alike from either side. The CLI then times the run itself
(:mod:`detente.deals.cost`); the web does not (each request would pay the pilots), and
no time is claimed: the old figure here, a pilot of utilities scaled to the space, was a
bound that missed the frontier search and every draw (issue 31).
"""

from __future__ import annotations

from typing import Any

from detente import api
from detente.cli.guards import LONG_DEAL_WORK
from detente.errors import DetenteError


class TooLong(DetenteError):
    """Work estimated over the limits (answered with 400 and the estimate)."""


def check_deals(scenario: Any, *, utility: str = "linear", draws: int = 0,
                packages: int = 0, package_draws: int = 0, deal_space: bool = True) -> None:
    """Refuse deal work (deals, survival draws, plans judged over draws, the brief) of more
    than :data:`~detente.cli.guards.LONG_DEAL_WORK` utilities, as the CLI refuses it
    without ``--yes``."""
    work = api.estimate_deals(scenario, utility=utility, draws=draws, packages=packages,
                              package_draws=package_draws, deal_space=deal_space)
    if work.evaluations > LONG_DEAL_WORK:
        raise TooLong(f"not started: {work.describe()} is {work.evaluations:,} utilities, "
                      f"over the limit of {LONG_DEAL_WORK:,}; make it smaller (fewer robust "
                      "draws, plan draws, options or issues) or run it with the CLI and --yes")
