"""One call for the whole picture: frontier, solutions, top deals and ZOPA, labelled."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.notes import neutral_note
from detente.scenario import Scenario
from detente.utility_space import Acceptance, UtilitySpaces

from .pareto import deal_frontier, pareto_mask
from .provenance import batna_label
from .robust import Survival
from .solutions import SOLUTIONS, all_solutions
from .space import DEFAULT_CHUNK, DEFAULT_GRID
from .story import PackageStory, collapse, package_story, zopa_summary
from .structured import acceptable_frontier, party_scores, structured_solutions
from .utility import DealProblem, Tables, UtilityKind
from .zopa import Zopa, describe_deal, zopa

MAX_ENUMERATED = 1 << 22
"""Largest deal space whose frontier is found by enumerating every deal (needed when
utilities are not additive: nonlinear GENIUS spaces, or a binding utility cap)."""

ACCEPTANCE_TEXT = {
    "above": "a deal is acceptable to an actor when its utility is above its BATNA (u > BATNA)",
    "at_least": "a deal is acceptable to an actor when its utility is at least its BATNA "
                "(u >= BATNA; GENIUS's rule)",
}

NOTE = neutral_note("Deals and utilities", basis=" (positions, saliences, BATNAs)")


@dataclass(frozen=True, eq=False)
class DealReport:
    """Frontier (above the BATNAs), bargaining solutions, top deals and ZOPA."""

    problem: DealProblem
    frontier_options: np.ndarray
    frontier_utility: np.ndarray
    solutions: Mapping[str, int | None]
    zopa: Zopa
    survival: Survival | None = None
    """Each frontier deal's survival probability across the stated uncertainty, when
    computed (:func:`with_survival`)."""
    stability: Mapping[str, float] | None = None
    """Per bargaining solution, the share of the same draws in which it picks the same
    package (:func:`detente.deals.robust.solution_stability`), when computed."""

    @property
    def frontier_size(self) -> int:
        return len(self.frontier_options)

    def deal(self, row: int) -> dict[str, Any]:
        out = describe_deal(self.problem, self.frontier_options[row])
        if self.survival is not None:
            out["survival"] = float(self.survival.probability[row])
        return out

    def _nash_score(self) -> np.ndarray:
        """Log Nash product of gains over BATNA (with structure: the parties' weighted
        geometric mean gain)."""
        if self.problem.rules is not None:
            return np.asarray(party_scores(self.problem, self.frontier_options,
                                           self.frontier_utility)["nash"])
        gain = self.frontier_utility - self.problem.batna
        return np.log(np.clip(gain, 1e-300, None)).sum(axis=1)

    def robust(self, n: int = 5) -> list[dict[str, Any]]:
        """The ``n`` frontier deals most likely to stay acceptable across the stated
        uncertainty (survival probability, then Nash product); empty if not computed."""
        if self.survival is None:
            return []
        score = self._nash_score()
        order = np.lexsort((np.arange(len(score)), -score, -self.survival.probability))[:n]
        return [self.deal(int(r)) for r in order]

    def solution(self, name: str) -> dict[str, Any] | None:
        row = self.solutions[name]
        if row is None:
            return None
        out = self.deal(row)
        if self.stability is not None:
            out["same_in_draws"] = self.stability[name]
        return out

    def top(self, n: int = 5) -> list[dict[str, Any]]:
        """The ``n`` frontier deals with the largest Nash product of gains over BATNA
        (with structure: the parties' weighted geometric mean gain, see ``structured``)."""
        score = self._nash_score()
        order = np.lexsort((np.arange(len(score)), -score))[:n]
        return [self.deal(int(r)) for r in order]

    def _story(self, row: int) -> PackageStory:
        surv = None if self.survival is None else float(self.survival.probability[row])
        return package_story(self.problem, self.frontier_options[row], survival=surv)

    def _ranked(self, by: str = "support") -> np.ndarray:
        """Frontier rows best first: ``by="support"``: by survival (then Nash product)
        when computed, else by Nash product; ``by="nash"``: by Nash product."""
        score = self._nash_score()
        if self.survival is None or by == "nash":
            return np.lexsort((np.arange(len(score)), -score))
        return np.lexsort((np.arange(len(score)), -score, -self.survival.probability))

    def stories(self, top: int = 5, by: str = "support") -> list[PackageStory]:
        """The ``top`` frontier packages, best supported first (``by``: see
        :meth:`_ranked`), with packages of identical utilities collapsed into alternatives
        (:func:`~detente.deals.story.collapse`)."""
        return collapse([self._story(int(r)) for r in self._ranked(by)], keep=top)

    def best(self) -> PackageStory | None:
        """The best-supported package: the first of :meth:`stories` (``None``: no
        acceptable package)."""
        found = self.stories(1)
        return found[0] if found else None

    def story(self, top: int = 5) -> dict[str, Any]:
        """What every surface says about this analysis (:mod:`detente.deals.story`): who
        must consent, the ZOPA with its ties and distinct packages, the best-supported
        packages collapsed, each solution's package."""
        p = self.problem
        return {
            "consent_rule": "vetoes" if p.rules is not None else "everyone",
            "zopa": zopa_summary(p, self.zopa.size),
            "ranked_by": ("survival, then Nash product" if self.survival is not None
                          else "Nash product"),
            "packages": [s.to_dict() for s in self.stories(top)],
            "by_nash": [s.to_dict() for s in self.stories(top, by="nash")],
            "solutions": {name: (None if row is None else self._story(row).to_dict())
                          for name, row in self.solutions.items()},
        }

    def to_dict(self, top: int = 5) -> dict[str, Any]:
        p = self.problem
        out = {
            "note": NOTE,
            "actors": list(p.actors),
            "issues": list(p.issues),
            "utility": p.utility,
            "acceptance": {"rule": p.acceptance, "text": ACCEPTANCE_TEXT[p.acceptance]},
            "shocks": list(p.shocks),
            "batna": {a: {"value": float(p.batna[k]),
                          "source": batna_label(p.batna_provenance[k])}
                      for k, a in enumerate(p.actors)},
            **({"structure": _structure_summary(p)} if p.rules is not None else {}),
            "deals": p.space.size,
            "frontier_size": self.frontier_size,
            "solutions": {name: self.solution(name) for name in SOLUTIONS},
            "top": self.top(top),
            "zopa": self.zopa.to_dict(),
            "story": self.story(top),
        }
        if self.survival is not None:  # only when asked for
            out["robust"] = {**self.survival.to_dict(), "deals": self.robust(top),
                             "ranked_by": "survival probability, ties by Nash product",
                             "solutions_unchanged": (dict(self.stability)
                                                     if self.stability is not None else None)}
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(**kwargs), indent=2)


