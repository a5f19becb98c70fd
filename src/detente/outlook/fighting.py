"""The costs of fighting that a package keeps, as the pressures move over the months.

With pressures marked as costs of fighting (``during: fighting``; see
:mod:`detente.deals.fighting`), a package under which fighting goes on keeps those
costs: its utility to actor ``a`` moves with the pressures exactly as the no-deal value
does, ``u_a(x, v) = u_a(x) + Σ_p runs_p(x) c_ap (v_p − v̄_p)`` (:func:`kept_shift`, the
deal layer's own function), so relief from a cost comes only from a package that stops
the fighting it belongs to. In the outlook each actor judges both at its own view of
the pressures ``v̂_a`` (:mod:`detente.outlook.processes`):

    u_a(x; n, t) = u_a(x) + kept_a(x, v̂_a(n, t))   (:func:`utility_shift`)

Two packages with the same consenting parties *and* the same costs still running move
together, so dominance between them holds at every level of the pressures
(:func:`runs_key`, what :mod:`detente.outlook.candidates` groups by).
"""

from __future__ import annotations

import numpy as np

from detente.deals.utility import DealProblem


def has_costs(problem: DealProblem) -> bool:
    """Whether some pressure is a cost of fighting that some actor bears."""
    rule = getattr(problem, "fighting", None)
    return rule is not None and getattr(problem, "borne_effect", None) is not None and bool(
        rule.fighting_pressures.any())


def keeps_costs(problem: DealProblem, options: np.ndarray) -> bool:
    """Whether any of the packages ``options[C, I]`` keeps a cost of fighting."""
    return bool(runs_key(problem, options).any())


def runs_key(problem: DealProblem, options: np.ndarray) -> np.ndarray:
    """``[n, P]``: which costs of fighting still run under each package (all False without
    costs of fighting)."""
    options = np.asarray(options, dtype=np.int64)
    if not has_costs(problem):
        return np.zeros((len(options), len(problem.pressures)), dtype=bool)
    rule = getattr(problem, "fighting", None)
    assert rule is not None
    return np.asarray(rule.runs(options) & rule.fighting_pressures)


def utility_shift(problem: DealProblem, options: np.ndarray,
                  value_hat: np.ndarray) -> np.ndarray | None:
    """``[..., C, A]``: how each actor's utility of packages ``options[C, I]`` moves when
    it sees the pressures at ``value_hat[..., A, P]`` instead of the problem's values:
    ``Σ_p runs_p(x) c_ap (v̂_ap − v̄_p)``, the formula of
    :func:`detente.deals.fighting.kept_shift` (which takes one view for every actor)
    evaluated at each actor's own view, as a matrix product (``tests/outlook`` checks
    the two agree); ``None`` without costs of fighting or when none of these packages
    keeps one (every shift is 0: settlements only)."""
    if not has_costs(problem):
        return None
    effect, value = getattr(problem, "borne_effect", None), problem.pressure_value
    assert effect is not None and value is not None
    kept = runs_key(problem, options)  # [C, P]
    if not kept.any():
        return None
    runs = kept.astype(float)
    delta = (np.asarray(value_hat, dtype=float) - value) * effect  # [..., A, P]
    return np.moveaxis(delta @ runs.T, -1, -2)  # [..., A, C] -> [..., C, A]


def frontier_masks(util: np.ndarray) -> np.ndarray:
    """``[k, S]``: for each of ``k`` sets of utilities ``util[k, S, A]``, the deals no other
    deal of its set dominates (``≥`` for every actor, ``>`` for one): the rule of
    :func:`detente.deals.pareto.pareto_mask` (ties kept, weakly dominated removed), by
    comparing every pair (the sets here are small; tested against ``pareto_mask``)."""
    out = np.empty(util.shape[:2], dtype=bool)
    step = max(1, (1 << 22) // max(1, util.shape[1] ** 2 * util.shape[2]))
    for s in range(0, len(util), step):
        u = util[s:s + step]
        ge = (u[:, :, None, :] >= u[:, None, :, :]).all(axis=-1)  # [k, j, i]: j >= i
        gt = (u[:, :, None, :] > u[:, None, :, :]).any(axis=-1)
        out[s:s + step] = ~np.any(ge & gt, axis=1)
    return out
