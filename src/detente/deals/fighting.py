"""Where fighting goes on under a package, and which costs of it each actor keeps.

A scenario may say which outcomes stop or pause the fighting
(``Issue.stops_fighting``, on the fronts the issue covers, ``Issue.fronts``;
every front when it names none) and which pressures are costs of fighting
(``Pressure.during: fighting``, on the fronts it names or all of them). Then,
for a package ``x``:

    continues_f(x) = ¬ ∨_i stops_i(x_i, f)           (no settled issue stops front f)
    runs_p(x)      = ∨_{f ∈ F_p} continues_f(x)       (fighting on one of p's fronts)
    kept_a(x)      = Σ_{p: during fighting} c_ap · v_p · runs_p(x)

and actor ``a``'s utility of the package is its stance utility plus ``kept_a(x)``:
a package leaving fighting on any front of a pressure keeps that pressure's cost
(or gain) for every actor that bears it; a package that stops it there removes
it. The no-deal value keeps every pressure (``β_a = β_a⁰ + Σ_p c_ap v_p``:
without agreement the fighting goes on everywhere), so the margin of a package is

    u_a(x) − β_a = u⁰_a(x) − β⁰_a − Σ_{p: fighting} c_ap v_p (1 − runs_p(x))
                   − Σ_{p: no_agreement} c_ap v_p,

and a package under which fighting continues everywhere gives no relief from its
costs. Pressures without ``during`` keep the old rule (they enter the no-deal
value only), so scenarios that mark nothing give the numbers they gave before.

:func:`fighting_under` is the one place that says this; :func:`fold` writes
``kept`` into the deal problem's per-issue tables (when each pressure's fighting
is stopped by at most one issue) or into hyper-rectangle terms (when several
issues stop it), so every deal tool that reads utilities applies the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.scenario import Scenario

from .space import OutcomeSpace
from .stated import Terms

if TYPE_CHECKING:
    from .utility import DealProblem


def declares_fighting(scenario: Scenario) -> bool:
    """Whether the scenario marks some pressure as a cost of fighting (``during:
    fighting``): only then does it say which packages leave fighting on."""
    return any(p.during == "fighting" for p in scenario.pressures)


@dataclass(frozen=True, eq=False)
class Fighting:
    """The compiled rule: fronts, what stops fighting on each, which pressures are costs
    of fighting and the fronts they run on."""

    fronts: tuple[str, ...]
    stops: tuple[np.ndarray, ...]
    """Per issue ``[n_i, F]``: option ``o`` stops (or pauses) fighting on front ``f``."""
    runs_on: np.ndarray
    """``[P, F]``: the fronts each pressure runs on (an all-False row: not a cost of
    fighting, it enters the no-deal value only)."""

    @property
    def fighting_pressures(self) -> np.ndarray:
        """``[P]``: which pressures are costs of fighting."""
        return np.asarray(self.runs_on.any(axis=1))

    @classmethod
    def from_scenario(cls, scenario: Scenario, space: OutcomeSpace) -> Fighting | None:
        """The rule of a scenario, ``None`` when it marks no pressure as a cost of fighting
        (then nothing changes)."""
        if not declares_fighting(scenario):
            return None
        fronts = scenario.front_ids
        stops = []
        for i, issue in enumerate(scenario.issues):
            covered = np.array([not issue.fronts or f in issue.fronts for f in fronts])
            hit = np.array([issue.stops(name, float(value)) for name, value in
                            zip(space.option_names[i], space.option_values[i], strict=True)],
                           dtype=bool)
            stops.append(hit[:, None] & covered[None, :])
        runs_on = np.array([[p.during == "fighting" and (not p.fronts or f in p.fronts)
                             for f in fronts] for p in scenario.pressures],
                           dtype=bool).reshape(len(scenario.pressures), len(fronts))
        return cls(fronts, tuple(stops), runs_on)

    def continues(self, options: np.ndarray) -> np.ndarray:
        """``[..., F]``: whether fighting goes on, per front, under packages ``[..., I]``."""
        options = np.asarray(options, dtype=np.int64)
        stopped = np.zeros(options.shape[:-1] + (len(self.fronts),), dtype=bool)
        for i, s in enumerate(self.stops):
            stopped |= s[options[..., i]]
        return ~stopped

    def runs(self, options: np.ndarray) -> np.ndarray:
        """``[..., P]``: whether each cost of fighting still runs (fighting goes on on one
        of its fronts); ``False`` for pressures that are not costs of fighting."""
        go_on = self.continues(options)
        return np.asarray((go_on[..., None, :] & self.runs_on).any(axis=-1))


@dataclass(frozen=True)
class FightingState:
    """What a package leaves of the war: see :func:`fighting_under`."""

    fronts: tuple[str, ...]
    continues: np.ndarray
    """``[..., F]``: fighting goes on at each front."""
    runs: np.ndarray
    """``[..., P]``: each cost of fighting still runs."""
    kept: np.ndarray
    """``[..., A]``: ``Σ_p c_ap v_p runs_p`` — the costs (negative) or gains (positive) of
    fighting each actor keeps under the package."""
    relief: np.ndarray
    """``[..., A]``: what stopping fighting changes for each actor against no agreement,
    ``−Σ_p c_ap v_p (1 − runs_p)`` over the costs of fighting (0 where fighting goes on
    everywhere)."""

    def to_dict(self, actors: tuple[str, ...]) -> dict[str, Any]:
        """One package's state (1-D arrays) as plain data."""
        return {"fighting_continues": [f for f, on in zip(self.fronts, self.continues,
                                                          strict=True) if on],
                "fighting_stops": [f for f, on in zip(self.fronts, self.continues,
                                                      strict=True) if not on],
                "kept_costs": {a: float(k) for a, k in zip(actors, self.kept, strict=True)},
                "relief": {a: float(r) for a, r in zip(actors, self.relief, strict=True)}}