def frontier(problem: DealProblem) -> np.ndarray:
    """Option rows ``[S, I]`` of the Pareto-optimal deals every actor accepts.

    Dominance and acceptance are decided on the problem's keys (exact scaled
    integers for stated utilities). Additive utilities: the issue-by-issue
    merge. Additive utilities under a cap that binds (GENIUS weights summing
    above 1): the merge's uncapped frontier plus the deals some actor's cap
    saturates, filtered on the capped utilities (see :func:`_capped_frontier`).
    Hyper-rectangle terms: every deal is enumerated (at most
    ``MAX_ENUMERATED``), keeping a running frontier. Order: exact total
    utility descending, then option indices.
    """
    if problem.additive:
        opts, _ = deal_frontier(problem.key_tables, problem.key_batna,
                                strict=problem.acceptance == "above")
    elif problem.terms is None:
        opts = _capped_frontier(problem)
    else:
        opts = _enumerated_frontier(problem)
    if problem.keys is None and problem.additive:
        return opts  # already in this order (float totals)
    keys = problem.keys_of(opts)
    scale = problem.key_scale if problem.key_scale is not None else np.ones(keys.shape[1])
    total = [sum(Fraction(int(k)) / int(s) for k, s in zip(row, scale, strict=True))
             if problem.keys is not None else Fraction(float(row.sum())) for row in keys]
    order = sorted(range(len(opts)), key=lambda r: (-total[r], tuple(opts[r])))
    return opts[order] if len(order) else opts


