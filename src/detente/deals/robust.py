"""Robust deals: how often a package stays acceptable across the stated uncertainty.

A package that every party accepts at the point estimate may do so by a hair.
:func:`survival` draws the scenario's uncertain inputs and rebuilds the deal
problem in each draw:

- positions, saliences and capabilities: the draws of
  :mod:`detente.uncertainty.sampling` (the same draws and seeds as
  :func:`detente.uncertainty.simulate.simulate`, so members of a declared bloc
  share their draw); every actor's utility of each package is rebuilt by the
  problem's distance rule,

      u_a(x) = Σ_i w_ai v(|x_i − p_ai| / span_i),  w_ai = s_ai / Σ_j s_aj,

  and the drawn capabilities replace the point ones (what the capability-weighted
  solutions read);
- no-deal values: :meth:`DealProblem.sample_batna` on a stream of their own
  (:data:`NO_DEAL_STREAM`): a stated uncertain BATNA is drawn; each pressure
  with a stated uncertainty is drawn and moves the BATNAs that depend on it by
  ``c_ap (v_p − stated_p)``; a status-quo BATNA moves with the drawn utility of
  the status quo; a BATNA given on the command line stays as given.

In each draw the problem's one acceptability test (:func:`acceptable`) is
applied. The *survival probability* of a package is the share of draws in which
it is acceptable. Logrolls are re-tested in each draw with every test the
logroll finder applies (:func:`detente.deals.logrolls.holds`), phased plans by
the deal's acceptability and the guarantee the plan needs (:func:`plan_survival`);
both are then ranked by survival, ties in their point-estimate order
(:func:`by_survival`).

Stated utilities (GENIUS spaces) are not rebuilt from positions: only their
BATNAs vary, where declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.requests.deals import DEFAULT_ROBUST_DRAWS
from detente.scenario import Scenario

from . import guarantees
from .fighting import refold
from .utility import DealProblem, _reference, distance_value

if TYPE_CHECKING:
    from .logrolls import Logroll
    from .rules import Screen

NO_DEAL_STREAM = 1 << 31 | 1
"""The random stream of the no-deal values' draws (stream 0 is the model inputs', the
models' streams lie in 1 … 2³¹: :func:`detente.uncertainty.simulate.model_stream`)."""

SURVIVAL_RANKING = "survival probability, ties in point-estimate order"


def acceptable(problem: DealProblem, options: np.ndarray,
               batna: np.ndarray | None = None) -> np.ndarray:
    """``ok[...]`` for packages ``options[..., I]``: the one acceptability test of the deal
    tools (:func:`detente.deals.acceptability.acceptable`: with structure, vetoes, red
    lines and linkages; without, every actor above its BATNA)."""
    from .acceptability import acceptable as test

    return np.asarray(test(problem, np.asarray(options, dtype=np.int64), batna))


@dataclass(frozen=True, eq=False)
class Survival:
    """Survival probabilities of results across ``draws`` draws with ``seed``."""

    probability: np.ndarray  # [S]
    draws: int
    seed: int
    varied: tuple[str, ...]
    """What was drawn: kinds of inputs with declared uncertainty."""

    def take(self, order: np.ndarray) -> Survival:
        """The same survival with the results reordered (``probability[order]``)."""
        return replace(self, probability=np.asarray(self.probability)[order])

    def to_dict(self) -> dict[str, Any]:
        return {"draws": self.draws, "seed": self.seed, "varied": list(self.varied)}


def by_survival(probability: np.ndarray) -> np.ndarray:
    """The order that ranks results by survival probability, highest first; equal ones
    keep their given (point-estimate) order (a stable sort)."""
    return np.argsort(-np.asarray(probability, dtype=float), kind="stable")


