"""The structure of a negotiation compiled onto a deal space, and one acceptability test.

A scenario may say who can deliver a move on an issue (``controlled_by``),
whose consent a move needs (``vetoes``), which outcomes an actor will not
accept (red lines), which offers are conditional (linkages), which actors
form a bloc, and which pressures move the no-deal values (see
``docs/scenarios.md``). :class:`Rules` holds those facts as arrays over the
options of a :class:`~detente.deals.space.OutcomeSpace`, and
:func:`acceptable` is the one test every tool uses (deals, ZOPA, logrolls,
phasing, and later proposals). A package ``x`` is **acceptable** when

1. it *moves* something: some issue's option differs from its no-deal option
   (the explicit ``no-agreement`` option, else the option at the status quo;
   an issue without a status quo always counts as moved);
2. no moved option crosses a red line (leaving an issue unsettled crosses
   none: it is not an agreement);
3. no linkage is broken: for each linkage, if its offer's condition holds
   at the package's values, so does its requirement;
4. every *consenting party* prefers it to no deal: ``u_a(x) > β_a`` for each
   actor ``a`` holding a veto on some moved issue (an issue without declared
   vetoes needs everyone's consent), and each actor whose measures an option
   of the package lifts (a sanctions issue's ``lifted_by``).

A scenario without structure has no rules (``None``) and the deal tools take
their plain path, in which every actor must prefer a deal to its BATNA.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.scenario import Scenario

from .space import NO_AGREEMENT, OutcomeSpace


@dataclass(frozen=True)
class LinkRule:
    """One linkage over option indices: ``offer[o]`` and ``requires[o]`` say whether each
    option of the offer's (requirement's) issue meets its condition."""

    actor: str
    text: str
    offer_issue: int
    offer: np.ndarray
    requires_issue: int
    requires: np.ndarray


@dataclass(frozen=True, eq=False)
class Rules:
    """The structure over a deal space (``I`` issues, ``A`` actors, ``n_i`` options).

    - ``reference[I]``: each issue's no-deal option (−1: none, every option moves);
    - ``crosses[i][o, A]``: option ``o`` of issue ``i`` crosses actor ``a``'s red line;
    - ``veto[I, A]``: a move on issue ``i`` needs ``a``'s consent;
    - ``deliver[I, A]``: ``a`` can deliver a move on issue ``i``;
    - ``links``: the linkages; ``party_weight[A]``: 1/(bloc size) for members of a
      declared bloc, 1 otherwise (a bloc counts once).
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    reference: np.ndarray
    crosses: tuple[np.ndarray, ...]
    red_line_text: Mapping[tuple[int, int], str]
    veto: np.ndarray
    deliver: np.ndarray
    links: tuple[LinkRule, ...]
    party_weight: np.ndarray
    lifts: tuple[np.ndarray, ...] = ()
    """Per issue ``[n_i, A]``: settling the issue at option ``o`` lifts actor ``a``'s
    measures (a sanctions issue's ``lifted_by``), so it needs ``a``'s consent (empty:
    no such issue)."""

    @classmethod
    def from_scenario(cls, scenario: Scenario, space: OutcomeSpace) -> Rules:
        actors = scenario.actor_ids
        n_a = len(actors)
        reference = np.full(len(space.issues), -1, dtype=np.int64)
        crosses: list[np.ndarray] = []
        text: dict[tuple[int, int], str] = {}
        for i, issue in enumerate(scenario.issues):
            names, values = space.option_names[i], space.option_values[i]
            if issue.no_agreement is not None and NO_AGREEMENT in names:
                reference[i] = names.index(NO_AGREEMENT)
            elif issue.status_quo is not None:
                hits = np.flatnonzero(np.isclose(values, issue.status_quo))
                reference[i] = int(hits[0]) if hits.size else -1
            for st in scenario.stances:
                if st.issue != issue.id:
                    continue
                a = actors.index(st.actor)
                for line in st.red_lines:
                    text[(a, i)] = (text.get((a, i), "") + "; " if (a, i) in text else "") + (
                        line.describe())
            crosses.append(_crosses(scenario, space, i, int(reference[i]), None))
        veto = np.array([[issue.holds_veto(a) for a in actors] for issue in scenario.issues],
                        dtype=bool).reshape(len(scenario.issues), n_a)
        deliver = np.array([[issue.can_deliver(a) for a in actors] for issue in scenario.issues],
                           dtype=bool).reshape(len(scenario.issues), n_a)
        links = []
        for link in scenario.linkages:
            oi = space.issues.index(link.offer.issue)
            ri = space.issues.index(link.requires.issue)
            links.append(LinkRule(
                link.actor, link.describe(),
                oi, np.array([link.offer.admits(float(v), n) for n, v in
                              zip(space.option_names[oi], space.option_values[oi], strict=True)]),
                ri, np.array([link.requires.admits(float(v), n) for n, v in
                              zip(space.option_names[ri], space.option_values[ri], strict=True)]),
            ))
        weight = np.ones(n_a)
        for a, actor in enumerate(actors):
            bloc = scenario.bloc_of(actor)
            if bloc is not None:
                weight[a] = 1.0 / sum(x.bloc == bloc.id for x in scenario.actors)
        lifts = []
        for i, issue in enumerate(scenario.issues):
            t = np.zeros((len(space.option_names[i]), n_a), dtype=bool)
            for name, lifters in issue.lifted_by.items():
                if name in space.option_names[i]:
                    o = space.option_names[i].index(name)
                    t[o] = [a in lifters for a in actors]
            lifts.append(t)
        return cls(actors, space.issues, reference, tuple(crosses), text, veto, deliver,
                   tuple(links), weight,
                   tuple(lifts) if any(t.any() for t in lifts) else ())

    def with_red_lines(self, scenario: Scenario, space: OutcomeSpace,
                       bounds: np.ndarray) -> Rules:
        """These rules with each uncertain red line at its drawn bound ``bounds[L]``
        (:func:`detente.violations.draw_red_lines`, one draw)."""
        from dataclasses import replace

        from detente.violations import uncertain_red_lines

        drawn = {key: float(b) for key, b in zip(uncertain_red_lines(scenario), bounds,
                                                  strict=True)}
        touched = {scenario.stances[s].issue for s, _ in drawn}
        crosses = tuple(
            _crosses(scenario, space, i, int(self.reference[i]), drawn)
            if issue in touched else c
            for i, (issue, c) in enumerate(zip(space.issues, self.crosses, strict=True)))
        return replace(self, crosses=crosses)

    # ---- per package ------------------------------------------------------------------
    def moved(self, options: np.ndarray) -> np.ndarray:
        """``M[..., I]``: which issues a package moves from no deal."""
        options = np.asarray(options, dtype=np.int64)
        return (self.reference < 0) | (options != self.reference)

    def consenting(self, options: np.ndarray) -> np.ndarray:
        """``C[..., A]``: the actors whose consent a package needs (a veto on a moved issue)."""
        m = self.moved(options).astype(np.int64)
        need = (m @ self.veto.astype(np.int64)) > 0
        options = np.asarray(options, dtype=np.int64)
        for i, t in enumerate(self.lifts):  # an option lifting an actor's measures
            need |= t[options[..., i]]
        return need

    def structural_ok(self, options: np.ndarray) -> np.ndarray:
        """``ok[...]``: moves something, crosses no red line and breaks no linkage."""
        options = np.asarray(options, dtype=np.int64)
        ok = np.asarray(self.moved(options).any(axis=-1))
        for i, c in enumerate(self.crosses):
            ok &= ~c[options[..., i]].any(axis=-1)
        for link in self.links:
            ok &= ~(link.offer[options[..., link.offer_issue]]
                    & ~link.requires[options[..., link.requires_issue]])
        return ok

    def screen(self, options: np.ndarray, varying: Sequence[int] = ()) -> Screen:
        """The part of :meth:`acceptable` that no draw changes, done once over packages
        ``options[N, I]``: which move something, break no linkage and cross no red line
        on an issue outside ``varying`` (the issues whose red lines are drawn:
        :func:`drawn_issues`), and whose consent each of those needs. Draws then test
        only these packages, on the drawn red lines and utilities
        (:func:`detente.deals.acceptability.screened`): vetoes, linkages, ``lifted_by``
        and the no-deal options are the same in every draw."""
        options = np.asarray(options, dtype=np.int64)
        varying = tuple(sorted(set(int(i) for i in varying)))
        ok = np.asarray(self.moved(options).any(axis=-1))
        for link in self.links:
            ok &= ~(link.offer[options[..., link.offer_issue]]
                    & ~link.requires[options[..., link.requires_issue]])
        for i, c in enumerate(self.crosses):
            if i not in varying:
                ok &= ~np.asarray(c.any(axis=1))[options[..., i]]
        rows = np.flatnonzero(ok)
        kept = options[rows]
        return Screen(rows, kept, self.consenting(kept), varying)

    def acceptable(self, options: np.ndarray, u: np.ndarray, batna: np.ndarray) -> np.ndarray:
        """``ok[...]`` of packages ``options[..., I]`` with utilities ``u[..., A]`` and
        no-deal values ``batna[A]``: see the module docstring."""
        return np.asarray(self.structural_ok(options) & (
            (u > batna) | ~self.consenting(options)).all(axis=-1))

    def explain(self, options: np.ndarray, u: np.ndarray, batna: np.ndarray) -> Verdict:
        """Why one package is (not) acceptable, labelled."""
        options = np.asarray(options, dtype=np.int64)
        crossed = [f"{self.actors[a]}'s red line on {self.issues[i]} "
                   f"({self.red_line_text[int(a), i]})"
                   for i, c in enumerate(self.crosses) for a in np.flatnonzero(c[options[i]])]
        broken = [link.text for link in self.links
                  if link.offer[options[link.offer_issue]]
                  and not link.requires[options[link.requires_issue]]]
        need = self.consenting(options)
        refuse = [self.actors[a] for a in np.flatnonzero(need & ~(u > batna))]
        moves = bool(self.moved(options).any())
        return Verdict(
            acceptable=moves and not crossed and not broken and not refuse,
            moves=moves,
            red_lines=tuple(crossed),
            linkages=tuple(broken),
            vetoed_by=tuple(refuse),
            consent_of=tuple(self.actors[a] for a in np.flatnonzero(need)),
        )

    def delivered_by(self, issue: int) -> tuple[str, ...]:
        """Who can deliver a move on ``issue``."""
        return tuple(self.actors[a] for a in np.flatnonzero(self.deliver[issue]))


