"""Judging the plans on the table: who accepts each, who blocks it, and by how much.

A proposal (``Scenario.proposals``) is compiled to one package of option
indices ``x[I]`` on the deal space: an option by name, and an issue it leaves
out or open at its no-deal option (the status quo itself: :func:`with_points`
adds a status quo that lies between options as a point of its own). A point on
an issue's scale that is not one of its options is judged at its own value:
:func:`with_points` adds the plans' points to the deal space as options of their
own (utilities by the distance rule, which is defined on the whole scale; red
lines and linkages by their stated values), keeping the no-deal values as they
were. Where the utilities are stated per option (utility tables, GENIUS
spaces), the deal space cannot hold a point between options: it is judged at
the nearest option and the
output says so. Each
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

from dataclasses import dataclass, replace

import numpy as np

from detente.errors import DetenteError
from detente.scenario import Proposal, Scenario

from . import guarantees
from .acceptability import verdict
from .fighting import Fighting, fighting_under, kept_shift, refold, stance_tables
from .robust import NO_DEAL_STREAM, red_line_draws
from .rules import Rules, Verdict
from .space import NO_AGREEMENT, OutcomeSpace
from .utility import DealProblem, UtilityKind, _distance_tables, distance_value, value_at

POINT_CANNOT_BE_HELD = ("the utilities are stated per option, so the deal space cannot hold a "
                        "point between them")


@dataclass(frozen=True)
class CompiledProposal:
    """A proposal on the deal space: ``options[I]``, its points between options judged at
    their own value, and those the deal space cannot hold (judged at the nearest option)."""

    proposal: Proposal
    options: np.ndarray
    snapped: tuple[tuple[str, float, str], ...]
    """``(issue, stated point, option used)`` where a point could not be held."""
    points: tuple[str, ...] = ()
    """Issues the plan puts at a point between options, judged at that point."""


def _matching(names: tuple[str, ...], values: np.ndarray, point: float) -> int | None:
    """The option at ``point`` (not the explicit no-agreement option: a plan that states
    the status quo's value settles the issue there), if any."""
    for o, (name, value) in enumerate(zip(names, values, strict=True)):
        if name != NO_AGREEMENT and np.isclose(value, point):
            return o
    return None


def compile_proposal(problem: DealProblem, scenario: Scenario, proposal: Proposal, *,
                     base: tuple[int, ...] | None = None) -> CompiledProposal:
    """The package of one proposal as option indices (see the module docstring); run
    :func:`with_points` on ``problem`` first to judge points at their own value (``base``:
    the number of each issue's own options, the rest being the points it added)."""
    del scenario  # the package reads only the problem's space (kept for symmetry)
    space = problem.space
    base = space.sizes if base is None else base
    out = np.array(problem.reference_options, dtype=np.int64)
    snapped, points = [], []
    for issue_id, choice in proposal.package.items():
        i = space.issues.index(issue_id)
        names, values = space.option_names[i], space.option_values[i]
        if isinstance(choice, str):
            out[i] = names.index(choice)
            continue
        o = _matching(names, values, float(choice))
        if o is None:
            o = int(np.argmin(np.abs(values - float(choice))))
            snapped.append((issue_id, float(choice), names[o]))
        elif o >= base[i]:
            points.append(issue_id)
        out[i] = o
    missing = [space.issues[i] for i in np.flatnonzero(out < 0)]
    if missing:
        raise DetenteError(f"proposal {proposal.id!r} leaves {', '.join(missing)} out, and "
                           "no status quo says where no deal leaves them: give an option")
    return CompiledProposal(proposal, out, tuple(snapped), tuple(points))


def with_points(problem: DealProblem,
                scenario: Scenario) -> tuple[DealProblem, tuple[int, ...]]:
    """``problem`` with each point a proposal states between options added as an option
    of its own (named by its value), where the utilities allow it.

    A point is held when the problem's utilities on its issue are the distance rule's
    (``w_ai v(|x − p_ai| / span)``, defined on the whole scale): no stated utilities
    (:attr:`DealProblem.keys`, terms, caps) and the issue's table equal to the rule's on
    its options. The new options come after the issue's own, so every package keeps its
    deal number in the first options; the no-deal values (``batna``, ``reference``)
    stay as computed on the deal space; red lines and linkages are recompiled on the
    values (a red line naming options leaves a point alone). Also returns the number of
    each issue's own options.
    """
    space = problem.space
    if problem.keys is not None or problem.cap is not None or (
            problem.terms is not None and problem.fighting is None):
        return problem, space.sizes
    extra: list[list[float]] = [[] for _ in space.issues]
    for prop in scenario.proposals:
        for issue_id, choice in prop.package.items():
            i = space.issues.index(issue_id)
            if isinstance(choice, str) or _matching(space.option_names[i],
                                                    space.option_values[i], float(choice)) \
                    is not None:
                continue
            if not any(np.isclose(v, float(choice)) for v in extra[i]):
                extra[i].append(float(choice))
    for i, issue in enumerate(scenario.issues):  # left out: judged at the status quo itself
        sq = issue.status_quo
        if sq is None or _matching(space.option_names[i], space.option_values[i], sq) \
                is not None or any(np.isclose(v, sq) for v in extra[i]):
            continue
        if any(issue.id not in prop.package for prop in scenario.proposals):
            extra[i].append(float(sq))
    if not any(extra):
        return problem, space.sizes
    names, values = list(space.option_names), list(space.option_values)
    for i, points in enumerate(extra):
        taken = set(names[i])
        new = [f"{v:g}" if f"{v:g}" not in taken else f"point {v:g}" for v in points]
        names[i] = names[i] + tuple(new)
        values[i] = np.append(values[i], points)
    wide = OutcomeSpace(space.issues, tuple(names), tuple(values))
    kind: UtilityKind = "quadratic" if problem.utility == "quadratic" else "linear"
    _, rule = _distance_tables(scenario, wide, kind, {})
    own = stance_tables(problem)  # the costs of fighting are folded in again below
    tables = list(own)
    for i, points in enumerate(extra):
        n = space.sizes[i]
        if points and np.allclose(rule[i][:n], own[i], rtol=0, atol=1e-12):
            tables[i] = rule[i]
        else:  # stated per option here: keep the deal space's options only
            names[i], values[i] = space.option_names[i], space.option_values[i]
    wide = OutcomeSpace(space.issues, tuple(names), tuple(values))
    rules = None if problem.rules is None else Rules.from_scenario(scenario, wide)
    ref_opts = np.array(problem.reference_options, dtype=np.int64)
    for i, issue in enumerate(scenario.issues):
        held = _matching(names[i][space.sizes[i]:], values[i][space.sizes[i]:],
                         issue.status_quo) if issue.status_quo is not None else None
        if held is not None and issue.no_agreement is None:
            ref_opts[i] = space.sizes[i] + held
    war = problem.war
    fighting = None if war is None else Fighting.from_scenario(scenario, wide)
    out = replace(problem, space=wide, rules=rules, reference_options=ref_opts,
                  war=None if war is None or fighting is None else replace(war, fighting=fighting))
    reference = problem.reference if problem.reference_kept is None else (
        problem.reference - problem.reference_kept)
    return refold(out, tables, reference, None), space.sizes


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


# ---- under uncertainty ------------------------------------------------------------------


def drawn_utilities(problem: DealProblem, scenario: Scenario, packages: np.ndarray,
                    *, draws: int, seed: int = 0,
                    base: tuple[int, ...] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``u[D, K, A]`` of packages ``[K, I]`` and no-deal values ``β[D, A]`` over ``draws``.

    Positions and saliences come from ``input_space(scenario).sample`` with its
    default kinds (the same draws as ``detente simulate`` and the robust deals with
    this seed; the capabilities drawn with them do not enter whether a party accepts
    a plan, which it judges on its own utility); stated BATNAs and pressures
    from :meth:`DealProblem.sample_batna` on the robust deals' no-deal stream
    (:data:`~detente.deals.robust.NO_DEAL_STREAM`), so a plan's P(agreed) is the
    survival probability :func:`detente.deals.robust.survival` gives its package,
    computed for every plan and draw at once; a BATNA derived from the status quo is
    recomputed on each draw's positions and saliences, over each issue's own options
    (``base``: how many; the points :func:`with_points` added do not move it).
    """
    from detente.uncertainty.sampling import block_generator, input_space

    if problem.keys is not None or problem.cap is not None or (
            problem.terms is not None and problem.fighting is None):
        raise DetenteError("draws need the distance utilities of a scenario, not stated "
                           "utility tables")
    packages = np.asarray(packages, dtype=np.int64)
    arrays = input_space(scenario).sample(seed, 0, draws)
    pos = np.nan_to_num(np.asarray(arrays.position))  # no stance: weight 0, value unused
    sal = np.asarray(arrays.salience) * np.asarray(arrays.mask)[None]
    total = sal.sum(axis=2, keepdims=True)
    w = np.divide(sal, total, out=np.zeros_like(sal), where=total > 0)  # [D, A, I]
    kind: UtilityKind = "quadratic" if problem.utility == "quadratic" else "linear"
    n_d, n_a = pos.shape[0], pos.shape[1]
    u = np.zeros((n_d, packages.shape[0], n_a))
    ref = np.zeros((n_d, n_a))
    base = problem.space.sizes if base is None else base
    for i, issue in enumerate(scenario.issues):
        values = problem.space.option_values[i]
        table = distance_value(values[None, None, :], pos[:, :, i, None], issue.span, kind)
        table *= w[:, :, i, None]  # [D, A, n_i]
        table = np.moveaxis(guarantees.adjust(issue, problem.actors, values,
                                              np.moveaxis(table, 1, 2)), 2, 1)
        u += np.moveaxis(table[:, :, packages[:, i]], 1, 2)
        ref += _at_status_quo(table[:, :, :base[i]], issue.status_quo,
                              pos[:, :, i], w[:, :, i], issue.span, kind)
    sampled, levels = problem.sample_no_deal(block_generator(seed, 0, NO_DEAL_STREAM), draws)
    derived = np.array([s.from_status_quo for s in problem.batna_provenance])
    stance_ref = problem.reference.sum(axis=1) - (
        0.0 if problem.reference_kept is None else problem.reference_kept.sum(axis=1))
    beta = np.where(derived[None], sampled + ref - stance_ref[None], sampled)
    if problem.fighting is not None:  # the costs of fighting each package keeps, per draw
        state = fighting_under(problem, packages)
        u += state.kept[None]
        if levels is not None:
            u += np.moveaxis(kept_shift(problem, packages, levels), 0, 1)
    return u, beta


def _at_status_quo(table: np.ndarray, sq: float | None, position: np.ndarray,
                   weight: np.ndarray, span: float, kind: UtilityKind) -> np.ndarray:
    """``[D, A]``: the weighted value at the status quo as :class:`DealProblem` computes
    it, ``w · v(status quo)`` by the distance rule at the point itself (``position``,
    ``weight``: ``[D, A]``), or the minimum over the options ``table[D, A, n]`` where
    there is no status quo."""
    if sq is None:
        return table.min(axis=2)
    return value_at(sq, position, weight, span, kind)


def acceptance_probabilities(problem: DealProblem, scenario: Scenario, packages: np.ndarray,
                             *, draws: int, seed: int = 0, base: tuple[int, ...] | None = None
                             ) -> tuple[np.ndarray, np.ndarray]:
    """``P[K, A]`` that each actor prefers each package to no deal, and ``agreed[K]``: that
    the package is acceptable (structure kept, every party whose consent it needs in);
    ``base`` as in :func:`drawn_utilities`."""
    packages = np.asarray(packages, dtype=np.int64)
    u, beta = drawn_utilities(problem, scenario, packages, draws=draws, seed=seed, base=base)
    ok = u > beta[:, None, :] if problem.acceptance == "above" else u >= beta[:, None, :]
    if problem.rules is not None:
        need = problem.rules.consenting(packages)  # [K, A]
        structural = problem.rules.structural_ok(packages)[None]  # [1 or D, K]
        lines = red_line_draws(problem, scenario, seed, draws)
        if lines is not None:  # uncertain red lines, drawn like the robust deals' ones
            structural = np.stack([problem.rules.with_red_lines(
                scenario, problem.space, b).structural_ok(packages) for b in lines])
    else:
        need = np.ones(packages.shape[0:1] + (problem.n_actors,), dtype=bool)
        structural = np.ones((1, packages.shape[0]), dtype=bool)
    agreed = ((ok | ~need[None]).all(axis=2) & structural).mean(axis=0)
    return ok.mean(axis=0), agreed


def judge_with_draws(problem: DealProblem, scenario: Scenario,
                     judged: list[ProposalJudgement], *, draws: int, seed: int = 0,
                     base: tuple[int, ...] | None = None) -> list[ProposalJudgement]:
    """The same judgements with acceptance probabilities over ``draws``."""
    from dataclasses import replace

    if not judged or draws <= 0:
        return judged
    packages = np.stack([j.compiled.options for j in judged])
    p, agreed = acceptance_probabilities(problem, scenario, packages, draws=draws, seed=seed,
                                         base=base)
    return [replace(j, p_accept=p[k], p_agreed=float(agreed[k])) for k, j in enumerate(judged)]
