"""Guards against runaway work: an estimate on stderr before a long run, and a refusal
without ``--yes`` (``simulate``, ``deals``, ``phase``, ``proposals``, ``report``)."""

from __future__ import annotations

from detente import api
from detente.cli.common import err_console
from detente.errors import DetenteError
from detente.present.text import duration

SIMULATE_ESTIMATE_FROM = 50_000
"""Monte Carlo runs of more draws are timed on a pilot first (the estimate on stderr)."""
LONG_RUN_SECONDS = 120
"""Runs estimated longer than this need ``--yes``."""
DEAL_ESTIMATE_FROM = 50_000_000
"""Deal work of more utilities than this prints its estimate (about 20 s here)."""
LONG_DEAL_WORK = 250_000_000
"""Deal work of more utilities than this needs ``--yes`` whatever the pilot's seconds
(about 2 min here; the frontier search on top grows faster than the pilot)."""


def refuse_long_run(seconds: float, what: str, yes: bool, *, too_big: bool = False,
                    at_least: bool = False) -> None:
    """Print ``estimate: WHAT take about T here`` on stderr; refuse (a DetenteError) when
    the estimate is over :data:`LONG_RUN_SECONDS` (or ``too_big``) and ``yes`` is not
    given."""
    err_console.print(f"estimate: {what} take {'at least' if at_least else 'about'} "
                      f"{duration(seconds)} here", highlight=False)
    if (seconds > LONG_RUN_SECONDS or too_big) and not yes:
        reason = (f"about {duration(seconds)} is over {LONG_RUN_SECONDS} s"
                  if seconds > LONG_RUN_SECONDS else "the work is over the limit")
        raise DetenteError(f"not started: {reason}; pass --yes to run it, or make it "
                           "smaller (fewer --draws, options or issues)")


def refuse_long_deals(work: api.DealWork, yes: bool) -> None:
    """The deal tools' guard: quiet below :data:`DEAL_ESTIMATE_FROM` utilities; above, the
    estimate on stderr, and a refusal without ``yes`` past :data:`LONG_DEAL_WORK`
    utilities or :data:`LONG_RUN_SECONDS` (the pilot's seconds are a lower bound)."""
    if work.evaluations <= DEAL_ESTIMATE_FROM:
        return
    refuse_long_run(work.seconds, f"{work.describe()} ({work.evaluations:,} utilities)",
                    yes, too_big=work.evaluations > LONG_DEAL_WORK, at_least=True)
