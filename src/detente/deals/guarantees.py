"""Security guarantees in the deal tables: who delivers, at what cost, how credibly.

An issue with ``guarantors`` is a guarantee some actors would give (see
``docs/scenarios.md``). On its weighted table ``t[o, a] = w_ai v_ai(o)``:

- a **beneficiary** ``b`` (``Issue.beneficiaries``, default every actor that is
  not a guarantor) values a move from the status quo only as far as it is
  believed: ``t'[o, b] = t[s, b] + C (t[o, b] − t[s, b])`` with ``s`` the status
  quo's option and ``C = 1 − Π_g (1 − credibility_g)``, the chance that at least
  one guarantor delivers;
- a **guarantor** ``g`` pays for what it promises, whatever its stance:
  ``t'[o, g] = t[o, g] − cost_g · clip((x_o − sq) / (high − sq), 0, 1)``, the full
  ``cost_g`` at the top of the scale and nothing at the status quo or below.

Who delivers the guarantee (its ``controlled_by`` unless given) is the
guarantors (:attr:`detente.scenario.Issue.deliverers`). The same function serves
the point problem and every rebuild from drawn positions (robust deals,
proposals with draws), so the guarantee counts the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from detente.scenario import Issue


def combined_credibility(credibilities: Iterable[float]) -> float:
    """``C = 1 − Π_g (1 − credibility_g)``: the chance that at least one of the guarantors
    delivers when called on (each independently). A promise worth ``v`` when delivered is
    worth ``C · v`` to whoever counts on it (the beneficiary's rule of :func:`adjust`)."""
    return 1.0 - float(np.prod([1.0 - float(c) for c in credibilities]))


def named_guarantors(issues: Iterable[Issue]) -> dict[str, float]:
    """Every actor a scenario names as a guarantor (``Issue.guarantors``), in order of first
    mention, with its credibility (the highest where it guarantees on several issues)."""
    out: dict[str, float] = {}
    for issue in issues:
        for g in issue.guarantors:
            out[g.actor] = max(out.get(g.actor, 0.0), g.credibility)
    return out


def adjust(issue: Issue, actors: tuple[str, ...], values: np.ndarray,
           table: np.ndarray) -> np.ndarray:
    """The weighted table ``table[..., n, A]`` of issue ``issue`` (options at ``values[n]``)
    with its guarantee's credibility and cost applied; unchanged without guarantors."""
    if not issue.guarantors:
        return table
    values = np.asarray(values, dtype=float)
    out = np.array(table, dtype=float, copy=True)
    sq = issue.status_quo if issue.status_quo is not None else issue.low
    s = int(np.argmin(np.abs(values - sq)))
    givers = {g.actor for g in issue.guarantors}
    believed = combined_credibility(g.credibility for g in issue.guarantors)
    for a, actor in enumerate(actors):
        helped = actor in issue.beneficiaries if issue.beneficiaries else actor not in givers
        if helped:
            base = out[..., s : s + 1, a]
            out[..., a] = base + believed * (out[..., a] - base)
    top = issue.high - sq
    height = np.clip((values - sq) / top, 0.0, 1.0) if top > 0 else np.zeros_like(values)
    for g in issue.guarantors:
        if g.actor in actors:
            out[..., actors.index(g.actor)] -= g.cost * height
    return out
