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

from .rules import Screen, Verdict
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


def screened(problem: DealProblem, screen: Screen, batna: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The packages of ``screen`` (:meth:`~detente.deals.rules.Rules.screen`, done once over
    many draws) that are acceptable in ``problem`` (one draw: its red lines, utilities and
    ``batna``): their indices among the screened packages ``rows[K]``, option rows
    ``options[K, I]`` and utilities ``u[K, A]``, in the screened order. The same packages
    and utilities as :func:`acceptable` over every screened package (the invariant tests
    were passed once; here only the drawn red lines, then ``u_a > β_a`` of each consenting
    actor, on the packages still standing)."""
    assert problem.rules is not None  # a screen is built from rules
    beta = problem.batna if batna is None else np.asarray(batna, dtype=float)
    keep = np.flatnonzero(screen.crossing_free(problem.rules))
    options = screen.options[keep]
    u = problem.utilities_of(options)
    ok = ((u > beta) | ~screen.consent[keep]).all(axis=-1)
    return screen.rows[keep[ok]], options[ok], u[ok]


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
