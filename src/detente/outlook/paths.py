"""One block of outlook paths: pressures, no-deal values, acceptable packages, agreement.

Per path ``n`` and month ``t`` (``0 … T``; month 0 is today):

    β_a(n, t) = β̃_a(n) + Σ_p c_ap (v̂_ap(n, t) − v_p)

the no-deal value of actor ``a`` under its own expectation (``v̂``, see
:mod:`detente.outlook.processes`; ``β̃`` the point BATNA, or a draw of a stated BATNA
distribution; ``c`` and ``v`` the deal problem's pressure coefficients and values:
:meth:`detente.deals.utility.DealProblem.pressure_shift`). Whether an acceptable
package exists is the deal tools' one test (:func:`detente.deals.acceptable`: vetoes,
red lines, linkages) over the candidates (:mod:`detente.outlook.candidates`); the
month of agreement follows the stated rule (:mod:`detente.outlook.agreement`); the
terms are the package the chosen bargaining solution picks then
(:func:`detente.deals.analysis.solve` over the Pareto frontier of the acceptable
packages, :func:`detente.deals.pareto.pareto_mask`). After an agreement, each party's
value of reneging over the next ``M`` months is its no-deal value at the pressures
moved by the stated post-agreement trends (:func:`detente.outlook.processes.after_agreement`),
judged as fighting would be judged again — ``H`` months ahead at the trend each party
expected when it agreed: ``R_a(s) = β̃_a + Σ_p c_ap (v_p(t* + s) + H m_ap(t*) − v_p)``.
Without a post-agreement move, ``R_a = β_a(t*) < u_a``: the package holds.

Every block of paths draws from its own random streams (:data:`OUTLOOK_STREAM` for
the processes, :data:`detente.deals.robust.NO_DEAL_STREAM` for stated BATNA
distributions), so a path's numbers do not depend on how blocks are grouped into
tasks or which engine runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from detente.deals.acceptability import acceptable
from detente.deals.analysis import solve
from detente.deals.pareto import pareto_mask
from detente.deals.robust import NO_DEAL_STREAM
from detente.deals.structured import solution_rows
from detente.deals.utility import DealProblem
from detente.uncertainty.sampling import block_generator

from .agreement import AgreementRule
from .candidates import Candidates, deciders
from .fighting import frontier_masks, keeps_costs, utility_shift
from .processes import Processes, after_agreement, draw_paths, perceived

OUTLOOK_STREAM = 1 << 31 | 2
"""The random stream of the outlook's processes (beside the models' and the no-deal
values' streams)."""

HIST_LOW, HIST_HIGH, HIST_BINS = -1.0, 2.0, 1200
"""The fixed grid of the no-deal values' histograms (0.0025 wide; values off it count in
the end bins): counts add up exactly across blocks, so the fan chart's quantiles are the
same whatever the engine."""


