"""The CLI's estimate guards on the web: deal work estimated before it starts, and
refused with the estimate in words when it is over the CLI's limits (a web request has
no ``--yes``: such work is the CLI's).

The limits are the CLI's (:mod:`detente.cli.guards`): the same work is refused or run
alike from either side. The estimate (:func:`detente.api.estimate_deals`) times a pilot
of a few thousand deals and counts the space without enumerating it, so it costs
milliseconds.
"""

from __future__ import annotations

from typing import Any

from detente import api
from detente.cli.guards import DEAL_ESTIMATE_FROM, LONG_DEAL_WORK, LONG_RUN_SECONDS
from detente.errors import DetenteError
from detente.present.text import duration


class TooLong(DetenteError):
    """Work estimated over the limits (answered with 400 and the estimate)."""


def check_deals(scenario: Any, *, utility: str = "linear", draws: int = 0,
                packages: int = 0, package_draws: int = 0, deal_space: bool = True) -> None:
    """Refuse deal work (deals, survival draws, plans judged over draws, the brief) whose
    estimate is over :data:`~detente.cli.guards.LONG_DEAL_WORK` utilities or
    :data:`~detente.cli.guards.LONG_RUN_SECONDS` seconds, as the CLI refuses it without
    ``--yes``."""
    work = api.estimate_deals(scenario, utility=utility, draws=draws, packages=packages,
                              package_draws=package_draws, deal_space=deal_space)
    if work.evaluations <= DEAL_ESTIMATE_FROM:
        return
    if work.evaluations > LONG_DEAL_WORK or work.seconds > LONG_RUN_SECONDS:
        raise TooLong(f"not started: estimate: {work.describe()} ({work.evaluations:,} "
                      f"utilities) take at least {duration(work.seconds)} here, over the "
                      f"limit of {LONG_RUN_SECONDS} s or {LONG_DEAL_WORK:,} utilities; make "
                      "it smaller (fewer robust draws, plan draws, options or issues) or run "
                      "it with the CLI and --yes")
