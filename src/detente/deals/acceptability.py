"""One acceptability test over packages, for every tool that proposes or judges deals.

:func:`acceptable` answers, for many packages at once, "would this be agreed
under the scenario's rules?"; :func:`verdict` answers it for one package with
the reasons. With structure (``problem.rules``): the package moves something,
crosses no red line, breaks no linked offer, and every actor holding a veto on
a moved issue prefers it to its no-deal value (:mod:`detente.deals.rules`).
Without: every actor accepts it (``u_a > β_a``, or ``>=`` under the
``at_least`` rule), the plain ZOPA test. Packages are option-index rows
``[..., I]`` or, for :func:`verdict`, anything :meth:`DealProblem.parse_deal`
reads (``"issue=option,..."`` or a mapping; issues left out stay at no deal).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .rules import Verdict
from .utility import DealProblem


def acceptable(problem: DealProblem, options: np.ndarray,
               batna: np.ndarray | None = None) -> np.ndarray:
    """``ok[...]`` for packages ``options[..., I]`` (``batna``: other no-deal values)."""
    options = np.asarray(options, dtype=np.int64)
    beta = problem.batna if batna is None else np.asarray(batna, dtype=float)
    u = problem.utilities_of(options)
    if problem.rules is not None:
        return problem.rules.acceptable(options, u, beta)
    if problem.keys is not None and batna is None:  # stated utilities: the exact keys
        return np.asarray(problem.accepts(problem.keys_of(options),
                                          problem.key_batna).all(axis=-1))
    # floats, or other BATNAs on stated utilities (compared in utility units)
    return np.asarray(problem.accepts(u, beta).all(axis=-1))


def verdict(problem: DealProblem, deal: Mapping[str, Any] | str | np.ndarray) -> Verdict:
    """Whether one package is acceptable, who must consent, and why not if it is not."""
    options = deal if isinstance(deal, np.ndarray) else problem.parse_deal(deal)
    u = problem.utilities_of(np.asarray(options)[None])[0]
    if problem.rules is not None:
        return problem.rules.explain(options, u, problem.batna)
    ok = bool(acceptable(problem, np.asarray(options)[None])[0])
    refuse = tuple(a for k, a in enumerate(problem.actors) if not u[k] > problem.batna[k])
    return Verdict(acceptable=ok, moves=True, red_lines=(), linkages=(),
                   vetoed_by=() if ok else refuse, consent_of=problem.actors)