def drawn_problems(problem: DealProblem, scenario: Scenario, *, draws: int, seed: int
                   ) -> Iterator[tuple[DealProblem, np.ndarray]]:
    """Each draw's problem (utilities rebuilt from the drawn positions and saliences, the
    drawn capabilities) and no-deal values ``β[A]`` (see the module docstring)."""
    from detente.uncertainty.sampling import block_generator, input_space

    space = input_space(scenario)
    arrays = space.apply(space.from_unit(space.sample_unit(seed, 0, draws)))
    sampled, levels = problem.sample_no_deal(block_generator(seed, 0, NO_DEAL_STREAM), draws)
    rebuild = problem.weight is not None and problem.keys is None and (
        problem.terms is None or problem.fighting is not None)  # fighting's terms refold
    capability = np.asarray(arrays.capability, dtype=float)
    lines = red_line_draws(problem, scenario, seed, draws)
    for d in range(draws):
        drawn = replace(problem, capability=capability[d].copy())
        if lines is not None and problem.rules is not None:
            drawn = replace(drawn, rules=problem.rules.with_red_lines(scenario, problem.space,
                                                                      lines[d]))
        if rebuild:
            drawn = _redrawn(drawn, scenario, np.asarray(arrays.position[d]),
                             np.asarray(arrays.salience[d]),
                             None if levels is None else levels[d])
        yield drawn, _batna(problem, drawn, sampled[d])


RED_LINE_STREAM = 1 << 31 | 2
"""The random stream of uncertain red lines' bounds (as in ``simulate``)."""


def red_line_draws(problem: DealProblem, scenario: Scenario, seed: int,
                   draws: int) -> np.ndarray | None:
    """``b[draws, L]``: each uncertain red line's bound per draw, on a stream of its own
    (``None``: the scenario states no uncertain red line, or the problem has no rules)."""
    from detente.uncertainty.sampling import block_generator
    from detente.violations import draw_red_lines, uncertain_red_lines

    if problem.rules is None or not uncertain_red_lines(scenario):
        return None
    return draw_red_lines(scenario, block_generator(seed, 0, RED_LINE_STREAM), draws)


def varied(problem: DealProblem, scenario: Scenario) -> tuple[str, ...]:
    """The kinds of input the deal draws vary: those with a declared uncertainty among
    positions, saliences, capabilities, BATNAs and pressures (that some BATNA depends on)."""
    from detente.uncertainty.sampling import input_space

    kinds: set[str] = {x.kind for x in input_space(scenario).inputs}
    if problem.rules is not None and any(line.uncertainty is not None
                                         for st in scenario.stances for line in st.red_lines):
        kinds.add("red line")
    if any(d is not None and d.high > d.low and not s.given
           for d, s in zip(problem.batna_dist, problem.batna_provenance, strict=False)):
        kinds.add("batna")
    pressured = problem.pressured
    if problem.pressure_effect is not None and any(
            d is not None and d.high > d.low and np.any(problem.pressure_effect[pressured, p])
            for p, (d, _) in enumerate(problem.pressure_dist)):
        kinds.add("pressure")
    return tuple(sorted(kinds))


def _draw_pairs(problem: DealProblem, scenario: Scenario, draws: int, seed: int,
                kinds: tuple[str, ...]) -> Iterable[tuple[DealProblem, np.ndarray]]:
    """The draws, or the point estimate alone when nothing is drawn."""
    if draws < 1 or not kinds:
        return [(problem, problem.batna)]
    return drawn_problems(problem, scenario, draws=draws, seed=seed)


def survival(problem: DealProblem, scenario: Scenario, options: np.ndarray, *,
             draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0) -> Survival:
    """The share of ``draws`` draws in which each package ``options[S, I]`` is acceptable
    (see the module docstring)."""
    options = np.asarray(options, dtype=np.int64).reshape(-1, len(problem.issues))
    kinds = varied(problem, scenario)
    if draws < 1 or not kinds or len(options) == 0:
        point = acceptable(problem, options).astype(float) if len(options) else np.zeros(0)
        return Survival(point, 0, seed, kinds)
    screen = _screen(problem, scenario, options)
    ok = np.zeros(len(options), dtype=np.int64)
    for drawn, beta in drawn_problems(problem, scenario, draws=draws, seed=seed):
        ok += _passing(drawn, options, beta, screen)
    return Survival(ok / draws, draws, seed, kinds)


def _screen(problem: DealProblem, scenario: Scenario, options: np.ndarray) -> Screen | None:
    """The draw-invariant part of the acceptability of ``options`` done once
    (:meth:`~detente.deals.rules.Rules.screen`; ``None``: no rules, nothing to screen)."""
    from .rules import drawn_issues

    if problem.rules is None:
        return None
    return problem.rules.screen(options, drawn_issues(scenario, problem.space))