def _capped_frontier(problem: DealProblem) -> np.ndarray:
    """The frontier of ``min(cap, Σ_i t_i(x_i))``: a capped-optimal deal is optimal
    uncapped, or some actor's cap saturates it (if ``y`` dominates ``x`` uncapped but not
    capped, the two tie capped, so ``x`` is at the cap where ``y`` is strictly better).
    So the candidates are the merge's uncapped frontier and the saturated deals, found
    by a pruned expansion; the capped frontier is theirs (a dominator of a candidate is
    dominated by, or is, a capped-optimal deal, itself a candidate)."""
    strict = problem.acceptance == "above"
    raw, _ = deal_frontier(problem.key_tables, problem.key_batna, strict=strict)
    parts = [raw]
    cap = problem.keys.cap if problem.keys is not None else problem.cap
    assert cap is not None  # only called when a cap binds
    tables = problem.key_tables
    best_rest = [np.sum([t.max(axis=0) for t in tables[i:]], axis=0) if i < len(tables)
                 else np.zeros(problem.n_actors, dtype=tables[0].dtype)
                 for i in range(len(tables) + 1)]
    for a in np.flatnonzero(best_rest[0] > cap):
        parts.append(_saturated(problem, int(a), cap[a], best_rest))
    cand = np.unique(np.concatenate(parts), axis=0)
    keys = problem.keys_of(cand)
    ok = problem.accepts(keys).all(axis=1)
    cand, keys = cand[ok], keys[ok]
    return cand[pareto_mask(keys)]


def _saturated(problem: DealProblem, a: int, cap: Any, best_rest: list[np.ndarray]
               ) -> np.ndarray:
    """Option rows of the deals whose uncapped utility for actor ``a`` reaches ``cap`` and
    that every actor may still accept, expanded issue by issue with pruning."""
    tables = problem.key_tables
    opts = np.zeros((1, 0), dtype=np.int64)
    util = np.zeros((1, problem.n_actors), dtype=tables[0].dtype)
    for i, t in enumerate(tables):
        util = (util[:, None, :] + t[None, :, :]).reshape(-1, problem.n_actors)
        opts = np.concatenate([np.repeat(opts, len(t), axis=0),
                               np.tile(np.arange(len(t)), len(opts))[:, None]], axis=1)
        reach = util + best_rest[i + 1]
        ok = (reach[:, a] >= cap) & problem.accepts(reach).all(axis=1)
        opts, util = opts[ok], util[ok]
        if len(opts) > MAX_ENUMERATED:
            raise DetenteError(
                f"more than {MAX_ENUMERATED:,} deals reach {problem.actors[a]}'s utility cap "
                "(weights summing well above 1): too many to compare deal by deal")
    return opts


def _enumerated_frontier(problem: DealProblem) -> np.ndarray:
    size = problem.space.size
    if size > MAX_ENUMERATED:
        raise DetenteError(
            f"the utilities of this problem are not additive over issues (a nonlinear utility "
            f"space), so its frontier needs every one of its {size:,} deals evaluated; the "
            f"limit is {MAX_ENUMERATED:,}")
    opts = np.zeros((0, len(problem.issues)), dtype=np.int64)
    keys = np.zeros((0, problem.n_actors))
    for index in problem.space.chunks(DEFAULT_CHUNK):
        o = problem.space.decode(index)
        k = problem.keys_of(o)
        ok = problem.accepts(k).all(axis=1)
        opts, keys = np.concatenate([opts, o[ok]]), np.concatenate([keys, k[ok]])
        front = pareto_mask(keys)
        opts, keys = opts[front], keys[front]
    return opts