@dataclass(frozen=True, eq=False)
class Screen:
    """Packages that pass every draw-invariant test of :meth:`Rules.acceptable`
    (:meth:`Rules.screen`): ``rows[S]`` their indices among the screened packages,
    ``options[S, I]`` their option rows, ``consent[S, A]`` whose consent each needs;
    ``varying`` the issues whose red lines are drawn (a draw's rules agree with the
    point's on every other issue: :meth:`Rules.with_red_lines` redraws only these)."""

    rows: np.ndarray
    options: np.ndarray
    consent: np.ndarray
    varying: tuple[int, ...]

    def crossing_free(self, rules: Rules) -> np.ndarray:
        """``ok[S]``: the screened packages that cross none of ``rules``' red lines on the
        varying issues (``rules``: one draw's, :meth:`Rules.with_red_lines`)."""
        ok = np.ones(len(self.options), dtype=bool)
        for i in self.varying:
            ok &= ~np.asarray(rules.crosses[i].any(axis=1))[self.options[:, i]]
        return ok


def drawn_issues(scenario: Scenario, space: OutcomeSpace) -> tuple[int, ...]:
    """Indices of the issues on which some red line has an uncertain bound (the issues
    whose crossings :meth:`Rules.with_red_lines` redraws)."""
    from detente.violations import uncertain_red_lines

    return tuple(sorted({space.issues.index(scenario.stances[s].issue)
                         for s, _ in uncertain_red_lines(scenario)}))