def _passing(drawn: DealProblem, options: np.ndarray, beta: np.ndarray,
             screen: Screen | None) -> np.ndarray:
    """``ok[S]``: :func:`acceptable` of ``options`` in one draw (``drawn``, no-deal values
    ``beta``), through ``screen`` when there is one (the same packages)."""
    from .acceptability import screened

    if screen is None:
        return acceptable(drawn, options, beta)
    ok = np.zeros(len(options), dtype=bool)
    ok[screened(drawn, screen, beta)[0]] = True
    return ok


def logroll_survival(problem: DealProblem, scenario: Scenario, found: Sequence[Logroll], *,
                     draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0) -> Survival:
    """The share of draws in which each logroll still holds: it passes every test the
    logroll finder applies (:func:`detente.deals.logrolls.holds`: both sides get
    something and gain on net, someone gives, and with structure the givers' control or
    veto and the package's acceptability against the drawn no-deal values)."""
    from .logrolls import holds

    kinds = varied(problem, scenario)
    if not found:
        return Survival(np.zeros(0), draws, seed, kinds)
    ok = np.zeros(len(found), dtype=np.int64)
    n = 0
    for drawn, beta in _draw_pairs(problem, scenario, draws, seed, kinds):
        ok += holds(drawn, found, batna=beta)
        n += 1
    return Survival(ok / n, draws if n > 1 or draws == 1 else 0, seed, kinds)


MAX_STABILITY_DEALS = 1 << 16
"""Largest deal space whose solutions are recomputed in every draw (every deal is
scored in each draw)."""


def solution_stability(problem: DealProblem, scenario: Scenario,
                       solutions: Mapping[str, np.ndarray | None], *,
                       draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0
                       ) -> dict[str, float] | None:
    """Per bargaining solution, the share of draws in which it picks the same package as
    at the point (``solutions``: name → option row, ``None`` for no deal): in each draw
    every deal is scored with the drawn utilities, no-deal values and capabilities (what
    the asymmetric Nash solution weighs), the Pareto frontier of the acceptable ones is
    taken (ordered by total utility, then option indices, as the analysis orders it) and
    each solution recomputed (:func:`detente.deals.analysis.solve`). ``None`` when
    nothing is drawn, the space exceeds :data:`MAX_STABILITY_DEALS` deals, or utilities
    are stated (GENIUS) rather than built from positions.

    The tests no draw changes (what moves, linkages, vetoes, red lines that are not
    drawn) are done once over the space (:meth:`~detente.deals.rules.Rules.screen`);
    each draw scores only the packages that pass them."""
    kinds = varied(problem, scenario)
    every = _stability_space(problem, draws, kinds)
    if every is None:
        return None
    screen = _screen(problem, scenario, every)
    same = dict.fromkeys(solutions, 0)
    for drawn, beta in drawn_problems(problem, scenario, draws=draws, seed=seed):
        for name in _same_solutions(drawn.with_batna(beta), every, screen, solutions):
            same[name] += 1
    return {name: n / draws for name, n in same.items()}


def survival_and_stability(problem: DealProblem, scenario: Scenario, options: np.ndarray,
                           solutions: Mapping[str, np.ndarray | None], *,
                           draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0
                           ) -> tuple[Survival, dict[str, float] | None]:
    """:func:`survival` of ``options`` and :func:`solution_stability` of ``solutions`` in
    one pass over the same draws (each draw's problem is built once): the same numbers
    as the two calls."""
    options = np.asarray(options, dtype=np.int64).reshape(-1, len(problem.issues))
    kinds = varied(problem, scenario)
    every = _stability_space(problem, draws, kinds)
    if every is None or len(options) == 0:
        return (survival(problem, scenario, options, draws=draws, seed=seed),
                solution_stability(problem, scenario, solutions, draws=draws, seed=seed))
    screen, every_screen = _screen(problem, scenario, options), _screen(problem, scenario,
                                                                         every)
    ok = np.zeros(len(options), dtype=np.int64)
    same = dict.fromkeys(solutions, 0)
    for drawn, beta in drawn_problems(problem, scenario, draws=draws, seed=seed):
        ok += _passing(drawn, options, beta, screen)
        for name in _same_solutions(drawn.with_batna(beta), every, every_screen, solutions):
            same[name] += 1
    return (Survival(ok / draws, draws, seed, kinds),
            {name: n / draws for name, n in same.items()})