def analyse(
    scenario: Scenario | DealProblem,
    *,
    utility: UtilityKind = "linear",
    grid: int = DEFAULT_GRID,
    tables: Tables | None = None,
    batna: Mapping[str, float] | None = None,
    spaces: UtilitySpaces | None = None,
    acceptance: Acceptance | None = None,
    shocks: tuple[str, ...] = (),
    drops: Mapping[str, float] | None = None,
    draws: int = 0,
    seed: int | None = 0,
) -> DealReport:
    """Analyse the deals of a scenario.

    The frontier is that of the deals every actor accepts (utility above its
    BATNA, or at least it: ``acceptance``), pruned by BATNA before the
    frontier. ``spaces`` gives stated utilities (e.g. a GENIUS reader's).
    In a scenario with structure, the frontier is that of the acceptable deals
    (:mod:`detente.deals.rules`) and the solutions weigh the consenting parties
    (:mod:`detente.deals.structured`). ``shocks`` applies named shocks to the
    pressures. ``drops`` asks which deals open if an actor's BATNA fell;
    ``draws > 0`` samples uncertain BATNAs (and pressures).
    """
    problem = scenario if isinstance(scenario, DealProblem) else DealProblem.from_scenario(
        scenario, utility=utility, grid=grid, tables=tables, batna=batna, spaces=spaces,
        acceptance=acceptance, shocks=shocks)
    if problem.rules is not None:
        opts, util = acceptable_frontier(problem)
    else:
        opts = frontier(problem)
        util = problem.utilities_of(opts)
    sols = solve(problem, opts, util)
    bd, levels = (problem.sample_no_deal(np.random.default_rng(seed), draws) if draws
                  else (None, None))
    z = zopa(problem, drops=dict(drops or {}), batna_draws=bd, level_draws=levels)
    return DealReport(problem, opts, util, sols, z)


def solve(problem: DealProblem, opts: np.ndarray, util: np.ndarray) -> dict[str, int | None]:
    """Each bargaining solution's row among the frontier deals ``opts[S, I]`` with
    utilities ``util[S, A]`` (``None``: no deal): with structure the consenting parties'
    (:func:`~detente.deals.structured.structured_solutions`), else every actor's
    (:func:`~detente.deals.solutions.all_solutions`, capabilities weighing the asymmetric
    Nash product)."""
    if problem.rules is not None:
        return dict(structured_solutions(problem, opts, util))
    if not len(opts):
        return dict.fromkeys(SOLUTIONS)
    return dict(all_solutions(problem.keys_of(opts), problem.key_batna, problem.capability,
                              strict=problem.acceptance == "above", scale=problem.key_scale))


def with_survival(report: DealReport, scenario: Scenario, *, draws: int, seed: int = 0
                  ) -> DealReport:
    """``report`` with each frontier deal's survival probability over ``draws`` draws of
    the scenario's stated uncertainty (:func:`detente.deals.robust.survival`) and how
    often each bargaining solution stays the same package over the same draws
    (:func:`detente.deals.robust.solution_stability`), in one pass over the draws
    (:func:`detente.deals.robust.survival_and_stability`)."""
    from dataclasses import replace

    from .robust import survival_and_stability

    points = {name: None if row is None else report.frontier_options[row]
              for name, row in report.solutions.items()}
    found, stable = survival_and_stability(report.problem, scenario, report.frontier_options,
                                           points, draws=draws, seed=seed)
    return replace(report, survival=found, stability=stable)


def _structure_summary(p: DealProblem) -> dict[str, Any]:
    """What the rules are, for readers of the JSON: vetoes, red lines, linkages, pressures."""
    r = p.rules
    assert r is not None
    return {
        "rule": ("a deal counts only if it moves something, crosses no red line, breaks no "
                 "linkage, and every actor holding a veto on a moved issue prefers it to its "
                 "no-deal value"),
        "vetoes": {i: [a for k, a in enumerate(p.actors) if r.veto[n, k]]
                   for n, i in enumerate(p.issues)},
        "controlled_by": {i: list(r.delivered_by(n)) for n, i in enumerate(p.issues)},
        "red_lines": {f"{p.actors[a]} on {p.issues[i]}": text
                      for (a, i), text in sorted(r.red_line_text.items())},
        "linkages": [link.text for link in r.links],
        "pressures": ({name: float(v) for name, v in zip(p.pressures, p.pressure_value,
                                                          strict=True)}
                      if p.pressure_value is not None else {}),
    }
