"""Each actor's utility for a deal, and its no-deal value (BATNA).

**Utility.** For actor ``a`` with a stance (position ``p_ai``, salience
``s_ai``) on issue ``i`` of span ``L_i = high_i − low_i``, the value of
option ``x`` is

- linear (default):  ``v_ai(x) = 1 − |x − p_ai| / L_i``
- quadratic:         ``v_ai(x) = 1 − ((x − p_ai) / L_i)²``
- table:             ``v_ai(x) = T_ai[x]``, a number in ``[0, 1]`` per option,
  from the ``tables=`` argument (``{actor: {issue: {option: value}}}``); it
  overrides the distance rule for the (actor, issue) pairs it names.

and the utility of a deal ``x = (x_1, …, x_I)`` is additive over issues,
weighted by salience normalised to sum to one:

    u_a(x) = Σ_i w_ai v_ai(x_i),   w_ai = s_ai / Σ_j s_aj,

so ``u_a ∈ [0, 1]``, 1 being every issue settled at ``a``'s position (the
scale of GENIUS utility spaces). An actor without a stance on an issue has
``w_ai = 0`` there.

**Stated utilities.** ``spaces=`` (a :class:`~detente.utility_space.UtilitySpaces`,
what the GENIUS reader returns beside the scenario) replaces all of this by
the utilities a file states, exactly as the file computes them (raw weights,
a cap, hyper-rectangle terms; see :mod:`detente.deals.stated`), with the
reservation values as BATNAs and the file's acceptance rule.

**Acceptance.** An actor accepts a deal whose utility is ``above`` its BATNA
(``u > β``, the default for detente's own formats) or ``at_least`` it
(``u >= β``, GENIUS's rule and the default for stated utilities); the
``acceptance=`` argument chooses.

**BATNA.** ``Actor.batna`` (on this 0..1 scale) when the scenario gives it,
optionally uncertain (``Actor.batna_uncertainty``); otherwise derived from
the status quo: ``β_a = u_a(status quo)``, where an issue without a status
quo counts as the actor's least-liked option on it (no deal gives it
nothing there). The status quo need not be one of an issue's options: the
distance rule is defined on the whole scale, so ``v_ai(status quo)`` is the
formula's value at that point (:func:`value_at`), never read off the options
around it. Only a per-option utility table (``tables=``, stated GENIUS
utilities), which has no value between its options, is interpolated linearly
between the two options either side of an off-grid status quo.
When the scenario names
pressure variables, ``β_a = β_a⁰ + Σ_p c_ap · v_p`` with ``c_ap`` from
``Actor.batna_pressure`` and ``v_p`` the pressure's value (after any named
shocks, which add to it); uncertain pressures are sampled with the BATNAs.

**Structure.** A scenario with control, vetoes, red lines, linkages, blocs or
pressures also gets :class:`~detente.deals.rules.Rules` (``problem.rules``),
which every deal tool applies; without any, ``rules`` is ``None`` and the
numbers are those of the plain model above.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from detente.errors import DetenteError
from detente.scenario import Distribution, Scenario
from detente.utility_space import ACCEPTANCE_RULES, Acceptance, UtilitySpaces

from . import guarantees
from .fighting import Fighting, fold, kept_at
from .parts import PressureTerms, StatedKeys, WarCosts
from .provenance import BatnaOrigin, BatnaProvenance
from .rules import Rules
from .space import DEFAULT_CHUNK, DEFAULT_GRID, NO_AGREEMENT, OutcomeSpace
from .stated import SCREEN, Keys, Terms, compile_spaces

UtilityKind = Literal["linear", "quadratic"]
Tables = Mapping[str, Mapping[str, Mapping[str, float]]]


def distance_value(x: np.ndarray, position: np.ndarray, span: float | np.ndarray,
                   kind: UtilityKind = "linear") -> np.ndarray:
    """``v(x)`` from the distance to ``position`` on a scale of length ``span``."""
    d = np.abs(np.asarray(x, dtype=float) - position) / span
    if kind == "linear":
        return 1.0 - d
    if kind == "quadratic":
        return 1.0 - d * d
    raise ValueError(f"unknown utility kind {kind!r}; use 'linear' or 'quadratic'")


def value_at(x: float, position: np.ndarray, weight: np.ndarray, span: float,
             kind: UtilityKind = "linear") -> np.ndarray:
    """``w · v(x)``: the weighted distance-rule value of the point ``x`` (any point of the
    scale, not only an option), elementwise over ``position`` and ``weight`` (any equal
    shapes); a NaN position (no stance) has weight 0 and counts 0."""
    return np.asarray(weight) * distance_value(np.asarray(x, dtype=float),
                                               np.nan_to_num(position), span, kind)


@dataclass(frozen=True, eq=False)
class DealProblem:
    """The numbers of a deal analysis, labelled: a core every problem has, and optional
    parts (:mod:`detente.deals.parts`), ``None`` where the scenario does not declare them.

    ``tables[i]`` is ``[n_i, A]``: the weighted value ``w_ai v_ai(o)`` of each
    option ``o`` of issue ``i`` to each actor, so ``u(x) = Σ_i tables[i][x_i]``.
    ``reference[A, I]`` holds the same at the status quo (NaN-free: an issue
    without a status quo holds the actor's minimum there). ``batna[A]`` is the
    point BATNA; ``batna_dist`` the optional uncertainty per actor.

    The optional parts are ``pressure`` (:class:`~detente.deals.parts.PressureTerms`),
    ``stated`` (:class:`~detente.deals.parts.StatedKeys`) and ``war``
    (:class:`~detente.deals.parts.WarCosts`); their fields read also as the problem's
    own properties (``pressure_effect``, ``cap``, ``fighting``, ...), ``None`` or empty
    without the part.
    """

    actors: tuple[str, ...]
    space: OutcomeSpace
    tables: tuple[np.ndarray, ...]
    capability: np.ndarray
    batna: np.ndarray
    batna_provenance: tuple[BatnaProvenance, ...]
    """Per actor: where its no-deal value comes from (:mod:`detente.deals.provenance`)."""
    reference: np.ndarray
    reference_options: np.ndarray
    batna_dist: tuple[Distribution | None, ...] = ()
    utility: str = "linear"
    weight: np.ndarray | None = None
    """``w[A, I]``: the salience weights (each actor's sum to one), when known."""
    acceptance: Acceptance = "above"
    """An actor accepts a deal worth ``above`` (``>``) or ``at_least`` (``>=``) its BATNA."""
    terms: Terms | None = None
    """Non-additive hyper-rectangle terms (of stated utilities, or of costs of fighting
    that several issues stop together), if any."""
    rules: Rules | None = None
    """The scenario's structure over the deal space (``None``: none declared)."""
    pressure: PressureTerms | None = None
    """The pressure variables the no-deal values depend on (``None``: none declared)."""
    stated: StatedKeys | None = None
    """The caps and exact keys of stated utilities (``None``: distance utilities)."""
    war: WarCosts | None = None
    """The costs of fighting folded into ``tables``/``terms`` (``None``: no pressure is a
    cost of fighting; see :mod:`detente.deals.fighting`)."""

    # ---- the optional parts' fields, read through the problem -------------------------
    @property
    def pressure_effect(self) -> np.ndarray | None:
        """``c[A, P]``: each actor's BATNA change per unit of each pressure."""
        return None if self.pressure is None else self.pressure.effect

    @property
    def pressure_value(self) -> np.ndarray | None:
        """``v[P]``: the pressures' values used in ``batna`` (after shocks)."""
        return None if self.pressure is None else self.pressure.value

    @property
    def pressure_dist(self) -> tuple[tuple[Distribution | None, float], ...]:
        """Each pressure's uncertainty and stated value."""
        return () if self.pressure is None else self.pressure.dist

    @property
    def pressures(self) -> tuple[str, ...]:
        """The pressures' ids, in order."""
        return () if self.pressure is None else self.pressure.ids

    @property
    def shocks(self) -> tuple[str, ...]:
        """The named shocks applied to the pressures (their ids)."""
        return () if self.pressure is None else self.pressure.shocks

    @property
    def cap(self) -> np.ndarray | None:
        """``cap[A]``: utility caps (``inf``: none), if any."""
        return None if self.stated is None else self.stated.cap

    @property
    def keys(self) -> Keys | None:
        """Exact scaled-integer copies of the numbers, for comparisons (stated utilities)."""
        return None if self.stated is None else self.stated.keys

    @property
    def fighting(self) -> Fighting | None:
        """Where fighting goes on and which pressures are its costs (``None``: no pressure
        is a cost of fighting)."""
        return None if self.war is None else self.war.fighting

    @property
    def fighting_where(self) -> np.ndarray | None:
        """``[P]``: the issue whose table holds each cost of fighting (``-1``: terms)."""
        return None if self.war is None else self.war.where

    @property
    def reference_kept(self) -> np.ndarray | None:
        """``[A, I]``: the part of ``reference`` that is kept costs of fighting."""
        return None if self.war is None else self.war.kept

    @property
    def borne_effect(self) -> np.ndarray | None:
        """``c[A, P]`` of the actors whose no-deal value carries pressures (zero rows for a
        BATNA given as it is): what each actor bears of each pressure."""
        if self.pressure_effect is None:
            return None
        return np.where(self.pressured[:, None], self.pressure_effect, 0.0)

    @property
    def issues(self) -> tuple[str, ...]:
        return self.space.issues

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    # ---- building ---------------------------------------------------------------
    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        *,
        utility: UtilityKind = "linear",
        grid: int = DEFAULT_GRID,
        tables: Tables | None = None,
        batna: Mapping[str, float] | None = None,
        spaces: UtilitySpaces | None = None,
        acceptance: Acceptance | None = None,
        shocks: tuple[str, ...] = (),
        pressures: Mapping[str, float] | None = None,
    ) -> DealProblem:
        """Compile a scenario (``tables`` and ``batna`` override the scenario's; ``spaces``:
        stated utilities replacing the distance rule; ``acceptance``: ``"above"`` or
        ``"at_least"``, default the stated utilities' rule, else ``"above"``; ``shocks``
        names shocks of the scenario to apply and ``pressures`` sets pressure values
        before them; a BATNA given in ``batna`` is taken as it is, without pressures)."""
        if utility not in ("linear", "quadratic"):
            raise DetenteError(f"utility {utility!r}: expected linear or quadratic")
        rule = acceptance or (spaces.acceptance if spaces is not None else "above")
        if rule not in ACCEPTANCE_RULES:
            raise DetenteError(f"acceptance {rule!r}: expected one of "
                               f"{', '.join(ACCEPTANCE_RULES)}")
        space = OutcomeSpace.from_scenario(scenario, grid)
        actors = scenario.actor_ids
        unknown = set(batna or {}) - set(actors)
        if unknown:
            raise DetenteError(f"BATNA given for unknown actor(s): {', '.join(sorted(unknown))}")
        given = dict(tables or {})
        weight, out_tables = _distance_tables(scenario, space, utility, given)
        ruled = ~np.array([_has_table(given, actors, i) for i in space.issues]).T
        terms: Terms | None = None
        stated = war = None
        if spaces is not None:
            compiled = compile_spaces(spaces, space, actors, batna)
            out_tables, terms = list(compiled.tables), compiled.terms
            stated = StatedKeys(compiled.cap, compiled.keys)
            ruled[:] = False  # stated per option: no formula between options
        reference, ref_opts = _reference(scenario, space, out_tables,
                                         _positions(scenario, space), weight, utility, ruled)
        point = reference.sum(axis=1)
        origin = [BatnaOrigin.STATUS_QUO] * len(actors)
        for a, actor in enumerate(scenario.actors):
            if batna and actor.id in batna:
                point[a], origin[a] = float(batna[actor.id]), BatnaOrigin.GIVEN
            elif spaces is not None:
                point[a], origin[a] = compiled.batna[a], BatnaOrigin.RESERVATION
            elif actor.batna is not None:
                point[a], origin[a] = actor.batna, BatnaOrigin.SCENARIO
        provenance = [BatnaProvenance(o) for o in origin]
        effect, value = _pressure_terms(scenario, shocks, pressures)
        if effect.size:
            shift = effect @ value
            moved = {k.id: set(k.changes) for k in scenario.shocks if k.id in shocks}
            for a, actor in enumerate(scenario.actors):
                if origin[a] is not BatnaOrigin.GIVEN and actor.batna_pressure:
                    point[a] += shift[a]
                    hit = tuple(k for k in dict.fromkeys(shocks)
                                if moved.get(k, set()) & set(actor.batna_pressure))
                    provenance[a] = BatnaProvenance(origin[a], pressured=True, shocks=hit)
        fighting = Fighting.from_scenario(scenario, space) if spaces is None and effect.size \
            else None
        if fighting is not None:
            borne = np.where(np.array([p.pressured for p in provenance])[:, None],
                             effect, 0.0)  # a BATNA given as it is carries no pressure
            out_tables, terms, where = fold(fighting, borne, value, out_tables)
            kept = kept_at(fighting, borne, value, where, ref_opts, len(actors))
            reference = reference + kept
            war = WarCosts(fighting, where, kept)
        pressure = PressureTerms(
            ids=tuple(p.id for p in scenario.pressures), effect=effect, value=value,
            dist=tuple((p.uncertainty, p.value) for p in scenario.pressures),
            shocks=tuple(dict.fromkeys(shocks))) if effect.size else None
        return cls(
            actors=actors,
            space=space,
            tables=tuple(out_tables),
            capability=np.array([a.capability for a in scenario.actors], dtype=float),
            batna=point,
            batna_provenance=tuple(provenance),
            reference=reference,
            reference_options=ref_opts,
            batna_dist=tuple(a.batna_uncertainty for a in scenario.actors),
            utility=utility,
            weight=weight,
            acceptance=rule,
            terms=terms,
            rules=Rules.from_scenario(scenario, space) if scenario.has_structure else None,
            pressure=pressure,
            stated=stated,
            war=war,
        )

    @classmethod
    def from_tables(
        cls,
        tables: list[np.ndarray],
        *,
        batna: np.ndarray | None = None,
        capability: np.ndarray | None = None,
        actors: tuple[str, ...] | None = None,
        issues: tuple[str, ...] | None = None,
    ) -> DealProblem:
        """A problem from bare per-issue tables ``[n_i, A]`` of weighted values."""
        tables = [np.asarray(t, dtype=float) for t in tables]
        n_a = tables[0].shape[1]
        actors = actors or tuple(f"a{k}" for k in range(n_a))
        issues = issues or tuple(f"i{k}" for k in range(len(tables)))
        names = tuple(tuple(str(o) for o in range(t.shape[0])) for t in tables)
        space = OutcomeSpace(issues, names, tuple(np.arange(t.shape[0], dtype=float)
                                                  for t in tables))
        ref = np.stack([t.min(axis=0) for t in tables], axis=1)
        return cls(
            actors=actors,
            space=space,
            tables=tuple(tables),
            capability=np.ones(n_a) if capability is None else np.asarray(capability, float),
            batna=np.zeros(n_a) if batna is None else np.asarray(batna, dtype=float),
            batna_provenance=(BatnaProvenance(BatnaOrigin.GIVEN),) * n_a,
            reference=ref,
            reference_options=np.full(len(tables), -1),
            batna_dist=(None,) * n_a,
        )

    # ---- evaluating ---------------------------------------------------------------
    def utilities(self, index: np.ndarray) -> np.ndarray:
        """``U[n, A]`` of deals given by number."""
        return self.utilities_of(self.space.decode(index))

    def utilities_of(self, options: np.ndarray) -> np.ndarray:
        """``U[..., A]`` of deals given as option-index rows ``[..., I]``."""
        return _evaluate(options, self.tables, self.terms, None, self.cap)

    def keys_of(self, options: np.ndarray) -> np.ndarray:
        """What deals are compared on: the exact scaled keys ``S_a·u_a`` where the problem
        has them (stated utilities), else the utilities."""
        if self.keys is None:
            return self.utilities_of(options)
        k = self.keys
        return _evaluate(options, k.tables, self.terms, k.term_value, k.cap)

    @property
    def key_tables(self) -> tuple[np.ndarray, ...]:
        return self.tables if self.keys is None else self.keys.tables

    @property
    def key_batna(self) -> np.ndarray:
        """The BATNAs in key units (equal to ``batna`` without keys)."""
        if self.keys is None:
            return self.batna
        return self.keys.batna

    @property
    def key_scale(self) -> np.ndarray | None:
        """``S[A]``: key = ``S_a · u_a`` (``None``: keys are the utilities)."""
        return None if self.keys is None else self.keys.scale

    @property
    def additive(self) -> bool:
        """Utility is the sum of per-issue tables: no rectangle terms, no binding cap."""
        if self.terms is not None:
            return False
        if self.cap is None:
            return True
        cap = self.cap if self.keys is None else self.keys.cap
        top = np.sum([t.max(axis=0) for t in self.key_tables], axis=0)
        return bool((top <= cap).all())

    def require_additive(self, what: str) -> None:
        """An error naming ``what`` when utilities are not additive over issues."""
        if self.terms is not None and self.fighting is not None:
            raise DetenteError(f"{what} needs utilities that add up over issues; here the "
                               "costs of fighting run until several issues together stop "
                               "it (give each front one issue that stops its fighting)")
        if self.terms is not None:
            raise DetenteError(f"{what} needs utilities that add up over issues; these have "
                               "hyper-rectangle terms (a nonlinear utility space)")

    def accepts(self, keys: np.ndarray, batna: np.ndarray | None = None) -> np.ndarray:
        """Per actor, whether deals (given by keys ``[..., A]``) pass the acceptance rule
        against ``batna`` (default the problem's, in key units)."""
        beta = self.key_batna if batna is None else batna
        return keys >= beta if self.acceptance == "at_least" else keys > beta

    def accepts_deals(self, options: np.ndarray, u: np.ndarray, batna: np.ndarray,
                      batna_key: np.ndarray) -> np.ndarray:
        """``[n, A]``: whether each actor accepts each deal ``options[n, I]`` against
        ``batna`` (floats) / ``batna_key`` (keys), given the deals' float utilities ``u``.

        Float keys are compared directly; big (object) keys only where the float
        utility is within ``1e-9`` of the BATNA, the rest is clear from the floats.
        """
        if self.keys is None or not self.keys.big:
            return self.accepts(u if self.keys is None else self.keys_of(options), batna_key)
        out = u >= batna if self.acceptance == "at_least" else u > batna
        close = np.flatnonzero((np.abs(u - batna) <= SCREEN).any(axis=1))
        if len(close):
            out[close] = self.accepts(self.keys_of(options[close]), batna_key)
        return out

    def iter_utilities(self, chunk: int = DEFAULT_CHUNK):
        """``(deal numbers, U)`` over the whole space, ``chunk`` deals at a time."""
        for index in self.space.chunks(chunk):
            yield index, self.utilities(index)

    def ideal(self) -> np.ndarray:
        """Each actor's best utility over all deals: ``Σ_i max_o tables[i][o, a]`` (additive
        utilities; capped where a cap applies)."""
        top = np.sum([t.max(axis=0) for t in self.tables], axis=0)
        return top if self.cap is None else np.minimum(top, self.cap)

    def parse_deal(self, deal: Mapping[str, Any] | str) -> np.ndarray:
        """Option indices of a deal given as ``{issue: option}`` or ``"issue=option,..."``.

        Issues left out take the status-quo option (an error if none).
        """
        if isinstance(deal, str):
            pairs: dict[str, Any] = {}
            for part in filter(None, (p.strip() for p in deal.split(","))):
                if "=" not in part:
                    raise DetenteError(f"deal part {part!r}: expected issue=option")
                key, value = part.split("=", 1)
                pairs[key.strip()] = value.strip()
            deal = pairs
        unknown = set(deal) - set(self.issues)
        if unknown:
            raise DetenteError(
                f"deal names unknown issue(s) {', '.join(sorted(unknown))}; "
                f"issues are {', '.join(self.issues)}"
            )
        out = np.empty(len(self.issues), dtype=np.int64)
        for i, issue in enumerate(self.issues):
            if issue in deal:
                out[i] = self.space.option_index(issue, deal[issue])
            elif self.reference_options[i] >= 0:
                out[i] = self.reference_options[i]
            else:
                raise DetenteError(f"deal gives no option for issue {issue!r}, which has no "
                                   "status quo to fall back on")
        return out

    def sample_batna(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        """``B[draws, A]``: the no-deal values of :meth:`sample_no_deal`."""
        return self.sample_no_deal(rng, draws)[0]

    def sample_no_deal(self, rng: np.random.Generator, draws: int
                       ) -> tuple[np.ndarray, np.ndarray | None]:
        """``B[draws, A]``: BATNA draws (the point value where no uncertainty is given),
        and ``v[draws, P]``: the pressures' levels in each draw (``None``: no BATNA depends
        on a pressure), which the costs of fighting a package keeps follow.

        A stated BATNA with a declared distribution is drawn from it (an actor whose
        BATNA was given as an argument keeps it: the draw is made but not used, so the
        other draws stay the same), plus its pressures' shift at their values; then
        each uncertain pressure is drawn (:meth:`sample_pressures`) and moves the BATNAs
        that carry pressures by ``c · (v − stated)`` (:meth:`pressure_shift`). One piece
        for every deal tool that varies no-deal values (ZOPA, proposals, robust deals,
        the outlook).
        """
        out = self.sample_stated_batna(rng, draws)
        values = self.sample_pressures(rng, draws)
        levels = None
        if values is not None:
            # a draw replaces the stated value; shocks stay added on top
            stated = np.array([v for _, v in self.pressure_dist], dtype=float)
            drawn = [d is not None for d, _ in self.pressure_dist]
            out += self.pressure_shift(values, stated, only=drawn)
            assert self.pressure_value is not None
            levels = self.pressure_value[None, :] + np.where(drawn, values - stated, 0.0)
        return out, levels

    def sample_stated_batna(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        """``B[draws, A]``: the point BATNAs with each stated BATNA distribution drawn
        (plus its pressures' shift at their values); the pressures themselves are not
        drawn here (:meth:`sample_batna` does both)."""
        out = np.repeat(self.batna[None, :], draws, axis=0)
        pressured = self.pressured
        at_point = (self.pressure_effect @ self.pressure_value
                    if self.pressure_effect is not None and self.pressure_value is not None
                    else np.zeros(self.n_actors))
        for a, dist in enumerate(self.batna_dist or ()):
            if dist is not None:
                drawn = sample_distribution(dist, rng, draws)
                if not self.batna_provenance[a].given:
                    out[:, a] = drawn + (at_point[a] if pressured[a] else 0.0)
        return out

    @property
    def pressured(self) -> np.ndarray:
        """``[A]``: whose BATNA carries the pressures (not one given as an argument)."""
        return np.array([p.pressured for p in self.batna_provenance], dtype=bool)

    def pressure_shift(self, values: np.ndarray, reference: np.ndarray,
                       only: list[bool] | None = None, *, per_actor: bool = False
                       ) -> np.ndarray:
        """``Δβ[..., A]``: how pressures at ``values`` move the BATNAs from where they are at
        ``reference[P]``: ``Δβ_a = Σ_p c_ap (v_p − r_p)`` over the actors whose BATNA
        carries pressures (:attr:`pressured`), summed pressure by pressure (``only``:
        the pressures to count). ``values`` is ``[..., P]`` (the same for every actor)
        or, with ``per_actor``, ``[..., A, P]`` (each actor's own view of them, as in
        the outlook)."""
        values = np.asarray(values, dtype=float)
        lead = values.shape[:-2] if per_actor else values.shape[:-1]
        out = np.zeros(lead + (self.n_actors,))
        if self.pressure_effect is None:
            return out
        effect = np.where(self.pressured[:, None], self.pressure_effect, 0.0)
        for p in range(effect.shape[1]):
            if only is not None and not only[p]:
                continue
            if per_actor:
                out += (values[..., :, p] - reference[p]) * effect[:, p]
            else:
                out += (values[..., p] - reference[p])[..., None] * effect[:, p]
        return out

    def sample_pressures(self, rng: np.random.Generator, draws: int) -> np.ndarray | None:
        """``v[draws, P]``: draws of the pressures with a declared uncertainty (the stated
        value elsewhere), in pressure order; ``None`` when no BATNA depends on a pressure."""
        if self.pressure_effect is None or self.pressure_value is None:
            return None
        out = np.repeat(np.array([[v for _, v in self.pressure_dist]], dtype=float), draws,
                        axis=0).reshape(draws, len(self.pressure_dist))
        for p, (dist, _) in enumerate(self.pressure_dist):
            if dist is not None:
                out[:, p] = sample_distribution(dist, rng, draws)
        return out

    def with_batna(self, batna: np.ndarray) -> DealProblem:
        """The same problem with other no-deal values."""
        from dataclasses import replace

        return replace(self, batna=np.asarray(batna, dtype=float))


def sample_distribution(dist: Distribution, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws of a :class:`~detente.scenario.Distribution` (normal: truncated)."""
    if dist.kind == "uniform":
        return rng.uniform(dist.low, dist.high, n)
    if dist.kind == "triangular":
        if dist.high == dist.low:
            return np.full(n, dist.low)
        assert dist.mode is not None  # validated by Distribution
        return rng.triangular(dist.low, dist.mode, dist.high, n)
    from scipy.stats import truncnorm

    assert dist.mean is not None and dist.sd is not None  # validated by Distribution
    a = (dist.low - dist.mean) / dist.sd
    b = (dist.high - dist.mean) / dist.sd
    return truncnorm.ppf(rng.uniform(size=n), a, b, loc=dist.mean, scale=dist.sd)


def _evaluate(options: np.ndarray, tables: tuple[np.ndarray, ...], terms: Terms | None,
              term_value: np.ndarray | None, cap: np.ndarray | None) -> np.ndarray:
    """``Σ_i tables[i][x_i]`` plus rectangle terms, capped: ``U[..., A]`` of deals ``x``."""
    options = np.asarray(options, dtype=np.int64)
    u = np.zeros(options.shape[:-1] + (tables[0].shape[1],), dtype=tables[0].dtype)
    for i, t in enumerate(tables):
        u += t[options[..., i]]
    if terms is not None:
        terms.add(options, u, term_value)
    if cap is not None:
        np.minimum(u, cap, out=u)
    return u


def _distance_tables(scenario: Scenario, space: OutcomeSpace, utility: UtilityKind,
                     given: dict[str, Any]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Salience weights ``w[A, I]`` and weighted tables ``w_ai v_ai(o)`` by the distance rule,
    with the ``given`` per-option tables in place of it where they name a pair."""
    actors = scenario.actor_ids
    n_a = len(actors)
    _check_tables(scenario, space, given)
    sal = np.zeros((n_a, len(space.issues)))
    pos = np.full((n_a, len(space.issues)), np.nan)
    for st in scenario.stances:
        a = actors.index(st.actor)
        i = space.issues.index(st.issue)
        sal[a, i], pos[a, i] = st.salience, st.position
    total = sal.sum(axis=1, keepdims=True)
    weight = np.divide(sal, total, out=np.zeros_like(sal), where=total > 0)
    out = []
    for i, issue in enumerate(scenario.issues):
        values = space.option_values[i]
        v = distance_value(values[:, None], np.nan_to_num(pos[:, i]), issue.span, utility)
        for a, actor in enumerate(actors):
            table = given.get(actor, {}).get(issue.id)
            if table is not None:
                v[:, a] = [float(table[name]) for name in space.option_names[i]]
        v = np.where(np.isnan(pos[:, i])[None, :] & ~_has_table(given, actors, issue.id),
                     0.0, v)
        out.append(guarantees.adjust(issue, actors, values, v * weight[:, i]))
    return weight, out


def _positions(scenario: Scenario, space: OutcomeSpace) -> np.ndarray:
    """``p[A, I]``: stated positions (NaN where an actor takes no stance)."""
    actors = scenario.actor_ids
    pos = np.full((len(actors), len(space.issues)), np.nan)
    for st in scenario.stances:
        pos[actors.index(st.actor), space.issues.index(st.issue)] = st.position
    return pos


def _reference(scenario: Scenario, space: OutcomeSpace, tables: list[np.ndarray],
               position: np.ndarray, weight: np.ndarray, kind: UtilityKind,
               ruled: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per actor and issue, the weighted value at the status quo, and the status-quo
    options (nearest option; the explicit no-agreement option where there is one).

    ``reference[a, i] = w_ai v_ai(status quo)`` by the distance rule at the status quo
    itself (:func:`value_at`) where ``ruled[a, i]`` (default: every pair); a pair whose
    utilities are stated per option is read off its table at the status quo's option, or
    interpolated between the options either side of it; an issue without a status quo
    holds the actor's minimum over the options."""
    n_a = tables[0].shape[1]
    ruled = np.ones((n_a, len(space.issues)), dtype=bool) if ruled is None else ruled
    reference = np.zeros((n_a, len(space.issues)))
    ref_opts = np.zeros(len(space.issues), dtype=np.int64)
    for i, issue in enumerate(scenario.issues):
        values = space.option_values[i]
        sq = issue.status_quo
        if sq is None:
            reference[:, i] = tables[i].min(axis=0)
            ref_opts[i] = -1
            continue
        order = np.argsort(values, kind="stable")
        rule = value_at(sq, position[:, i], weight[:, i], issue.span, kind)
        for a in range(n_a):
            reference[a, i] = rule[a] if ruled[a, i] else np.interp(
                sq, values[order], tables[i][order, a])
        ref_opts[i] = int(np.argmin(np.abs(values - sq)))
        if issue.no_agreement is not None:  # the explicit no-agreement option
            ref_opts[i] = space.option_names[i].index(NO_AGREEMENT)
    return reference, ref_opts


def _pressure_terms(scenario: Scenario, shocks: tuple[str, ...],
                    values: Mapping[str, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """``c[A, P]`` and the pressure values ``v[P]`` after ``values`` and ``shocks``."""
    ids = [p.id for p in scenario.pressures]
    effect = np.array([[a.batna_pressure.get(p, 0.0) for p in ids] for a in scenario.actors],
                      dtype=float).reshape(len(scenario.actors), len(ids))
    v = np.array([p.value for p in scenario.pressures], dtype=float)
    unknown = sorted(set(values or {}) - set(ids))
    if unknown:
        raise DetenteError(f"unknown pressure(s) {', '.join(unknown)}; pressures are "
                           f"{', '.join(ids) or 'none'}")
    for p, x in (values or {}).items():
        v[ids.index(p)] = float(x)
    known = {k.id: k for k in scenario.shocks}
    for name in shocks:
        if name not in known:
            raise DetenteError(f"unknown shock {name!r}; shocks are "
                               f"{', '.join(known) or 'none'}")
        for p, change in known[name].changes.items():
            v[ids.index(p)] += change
    return effect, v


def _has_table(given: Mapping[str, Any], actors: tuple[str, ...], issue: str) -> np.ndarray:
    return np.array([issue in given.get(a, {}) for a in actors])


def _check_tables(scenario: Scenario, space: OutcomeSpace, given: Mapping[str, Any]) -> None:
    problems = []
    for actor, per_issue in given.items():
        if actor not in scenario.actor_ids:
            problems.append(f"utility table for unknown actor {actor!r}")
            continue
        for issue, table in dict(per_issue).items():
            if issue not in space.issues:
                problems.append(f"utility table of {actor!r} for unknown issue {issue!r}")
                continue
            names = space.option_names[space.issues.index(issue)]
            missing = [n for n in names if n not in table]
            if missing:
                problems.append(f"utility table of {actor!r} on {issue!r} lacks option(s) "
                                f"{', '.join(missing)}")
            bad = [n for n, v in table.items() if not 0.0 <= float(v) <= 1.0]
            if bad:
                problems.append(f"utility table of {actor!r} on {issue!r}: values of "
                                f"{', '.join(bad)} outside 0..1")
    if problems:
        raise DetenteError("; ".join(problems))