def _stability_space(problem: DealProblem, draws: int, kinds: tuple[str, ...]
                     ) -> np.ndarray | None:
    """Every package's option row ``[N, I]`` when :func:`solution_stability` recomputes the
    solutions in each draw, else ``None`` (see there)."""
    if (draws < 1 or not kinds or problem.keys is not None or not problem.additive
            or problem.space.size > MAX_STABILITY_DEALS):
        return None
    return problem.space.decode(np.arange(problem.space.size, dtype=np.int64))


def _same_solutions(drawn: DealProblem, every: np.ndarray, screen: Screen | None,
                    solutions: Mapping[str, np.ndarray | None]) -> list[str]:
    """The bargaining solutions that pick their point package in one draw (``drawn``,
    its no-deal values in ``batna``): the Pareto frontier of the acceptable packages,
    ordered as the analysis orders it, solved again."""
    from .acceptability import screened
    from .analysis import solve
    from .pareto import pareto_mask

    if screen is not None:  # the draw-invariant tests done once (same packages)
        _, opts, util = screened(drawn, screen)
    else:
        opts = every[acceptable(drawn, every)]
        util = drawn.utilities_of(opts)
    keep = pareto_mask(util)
    opts, util = opts[keep], util[keep]
    order = np.lexsort(tuple(opts.T[::-1]) + (-util.sum(axis=1),))
    opts, util = opts[order], util[order]
    rows = solve(drawn, opts, util)
    out = []
    for name, point in solutions.items():
        row = rows.get(name)
        if (row is None) if point is None else (
                row is not None and np.array_equal(opts[row], point)):
            out.append(name)
    return out


@dataclass(frozen=True, eq=False)
class PlanSurvival:
    """A phased deal across the stated uncertainty: the share of draws in which the deal
    is acceptable, and per plan the share in which it is acceptable and the plan's
    guarantee at the point estimate still suffices."""

    deal: float
    plans: Survival
    holds: np.ndarray | None = None
    """``[D, P]``: whether each plan held in each draw (``None``: no draws); what
    :func:`plan_order` compares plans on."""

    def take(self, order: np.ndarray) -> PlanSurvival:
        """The same survival with the plans reordered."""
        return replace(self, plans=self.plans.take(order),
                       holds=None if self.holds is None else self.holds[:, order])

    def to_dict(self) -> dict[str, Any]:
        return {**self.plans.to_dict(), "deal": self.deal,
                "plans": [float(p) for p in self.plans.probability]}


def plan_survival(problem: DealProblem, scenario: Scenario, options: np.ndarray,
                  plans: Sequence[Sequence[Sequence[str]]], guarantees: Sequence[float], *,
                  draws: int = DEFAULT_ROBUST_DRAWS, seed: int = 0) -> PlanSurvival:
    """For a deal ``options[I]`` and its phased ``plans`` (issue ids per phase) with their
    ``guarantees`` at the point: the share of draws in which the deal is acceptable, and
    per plan the share in which it is acceptable *and* the guarantee the plan needs
    (the consenting parties' summed shortfalls, as :func:`detente.deals.phasing.phase`
    prices it: :func:`detente.deals.phasing.plan_shortfalls`) is at most its point value
    (so a self-enforcing plan must stay self-enforcing)."""
    from .phasing import plan_shortfalls

    kinds = varied(problem, scenario)
    options = np.asarray(options, dtype=np.int64)
    moved = [i for p in plans[:1] for phase in p for i in phase]
    changed = np.array([problem.issues.index(i) for i in moved], dtype=np.int64)
    phi = np.array([[next(k for k, phase in enumerate(p) if i in phase) for i in moved]
                    for p in plans], dtype=np.int64).reshape(len(plans), len(moved))
    limit = np.asarray(guarantees, dtype=float) + 1e-12
    deal_ok = 0
    held: list[np.ndarray] = []
    for drawn, beta in _draw_pairs(problem, scenario, draws, seed, kinds):
        ok = np.zeros(len(plans), dtype=bool)
        if acceptable(drawn, options[None], beta)[0]:
            deal_ok += 1
            short, _ = plan_shortfalls(drawn, options, changed, phi, beta)
            ok = short.sum(axis=1) <= limit
        held.append(ok)
    n = len(held)
    holds = np.array(held, dtype=bool).reshape(n, len(plans))
    return PlanSurvival(deal_ok / n, Survival(holds.mean(axis=0), draws if n > 1 else 0, seed,
                                              kinds), holds if n > 1 else None)