def fighting_under(problem: DealProblem, options: np.ndarray,
                   values: np.ndarray | None = None) -> FightingState:
    """For packages ``options[..., I]``: on which fronts fighting continues, which costs of
    fighting still run, and what each actor keeps of them (``values``: the pressures'
    values, default the problem's). A problem without costs of fighting keeps none."""
    options = np.asarray(options, dtype=np.int64)
    rule = problem.fighting
    lead = options.shape[:-1]
    if rule is None or problem.pressure_effect is None:
        zero = np.zeros(lead + (problem.n_actors,))
        return FightingState((), np.zeros(lead + (0,), dtype=bool),
                             np.zeros(lead + (len(problem.pressures),), dtype=bool), zero, zero)
    v = problem.pressure_value if values is None else np.asarray(values, dtype=float)
    effect = problem.borne_effect
    assert v is not None and effect is not None
    go_on = rule.continues(options)
    runs = rule.runs(options)
    per_unit = effect * v[None, :]  # [A, P]
    fight = rule.fighting_pressures
    kept = (runs & fight).astype(float) @ per_unit.T
    relief = -((~runs & fight).astype(float) @ per_unit.T)
    return FightingState(rule.fronts, go_on, runs, kept, relief)


def settles(problem: DealProblem, options: np.ndarray) -> np.ndarray:
    """``[...]``: whether each package ``options[..., I]`` is a settlement — fighting
    continues on no front, ``¬ ∨_f continues_f(x)`` (:func:`fighting_under`). Every package
    is one when the problem says nothing of fighting (nothing to settle)."""
    return np.asarray(~fighting_under(problem, options).continues.any(axis=-1))


