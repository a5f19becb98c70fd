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
stops at the first layer with a candidate; once the layers grow large it scans
the rest of the space instead. ``"nash"`` scans the whole space in blocks. A
scan first drops, per block and without decoding, every package that fails a
cheap necessary condition (proposer at or below no deal, a red line crossed, a
party whose consent is needed at or below its no-deal value), so the one
acceptability test runs only on the few left. Exact ties go to the lower deal
number.

**Common ground.** An issue on which every proposal that settles it puts it
at the same option, and which no proposal leaves open or out.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np

from detente.errors import DetenteError
from detente.requests.proposals import AMEND_RULES

from .acceptability import acceptable
from .space import DEFAULT_CHUNK
from .utility import DealProblem

AmendRule = Literal["fewest", "nash"]


@dataclass(frozen=True)
class Amendment:
    """The amended package, what changed, and the rule that chose it."""

    rule: str
    options: np.ndarray
    changed: tuple[str, ...]
    movement: float
    utility: np.ndarray


_SLACK = 1e-9
"""How far below its no-deal value a block sum may leave a party and still be tested
(a block adds the tables in another order than :meth:`DealProblem.utilities_of`)."""

LAYER_BATCHES = 512
"""The "fewest" rule visits layers of changed issues one set at a time while the sets
visited stay within this many (and the packages within a sixteenth of the space); beyond,
it scans the rest of the space at once, which is cheaper than thousands of small sets."""


