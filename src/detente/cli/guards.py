"""Guards against runaway work: an estimate on stderr before a long run, and a refusal
without ``--yes`` (``simulate``, ``deals``, ``phase``, ``proposals``, ``report``,
``outlook``).

Every time estimate comes from a :class:`detente.estimate.CostModel` fitted on timed
pilots of the run itself (``api.simulation_cost``, ``api.deals_cost``, ``api.phase_cost``,
``api.proposals_cost``, ``api.report_cost``, ``api.outlook_cost``): ``fixed + per_unit ·
units``, within 2× of the actual time on the
benchmarks (``benchmarks/bench_estimates.py``). A deal space too large to time a pilot of
is refused on its size alone (:func:`refuse_huge_deals`), before anything runs.
"""

from __future__ import annotations

from typing import Any

from detente import api
from detente.cli.common import err_console
from detente.errors import DetenteError
from detente.present.text import duration

SIMULATE_ESTIMATE_FROM = 50_000
"""Monte Carlo runs of more draws are timed on a pilot first (the estimate on stderr)."""
LONG_RUN_SECONDS = 120
"""Runs estimated longer than this need ``--yes``."""
QUIET_BELOW = 10.0
"""Deal commands estimated at most this long print no estimate."""
LONG_DEAL_WORK = 250_000_000
"""Deal spaces of more utilities (deals × actors × passes) than this are refused without
``--yes`` before anything runs: too large to time a pilot of."""


def timing_note(timed: float | None, warm: float = 0.0) -> str:
    """`` (timing it took T)``, and how much of that went to first calls the run then
    reuses (``warm``: code loaded, numba's kernels read from their cache, or compiled on
    a cold one after an install); empty for a pilot under a second."""
    if timed is None or timed < 1.0:
        return ""
    reused = (f", {duration(min(warm, timed))} of it loading what the run then reuses"
              if warm >= 1.0 else "")
    return f" (timing it took {duration(timed)}{reused})"


def refuse_long_run(seconds: float, what: str, yes: bool, *, too_big: bool = False,
                    at_least: bool = False, fewer: str = "--draws, options or issues",
                    timed: float | None = None, warm: float = 0.0) -> None:
    """Print ``estimate: WHAT take about T here`` on stderr (with :func:`timing_note` of
    the pilot's ``timed`` seconds); refuse (a DetenteError) when the estimate is over
    :data:`LONG_RUN_SECONDS` (or ``too_big``) and ``yes`` is not given."""
    err_console.print(f"estimate: {what} take {'at least' if at_least else 'about'} "
                      f"{duration(seconds)} here{timing_note(timed, warm)}", highlight=False)
    if (seconds > LONG_RUN_SECONDS or too_big) and not yes:
        reason = (f"about {duration(seconds)} is over {LONG_RUN_SECONDS} s"
                  if seconds > LONG_RUN_SECONDS else "the work is over the limit")
        raise DetenteError(f"not started: {reason}; pass --yes to run it, or make it "
                           f"smaller (fewer {fewer})")


def refuse_huge_deals(work: api.DealWork, yes: bool) -> None:
    """Refuse, without ``yes``, a deal space of more than :data:`LONG_DEAL_WORK` utilities
    (its size alone: no time is claimed)."""
    if work.evaluations > LONG_DEAL_WORK and not yes:
        raise DetenteError(f"not started: {work.describe()} is {work.evaluations:,} "
                           f"utilities, over the limit of {LONG_DEAL_WORK:,}; pass --yes "
                           "to run it, or make it smaller (fewer options or issues)")


def refuse_costly(cost: Any, units: int, what: str, yes: bool,
                  fewer: str = "--draws, options or issues") -> None:
    """The deal commands' guard on a fitted cost (``cost.seconds(units)``): quiet up to
    :data:`QUIET_BELOW` seconds; above, the estimate on stderr, and a refusal without
    ``yes`` past :data:`LONG_RUN_SECONDS` (:func:`refuse_long_run`)."""
    seconds = float(cost.seconds(units))
    if seconds > QUIET_BELOW:
        refuse_long_run(seconds, what, yes, fewer=fewer)