def kept_shift(problem: DealProblem, options: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """``[n, D, A]``: how much the kept costs of packages ``options[n, I]`` change when the
    pressures move from the problem's values to ``levels[D, P]`` (``kept`` is linear in
    the levels)."""
    options = np.asarray(options, dtype=np.int64)
    rule, effect = problem.fighting, problem.borne_effect
    if rule is None or effect is None or problem.pressure_value is None:
        return np.zeros((len(options), len(levels), problem.n_actors))
    runs = (rule.runs(options) & rule.fighting_pressures).astype(float)  # [n, P]
    delta = np.asarray(levels, dtype=float) - problem.pressure_value[None, :]  # [D, P]
    return np.einsum("np,dp,ap->nda", runs, delta, effect)


def stance_tables(problem: DealProblem) -> list[np.ndarray]:
    """The problem's per-issue tables without the costs of fighting folded into them."""
    rule, effect = problem.fighting, problem.borne_effect
    tables = [np.asarray(t) for t in problem.tables]
    if rule is None or effect is None or problem.pressure_value is None:
        return tables
    delta, _, _ = fold(rule, effect, problem.pressure_value, [np.zeros_like(t) for t in tables])
    return [t - d for t, d in zip(tables, delta, strict=True)]


def refold(problem: DealProblem, tables: list[np.ndarray], reference: np.ndarray,
           levels: np.ndarray | None) -> DealProblem:
    """``problem`` with stance tables ``tables`` and status-quo values ``reference`` (both
    without costs of fighting, e.g. rebuilt from drawn positions), the costs of fighting
    folded in at pressure levels ``levels`` (default the problem's)."""
    from dataclasses import replace

    from .parts import WarCosts

    rule, effect = problem.fighting, problem.borne_effect
    if rule is None or effect is None or problem.pressure_value is None:
        return replace(problem, tables=tuple(tables), reference=reference)
    v = problem.pressure_value if levels is None else np.asarray(levels, dtype=float)
    out, terms, where = fold(rule, effect, v, tables)
    kept = kept_at(rule, effect, v, where, problem.reference_options, problem.n_actors)
    return replace(problem, tables=tuple(out), terms=terms, reference=reference + kept,
                   war=WarCosts(rule, where, kept))


def fold(rule: Fighting, effect: np.ndarray, value: np.ndarray,
         tables: list[np.ndarray]) -> tuple[list[np.ndarray], Terms | None, np.ndarray]:
    """``kept`` written into per-issue tables ``[n_i, A]`` (a copy) and, where several
    issues stop one pressure's fighting, hyper-rectangle terms; also ``[A, I]``: what the
    tables gained at each issue's status quo is returned by :func:`kept_at` instead.

    Per pressure ``p`` of fighting (cost ``k = c_p · v_p`` per actor):

    - a front of ``p`` that no issue can stop: ``runs_p ≡ 1``, ``k`` added to every
      option of the first issue (no package is free of it);
    - one issue ``i`` stops all of ``p``'s fighting: ``k · runs_p(o)`` added to option
      ``o`` of issue ``i``;
    - several: by inclusion–exclusion over ``p``'s fronts,
      ``runs_p = Σ_{∅≠S⊆F_p} (−1)^{|S|+1} Π_{f∈S} continues_f``, each product a
      rectangle term (every issue's option fails to stop the fronts of ``S``).

    Returns the tables, the terms (``None``: none needed) and ``[P]``: the issue each
    pressure was folded into (``-1``: terms).
    """
    out = [t.astype(float, copy=True) for t in tables]
    masks: list[list[np.ndarray]] = [[] for _ in tables]
    values: list[np.ndarray] = []
    where = np.full(len(value), -1, dtype=np.int64)
    for p in np.flatnonzero(rule.fighting_pressures):
        k = effect[:, p] * value[p]
        fronts = np.flatnonzero(rule.runs_on[p])
        cover = [{i for i, s in enumerate(rule.stops) if s[:, f].any()} for f in fronts]
        if any(not c for c in cover):
            out[0] += k[None, :]
            where[p] = 0
            continue
        involved = set().union(*cover)
        if len(involved) == 1:
            i = next(iter(involved))
            runs = np.asarray((~rule.stops[i][:, fronts]).any(axis=1))
            out[i] += runs[:, None] * k[None, :]
            where[p] = i
            continue
        for size in range(1, len(fronts) + 1):
            for subset in combinations(fronts, size):
                for i, s in enumerate(rule.stops):
                    masks[i].append(np.asarray(~s[:, list(subset)].any(axis=1)))
                values.append(k * (1.0 if size % 2 else -1.0))
    terms = None
    if values:
        terms = Terms(masks=tuple(np.array(m, dtype=bool) for m in masks),
                      inside=np.ones(len(values), dtype=bool), value=np.array(values))
    return out, terms, where


def kept_at(rule: Fighting, effect: np.ndarray, value: np.ndarray, where: np.ndarray,
            reference_options: np.ndarray, n_actors: int) -> np.ndarray:
    """``[A, I]``: the kept costs :func:`fold` put into each issue's table, at the issue's
    status quo (an issue without one counts as leaving fighting on)."""
    out = np.zeros((n_actors, len(rule.stops)))
    for p in np.flatnonzero(rule.fighting_pressures):
        i = int(where[p])
        if i < 0:
            continue
        k = effect[:, p] * value[p]
        o = int(reference_options[i])
        fronts = np.flatnonzero(rule.runs_on[p])
        if any(not any(s[:, f].any() for s in rule.stops) for f in fronts) or o < 0:
            out[:, i] += k
        else:
            out[:, i] += k * float((~rule.stops[i][o, fronts]).any())
    return out


def terms_kept_at_status_quo(rule: Fighting, effect: np.ndarray, value: np.ndarray,
                             where: np.ndarray) -> np.ndarray:
    """``[A]``: the kept costs of the pressures folded into terms, at the status quo
    (fighting goes on everywhere without agreement)."""
    out = np.zeros(effect.shape[0])
    for p in np.flatnonzero(rule.fighting_pressures & (where < 0)):
        out += effect[:, p] * value[p]
    return out
