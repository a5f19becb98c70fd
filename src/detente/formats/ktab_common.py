"""What KTAB's two scenario formats (:mod:`.ktab_csv`, :mod:`.ktab_xml`) share.

KTAB's spatial model works on dimensions scaled 0..100 with saliences 0..100,
and every actor holds a position on every dimension.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detente.scenario import Issue, Scenario


def dimension_issues(names: Sequence[str]) -> list[dict[str, Any]]:
    """KTAB dimensions as issues on the scale 0..100 (id and name: the dimension's name)."""
    return [{"id": d, "name": d, "low": 0.0, "high": 100.0} for d in names]


def coordinates(scenario: Scenario, actor: str, issue: Issue) -> tuple[float, float]:
    """An actor's KTAB position and salience on ``issue``, both on 0..100.

    A stance at ``p`` with salience ``s`` on ``[low, high]`` becomes
    ``(100·(p − low)/(high − low), 100·s)``. KTAB has no "no stance": an actor
    without one sits at the midpoint with salience 0, ``(50, 0)``.
    """
    st = scenario.stance(actor, issue.id)
    if st is None:
        return 50.0, 0.0
    return (st.position - issue.low) / issue.span * 100.0, st.salience * 100.0


def number(x: float) -> str:
    """A number as KTAB files write it (ten significant digits, no trailing zeros)."""
    return f"{x:.10g}"
