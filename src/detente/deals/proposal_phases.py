"""A proposal's own phases, judged by the phasing rules: deliverable, who delivers, who defects.

A proposal may state its phases (``Proposal.phases``: named stages, each
settling some of its issues). :mod:`detente.deals.phasing` searches for the
best order of a deal; here the order is the plan's, and each stage is judged
by the same rules (issue 11):

- **steps**: the issues the plan moves from no deal (with structure: from the
  no-deal option; without, from the status quo option). An issue a stage
  lists that the plan does not move is no step; an issue the plan moves but no
  stage lists is delivered in a last stage of its own (``not phased``), and
  the output says so;
- **deliverable**: after each stage no linkage is broken (a conditional offer
  is delivered only with, or after, what it is conditional on;
  :func:`~detente.deals.phasing.broken_after`); each step names the parties
  that can deliver it (``controlled_by``; anyone, where unset);
- **defection** (one-shot deviation, simultaneous moves within a stage, as in
  :mod:`~detente.deals.phasing`): with gains ``g_ai`` from no deal, completing
  the plan is worth ``G_a = Σ_i g_ai`` and defecting in stage ``k`` is worth
  ``D_a(k) = Σ_{i before k} g_ai + Σ_{i in k} max(g_ai, 0)``; actor ``a`` would
  defect in stage ``k`` when ``D_a(k) > G_a``. Only the parties whose consent
  the plan needs can defect (with structure; everyone without). The plan is
  **self-enforcing** when no such party gains by defecting anywhere nor by
  walking away at the start; otherwise ``t_a = max(0, max(β_a, max_k D_a(k)) −
  G_a)`` is the guarantee ``a`` would need (phasing's shortfall).

A blocked plan is judged too: its stages show where it would break even if
the blocking party were brought in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.scenario import Proposal

from .logrolls import gain_table
from .phasing import broken_after, defection_values, plan_shortfalls
from .utility import DealProblem

NOT_PHASED = "not phased"
"""The name of the last stage holding the issues the plan moves but no stage lists."""

_EPS = 1e-12


@dataclass(frozen=True)
class Step:
    """One stage of a plan as judged."""

    name: str
    moves: tuple[str, ...]
    """The issues this stage moves from no deal."""
    delivered_by: dict[str, tuple[str, ...]]
    """Per issue moved, the parties that can deliver it."""
    linkages_broken: tuple[str, ...]
    """Linkages broken once this stage is delivered (an offer before its condition)."""
    defects: dict[str, float]
    """Parties better off defecting here than completing, by ``D_a(k) − G_a``."""

    @property
    def deliverable(self) -> bool:
        return not self.linkages_broken

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "moves": list(self.moves),
                "delivered_by": {k: list(v) for k, v in self.delivered_by.items()},
                "deliverable": self.deliverable, "linkages_broken": list(self.linkages_broken),
                "would_defect": self.defects}


@dataclass(frozen=True)
class PhasedPlanJudgement:
    """A proposal's stated phases judged step by step (see the module docstring)."""

    steps: tuple[Step, ...]
    unphased: tuple[str, ...]
    """Issues the plan moves that no stage lists (delivered in a last stage)."""
    can_defect: tuple[str, ...]
    shortfall: dict[str, float]
    """Per party that can defect: the guarantee it would need, ``t_a``."""

    @property
    def deliverable(self) -> bool:
        return all(s.deliverable for s in self.steps)

    @property
    def guarantee(self) -> float:
        return float(sum(self.shortfall.values()))

    @property
    def self_enforcing(self) -> bool:
        return self.guarantee <= _EPS

    def to_dict(self) -> dict[str, Any]:
        return {"steps": [s.to_dict() for s in self.steps], "unphased": list(self.unphased),
                "deliverable": self.deliverable, "self_enforcing": self.self_enforcing,
                "guarantee": self.guarantee, "shortfall": self.shortfall,
                "can_defect": list(self.can_defect)}


def judge_phases(problem: DealProblem, options: np.ndarray,
                 proposal: Proposal) -> PhasedPlanJudgement | None:
    """The stated phases of ``proposal`` (compiled to ``options[I]``) judged; ``None``
    when it states none or the utilities do not add up over issues (no gains per step)."""
    if not proposal.phases or problem.terms is not None:
        return None
    options = np.asarray(options, dtype=np.int64)
    rules = problem.rules
    if rules is not None:
        moved = rules.moved(options)
    else:
        ref = np.asarray(problem.reference_options)
        moved = (ref < 0) | (options != ref)
    stage: dict[int, int] = {}
    names = [ph.name for ph in proposal.phases]
    for k, ph in enumerate(proposal.phases):
        for issue in ph.issues:
            i = problem.issues.index(issue)
            if moved[i]:
                stage.setdefault(i, k)
    rest = [int(i) for i in np.flatnonzero(moved) if int(i) not in stage]
    if rest:
        names.append(NOT_PHASED)
        stage.update({i: len(names) - 1 for i in rest})
    changed = np.array(sorted(stage), dtype=np.int64)
    phi = np.array([[stage[int(i)] for i in changed]], dtype=np.int64).reshape(1, len(changed))
    party = (rules.consenting(options) if rules is not None
             else np.ones(problem.n_actors, dtype=bool))
    short, _ = plan_shortfalls(problem, options, changed, phi)  # phase()'s pricing
    g = gain_table(problem)[:, changed, options[changed]][party]  # [A', m]
    who = [a for a, p in zip(problem.actors, party, strict=True) if p]
    final = g.sum(axis=1)
    steps = []
    for k, name in enumerate(names):
        in_k = [int(i) for i in changed if stage[int(i)] == k]
        broken = (broken_after(rules, options, changed, phi, k)[0] if rules is not None
                  else np.zeros(0, dtype=bool))
        gain = defection_values(g, phi, k)[0] - final
        steps.append(Step(
            name=name,
            moves=tuple(problem.issues[i] for i in in_k),
            delivered_by={problem.issues[i]: (rules.delivered_by(i) if rules is not None
                                              else problem.actors) for i in in_k},
            linkages_broken=tuple(rules.links[j].text for j in np.flatnonzero(broken))
            if rules is not None else (),
            defects={a: float(x) for a, x in zip(who, gain, strict=True) if x > _EPS}))
    return PhasedPlanJudgement(
        steps=tuple(steps), unphased=tuple(problem.issues[i] for i in rest),
        can_defect=tuple(who),
        shortfall={a: float(x) for a, x, p in zip(problem.actors, short[0], party, strict=True)
                   if p})