def plan_order(found: PlanSurvival) -> np.ndarray:
    """The order of phased plans given in their point order (the smallest guarantee
    first, so self-enforcing plans first, then fewer phases): a plan moves above one
    before it only when it **survives more often beyond sampling error** (issue 31: a
    plan needing a guarantee was ranked above a self-enforcing one on 75% against 74%).

    The two plans are judged on the same draws, so the test is paired: among the draws in
    which exactly one of the two holds, the plan's share must have its 95% Wilson interval
    above ½ (:func:`detente.uncertainty.distribution.beyond_noise`, the rule that decides
    a forecast's likeliest band). Each plan, taken in point order, is placed above the
    plans it beats this way, stopping at the first it does not beat. Without draws
    (``holds`` is ``None``) the point order stands."""
    from detente.uncertainty.distribution import beyond_noise

    n = len(found.plans.probability)
    if found.holds is None or found.plans.draws <= 0:
        return np.arange(n)
    holds = found.holds
    draws = len(holds)

    def beats(a: int, b: int) -> bool:
        only_a = float(np.count_nonzero(holds[:, a] & ~holds[:, b]))
        only_b = float(np.count_nonzero(holds[:, b] & ~holds[:, a]))
        return beyond_noise(only_a / draws, only_b / draws, draws)

    order: list[int] = []
    for plan in range(n):
        at = len(order)
        while at > 0 and beats(plan, order[at - 1]):
            at -= 1
        order.insert(at, plan)
    return np.array(order, dtype=np.int64)


def _redrawn(problem: DealProblem, scenario: Scenario, pos: np.ndarray,
             sal: np.ndarray, levels: np.ndarray | None = None) -> DealProblem:
    """The problem with utilities rebuilt from one draw's positions and saliences
    ``[A, I]`` (stances not stated weigh nothing), the costs of fighting kept at the
    draw's pressure levels ``levels`` (:func:`detente.deals.fighting.refold`)."""
    stated = np.zeros(sal.shape, dtype=bool)
    actors, issues = problem.actors, problem.issues
    for st in scenario.stances:
        stated[actors.index(st.actor), issues.index(st.issue)] = True
    sal = np.where(stated, sal, 0.0)
    total = sal.sum(axis=1, keepdims=True)
    weight = np.divide(sal, total, out=np.zeros_like(sal), where=total > 0)
    tables = []
    for i, issue in enumerate(scenario.issues):
        values = problem.space.option_values[i]
        v = distance_value(values[:, None], np.nan_to_num(pos[:, i]), issue.span,
                           problem.utility)  # type: ignore[arg-type]
        tables.append(guarantees.adjust(issue, problem.actors, values,
                                        np.where(stated[:, i][None, :], v, 0.0) * weight[:, i]))
    reference, _ = _reference(scenario, problem.space, tables,
                              np.where(stated, pos, np.nan), weight,
                              problem.utility)  # type: ignore[arg-type]
    return refold(replace(problem, weight=weight), tables, reference, levels)


def _batna(point: DealProblem, drawn: DealProblem, sampled: np.ndarray) -> np.ndarray:
    """One draw's no-deal values: ``sampled`` (:meth:`DealProblem.sample_batna`: stated
    BATNAs and pressures drawn), a status-quo BATNA moved by the drawn utility of the
    status quo."""
    beta = np.array(sampled, dtype=float)
    for a, source in enumerate(point.batna_provenance):
        if source.from_status_quo:  # the stance part: pressures are drawn
            beta[a] += _stance_reference(drawn)[a] - _stance_reference(point)[a]
    return beta


def _stance_reference(problem: DealProblem) -> np.ndarray:
    """``[A]``: the status quo's utility without the costs of fighting it keeps."""
    total = problem.reference.sum(axis=1)
    return total if problem.reference_kept is None else total - problem.reference_kept.sum(1)
