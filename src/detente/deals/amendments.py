"""The smallest amendment that makes a blocked proposal acceptable, and the plans' common ground.

**Amendment.** Over every package ``y`` of the deal space, keep those that are
acceptable (:func:`detente.deals.acceptable`: every veto holder on a moved
issue above its no-deal value, no red line crossed, no linkage broken) and
leave the proposer better off than no deal (``u_p(y) > β_p``). Among them:

- rule ``"fewest"`` (default): fewest issues changed from the proposal
  ``x``, then least total movement ``Σ_i |y_i − x_i| / L_i`` (scale units
  over each issue's span), then the largest smallest margin over the veto
  holders; ties by deal number;
- rule ``"nash"``: the largest Nash product ``Π_a (u_a(y) − β_a)`` over the
  parties whose consent ``y`` needs (the bargaining-solution variant: it
  ignores how far ``y`` is from the proposal).

The space is scanned in chunks (:meth:`OutcomeSpace.chunks`), vectorised.

**Common ground.** An issue on which every proposal that settles it puts it
at the same option, and which no proposal leaves open or out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from detente.errors import DetenteError

from .acceptability import acceptable
from .space import DEFAULT_CHUNK
from .utility import DealProblem

AmendRule = Literal["fewest", "nash"]
AMEND_RULES: tuple[str, ...] = ("fewest", "nash")


@dataclass(frozen=True)
class Amendment:
    """The amended package, what changed, and the rule that chose it."""

    rule: str
    options: np.ndarray
    changed: tuple[str, ...]
    movement: float
    utility: np.ndarray


def amend(problem: DealProblem, options: np.ndarray, proposer: int, *,
          rule: AmendRule = "fewest", chunk: int = DEFAULT_CHUNK) -> Amendment | None:
    """The amendment of package ``options[I]`` by ``rule`` (see the module docstring);
    ``None`` when no package of the space is acceptable with the proposer better off."""
    if rule not in AMEND_RULES:
        raise DetenteError(f"amendment rule {rule!r}: expected one of {', '.join(AMEND_RULES)}")
    x = np.asarray(options, dtype=np.int64)
    space = problem.space
    spans = np.array([max(float(v.max() - v.min()), 1e-12) for v in space.option_values])
    x_val = np.array([space.option_values[i][x[i]] for i in range(len(x))])
    best_key: tuple[float, ...] | None = None
    best: np.ndarray | None = None
    for index in space.chunks(chunk):
        y = space.decode(index)
        u = problem.utilities_of(y)
        ok = acceptable(problem, y) & (u[:, proposer] > problem.batna[proposer])
        if not ok.any():
            continue
        y, u = y[ok], u[ok]
        gain = u - problem.batna
        need = (problem.rules.consenting(y) if problem.rules is not None
                else np.ones_like(gain, dtype=bool))
        if rule == "fewest":
            changed = (y != x).sum(axis=1).astype(float)
            moved = np.zeros(len(y))
            for i in range(y.shape[1]):
                moved += np.abs(space.option_values[i][y[:, i]] - x_val[i]) / spans[i]
            margin = np.where(need, gain, np.inf).min(axis=1)
            order = np.lexsort((-margin, moved, changed))
            k = int(order[0])
            key = (changed[k], round(moved[k], 12), -margin[k])
        else:
            logs = np.where(need, np.log(np.maximum(gain, 1e-300)), 0.0).sum(axis=1)
            k = int(np.argmax(logs))
            key = (-logs[k],)
        if best_key is None or key < best_key:
            best_key, best = key, y[k]
    if best is None:
        return None
    moved_total = float(sum(abs(space.option_values[i][best[i]] - x_val[i]) / spans[i]
                            for i in range(len(x))))
    changed_issues = tuple(space.issues[i] for i in np.flatnonzero(best != x))
    return Amendment(rule, best, changed_issues, moved_total,
                     problem.utilities_of(best[None])[0])


@dataclass(frozen=True)
class CommonGround:
    """Per issue: the option every plan agrees on (``None``: they differ or one leaves it)."""

    agreed: dict[str, str | None]
    ranges: dict[str, tuple[float, float]]
    """The lowest and highest value the plans that settle the issue give it."""


def common_ground(problem: DealProblem, packages: np.ndarray,
                  settles: np.ndarray) -> CommonGround:
    """Common ground of packages ``[K, I]``; ``settles[K, I]``: the plan states the issue."""
    packages = np.asarray(packages, dtype=np.int64)
    agreed: dict[str, str | None] = {}
    ranges: dict[str, tuple[float, float]] = {}
    for i, issue in enumerate(problem.issues):
        col, says = packages[:, i], settles[:, i]
        values = problem.space.option_values[i][col[says]]
        if values.size:
            ranges[issue] = (float(values.min()), float(values.max()))
        same = says.all() and len(set(col.tolist())) == 1
        agreed[issue] = problem.space.option_names[i][int(col[0])] if same else None
    return CommonGround(agreed, ranges)
