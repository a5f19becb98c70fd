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

``"fewest"`` visits the packages in layers by the number of issues changed and
stops at the first layer with a candidate (the whole space at worst);
``"nash"`` scans the whole space in chunks. Both are vectorised per batch.

**Common ground.** An issue on which every proposal that settles it puts it
at the same option, and which no proposal leaves open or out.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
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
    ``None`` when no package of the space is acceptable with the proposer better off.

    ``"fewest"`` visits packages in layers of ``k = 1, 2, …`` changed issues and stops
    at the first layer holding a candidate, so a near miss costs little; ``"nash"``
    scans the whole space in chunks of ``chunk``.
    """
    if rule not in AMEND_RULES:
        raise DetenteError(f"amendment rule {rule!r}: expected one of {', '.join(AMEND_RULES)}")
    x = np.asarray(options, dtype=np.int64)
    batches = (_layers(problem, x) if rule == "fewest"
               else _scan(problem, proposer, chunk))
    best_key: tuple[float, ...] | None = None
    best: np.ndarray | None = None
    layer = -1
    for y, u in batches:
        if not len(y):
            continue
        if rule == "fewest" and best is not None and _changed(y[:1], x)[0] > layer:
            break  # a later layer changes more issues than the best found
        found = _best_in(problem, y, u, x, proposer, rule)
        if found is not None and (best_key is None or found[0] < best_key):
            best_key, best = found
            layer = int(_changed(best[None], x)[0])
    if best is None:
        return None
    return Amendment(rule, best, tuple(problem.space.issues[i] for i in np.flatnonzero(best != x)),
                     float(_movement(problem, best[None], x)[0]),
                     problem.utilities_of(best[None])[0])


def _changed(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return (y != x).sum(axis=1)


def _movement(problem: DealProblem, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``Σ_i |y_i − x_i| / L_i`` on each issue's scale (``L_i``: the options' range)."""
    out = np.zeros(len(y))
    for i, values in enumerate(problem.space.option_values):
        span = max(float(values.max() - values.min()), 1e-12)
        out += np.abs(values[y[:, i]] - values[x[i]]) / span
    return out


def _best_in(problem: DealProblem, y: np.ndarray, u: np.ndarray, x: np.ndarray,
             proposer: int, rule: str) -> tuple[tuple[float, ...], np.ndarray] | None:
    """The best candidate of one batch ``y[n, I]`` (utilities ``u[n, A]``) by ``rule``,
    with its sort key."""
    if problem.rules is not None:  # the one test, on utilities already computed
        ok = problem.rules.acceptable(y, u, problem.batna)
    else:
        ok = acceptable(problem, y)
    ok &= u[:, proposer] > problem.batna[proposer]
    if not ok.any():
        return None
    y, u = y[ok], u[ok]
    gain = u - problem.batna
    need = (problem.rules.consenting(y) if problem.rules is not None
            else np.ones_like(gain, dtype=bool))
    if rule == "fewest":
        changed = _changed(y, x).astype(float)
        moved = _movement(problem, y, x)
        margin = np.where(need, gain, np.inf).min(axis=1)
        k = int(np.lexsort((-margin, moved, changed))[0])
        return (changed[k], round(float(moved[k]), 12), -float(margin[k])), y[k]
    logs = np.where(need, np.log(np.maximum(gain, 1e-300)), 0.0).sum(axis=1)
    k = int(np.argmax(logs))
    return (-float(logs[k]),), y[k]


def _layers(problem: DealProblem, x: np.ndarray):
    """Packages differing from ``x`` on exactly ``k`` issues, for ``k = 1 … I``: one
    batch per set of changed issues (every other option on each)."""
    sizes = problem.space.sizes
    n_i = len(sizes)
    for k in range(1, n_i + 1):
        for chosen in combinations(range(n_i), k):
            alts = [np.array([o for o in range(sizes[i]) if o != x[i]], dtype=np.int64)
                    for i in chosen]
            if any(a.size == 0 for a in alts):
                continue
            grid = np.stack(np.meshgrid(*alts, indexing="ij"), axis=-1).reshape(-1, k)
            y = np.repeat(x[None], len(grid), axis=0)
            y[:, list(chosen)] = grid
            yield y, problem.utilities_of(y)


def _scan(problem: DealProblem, proposer: int, chunk: int):
    """The whole space in blocks, as ``(y, u)`` of the packages leaving the proposer
    better off than no deal (a necessary condition, checked before decoding).

    With additive utilities (no caps or terms, float numbers) a block is one
    prefix of the first issues' options plus every suffix: ``u = u_prefix +
    S[suffix]``, ``S`` built once by broadcasting the last issues' tables.
    """
    space, beta = problem.space, problem.batna[proposer]
    if problem.terms is not None or problem.cap is not None or problem.keys is not None:
        for index in space.chunks(chunk):
            y = space.decode(index)
            u = problem.utilities_of(y)
            keep = u[:, proposer] > beta
            yield y[keep], u[keep]
        return
    sizes, n_a = space.sizes, problem.n_actors
    split, block = len(sizes), 1
    while split > 0 and block * sizes[split - 1] <= max(chunk, sizes[-1]):
        split -= 1
        block *= sizes[split]
    suffix = np.zeros((1, n_a))
    for t in problem.tables[split:]:
        suffix = (suffix[:, None, :] + t[None, :, :]).reshape(-1, n_a)
    for p in range(space.size // block):
        head = space.decode(p * block)[:split]
        u = suffix + sum((problem.tables[i][o] for i, o in enumerate(head)),
                         start=np.zeros(n_a))
        keep = np.flatnonzero(u[:, proposer] > beta)
        yield space.decode(p * block + keep), u[keep]


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