def amend(problem: DealProblem, options: np.ndarray, proposer: int, *,
          rule: AmendRule = "fewest", chunk: int = DEFAULT_CHUNK) -> Amendment | None:
    """The amendment of package ``options[I]`` by ``rule`` (see the module docstring);
    ``None`` when no package of the space is acceptable with the proposer better off.

    ``"fewest"`` visits packages in layers of ``k = 1, 2, …`` changed issues and stops
    at the first layer holding a candidate, so a near miss costs little; when the next
    layer would hold more than :data:`LAYER_BATCHES` sets of issues, the rest of the
    space is scanned instead (the same key picks the same package). ``"nash"`` scans the
    whole space in chunks of ``chunk``. A scan keeps only the packages passing cheap
    necessary conditions (the proposer better off, no red line crossed, every party
    whose consent is needed above its no-deal value), built per block from the
    additive tables, before the one acceptability test decides on those left.
    Ties go to the lower deal number.
    """
    if rule not in AMEND_RULES:
        raise DetenteError(f"amendment rule {rule!r}: expected one of {', '.join(AMEND_RULES)}")
    x = np.asarray(options, dtype=np.int64)
    batches = (_layers_then_scan(problem, x, proposer, chunk) if rule == "fewest"
               else ((y, u, None) for y, u in _scan(problem, proposer, chunk)))
    best_key: tuple[float, ...] | None = None
    best: np.ndarray | None = None
    for y, u, layer in batches:
        if layer is not None and best_key is not None and layer > best_key[0]:
            break  # a later layer changes more issues than the best found
        if not len(y):
            continue
        found = _best_in(problem, y, u, x, proposer, rule)
        if found is not None and (best_key is None or found[0] < best_key):
            best_key, best = found
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
    with its sort key (the deal number last, so ties go to the lower one)."""
    if problem.rules is not None:  # the one test, on utilities already computed
        ok = problem.rules.acceptable(y, u, problem.batna)
    else:
        ok = acceptable(problem, y)
    ok &= u[:, proposer] > problem.batna[proposer]
    ok &= (y != x).any(axis=1)  # the plan itself is no amendment
    if not ok.any():
        return None
    y, u = y[ok], u[ok]
    gain = u - problem.batna
    need = (problem.rules.consenting(y) if problem.rules is not None
            else np.ones_like(gain, dtype=bool))
    number = problem.space.encode(y)
    if rule == "fewest":
        changed = _changed(y, x).astype(float)
        moved = np.round(_movement(problem, y, x), 12)
        margin = np.where(need, gain, np.inf).min(axis=1)
        k = int(np.lexsort((number, -margin, moved, changed))[0])
        return (changed[k], float(moved[k]), -float(margin[k]), int(number[k])), y[k]
    logs = np.where(need, np.log(np.maximum(gain, 1e-300)), 0.0).sum(axis=1)
    k = int(np.lexsort((number, -logs))[0])
    return (-float(logs[k]), int(number[k])), y[k]


def _layers_then_scan(problem: DealProblem, x: np.ndarray, proposer: int, chunk: int):
    """``(y, u, k)``: packages differing from ``x`` on exactly ``k`` issues, for ``k = 1,
    2, …``, one batch per set of changed issues (every other option on each), while the
    sets stay few (:data:`LAYER_BATCHES`); then the rest of the space by :func:`_scan`
    (``k`` None: not ordered by the number changed)."""
    sizes = problem.space.sizes
    n_i = len(sizes)
    others = [np.array([o for o in range(sizes[i]) if o != x[i]], dtype=np.int64)
              for i in range(n_i)]
    batches, visited = 0, 0
    for k in range(1, n_i + 1):
        sets = [c for c in combinations(range(n_i), k) if all(others[i].size for i in c)]
        batches += len(sets)
        visited += sum(int(np.prod([others[i].size for i in c])) for c in sets)
        if batches > LAYER_BATCHES or visited > problem.space.size // 16:
            for y, u in _scan(problem, proposer, chunk):  # layers < k hold no candidate
                yield y, u, None
            return
        for chosen in sets:
            grid = np.stack(np.meshgrid(*(others[i] for i in chosen), indexing="ij"),
                            axis=-1).reshape(-1, k)
            y = np.repeat(x[None], len(grid), axis=0)
            y[:, list(chosen)] = grid
            yield y, problem.utilities_of(y), k


def _scan(problem: DealProblem, proposer: int, chunk: int):
    """The whole space in blocks, as ``(y, u)`` of the packages that pass the necessary
    conditions (the proposer better off than no deal; with additive utilities also no
    red line crossed and every party whose consent is needed above its no-deal value),
    checked before decoding.

    With additive utilities (no caps or terms, float numbers) a block is one
    prefix of the first issues' options plus every suffix: ``u = u_prefix +
    S[suffix]``, ``S`` (and the suffix's red-line and consent masks) built once by
    broadcasting the last issues' tables; a block whose prefix crosses a red line, or
    whose best suffix leaves the proposer at or below no deal, is skipped whole.
    """
    space, beta = problem.space, problem.batna
    if problem.terms is not None or problem.cap is not None or problem.keys is not None:
        for index in space.chunks(chunk):
            y = space.decode(index)
            u = problem.utilities_of(y)
            keep = u[:, proposer] > beta[proposer]
            yield y[keep], u[keep]
        return
    sizes, n_a = space.sizes, problem.n_actors
    split, block = len(sizes), 1
    while split > 0 and block * sizes[split - 1] <= max(chunk, sizes[-1]):
        split -= 1
        block *= sizes[split]
    cross, need = _masks(problem)
    s_u = np.zeros((n_a, 1))  # [A, suffixes]: one contiguous row per actor
    s_cross = np.zeros(1, dtype=bool)
    s_need = np.zeros((n_a, 1), dtype=bool)
    for i in range(split, len(sizes)):
        s_u = (s_u[:, :, None] + problem.tables[i].T[:, None, :]).reshape(n_a, -1)
        s_cross = (s_cross[:, None] | cross[i][None, :]).reshape(-1)
        s_need = (s_need[:, :, None] | need[i].T[:, None, :]).reshape(n_a, -1)
    s_best = s_u.max(axis=1)
    others = [a for a in range(n_a) if a != proposer]
    for p in range(space.size // block):
        head = space.decode(p * block)[:split]
        if any(cross[i][o] for i, o in enumerate(head)):
            continue
        h_u = sum((problem.tables[i][o] for i, o in enumerate(head)), start=np.zeros(n_a))
        h_need = np.zeros(n_a, dtype=bool)
        for i, o in enumerate(head):
            h_need |= need[i][o]
        floor = beta - h_u - _SLACK  # a suffix must bring u_a = h_u + S above β_a
        if s_best[proposer] <= floor[proposer] or (h_need & (s_best <= floor)).any():
            continue
        keep = np.flatnonzero(~s_cross & (s_u[proposer] > floor[proposer]))
        for a in others:  # narrow the survivors actor by actor
            above = s_u[a, keep] > floor[a]
            keep = keep[above if h_need[a] else above | ~s_need[a, keep]]
        y = space.decode(p * block + keep)
        yield y, problem.utilities_of(y)  # the test decides on the usual sums


def _masks(problem: DealProblem) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per issue: ``cross[i][o]``, option ``o`` crosses someone's red line, and
    ``need[i][o, A]``, whose consent option ``o`` needs (a veto on a move; everyone's
    without structure, as the plain test asks every actor)."""
    rules = problem.rules
    n_a = problem.n_actors
    if rules is None:
        return ([np.zeros(n, dtype=bool) for n in problem.space.sizes],
                [np.ones((n, n_a), dtype=bool) for n in problem.space.sizes])
    cross = [np.asarray(c.any(axis=1), dtype=bool) for c in rules.crosses]
    need: list[np.ndarray] = []
    for i, n in enumerate(problem.space.sizes):
        moved = (rules.reference[i] < 0) | (np.arange(n) != rules.reference[i])
        need.append(np.asarray(moved[:, None] & rules.veto[i][None, :], dtype=bool))
    return cross, need


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
