"""Judging the plans on the table: who accepts each, who blocks it, and by how much.

A proposal (``Scenario.proposals``) is compiled to one package of option
indices ``x[I]`` on the deal space: an option by name, a point at the nearest
option, and an issue it leaves out or open at its no-deal option. Each
actor's utility ``u_a(x)`` and no-deal value ``β_a`` are the deal layer's
(:mod:`detente.deals.utility`); acceptability is :func:`detente.deals.acceptable`
(with structure: no red line crossed, no linkage broken, every veto holder on a
moved issue above its no-deal value). A veto holder ``a`` *blocks* by the margin
``β_a − u_a(x) ≥ 0`` (``>`` under the ``at_least`` rule).

With draws, positions and saliences are drawn from their stated uncertainty
(:mod:`detente.uncertainty.sampling`, blocs drawn together) and the no-deal
values from theirs (stated BATNA ranges and pressures), and every proposal is
judged on every draw at once: ``u[D, K, A] = Σ_i w_dai v_dai(x_ki)`` and
``P(a accepts) = mean_d [u_dka > β_da]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.scenario import Proposal, Scenario

from .acceptability import acceptable, verdict
from .rules import Verdict
from .utility import DealProblem, UtilityKind, distance_value


@dataclass(frozen=True)
class CompiledProposal:
    """A proposal on the deal space: ``options[I]``, and the points moved to an option."""

    proposal: Proposal
    options: np.ndarray
    snapped: tuple[tuple[str, float, str], ...]
    """``(issue, stated point, option used)`` where a point is not an option."""


def compile_proposal(problem: DealProblem, scenario: Scenario,
                     proposal: Proposal) -> CompiledProposal:
    """The package of one proposal as option indices (see the module docstring)."""
    space = problem.space
    out = np.array(problem.reference_options, dtype=np.int64)
    snapped = []
    for issue_id, choice in proposal.package.items():
        i = space.issues.index(issue_id)
        names, values = space.option_names[i], space.option_values[i]
        if isinstance(choice, str):
            out[i] = names.index(choice)
            continue
        o = int(np.argmin(np.abs(values - float(choice))))
        out[i] = o
        if not np.isclose(values[o], float(choice)):
            snapped.append((issue_id, float(choice), names[o]))
    missing = [space.issues[i] for i in np.flatnonzero(out < 0)]
    if missing:
        raise DetenteError(f"proposal {proposal.id!r} leaves {', '.join(missing)} out, and "
                           "no status quo says where no deal leaves them: give an option")
    del scenario  # the package reads only the problem's space (kept for symmetry)
    return CompiledProposal(proposal, out, tuple(snapped))


@dataclass(frozen=True)
class ProposalJudgement:
    """One proposal judged on the point values (and, with draws, on the draws)."""

    compiled: CompiledProposal
    utility: np.ndarray
    batna: np.ndarray
    accepts: np.ndarray
    """``[A]``: each actor prefers the plan to no deal."""
    consent: np.ndarray
    """``[A]``: whose consent the plan needs (a veto on an issue it moves)."""
    verdict: Verdict
    p_accept: np.ndarray | None = None
    """``[A]``: probability that each actor prefers the plan, over the draws."""
    p_agreed: float | None = None
    """Probability that the plan is acceptable (every veto holder in, structure kept)."""

    @property
    def margins(self) -> np.ndarray:
        """``u − β`` per actor (negative: prefers no deal)."""
        return self.utility - self.batna


def judge(problem: DealProblem, compiled: list[CompiledProposal]) -> list[ProposalJudgement]:
    """Every proposal on the point values."""
    out = []
    for c in compiled:
        u = problem.utilities_of(c.options[None])[0]
        beta = problem.batna
        acc = problem.accepts(u[None], beta)[0] if problem.keys is None else (
            problem.accepts(problem.keys_of(c.options[None]), problem.key_batna)[0])
        consent = (problem.rules.consenting(c.options[None])[0] if problem.rules is not None
                   else np.ones(problem.n_actors, dtype=bool))
        out.append(ProposalJudgement(c, u, beta, np.asarray(acc, bool), consent,
                                     verdict(problem, c.options)))
    return out


def package_values(problem: DealProblem, options: np.ndarray) -> np.ndarray:
    """``x[..., I]`` on each issue's scale, of option-index packages."""
    options = np.asarray(options, dtype=np.int64)
    return np.stack([problem.space.option_values[i][options[..., i]]
                     for i in range(len(problem.issues))], axis=-1)


# ---- under uncertainty ------------------------------------------------------------------