@dataclass(frozen=True, eq=False)
class OutlookJob:
    """Everything a worker needs (picklable, sent once per worker)."""

    problem: DealProblem
    processes: Processes
    candidates: Candidates
    months: int
    paths: int
    seed: int
    rule: AgreementRule
    solution: str
    lookahead: float
    hold_months: int
    block_size: int
    holding: bool = True
    terms: bool = True
    """Whether to pick the terms (the package agreed, and the no-deal values then); off,
    ``package`` is −1 and ``batna_at_agreement`` NaN on every path (the drivers need only
    the months). Holding needs the terms."""
    parties: tuple[str, ...] = ()
    """Only packages needing these actors' consent are candidates (empty: any package)."""
    settlements_only: bool = False
    """Only settlements (no fighting continues) are candidates; set only where the
    scenario marks costs of fighting."""

    @cached_property
    def n_blocks(self) -> int:
        return -(-self.paths // self.block_size)

    decide: np.ndarray | None = None
    """Indices of the candidates tested every month (:attr:`deciders`); ``None``: found
    from the problem and the candidates (``make_job`` finds them once, so that variants
    of the job made with :func:`dataclasses.replace` keep them)."""

    @cached_property
    def deciders(self) -> np.ndarray:
        """The candidates whose test decides whether any is acceptable
        (:func:`detente.outlook.candidates.deciders`)."""
        if self.decide is not None:
            return self.decide
        return deciders(self.problem, self.candidates)

    @cached_property
    def consent(self) -> np.ndarray:
        """``[C, A]``: whose consent each candidate needs."""
        rules = self.problem.rules
        if rules is None:
            return np.ones(self.candidates.utility.shape, dtype=bool)
        return np.asarray(rules.consenting(self.candidates.options))


@dataclass(eq=False)
class BlockResult:
    """Per path of consecutive blocks ``first_block …``, and per-month tallies."""

    first_block: int
    first_open: np.ndarray
    """``[n]``: the first month an acceptable package exists (−1: none by the horizon)."""
    agreed: np.ndarray
    """``[n]``: the month of agreement (−1: none)."""
    package: np.ndarray
    """``[n]``: the candidate agreed (−1: none)."""
    batna_at_agreement: np.ndarray
    """``[n, A]``: the no-deal values in the month of agreement (NaN: none), on the agreed
    package's own standard: less the costs of fighting it keeps (at each actor's view
    then), so that ``u_a(x) > batna_a`` is the deal tools' test on its static utility."""
    renege: np.ndarray
    """``[n, A]``: the highest value of reneging within the holding months (NaN: none), on
    the same standard."""
    open_count: np.ndarray
    """``[T+1]``: paths with an acceptable package in each month."""
    hist: np.ndarray
    """``[T+1, A, bins]``: the no-deal values' histograms per month."""
    shocks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def run_blocks(job: OutlookJob, first: int, stop: int) -> BlockResult:
    """The paths of blocks ``first … stop − 1`` (one task)."""
    parts = [one_block(job, b) for b in range(first, stop)]
    return BlockResult(
        first_block=first,
        first_open=np.concatenate([p.first_open for p in parts]),
        agreed=np.concatenate([p.agreed for p in parts]),
        package=np.concatenate([p.package for p in parts]),
        batna_at_agreement=np.concatenate([p.batna_at_agreement for p in parts]),
        renege=np.concatenate([p.renege for p in parts]),
        open_count=np.sum([p.open_count for p in parts], axis=0),
        hist=np.sum([p.hist for p in parts], axis=0),
    )


def no_deal_values(job: OutlookJob, base: np.ndarray, value_hat: np.ndarray) -> np.ndarray:
    """``β[..., A]`` from the stated BATNAs ``base[..., A]`` and each actor's view of the
    pressures ``value_hat[..., A, P]``."""
    p = job.problem
    if p.pressure_value is None:
        return np.broadcast_to(base, value_hat.shape[:-1]).copy()
    return base + p.pressure_shift(value_hat, p.pressure_value, per_actor=True)


SLICE = 128
"""Paths tested at once (bounds the memory of the ``[paths, months, candidates, actors]``
comparisons and, when packages keep costs of fighting, utilities)."""


def acceptable_packages(job: OutlookJob, beta: np.ndarray, view: np.ndarray,
                        rows: np.ndarray | None = None) -> np.ndarray:
    """``ok[n, T+1, C]``: the deal tools' test (:func:`detente.deals.acceptable`) of the
    candidates ``rows`` (default all) on every path and month, against the no-deal values
    ``beta[n, T+1, A]``; with costs of fighting, each candidate's utilities moved by the
    costs it keeps at each actor's view ``view[n, T+1, A, P]``
    (:func:`detente.outlook.fighting.utility_shift`: ``u + k > β`` tested as
    ``u > β − k``). Any leading shape ``[n, …]`` works (e.g. ``[m, A]`` for one month
    per path)."""
    problem = job.problem
    options = job.candidates.options if rows is None else job.candidates.options[rows]
    out = np.empty(beta.shape[:-1] + (len(options),), dtype=bool)
    kept_any = keeps_costs(problem, options)  # else the same utilities throughout
    for s in range(0, len(beta), SLICE):
        b = beta[s:s + SLICE][..., None, :]
        if kept_any:
            kept = utility_shift(problem, options, view[s:s + SLICE])
            assert kept is not None
            b = b - kept
        out[s:s + SLICE] = acceptable(problem, options, b)
    return out


def pick_packages(job: OutlookJob, agreed: np.ndarray, beta: np.ndarray,
                  view: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The candidate the chosen solution picks on each path in its month of agreement
    (−1: none) and the no-deal values then (less the costs of fighting the package
    keeps, as :attr:`BlockResult.batna_at_agreement` says): every candidate tested in
    that month only (:func:`acceptable_packages`), the frontier of the
    acceptable candidates (:func:`~detente.deals.pareto.pareto_mask`), solved with the
    deal tools' solutions — with structure all the paths sharing one acceptable set at once
    (:func:`~detente.deals.structured.solution_rows`), else path by path
    (:func:`~detente.deals.analysis.solve`)."""
    problem, cand = job.problem, job.candidates
    n = len(agreed)
    package = np.full(n, -1, dtype=np.int64)
    at = np.full((n, problem.n_actors), np.nan)
    done = np.flatnonzero(agreed >= 0)
    if not len(done):
        return package, at
    sets = acceptable_packages(job, beta[done, agreed[done]], view[done, agreed[done]])  # [m, C]
    kept = utility_shift(problem, cand.options, view[done, agreed[done]])  # [m, C, A]
    packed = np.packbits(sets, axis=1)
    _, first, group = np.unique(packed.view(np.dtype((np.void, packed.shape[1]))).ravel(),
                                return_index=True, return_inverse=True)
    group = group.ravel()
    for g, k in enumerate(first):
        rows = np.flatnonzero(sets[k])
        members = np.flatnonzero(group == g)
        paths = done[members]
        b = beta[paths, agreed[paths]]  # [k, A]
        if kept is None:  # the same utilities on every path: one frontier
            front = rows[pareto_mask(cand.utility[rows])]
            package[paths] = front[_solve(job, front, cand.utility[front], b)]
            at[paths] = b
        else:  # the costs kept move each path's utilities: a frontier per path
            util = cand.utility[rows] + kept[members][:, rows]  # [k, S, A]
            package[paths] = rows[_solve(job, rows, util, b, frontier_masks(util))]
            at[paths] = b - kept[members, package[paths]]  # on the package's standard
    return package, at


def _solve(job: OutlookJob, rows: np.ndarray, util: np.ndarray, batna: np.ndarray,
           among: np.ndarray | None = None) -> np.ndarray:
    """``[k]``: the chosen solution's row among the candidates ``rows`` (utilities
    ``util[S, A]`` or, per path, ``[k, S, A]``; ``among[k, S]``: each path's frontier,
    default all ``rows``), for each of ``k`` no-deal values ``batna[k, A]``."""
    problem, options = job.problem, job.candidates.options[rows]
    if problem.rules is not None:
        return solution_rows(problem, options, util, batna, among)[job.solution]
    out = np.empty(len(batna), dtype=np.int64)
    for k, x in enumerate(batna):
        u = util if util.ndim == 2 else util[k]
        keep = np.arange(len(rows)) if among is None else np.flatnonzero(among[k])
        out[k] = keep[solve(problem.with_batna(x), options[keep], u[keep])[job.solution]]
    return out


def one_block(job: OutlookJob, block: int) -> BlockResult:
    """One block of paths (see the module docstring)."""
    problem, cand = job.problem, job.candidates
    n = min(job.block_size, job.paths - block * job.block_size)
    n_a, t1 = problem.n_actors, job.months + 1
    base = problem.sample_stated_batna(block_generator(job.seed, block, NO_DEAL_STREAM), n)
    paths = draw_paths(job.processes, block_generator(job.seed, block, OUTLOOK_STREAM), n,
                       job.months, n_a)
    view = perceived(paths, job.lookahead)  # [n, T+1, A, P]
    beta = no_deal_values(job, base[:, None, :], view)
    # whether any candidate is acceptable: the deciders answer for all of them
    ok = acceptable_packages(job, beta, view, job.deciders)  # [n, T+1, D]
    open_: np.ndarray = np.asarray(ok.any(axis=-1))
    first_open = np.where(open_.any(axis=1), open_.argmax(axis=1), -1)
    agreed = job.rule.months(open_, paths.uniform)

    if job.terms:
        package, at = pick_packages(job, agreed, beta, view)
    else:
        package, at = np.full(n, -1, dtype=np.int64), np.full((n, n_a), np.nan)
    renege = np.full((n, n_a), np.nan)
    done = np.flatnonzero(package >= 0)
    if job.holding and len(done) and job.hold_months > 0:
        value = paths.value[done, agreed[done]]  # [m, P]
        later = after_agreement(job.processes, value, job.hold_months)  # [m, M, P]
        expected = paths.expected[done, agreed[done]]  # [m, A, P], as at agreement
        after = later[:, :, None, :] + job.lookahead * expected[:, None]  # [m, M, A, P]
        value_of = no_deal_values(job, base[done][:, None, :], after)  # [m, M, A]
        # against the package's utility at the standard it was signed on: the costs of
        # fighting it keeps move with the pressures too
        for c in np.unique(package[done]):
            rows = np.flatnonzero(package[done] == c)
            kept = utility_shift(problem, cand.options[c:c + 1], after[rows])
            if kept is not None:
                value_of[rows] -= kept[..., 0, :]
        renege[done] = value_of.max(axis=1)

    grid = np.clip(((beta - HIST_LOW) / (HIST_HIGH - HIST_LOW) * HIST_BINS).astype(np.int64),
                   0, HIST_BINS - 1)  # [n, T+1, A]
    cell = (np.arange(t1)[:, None] * n_a + np.arange(n_a)[None, :]) * HIST_BINS
    hist = np.bincount((cell[None] + grid).ravel(), minlength=t1 * n_a * HIST_BINS)
    return BlockResult(
        first_block=block, first_open=first_open, agreed=agreed, package=package,
        batna_at_agreement=at, renege=renege,
        open_count=open_.sum(axis=0).astype(np.int64),
        hist=hist.reshape(t1, n_a, HIST_BINS).astype(np.int64),
    )