def _crosses(scenario: Scenario, space: OutcomeSpace, i: int, reference: int,
             drawn: Mapping[tuple[int, int], float] | None) -> np.ndarray:
    """``[n_i, A]``: which options of issue ``i`` cross each actor's red lines (a line in
    ``drawn``, keyed by stance and line index, at its drawn bound)."""
    actors = scenario.actor_ids
    names, values = space.option_names[i], space.option_values[i]
    c = np.zeros((len(names), len(actors)), dtype=bool)
    for s, st in enumerate(scenario.stances):
        if st.issue != space.issues[i]:
            continue
        a = actors.index(st.actor)
        for k, line in enumerate(st.red_lines):
            if drawn is not None and (s, k) in drawn:
                line = line.at(drawn[(s, k)])
            for o, (name, value) in enumerate(zip(names, values, strict=True)):
                c[o, a] |= line.excludes(float(value), name)
    if reference >= 0:
        c[reference] = False  # leaving the issue unsettled crosses no red line
    return c


@dataclass(frozen=True)
class Verdict:
    """The acceptability of one package, and the reasons when it is not."""

    acceptable: bool
    moves: bool
    red_lines: tuple[str, ...]
    linkages: tuple[str, ...]
    vetoed_by: tuple[str, ...]
    consent_of: tuple[str, ...]

    def reasons(self) -> list[str]:
        out = [] if self.moves else ["it moves nothing from no deal"]
        out += [f"crosses {r}" for r in self.red_lines]
        out += [f"breaks the linkage {t}" for t in self.linkages]
        out += [f"{a} (holding a veto) prefers no deal" for a in self.vetoed_by]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"acceptable": self.acceptable, "consent_of": list(self.consent_of),
                "reasons": self.reasons()}