def drawn_utilities(problem: DealProblem, scenario: Scenario, packages: np.ndarray,
                    *, draws: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``u[D, K, A]`` of packages ``[K, I]`` and no-deal values ``β[D, A]`` over ``draws``.

    Positions and saliences come from ``input_space(scenario).sample`` (the same
    draws as ``detente simulate`` with this seed); stated BATNAs and pressures
    from :meth:`DealProblem.sample_batna`; a BATNA derived from the status quo is
    recomputed on each draw's positions and saliences.
    """
    from detente.uncertainty.sampling import input_space

    if problem.keys is not None or problem.terms is not None or problem.cap is not None:
        raise DetenteError("draws need the distance utilities of a scenario, not stated "
                           "utility tables")
    packages = np.asarray(packages, dtype=np.int64)
    arrays = input_space(scenario, ("position", "salience")).sample(seed, 0, draws)
    pos = np.nan_to_num(np.asarray(arrays.position))  # no stance: weight 0, value unused
    sal = np.asarray(arrays.salience) * np.asarray(arrays.mask)[None]
    total = sal.sum(axis=2, keepdims=True)
    w = np.divide(sal, total, out=np.zeros_like(sal), where=total > 0)  # [D, A, I]
    kind: UtilityKind = "quadratic" if problem.utility == "quadratic" else "linear"
    n_d, n_a = pos.shape[0], pos.shape[1]
    u = np.zeros((n_d, packages.shape[0], n_a))
    ref = np.zeros((n_d, n_a))
    for i, issue in enumerate(scenario.issues):
        values = problem.space.option_values[i]
        table = distance_value(values[None, None, :], pos[:, :, i, None], issue.span, kind)
        table *= w[:, :, i, None]  # [D, A, n_i]
        u += np.moveaxis(table[:, :, packages[:, i]], 1, 2)
        ref += _at_status_quo(table, values, issue.status_quo)
    rng = np.random.default_rng([seed, 1])
    sampled = problem.sample_batna(rng, draws)
    derived = np.array([s.startswith("status quo") for s in problem.batna_source])
    beta = np.where(derived[None], sampled + ref - problem.reference.sum(axis=1)[None], sampled)
    return u, beta


def _at_status_quo(table: np.ndarray, values: np.ndarray, sq: float | None) -> np.ndarray:
    """``[D, A]``: the weighted value at the status quo, interpolated between options as
    :class:`DealProblem` does (the minimum over options where there is none)."""
    if sq is None:
        return table.min(axis=2)
    order = np.argsort(values)
    v = values[order]
    hi = int(np.clip(np.searchsorted(v, sq), 1, len(v) - 1)) if len(v) > 1 else 0
    lo = max(hi - 1, 0)
    t = 0.0 if v[hi] == v[lo] else float(np.clip((sq - v[lo]) / (v[hi] - v[lo]), 0, 1))
    return (1 - t) * table[:, :, order[lo]] + t * table[:, :, order[hi]]


def acceptance_probabilities(problem: DealProblem, scenario: Scenario, packages: np.ndarray,
                             *, draws: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``P[K, A]`` that each actor prefers each package to no deal, and ``agreed[K]``: that
    the package is acceptable (structure kept, every party whose consent it needs in)."""
    packages = np.asarray(packages, dtype=np.int64)
    u, beta = drawn_utilities(problem, scenario, packages, draws=draws, seed=seed)
    ok = u > beta[:, None, :] if problem.acceptance == "above" else u >= beta[:, None, :]
    if problem.rules is not None:
        need = problem.rules.consenting(packages)  # [K, A]
        structural = problem.rules.structural_ok(packages)  # [K]
    else:
        need = np.ones(packages.shape[0:1] + (problem.n_actors,), dtype=bool)
        structural = np.ones(packages.shape[0], dtype=bool)
    agreed = (ok | ~need[None]).all(axis=2).mean(axis=0) * structural
    return ok.mean(axis=0), agreed


def judge_with_draws(problem: DealProblem, scenario: Scenario,
                     judged: list[ProposalJudgement], *, draws: int,
                     seed: int = 0) -> list[ProposalJudgement]:
    """The same judgements with acceptance probabilities over ``draws``."""
    from dataclasses import replace

    if not judged or draws <= 0:
        return judged
    packages = np.stack([j.compiled.options for j in judged])
    p, agreed = acceptance_probabilities(problem, scenario, packages, draws=draws, seed=seed)
    return [replace(j, p_accept=p[k], p_agreed=float(agreed[k])) for k, j in enumerate(judged)]


def point_acceptable(problem: DealProblem, packages: np.ndarray) -> np.ndarray:
    """``ok[K]`` on the point values (the one acceptability test)."""
    return acceptable(problem, packages)
