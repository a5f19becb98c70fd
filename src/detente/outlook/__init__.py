"""The outlook over time: when a deal becomes possible, on what terms, and whether it holds.

Monte Carlo over month-by-month paths of the pressures (:mod:`.processes`: trends,
volatility, shocks with a monthly probability, each actor's expectation converging
toward what fighting reveals). In each path and month: each actor's no-deal value
under its own expectation, whether an acceptable package exists (the deal tools' one
test), the month of agreement under a stated rule (:mod:`.agreement`) and the package
the chosen bargaining solution picks then (:mod:`.paths`); after agreement, whether
it holds as power shifts and the guarantees that would make it hold, by phase
(:mod:`.holding`); which input moves the median month most (:mod:`.drivers`). See
``docs/outlook.md``. Every number is what the model derives from stated assumptions,
not a prediction of fact.

    from detente import load
    from detente.outlook import outlook
    out = outlook(load("ukraine-2025-11"), months=24, paths=10_000)
    out.to_dict()
"""

from __future__ import annotations

from .agreement import AgreementRule, parse_rule
from .processes import Processes, draw_paths
from .result import Outlook
from .run import MAX_MONTHS, make_job, outlook, run_job

__all__ = ["MAX_MONTHS", "AgreementRule", "Outlook", "Processes", "draw_paths", "make_job",
           "outlook", "parse_rule", "run_job"]
