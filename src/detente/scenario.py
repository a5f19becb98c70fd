"""Scenario, Actor, Issue, Stance: one negotiation as known on one date.

A :class:`Scenario` is immutable once built and always valid: build it with
:meth:`Scenario.from_dict`, which checks every field and every cross-reference
and reports *all* problems at once as a :class:`~detente.errors.ScenarioError`
(each naming the field, and the file and line when the reader passes a
locator). The scenario layer knows nothing of models or files.

The canonical dictionary form (``to_dict`` / ``from_dict``) is what the YAML
format writes; every other format reads into it and writes from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from detente.conflict_facts import ConflictFacts, check_conflict
from detente.errors import Path, Problem, ScenarioError, short

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
"""A number that is not NaN or infinite (pressure coefficients, shock changes)."""

Locator = Callable[[Path], int | None]
"""Maps a field path to the line it came from (``None`` when unknown)."""


MAX_MAGNITUDE = 1e100
"""Largest capability and scale end a scenario may hold: products and sums of them stay
finite in every model (a float overflows near 1.8e308)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(_Frozen):
    """A document a stance rests on."""

    id: str = Field(min_length=1)
    title: str = ""
    publisher: str = ""
    date: dt.date | None = None
    url: str | None = None
    note: str | None = None


class Actor(_Frozen):
    """A party at the table. ``capability`` is its clout (>= 0, any unit)."""

    id: str = Field(min_length=1)
    name: str = ""
    # at most 1e100 (only ratios matter): capability × salience × position must not
    # overflow a float in the models' sums (1e308 made the compromise inf; issue 17's fuzzer)
    capability: float = Field(default=1.0, ge=0, le=MAX_MAGNITUDE, allow_inf_nan=False)
    capability_uncertainty: Distribution | None = None
    # Gaussian-copula correlation (0..1) of this actor's uncertain saliences / positions
    # across issues in Monte Carlo draws (see docs/uncertainty.md); None = independent.
    salience_correlation: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    position_correlation: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    bloc: str | None = None
    description: str = ""
    batna: float | None = Field(default=None, allow_inf_nan=False)
    """No-deal value on the deal utility scale (0..1; see ``detente.deals``); derived if None."""
    batna_uncertainty: Distribution | None = None
    batna_pressure: dict[str, FiniteFloat] = Field(default_factory=dict)
    capability_by_issue: dict[str, Annotated[float, Field(ge=0, le=MAX_MAGNITUDE,
                                                          allow_inf_nan=False)]] = Field(
        default_factory=dict)
    """Clout on particular issues where it differs from ``capability`` (who can move the
    front line is not who can deliver missiles); the models that weigh capability ×
    salience per issue read it, drawn capabilities scale it in proportion."""
    """``{pressure: c}``: the BATNA moves by ``c`` per unit of that pressure variable."""
    expectations: dict[str, Expectation] = Field(default_factory=dict)
    """``{pressure: expectation}``: this actor's own view of how a pressure moves."""
    cow_code: int | None = Field(default=None, ge=1, le=9999)
    """COW state code for ``detente capabilities`` (None: matched by name or alias)."""
    cow_members: tuple[int, ...] = ()
    """COW codes of a non-state actor's member states (the ``members`` rule)."""
    capability_source: str | None = None
    """Id of the source the capability rests on (e.g. the COW NMC data set and year)."""

    @model_validator(mode="after")
    def _default_name(self) -> Actor:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self


class Anchor(_Frozen):
    """A labelled point on an issue's scale ("0 = Ukraine keeps all of Donetsk")."""

    value: float = Field(allow_inf_nan=False)
    label: str = Field(min_length=1)


class Option(_Frozen):
    """A named option on an issue: a point on its scale that a deal may pick."""

    name: str = Field(min_length=1)
    value: float = Field(allow_inf_nan=False)


class Distribution(_Frozen):
    """Uncertainty about one number.

    - ``uniform``: every value in ``[low, high]`` equally likely;
    - ``triangular``: from ``low`` to ``high`` with its peak at ``mode``;
    - ``normal``: mean ``mean``, standard deviation ``sd``, truncated to
      ``[low, high]``.
    """

    kind: Literal["uniform", "triangular", "normal"] = "uniform"
    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _check(self) -> Distribution:
        if self.high < self.low:
            raise ValueError(f"low <= high (here low is {self.low:g} and high {self.high:g})")
        if self.kind == "triangular":
            if self.mode is None:
                raise ValueError("a triangular distribution needs 'mode'")
            if not self.low <= self.mode <= self.high:
                raise ValueError(f"mode {self.mode} lies outside [{self.low}, {self.high}]")
        if self.kind == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal distribution needs 'mean' and 'sd'")
        return self

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class Process(_Frozen):
    """How a pressure moves month by month (for ``detente outlook``; optional).

    ``v_{t+1} = clip(v_t + μ + σ ε_t + shocks_t, low, high)`` with ``μ = trend`` (per
    month, in the pressure's unit; drawn per path from ``trend_uncertainty`` when
    given), ``σ = volatility`` (the standard deviation of a month's change, >= 0) and
    ``ε_t`` standard normal. After an agreement the pressure moves by
    ``after_agreement`` per month instead (a stated power shift: rearmament during a
    ceasefire, revenue restored by sanctions relief; 0: it stays where it was).
    Sourced (``sources``) or marked as an assumption (``assumption``: what is assumed,
    with the range).
    """

    trend: FiniteFloat = 0.0
    trend_uncertainty: Distribution | None = None
    volatility: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    low: float | None = Field(default=None, allow_inf_nan=False)
    high: float | None = Field(default=None, allow_inf_nan=False)
    after_agreement: FiniteFloat = 0.0
    sources: tuple[str, ...] = ()
    assumption: str = ""

    @model_validator(mode="after")
    def _check(self) -> Process:
        if self.low is not None and self.high is not None and self.high < self.low:
            raise ValueError(f"low <= high (here low is {self.low:g} and high {self.high:g})")
        dist = self.trend_uncertainty
        if dist is not None and not dist.low <= self.trend <= dist.high:
            raise ValueError(f"a trend range {dist.low:g}..{dist.high:g} that contains the "
                             f"trend {self.trend:g}")
        return self


class Expectation(_Frozen):
    """What one actor expects a pressure to do per month (its own ``trend``), and the share
    of the gap to the actual trend it closes each month as fighting reveals it
    (``convergence``, 0..1): ``m_{t+1} = m_t + λ (μ − m_t)``. Sourced or marked as an
    assumption, like a :class:`Process`."""

    trend: FiniteFloat
    trend_uncertainty: Distribution | None = None
    convergence: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    sources: tuple[str, ...] = ()
    assumption: str = ""

    @model_validator(mode="after")
    def _check(self) -> Expectation:
        dist = self.trend_uncertainty
        if dist is not None and not dist.low <= self.trend <= dist.high:
            raise ValueError(f"a trend range {dist.low:g}..{dist.high:g} that contains the "
                             f"trend {self.trend:g}")
        return self


Actor.model_rebuild()


class Guarantor(_Frozen):
    """An actor that would deliver a security guarantee: what the fullest guarantee costs
    it and how credible its delivery is."""

    actor: str = Field(min_length=1)
    cost: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    """Utility (0..1 scale) the guarantor gives up at the top of the scale; proportionally
    less for a lesser guarantee, nothing at the status quo."""
    credibility: float = Field(default=1.0, ge=0, le=1, allow_inf_nan=False)
    """The chance it delivers when called on (1: certain)."""
    sources: tuple[str, ...] = ()
    evidence: str = ""


NO_AGREEMENT_BAND = 0.025
"""The default half-width of an issue's no-agreement band, as a share of its span."""


class Issue(_Frozen):
    """One dimension bargained over: a scale ``[low, high]`` with anchors."""

    id: str = Field(min_length=1)
    name: str = ""
    low: float = Field(default=0.0, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)
    high: float = Field(default=100.0, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)
    anchors: tuple[Anchor, ...] = ()
    status_quo: float | None = Field(default=None, allow_inf_nan=False)
    options: tuple[Option, ...] = ()
    description: str = ""
    controlled_by: tuple[str, ...] = ()
    """Actors that can deliver a move on this issue (empty: not stated, anyone)."""
    vetoes: tuple[str, ...] = ()
    """Actors whose consent a move on this issue needs (empty: not stated, every actor)."""
    no_agreement: str | None = None
    """When set, the status quo is the explicit no-agreement outcome with this label:
    distinct from every anchor and option (deals add it as its own option)."""
    no_agreement_band: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    """Half-width, on the scale, of the band around the status quo that a forecast reads
    as the explicit no-agreement outcome (nothing moved); ``None``: 2.5% of the span."""
    stops_fighting: tuple[str | float, ...] = ()
    """Options (by name) or anchors and options (by value) that stop or pause the fighting on the
    fronts this issue covers (``fronts``); empty: the issue stops no fighting."""
    fronts: tuple[str, ...] = ()
    """The fronts (``Scenario.fronts``) its ``stops_fighting`` outcomes cover (empty: every
    front of the scenario)."""
    guarantors: tuple[Guarantor, ...] = ()
    """A security-guarantee issue: who delivers the guarantee, at what cost to them, how
    credibly (:mod:`detente.deals.guarantees`); they are its ``controlled_by`` unless
    that is given."""
    beneficiaries: tuple[str, ...] = ()
    """Who a guarantee protects: their value of a move on the issue is scaled by the
    guarantors' combined credibility (empty: every actor that is not a guarantor)."""
    lifted_by: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """A sanctions issue: for each option, the actors whose measures it lifts; each must
    deliver it and consent to a package that settles the issue there."""

    def stops(self, name: str | None, value: float) -> bool:
        """Whether the outcome ``name`` (an option's name, or ``None``) at ``value`` stops or
        pauses the fighting on this issue's fronts. The explicit no-agreement outcome
        never does, whatever number it shares with an anchor."""
        if name == "no-agreement" and self.no_agreement is not None:
            return False
        for mark in self.stops_fighting:
            if isinstance(mark, str):
                if mark == name:
                    return True
            elif abs(float(mark) - value) <= 1e-9 * max(self.span, 1e-300):
                return True
        return False

    @model_validator(mode="after")
    def _default_name(self) -> Issue:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self

    @property
    def span(self) -> float:
        return self.high - self.low

    def nearest_anchor(self, value: float) -> Anchor | None:
        """The labelled anchor closest to ``value`` (the lower one on a tie).

        On an issue whose status quo is the explicit no-agreement outcome
        (``no_agreement``), a value at the status quo reads as that outcome,
        never as an anchor that shares its number (a frozen line is not
        fighting going on).
        """
        if value is None or math.isnan(value):
            return None
        if self.is_no_agreement(value):
            assert self.status_quo is not None and self.no_agreement is not None
            return Anchor(value=self.status_quo, label=self.no_agreement)
        if not self.anchors:
            return None
        return min(self.anchors, key=lambda a: (abs(a.value - value), a.value))

    @property
    def band_width(self) -> float:
        """Half-width of the no-agreement band (``no_agreement_band``, default 2.5% of the
        span): a forecast this close to the status quo moved nothing."""
        if self.no_agreement_band is not None:
            return self.no_agreement_band
        return NO_AGREEMENT_BAND * self.span

    def is_no_agreement(self, value: float) -> bool:
        """Whether ``value`` reads as the explicit no-agreement status quo: within the
        no-agreement band around it (:attr:`band_width`, plus 1e-9 of the span)."""
        return (self.no_agreement is not None and self.status_quo is not None
                and abs(value - self.status_quo)
                <= self.band_width + 1e-9 * max(self.span, 1e-300))

    @property
    def deliverers(self) -> tuple[str, ...]:
        """Who can deliver a move here: ``controlled_by``, else the guarantors of a
        guarantee or the lifting actors of a sanctions issue (empty: not stated)."""
        if self.controlled_by:
            return self.controlled_by
        found = [g.actor for g in self.guarantors]
        found += [a for lifters in self.lifted_by.values() for a in lifters]
        return tuple(dict.fromkeys(found))

    def can_deliver(self, actor: str) -> bool:
        """Whether ``actor`` can deliver a move here (anyone, when nobody is stated)."""
        return not self.deliverers or actor in self.deliverers

    def controls(self, actor: str) -> bool:
        """Whether ``actor`` can give something here: deliver a move or withhold consent
        (everyone, when neither ``controlled_by`` nor ``vetoes`` is set)."""
        if not self.deliverers and not self.vetoes:
            return True
        return actor in self.deliverers or actor in self.vetoes

    def holds_veto(self, actor: str) -> bool:
        """Whether a move here needs ``actor``'s consent (everyone, when ``vetoes`` is unset)."""
        return not self.vetoes or actor in self.vetoes

    def describe(self, value: float) -> str:
        """``value`` with its nearest anchor label, e.g. ``"72.0 (≈ frozen line)"``."""
        anchor = self.nearest_anchor(value)
        return f"{value:.1f}" + (f" (≈ {anchor.label})" if anchor else "")


class RedLine(_Frozen):
    """Outcomes an actor will not accept on one issue: a hard constraint, with its source.

    Exactly one of: ``above`` (every outcome strictly above the value),
    ``below`` (strictly below), ``range: [low, high]`` (inclusive) or
    ``options`` (named options of the issue). Leaving an issue unsettled (the
    no-agreement status quo) crosses no red line: it is not an agreement.
    """

    above: float | None = Field(default=None, allow_inf_nan=False)
    below: float | None = Field(default=None, allow_inf_nan=False)
    range: tuple[float, float] | None = None
    options: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    evidence: str = ""
    uncertainty: tuple[float, float] | None = None
    """Where an ``above`` or ``below`` line may really lie, ``[low, high]`` on the scale
    (drawn uniformly by ``simulate``, robust deals and proposals with draws); the stated
    bound is the point value."""

    def at(self, bound: float) -> RedLine:
        """The same line with its ``above``/``below`` bound at ``bound``."""
        key = "above" if self.above is not None else "below"
        return self.model_copy(update={key: float(bound)})

    @property
    def bound(self) -> float | None:
        """The ``above`` or ``below`` bound (``None`` for a range or options)."""
        return self.above if self.above is not None else self.below

    @model_validator(mode="after")
    def _one_kind(self) -> RedLine:
        given = [k for k in ("above", "below", "range") if getattr(self, k) is not None]
        given += ["options"] if self.options else []
        if len(given) != 1:
            raise ValueError("a red line needs exactly one of above, below, range, options "
                             f"(found {', '.join(given) or 'none'})")
        if self.range is not None and self.range[1] < self.range[0]:
            raise ValueError(f"range {self.range[0]:g}..{self.range[1]:g} is reversed")
        if self.uncertainty is not None:
            if self.above is None and self.below is None:
                raise ValueError("an uncertain red line needs above or below (the bound "
                                 "that is uncertain)")
            if self.uncertainty[1] < self.uncertainty[0]:
                raise ValueError(f"uncertainty {self.uncertainty[0]:g}.."
                                 f"{self.uncertainty[1]:g} is reversed")
        return self

    def excludes(self, value: float, option: str | None = None) -> bool:
        """Whether an outcome at ``value`` (option ``option``, if named) crosses this line."""
        if self.options:
            return option is not None and option in self.options
        if self.above is not None:
            return value > self.above
        if self.below is not None:
            return value < self.below
        assert self.range is not None
        return self.range[0] <= value <= self.range[1]

    def describe(self) -> str:
        if self.options:
            return "not " + " or ".join(self.options)
        if self.above is not None:
            return f"nothing above {self.above:g}"
        if self.below is not None:
            return f"nothing below {self.below:g}"
        assert self.range is not None
        return f"nothing in {self.range[0]:g}..{self.range[1]:g}"


class Condition(_Frozen):
    """A condition on one issue's outcome: ``at_least``, ``at_most``, ``above``, ``below``
    (a bound on the scale) or ``options`` (one of these named options)."""

    issue: str = Field(min_length=1)
    at_least: float | None = Field(default=None, allow_inf_nan=False)
    at_most: float | None = Field(default=None, allow_inf_nan=False)
    above: float | None = Field(default=None, allow_inf_nan=False)
    below: float | None = Field(default=None, allow_inf_nan=False)
    options: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_bound(self) -> Condition:
        given = [k for k in ("at_least", "at_most", "above", "below")
                 if getattr(self, k) is not None] + (["options"] if self.options else [])
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of at_least, at_most, above, "
                             f"below, options (found {', '.join(given) or 'none'})")
        return self

    @property
    def bound(self) -> float | None:
        """The bound on the scale (``None`` for a condition on named options)."""
        value = next((getattr(self, k) for k in ("at_least", "at_most", "above", "below")
                      if getattr(self, k) is not None), None)
        return None if value is None else float(value)

    def admits(self, value: float, option: str | None) -> bool:
        """Whether the outcome ``option`` (its name, if it has one) at ``value`` meets the
        condition; a condition on named options holds only for those options."""
        if self.options:
            return option is not None and option in self.options
        return self.holds(value)

    def holds(self, value: float) -> bool:
        """Whether an outcome at ``value`` meets the condition (a condition on named
        options never holds for a bare value: use :meth:`admits`)."""
        if self.options:
            return False
        if self.at_least is not None:
            return value >= self.at_least
        if self.at_most is not None:
            return value <= self.at_most
        if self.above is not None:
            return value > self.above
        assert self.below is not None
        return value < self.below

    def describe(self) -> str:
        for key, word in (("at_least", "at least"), ("at_most", "at most"), ("above", "above"),
                          ("below", "below")):
            if getattr(self, key) is not None:
                return f"{self.issue} {word} {getattr(self, key):g}"
        return f"{self.issue} " + " or ".join(self.options)


class Linkage(_Frozen):
    """A linked (conditional) offer: ``actor`` accepts ``offer`` only if ``requires`` holds.

    "Drones above 0 only if Tomahawks at least 60" is ``offer: {issue: drones,
    above: 0}``, ``requires: {issue: tomahawks, at_least: 60}``. A deal where
    the offer's condition holds and the requirement does not breaks the
    linkage; so does every phase of a plan after which it would.
    """

    actor: str = Field(min_length=1)
    offer: Condition
    requires: Condition
    sources: tuple[str, ...] = ()
    evidence: str = ""

    def broken(self, values: Mapping[str, float]) -> bool:
        """Whether outcomes ``{issue: value}`` break this linkage."""
        return self.offer.holds(values[self.offer.issue]) and not self.requires.holds(
            values[self.requires.issue])

    def describe(self) -> str:
        return f"{self.actor}: {self.offer.describe()} only if {self.requires.describe()}"


class Bloc(_Frozen):
    """Actors that move together (members name it in ``Actor.bloc``).

    In Monte Carlo draws the members' uncertain inputs of one kind on one
    issue (and their capabilities) share one copula factor with weight
    ``correlation`` (1 = one shared draw); in the deal analysis the bloc
    counts once in the Nash and utilitarian solutions (its members share one
    weight). ``coordinator`` records who coordinates it (text, with sources).
    """

    id: str = Field(min_length=1)
    name: str = ""
    correlation: float = Field(default=1.0, ge=0, le=1, allow_inf_nan=False)
    coordinator: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _default_name(self) -> Bloc:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self


class Front(_Frozen):
    """A place where fighting goes on; issues' ``stops_fighting`` outcomes stop it on the
    fronts they cover, and ``during: fighting`` pressures run while it goes on."""

    id: str = Field(min_length=1)
    name: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _default_name(self) -> Front:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self


WHOLE_WAR = "war"
"""The one front of a scenario that marks outcomes as stopping fighting but names none."""


class Pressure(_Frozen):
    """A named variable that no-deal values depend on (battlefield trend, oil revenue).

    ``value`` is its stated level (any unit; 0 by default), ``uncertainty`` a
    distribution of it. An actor's BATNA moves by ``Actor.batna_pressure[p]``
    per unit of ``p``: ``β_a = β_a⁰ + Σ_p c_ap · value_p``.
    """

    id: str = Field(min_length=1)
    name: str = ""
    value: float = Field(default=0.0, allow_inf_nan=False)
    uncertainty: Distribution | None = None
    description: str = ""
    sources: tuple[str, ...] = ()
    during: Literal["no_agreement", "fighting"] = "no_agreement"
    """What keeps the pressure on: ``no_agreement`` (the default: it enters the no-deal
    value only, and every package is free of it) or ``fighting`` (it runs, for every
    actor who bears it, under any package that leaves fighting on one of its fronts)."""
    fronts: tuple[str, ...] = ()
    """With ``during: fighting``: the fronts it runs on (empty: every front)."""
    process: Process | None = None
    """How it moves per month (``detente outlook``); ``None``: it stays at ``value``."""

    @model_validator(mode="after")
    def _default_name(self) -> Pressure:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self


class Shock(_Frozen):
    """A named change to pressures ("three more villages fall"): ``changes[p]`` is added."""

    id: str = Field(min_length=1)
    name: str = ""
    changes: dict[str, FiniteFloat] = Field(min_length=1)
    description: str = ""
    sources: tuple[str, ...] = ()
    monthly_probability: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    """The chance it happens in any one month (``detente outlook``); ``None``: applied by
    hand only (``--shock``)."""
    recurring: bool = False
    """Whether it can happen again (default: at most once per path)."""

    @model_validator(mode="after")
    def _default_name(self) -> Shock:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self


class Stance(_Frozen):
    """One actor on one issue: where it stands, how much it cares, and why we think so."""

    actor: str = Field(min_length=1)
    issue: str = Field(min_length=1)
    position: float = Field(allow_inf_nan=False)
    salience: float = Field(ge=0, le=1, allow_inf_nan=False)
    position_uncertainty: Distribution | None = None
    salience_uncertainty: Distribution | None = None
    sources: tuple[str, ...] = ()
    evidence: str = ""
    red_lines: tuple[RedLine, ...] = ()
    """Outcomes this actor will not accept on this issue (hard constraints)."""


class ProposalPhase(_Frozen):
    """One stage of a phased proposal: the issues it settles, in order."""

    name: str = Field(min_length=1)
    issues: tuple[str, ...] = Field(min_length=1)
    description: str = ""


class Proposal(_Frozen):
    """A plan on the table, as its proposer stated it (``proposals`` in a scenario).

    ``package`` gives, per issue it covers, an option name or a point on the
    issue's scale (a point is judged at the nearest option of the deal space).
    Issues it leaves out stay at no deal (the status quo); ``open`` names issues
    the plan explicitly leaves for later (also judged at no deal, but shown as
    open). ``phases`` optionally orders the covered issues.
    """

    id: str = Field(min_length=1)
    title: str = ""
    proposer: str = Field(min_length=1)
    date: dt.date | None = None
    sources: tuple[str, ...] = ()
    evidence: str = ""
    package: dict[str, str | float] = Field(min_length=1)
    open: tuple[str, ...] = ()
    phases: tuple[ProposalPhase, ...] = ()
    assumptions: str = ""
    """What the scenario assumes beyond its sources (the numbers, with ranges)."""


class Scenario(_Frozen):
    """One negotiation as known on one date (``as_of``), with its sources.

    Build with :meth:`from_dict` (or a reader in :mod:`detente.formats`), which
    validates everything; construct directly only from trusted parts.
    """

    name: str = Field(min_length=1)
    title: str = ""
    as_of: dt.date | None = None
    description: str = ""
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    stances: tuple[Stance, ...] = ()
    blocs: tuple[Bloc, ...] = ()
    linkages: tuple[Linkage, ...] = ()
    pressures: tuple[Pressure, ...] = ()
    shocks: tuple[Shock, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    """Plans on the table (optional; they change no model's numbers)."""
    fronts: tuple[Front, ...] = ()
    """Where fighting goes on (optional; issues that stop fighting without naming a front
    cover all of it, one front called :data:`WHOLE_WAR` when none is declared)."""
    conflict: ConflictFacts | None = None
    """Facts about the war, for its reference class (optional; they change no forecast)."""
    metadata: dict[str, Any] = Field(default_factory=dict)

    # ---- look-ups -------------------------------------------------------------
    @cached_property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    @cached_property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(f"no actor {actor_id!r}; actors are {', '.join(self.actor_ids)}")

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(f"no issue {issue_id!r}; issues are {', '.join(self.issue_ids)}")

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        """The stance of one actor on one issue, or ``None`` if it takes none."""
        return self._stance_index.get((actor_id, issue_id))

    @cached_property
    def _stance_index(self) -> dict[tuple[str, str], Stance]:
        return {(s.actor, s.issue): s for s in self.stances}

    # ---- structure (control, vetoes, red lines, linkages, blocs, pressures) ----------
    @cached_property
    def has_structure(self) -> bool:
        """Whether any structural feature is set. Without one every tool takes the plain
        path of a scenario of positions and saliences (and gives the same numbers)."""
        return bool(
            self.blocs or self.linkages or self.pressures or self.shocks
            or any(s.red_lines for s in self.stances)
            or any(i.controlled_by or i.vetoes or i.no_agreement or i.stops_fighting
                   or i.guarantors or i.lifted_by for i in self.issues)
            or any(a.batna_pressure for a in self.actors)
        )  # capability_by_issue is not structure: the forecast models read it

    def bloc_of(self, actor_id: str) -> Bloc | None:
        """The declared bloc ``actor_id`` belongs to (a bloc label not declared in
        ``blocs`` is only a label: ``None``)."""
        bloc = self.actor(actor_id).bloc
        return next((b for b in self.blocs if b.id == bloc), None)

    def pressure(self, pressure_id: str) -> Pressure:
        for p in self.pressures:
            if p.id == pressure_id:
                return p
        raise KeyError(f"no pressure {pressure_id!r}; pressures are "
                       f"{', '.join(p.id for p in self.pressures) or 'none'}")

    @property
    def front_ids(self) -> tuple[str, ...]:
        """The fronts fighting goes on: the declared ones, else one for the whole war
        (:data:`WHOLE_WAR`)."""
        return tuple(f.id for f in self.fronts) or (WHOLE_WAR,)

    def shock(self, shock_id: str) -> Shock:
        for k in self.shocks:
            if k.id == shock_id:
                return k
        raise KeyError(f"no shock {shock_id!r}; shocks are "
                       f"{', '.join(k.id for k in self.shocks) or 'none'}")

    # ---- identity -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The canonical plain-data form (what YAML and JSON hold)."""
        data = self.model_dump(mode="json", exclude_none=True)
        for key in ("title", "description"):
            if not data.get(key):
                data.pop(key, None)
        if not data.get("metadata"):
            data.pop("metadata", None)
        for actor in data["actors"]:
            if not actor.get("description"):
                actor.pop("description", None)
        for issue in data["issues"]:
            issue["anchors"] = {_num_key(a["value"]): a["label"] for a in issue["anchors"]}
            issue["options"] = {o["name"]: o["value"] for o in issue["options"]}
            for key in ("anchors", "options", "description"):
                if not issue[key]:
                    issue.pop(key)
        for actor in data["actors"]:
            for key in ("batna_pressure", "expectations", "cow_members", "capability_by_issue"):
                if not actor.get(key):
                    actor.pop(key, None)
        for shock in data["shocks"]:
            if not shock.get("recurring"):
                shock.pop("recurring", None)
        _drop_empty_process_fields(data)
        for issue in data["issues"]:
            for key in ("controlled_by", "vetoes", "stops_fighting", "fronts", "guarantors",
                        "beneficiaries", "lifted_by"):
                if not issue.get(key):
                    issue.pop(key, None)
            for g in issue.get("guarantors", ()):
                for key in ("sources", "evidence"):
                    if not g[key]:
                        g.pop(key)
        for pressure in data["pressures"]:
            if pressure.get("during") == "no_agreement":
                pressure.pop("during")
            if not pressure.get("fronts"):
                pressure.pop("fronts", None)
        if not data["fronts"]:
            data.pop("fronts")
        for front in data.get("fronts", ()):
            for key in ("description", "sources"):
                if not front[key]:
                    front.pop(key)
        for stance in data["stances"]:
            for key in ("sources", "evidence", "red_lines"):
                if not stance[key]:
                    stance.pop(key)
            for line in stance.get("red_lines", ()):
                for key in ("options", "sources", "evidence"):
                    if not line[key]:
                        line.pop(key)
                if line.get("uncertainty") is not None:
                    line["uncertainty"] = list(line["uncertainty"])
        for key in ("blocs", "linkages", "pressures", "shocks"):
            if not data[key]:
                data.pop(key)
            for item in data.get(key, ()):
                for sub in ("sources", "evidence", "description", "coordinator"):
                    if sub in item and not item[sub]:
                        item.pop(sub)
        if not data["proposals"]:
            data.pop("proposals")
        for prop in data.get("proposals", ()):
            for key in ("title", "sources", "evidence", "open", "phases", "assumptions"):
                if not prop[key]:
                    prop.pop(key)
            for phase in prop.get("phases", ()):
                if not phase["description"]:
                    phase.pop("description")
        for source in data["sources"]:
            for key in ("title", "publisher"):
                if not source[key]:
                    source.pop(key)
        return data

    @cached_property
    def hash(self) -> str:
        """A short content hash: two scenarios with the same data share it."""
        # the canonical form leaves out unset optional fields, so that adding an optional
        # field to the schema does not change the hash of existing scenarios
        blob = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def replace(self, **changes: Any) -> Scenario:
        """A new, re-validated scenario with some top-level fields changed."""
        data = self.to_dict()
        for key, value in changes.items():
            data[key] = _plain(value)
        return Scenario.from_dict(data)

    # ---- building -------------------------------------------------------------
    @classmethod
    def from_dict(
        cls,
        data: Any,
        *,
        file: str | None = None,
        locate: Locator | None = None,
    ) -> Scenario:
        """Validate plain data and build a scenario, or raise every problem at once.

        ``locate`` maps a field path to a line number so that errors can point
        into the file the data came from.
        """
        problems: list[Problem] = []

        def add(path: Path, found: str, expected: str) -> None:
            problems.append(Problem(path, found, expected, file, field_line(locate, path)))

        if not isinstance(data, Mapping):
            add((), f"{type(data).__name__} {short(data)}", "a mapping with name, actors, issues")
            raise ScenarioError(problems, file=file)

        known = {"name", "title", "as_of", "description", "sources", "actors", "issues",
                 "stances", "blocs", "linkages", "pressures", "shocks", "proposals", "metadata",
                 "fronts", "conflict"}
        for key in data:
            if key not in known:
                add((str(key),), "an unknown key", f"one of {', '.join(sorted(known))}")

        top = {k: data.get(k)
               for k in ("name", "title", "as_of", "description", "metadata", "conflict")}
        top = {k: v for k, v in top.items() if v is not None}
        if not data.get("name"):
            add(("name",), short(data.get("name")), "a non-empty scenario name")
            top["name"] = "unnamed"
        top_obj = _validate(_TopLevel, top, (), add)

        sources = _validate_list(data, "sources", Source, _normalise_plain, add)
        actors = _validate_list(data, "actors", Actor, _normalise_actor, add)
        issues = _validate_list(data, "issues", Issue, _normalise_issue, add)
        stances = _validate_list(data, "stances", Stance, _normalise_stance, add)
        blocs = _validate_list(data, "blocs", Bloc, _normalise_plain, add)
        linkages = _validate_list(data, "linkages", Linkage, _normalise_plain, add)
        pressures = _validate_list(data, "pressures", Pressure, _normalise_pressure, add)
        shocks = _validate_list(data, "shocks", Shock, _normalise_plain, add)
        proposals = _validate_list(data, "proposals", Proposal, _normalise_proposal, add)
        fronts = _validate_list(data, "fronts", Front, _normalise_plain, add)

        if not data.get("actors"):
            add(("actors",), "no actors", "at least one actor")
        if not data.get("issues"):
            add(("issues",), "no issues", "at least one issue")

        _check_unique(actors, "actors", "id", add)
        _check_unique(issues, "issues", "id", add)
        _check_unique(sources, "sources", "id", add)
        _check_issues(issues, add)
        # an actor or issue whose own record is invalid is reported there, not again as
        # "unknown" in every stance that names it
        declared = {kind: _declared_ids(data.get(kind))
                    for kind in ("actors", "issues", "pressures")}
        _check_stances(stances, actors, issues, sources, _skip_declared(add, declared))
        _check_invalid_stance_refs(data.get("stances"), stances, actors, issues,
                                   _skip_declared(add, declared))
        for key, items in (("blocs", blocs), ("pressures", pressures), ("shocks", shocks)):
            _check_unique(items, key, "id", add)
        check_structure(Parts(actors, issues, stances, sources, blocs, linkages, pressures,
                              shocks), _skip_declared(add, declared))
        _check_unique(proposals, "proposals", "id", add)
        source_ids = [s.id for _, s in sources]
        for k, actor in actors:
            if actor.capability_source is not None and actor.capability_source not in source_ids:
                add(("actors", k, "capability_source"), repr(actor.capability_source),
                    "the id of a source of the scenario")
        check_conflict(top_obj.conflict if top_obj else None, [a.id for _, a in actors],
                       source_ids, add)
        check_proposals(proposals, actors, issues, sources, _skip_declared(add, declared))
        _check_unique(fronts, "fronts", "id", add)
        check_fighting(fronts, issues, pressures, sources, actors, add)

        if problems:
            raise ScenarioError(problems, file=file)
        assert top_obj is not None
        return cls(
            **top_obj.model_dump(),
            sources=tuple(s for _, s in sources),
            actors=tuple(a for _, a in actors),
            issues=tuple(i for _, i in issues),
            stances=tuple(s for _, s in stances),
            blocs=tuple(b for _, b in blocs),
            linkages=tuple(k for _, k in linkages),
            pressures=tuple(p for _, p in pressures),
            shocks=tuple(k for _, k in shocks),
            proposals=tuple(p for _, p in proposals),
            fronts=tuple(f for _, f in fronts),
        )


class _TopLevel(_Frozen):
    name: str
    title: str = ""
    as_of: dt.date | None = None
    description: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
    conflict: ConflictFacts | None = None


# ---- normalising the hand-written shorthands ------------------------------------


def _normalise_plain(raw: Any) -> Any:
    return raw


def _normalise_proposal(raw: Any) -> Any:
    """``source: id`` for ``sources: [id]``; ``open: issue`` for ``open: [issue]``."""
    if not isinstance(raw, Mapping):
        return raw
    out = dict(raw)
    if "source" in out and "sources" not in out:
        out["sources"] = out.pop("source")
    for key in ("sources", "open"):
        if isinstance(out.get(key), str):
            out[key] = [out[key]]
    return out


def _normalise_actor(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    for key in ("capability_uncertainty", "batna_uncertainty"):
        if key in raw:
            raw[key] = _normalise_distribution(raw[key])
    if isinstance(raw.get("expectations"), Mapping):
        raw["expectations"] = {k: _normalise_process(v)
                               for k, v in raw["expectations"].items()}
    return raw


def _normalise_pressure(raw: Any) -> Any:
    if isinstance(raw, Mapping) and ("uncertainty" in raw or "process" in raw):
        raw = dict(raw)
        if "uncertainty" in raw:
            raw["uncertainty"] = _normalise_distribution(raw["uncertainty"])
        if "process" in raw:
            raw["process"] = _normalise_process(raw["process"])
    if isinstance(raw, Mapping) and isinstance(raw.get("fronts"), str):
        raw = dict(raw)
        raw["fronts"] = [raw["fronts"]]
    return raw


def _normalise_process(raw: Any) -> Any:
    """A process or an expectation: ``trend_uncertainty: [low, high]`` and ``source: id``."""
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    if "trend_uncertainty" in raw:
        raw["trend_uncertainty"] = _normalise_distribution(raw["trend_uncertainty"])
    if "source" in raw and "sources" not in raw:
        src = raw.pop("source")
        raw["sources"] = [src] if isinstance(src, str) else src
    return raw


def _drop_empty_process_fields(data: dict[str, Any]) -> None:
    """Leave out the unset parts of processes and expectations in the canonical form."""
    records = [p["process"] for p in data["pressures"] if p.get("process")]
    records += [e for a in data["actors"] for e in a.get("expectations", {}).values()]
    for rec in records:
        for key in ("sources", "assumption"):
            if not rec.get(key):
                rec.pop(key, None)


def _normalise_issue(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    scale = raw.pop("scale", None)
    if scale is not None:
        if isinstance(scale, list | tuple) and len(scale) == 2:
            raw.setdefault("low", scale[0])
            raw.setdefault("high", scale[1])
        elif isinstance(scale, Mapping):
            raw.setdefault("low", scale.get("low"))
            raw.setdefault("high", scale.get("high"))
        else:
            raw["scale"] = scale  # left for pydantic to reject by name
    anchors = raw.get("anchors")
    if isinstance(anchors, Mapping):
        raw["anchors"] = [{"value": k, "label": v} for k, v in anchors.items()]
    options = raw.get("options")
    if isinstance(options, Mapping):
        raw["options"] = [{"name": k, "value": v} for k, v in options.items()]
    for key in ("controlled_by", "vetoes", "fronts"):
        if isinstance(raw.get(key), str):
            raw[key] = [raw[key]]
    if isinstance(raw.get("stops_fighting"), str | int | float):
        raw["stops_fighting"] = [raw["stops_fighting"]]
    if isinstance(raw.get("beneficiaries"), str):
        raw["beneficiaries"] = [raw["beneficiaries"]]
    lifted = raw.get("lifted_by")
    if isinstance(lifted, Mapping):
        raw["lifted_by"] = {k: [v] if isinstance(v, str) else v for k, v in lifted.items()}
    return raw


def _normalise_distribution(raw: Any) -> Any:
    """``[low, high]`` is shorthand for a uniform distribution."""
    if isinstance(raw, list | tuple) and len(raw) == 2:
        return {"kind": "uniform", "low": raw[0], "high": raw[1]}
    if isinstance(raw, Mapping) and "dist" in raw:
        raw = dict(raw)
        raw["kind"] = raw.pop("dist")
    return raw


def _normalise_stance(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    raw = dict(raw)
    unc = raw.pop("uncertainty", None)
    if isinstance(unc, Mapping):
        if "position" in unc:
            raw.setdefault("position_uncertainty", unc["position"])
        if "salience" in unc:
            raw.setdefault("salience_uncertainty", unc["salience"])
        extra = set(unc) - {"position", "salience"}
        if extra:
            raw["uncertainty"] = {k: unc[k] for k in extra}
    elif unc is not None:
        raw["uncertainty"] = unc
    for key in ("position_uncertainty", "salience_uncertainty"):
        if key in raw:
            raw[key] = _normalise_distribution(raw[key])
    if isinstance(raw.get("sources"), str):
        raw["sources"] = [raw["sources"]]
    if "red_line" in raw and "red_lines" not in raw:  # one red line, written as a mapping
        raw["red_lines"] = [raw.pop("red_line")]
    if "source" in raw and "sources" not in raw:
        src = raw.pop("source")
        raw["sources"] = [src] if isinstance(src, str) else src
    return raw


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _num_key(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# ---- validation helpers -------------------------------------------------------------

_Add = Callable[[Path, str, str], None]


def field_line(locate: Locator | None, path: Path) -> int | None:
    """The line of the field at ``path``, or of its nearest enclosing element that has one
    (a missing field points at its record)."""
    if locate is None:
        return None
    if "red_lines" in path:  # a single red line may be written as `red_line: {...}`
        k = path.index("red_lines")
        alias = path[:k] + ("red_line",) + path[k + 2:]
        if len(path) > k + 1 and path[k + 1] == 0 and locate(alias):
            return locate(alias)
    # fall back to the nearest enclosing element that has a line
    for cut in range(len(path), -1, -1):
        line = locate(path[:cut])
        if line:
            return line
    return None


_EXPECT = {
    "missing": "a value (this field is required)",
    "extra_forbidden": "no such field (check the spelling)",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "greater_than_equal": "a number >= {ge}",
    "greater_than": "a number > {gt}",
    "less_than_equal": "a number <= {le}",
    "string_type": "text",
    "string_too_short": "non-empty text",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_parsing": "a date YYYY-MM-DD",
    "date_type": "a date YYYY-MM-DD",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "literal_error": "one of {expected}",
}


def _describe_error(err: Mapping[str, Any]) -> tuple[str, str]:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
        return "an inconsistent value", msg
    if kind == "missing":
        return "nothing", _EXPECT["missing"]
    template = _EXPECT.get(kind)
    expected = template.format(**ctx) if template else str(err.get("msg", "a valid value"))
    return short(err.get("input")), expected


def _validate(model: type[BaseModel], raw: Any, path: Path, add: _Add) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not isinstance(p, str) or p != "__root__")
            loc = _translate_loc(loc)
            found, expected = _describe_error(err)
            add(path + loc, found, expected)
        return None


def _translate_loc(loc: tuple[Any, ...]) -> Path:
    """Map pydantic's location (after normalising) back to the field the user wrote."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and part in ("position_uncertainty", "salience_uncertainty"):
            out += ["uncertainty", part.split("_")[0]]
        elif isinstance(part, str) and part.startswith("function-after["):
            continue
        else:
            out.append(part)
    return tuple(out)


def _validate_list(
    data: Mapping[str, Any],
    key: str,
    model: type[BaseModel],
    normalise: Callable[[Any], Any],
    add: _Add,
) -> list[tuple[int, Any]]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        add((key,), f"{type(raw).__name__} {short(raw)}", f"a list of {key}")
        return []
    good: list[tuple[int, Any]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            add((key, index), f"{type(item).__name__} {short(item)}", "a mapping of fields")
            continue
        obj = _validate(model, normalise(item), (key, index), add)
        if obj is not None:
            good.append((index, obj))
    return good


def _check_unique(items: Iterable[tuple[int, Any]], key: str, attr: str, add: _Add) -> None:
    seen: dict[str, int] = {}
    for index, obj in items:
        value = getattr(obj, attr)
        if value in seen:
            add((key, index, attr), f"duplicate {attr} {value!r} (first at {key}[{seen[value]}])",
                f"a unique {attr}")
        else:
            seen[value] = index


def _check_issues(issues: list[tuple[int, Issue]], add: _Add) -> None:
    for index, issue in issues:
        path: Path = ("issues", index)
        if not issue.low < issue.high:
            add(path + ("high",), f"scale {issue.low}..{issue.high}", "low < high")
            continue
        rng = f"a value within the scale {issue.low:g}..{issue.high:g}"
        if issue.status_quo is not None and not issue.low <= issue.status_quo <= issue.high:
            add(path + ("status_quo",), short(issue.status_quo), rng)
        anchored: set[float] = set()
        for k, anchor in enumerate(issue.anchors):
            if not issue.low <= anchor.value <= issue.high:
                add(path + ("anchors", k), f"anchor at {anchor.value:g}", rng)
            if anchor.value in anchored:  # YAML keys anchors by value: one label per point
                add(path + ("anchors", k), f"a second anchor at {anchor.value:g}",
                    "one label per value")
            anchored.add(anchor.value)
        seen: set[str] = set()
        for k, option in enumerate(issue.options):
            if not issue.low <= option.value <= issue.high:
                add(path + ("options", k), f"option {option.name!r} at {option.value:g}", rng)
            if option.name in seen:
                add(path + ("options", k), f"duplicate option {option.name!r}",
                    "unique option names")
            seen.add(option.name)


def _check_stances(
    stances: list[tuple[int, Stance]],
    actors: list[tuple[int, Actor]],
    issues: list[tuple[int, Issue]],
    sources: list[tuple[int, Source]],
    add: _Add,
) -> None:
    actor_ids = {a.id for _, a in actors}
    issue_by_id = {i.id: i for _, i in issues}
    source_ids = {s.id for _, s in sources}
    seen: dict[tuple[str, str], int] = {}
    for index, st in stances:
        path: Path = ("stances", index)
        if st.actor not in actor_ids:
            _unknown(add, path + ("actor",), "actor", st.actor, actor_ids)
        issue = issue_by_id.get(st.issue)
        if issue is None:
            _unknown(add, path + ("issue",), "issue", st.issue, issue_by_id)
        elif issue.low < issue.high:
            rng = _within_scale(issue)
            if not issue.low <= st.position <= issue.high:
                add(path + ("position",), short(st.position), rng)
            dist = st.position_uncertainty
            if dist is not None and (dist.low < issue.low or dist.high > issue.high):
                add(path + ("uncertainty", "position"), f"range {dist.low:g}..{dist.high:g}", rng)
            if dist is not None and not dist.low <= st.position <= dist.high:
                add(path + ("uncertainty", "position"),
                    f"range {dist.low:g}..{dist.high:g} that excludes the position {st.position:g}",
                    "a range that contains the stated position")
        sal = st.salience_uncertainty
        if sal is not None and (sal.low < 0 or sal.high > 1):
            add(path + ("uncertainty", "salience"), f"range {sal.low:g}..{sal.high:g}",
                "a range within 0..1")
        if sal is not None and not sal.low <= st.salience <= sal.high:
            add(path + ("uncertainty", "salience"),
                f"range {sal.low:g}..{sal.high:g} that excludes the salience {st.salience:g}",
                "a range that contains the stated salience")
        for k, src in enumerate(st.sources):
            if src not in source_ids:
                add(path + ("sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")
        key = (st.actor, st.issue)
        if key in seen:
            add(path, f"a second stance of {st.actor!r} on {st.issue!r} "
                f"(first at stances[{seen[key]}])", "at most one stance per actor and issue")
        else:
            seen[key] = index


def _check_invalid_stance_refs(
    raw: Any,
    valid: list[tuple[int, Stance]],
    actors: list[tuple[int, Actor]],
    issues: list[tuple[int, Issue]],
    add: _Add,
) -> None:
    """Unknown actor or issue in stances that failed field validation (so all show at once)."""
    if not isinstance(raw, list | tuple):
        return
    done = {index for index, _ in valid}
    known = {"actor": {a.id for _, a in actors}, "issue": {i.id for _, i in issues}}
    issue_by_id = {i.id: i for _, i in issues}
    for index, item in enumerate(raw):
        if index in done or not isinstance(item, Mapping):
            continue
        for key, ids in known.items():
            value = item.get(key)
            if isinstance(value, str) and value and value not in ids:
                _unknown(add, ("stances", index, key), key, value, ids)
        issue_id = item.get("issue")
        issue = issue_by_id.get(issue_id) if isinstance(issue_id, str) else None
        position = item.get("position")
        # as for valid stances: only against a valid scale; a non-finite number is already
        # reported as such
        if (issue is not None and issue.low < issue.high and isinstance(position, int | float)
                and math.isfinite(position) and not issue.low <= position <= issue.high):
            add(("stances", index, "position"), short(position), _within_scale(issue))


def _declared_ids(raw: Any) -> set[str]:
    """The ids written in a list of records, valid or not."""
    if not isinstance(raw, list | tuple):
        return set()
    return {r["id"] for r in raw if isinstance(r, Mapping) and isinstance(r.get("id"), str)}


def _skip_declared(add: _Add, declared: Mapping[str, set[str]]) -> _Add:
    """``add`` without the "unknown actor/issue" problems of ids that are declared (their
    record failed validation and has its own problem), wherever the reference stands:
    a stance, a veto, a red line's bloc, a linked offer."""
    def filtered(path: Path, found: str, expected: str) -> None:
        kind, _, value = found.partition(" ")[2].partition(" ")
        if (found.startswith("unknown ") and kind in ("actor", "issue", "pressure")
                and value.strip("'\"") in declared[f"{kind}s"]):
            return
        add(path, found, expected)
    return filtered


def _unknown(add: _Add, path: Path, kind: str, value: str, ids: Iterable[str]) -> None:
    """A reference to an actor or issue the scenario does not have."""
    add(path, f"unknown {kind} {value!r}",
        f"one of the scenario's {kind}s ({', '.join(sorted(ids)) or 'none'})")


def _within_scale(issue: Issue) -> str:
    return f"a value within the scale {issue.low:g}..{issue.high:g} of issue {issue.id!r}"


# ---- the structure's cross-references --------------------------------------------------


class Parts(NamedTuple):
    """The validated parts of a scenario being built, each with its index in the input."""

    actors: list[tuple[int, Actor]]
    issues: list[tuple[int, Issue]]
    stances: list[tuple[int, Stance]]
    sources: list[tuple[int, Source]]
    blocs: list[tuple[int, Bloc]]
    linkages: list[tuple[int, Linkage]]
    pressures: list[tuple[int, Pressure]]
    shocks: list[tuple[int, Shock]]


def check_structure(parts: Parts, add: _Add) -> None:
    """Cross-references of control, vetoes, red lines, linkages, blocs and pressures."""
    actor_ids = {a.id for _, a in parts.actors}
    issue_by_id = {i.id: i for _, i in parts.issues}
    source_ids = {s.id for _, s in parts.sources}
    pressure_ids = {p.id for _, p in parts.pressures}

    def sources(path: Path, ids: Iterable[str]) -> None:
        for k, src in enumerate(ids):
            if src not in source_ids:
                add(path + ("sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")

    for index, issue in parts.issues:
        for key in ("controlled_by", "vetoes"):
            for k, actor in enumerate(getattr(issue, key)):
                if actor not in actor_ids:
                    _unknown(add, ("issues", index, key, k), "actor", actor, actor_ids)
        # (a no-agreement label without a status quo has nothing to label: it is inert)
        if issue.no_agreement is not None and any(o.name == "no-agreement"
                                                  for o in issue.options):
            add(("issues", index, "options"), "an option named 'no-agreement'",
                "another name: 'no-agreement' is the explicit no-deal option")
    for index, st in parts.stances:
        on = issue_by_id.get(st.issue)
        for k, line in enumerate(st.red_lines):
            path: Path = ("stances", index, "red_lines", k)
            sources(path, line.sources)
            if on is None or not on.low < on.high:
                continue
            names = [o.name for o in on.options]
            for j, name in enumerate(line.options):
                if name not in names:
                    add(path + ("options", j), f"unknown option {name!r}",
                        f"an option of issue {on.id!r} ({', '.join(names) or 'none'})")
            bounds = [(key, getattr(line, key)) for key in ("above", "below")]
            if line.range is not None:
                bounds += [("range", line.range[0]), ("range", line.range[1])]
            if line.uncertainty is not None:
                bounds += [("uncertainty", line.uncertainty[0]),
                           ("uncertainty", line.uncertainty[1])]
            for key, value in bounds:
                if value is not None and not on.low <= value <= on.high:
                    add(path + (key,), f"red line at {value:g} outside the scale",
                        _within_scale(on))
    for index, actor in parts.actors:
        for named in actor.batna_pressure:
            if named not in pressure_ids:
                _unknown(add, ("actors", index, "batna_pressure", named), "pressure",
                         named, pressure_ids)
    for index, bloc in parts.blocs:  # members: the actors naming it (none is allowed)
        sources(("blocs", index), bloc.sources)
    for index, pressure in parts.pressures:
        sources(("pressures", index), pressure.sources)
        dist = pressure.uncertainty
        if dist is not None and not dist.low <= pressure.value <= dist.high:
            add(("pressures", index, "uncertainty"),
                f"range {dist.low:g}..{dist.high:g} that excludes the value {pressure.value:g}",
                "a range that contains the stated value")
    _check_processes(parts, pressure_ids, sources, add)
    for index, shock in parts.shocks:
        sources(("shocks", index), shock.sources)
        for named in shock.changes:
            if named not in pressure_ids:
                _unknown(add, ("shocks", index, "changes", named), "pressure", named,
                         pressure_ids)
    _check_linkages(parts.linkages, actor_ids, issue_by_id, sources, add)


def check_fighting(fronts: list[tuple[int, Front]], issues: list[tuple[int, Issue]],
                   pressures: list[tuple[int, Pressure]], sources: list[tuple[int, Source]],
                   actors: list[tuple[int, Actor]], add: _Add) -> None:
    """Cross-references of the war's language: fronts named by issues and pressures are
    declared, every ``stops_fighting`` mark is an option or an anchor of its issue,
    guarantors, beneficiaries and lifting actors are actors, lifted options exist."""
    front_ids = {f.id for _, f in fronts}
    source_ids = {s.id for _, s in sources}
    for index, front in fronts:
        for k, src in enumerate(front.sources):
            if src not in source_ids:
                add(("fronts", index, "sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")
    for kind, items in (("issues", issues), ("pressures", pressures)):
        for index, item in items:
            for k, front_id in enumerate(item.fronts):
                if front_id not in front_ids:
                    _unknown(add, (kind, index, "fronts", k), "front", front_id, front_ids)
    for index, pressure in pressures:
        if pressure.fronts and pressure.during != "fighting":
            add(("pressures", index, "fronts"), "fronts on a pressure that is not a cost of "
                "fighting", "during: fighting beside fronts (or no fronts)")
    actor_ids = {a.id for _, a in actors}
    issue_ids = {i.id for _, i in issues}
    for index, actor in actors:
        for named in actor.capability_by_issue:
            if named not in issue_ids:
                _unknown(add, ("actors", index, "capability_by_issue", named), "issue", named,
                         issue_ids)
    for index, issue in issues:
        for j, g in enumerate(issue.guarantors):
            if g.actor not in actor_ids:
                _unknown(add, ("issues", index, "guarantors", j, "actor"), "actor", g.actor,
                         actor_ids)
            for k, src in enumerate(g.sources):
                if src not in source_ids:
                    add(("issues", index, "guarantors", j, "sources", k),
                        f"unknown source {src!r}", "one of the scenario's sources "
                        f"({', '.join(sorted(source_ids)) or 'none'})")
        for j, who in enumerate(issue.beneficiaries):
            if who not in actor_ids:
                _unknown(add, ("issues", index, "beneficiaries", j), "actor", who, actor_ids)
        option_names = [o.name for o in issue.options]
        for name, lifters in issue.lifted_by.items():
            if name not in option_names:
                add(("issues", index, "lifted_by", name), f"unknown option {name!r}",
                    f"an option of issue {issue.id!r} ({', '.join(option_names) or 'none'})")
            for j, who in enumerate(lifters):
                if who not in actor_ids:
                    _unknown(add, ("issues", index, "lifted_by", name, j), "actor", who,
                             actor_ids)
    for index, issue in issues:
        names = [o.name for o in issue.options]
        values = sorted({a.value for a in issue.anchors} | {o.value for o in issue.options})
        for k, mark in enumerate(issue.stops_fighting):
            if isinstance(mark, str):
                if mark not in names:
                    add(("issues", index, "stops_fighting", k), f"unknown option {mark!r}",
                        f"an option of issue {issue.id!r} ({', '.join(names) or 'none'}) or "
                        "the value of one of its anchors")
            elif not any(abs(float(mark) - v) <= 1e-9 * max(issue.span, 1e-300)
                         for v in values):
                add(("issues", index, "stops_fighting", k), f"no anchor at {float(mark):g}",
                    f"the value of an anchor or option of issue {issue.id!r} "
                    f"({', '.join(f'{v:g}' for v in values) or 'none'}) or an option's name")


def _check_processes(parts: Parts, pressure_ids: set[str],
                     sources: Callable[[Path, Iterable[str]], None], add: _Add) -> None:
    """Processes and expectations: known pressures, sources, sourced or marked as assumed,
    bounds that hold the stated value."""
    def stated(path: Path, rec: Process | Expectation) -> None:
        sources(path, rec.sources)
        if not rec.sources and not rec.assumption:
            add(path, "no sources and no assumption note",
                "sources: [...] or assumption: '...' (what is assumed, with its range)")

    for index, pressure in parts.pressures:
        proc = pressure.process
        if proc is None:
            continue
        path: Path = ("pressures", index, "process")
        stated(path, proc)
        for key in ("low", "high"):
            bound = getattr(proc, key)
            if bound is not None and (bound > pressure.value if key == "low"
                                      else bound < pressure.value):
                add(path + (key,), f"{key} {bound:g} that excludes the value "
                    f"{pressure.value:g}", "bounds that contain the pressure's stated value")
    for index, actor in parts.actors:
        for named, expectation in actor.expectations.items():
            path = ("actors", index, "expectations", named)
            if named not in pressure_ids:
                _unknown(add, path, "pressure", named, pressure_ids)
            stated(path, expectation)


def _check_linkages(linkages: list[tuple[int, Linkage]], actor_ids: set[str],
                    issue_by_id: Mapping[str, Issue], sources: Callable[[Path, Iterable[str]],
                                                                        None],
                    add: _Add) -> None:
    edges: dict[str, set[str]] = {}
    for index, link in linkages:
        path: Path = ("linkages", index)
        sources(path, link.sources)
        if link.actor not in actor_ids:
            _unknown(add, path + ("actor",), "actor", link.actor, actor_ids)
        ok = True
        for part in ("offer", "requires"):
            cond: Condition = getattr(link, part)
            issue = issue_by_id.get(cond.issue)
            if issue is None:
                _unknown(add, path + (part, "issue"), "issue", cond.issue, issue_by_id)
                ok = False
            elif cond.options:
                names = [o.name for o in issue.options] + (
                    ["no-agreement"] if issue.no_agreement is not None else [])
                for j, name in enumerate(cond.options):
                    if name not in names:
                        add(path + (part, "options", j), f"unknown option {name!r}",
                            f"an option of issue {issue.id!r} ({', '.join(names) or 'none'})")
            elif (issue.low < issue.high and cond.bound is not None
                  and not issue.low <= cond.bound <= issue.high):
                key = next(k for k in ("at_least", "at_most", "above", "below")
                           if getattr(cond, k) is not None)
                add(path + (part, key), f"{cond.bound:g} outside the scale", _within_scale(issue))
        if ok:
            edges.setdefault(link.offer.issue, set()).add(link.requires.issue)
    for index, link in linkages:
        cycle = _cycle_through(edges, link.offer.issue, link.requires.issue)
        if cycle:
            add(("linkages", index), "circular linkage " + " → ".join(cycle),
                "linkages without a cycle: each move waits for the other, so none can be "
                "delivered first (state a mutual exchange once, as the offering side's "
                "condition)")


def _cycle_through(edges: Mapping[str, set[str]], start: str, nxt: str) -> list[str] | None:
    """The issues of a path ``nxt → … → start`` closing the edge ``start → nxt``, if any."""
    if start not in edges.get(start, set()) and nxt == start:
        return None
    stack, seen = [(nxt, [start, nxt])], set()
    while stack:
        node, trail = stack.pop()
        if node == start:
            return trail
        if node in seen:
            continue
        seen.add(node)
        stack.extend((m, trail + [m]) for m in sorted(edges.get(node, ())))
    return None


def check_proposals(proposals: list[tuple[int, Proposal]], actors: list[tuple[int, Actor]],
                    issues: list[tuple[int, Issue]], sources: list[tuple[int, Source]],
                    add: _Add) -> None:
    """Cross-references of the proposals: proposer, issues, options, points, phases, sources."""
    actor_ids = {a.id for _, a in actors}
    issue_by_id = {i.id: i for _, i in issues}
    source_ids = {s.id for _, s in sources}
    for index, prop in proposals:
        path: Path = ("proposals", index)
        if prop.proposer not in actor_ids:
            _unknown(add, path + ("proposer",), "actor", prop.proposer, actor_ids)
        for k, src in enumerate(prop.sources):
            if src not in source_ids:
                add(path + ("sources", k), f"unknown source {src!r}",
                    f"one of the scenario's sources ({', '.join(sorted(source_ids)) or 'none'})")
        for issue_id, choice in prop.package.items():
            issue = issue_by_id.get(issue_id)
            where = path + ("package", issue_id)
            if issue is None:
                _unknown(add, where, "issue", issue_id, issue_by_id)
            elif isinstance(choice, str):
                names = [o.name for o in issue.options]
                if choice not in names:
                    add(where, f"unknown option {choice!r}",
                        f"an option of issue {issue.id!r} ({', '.join(names) or 'none'}) "
                        "or a point on its scale")
            elif not issue.low <= choice <= issue.high:
                add(where, f"point {choice:g} outside the scale", _within_scale(issue))
        for k, issue_id in enumerate(prop.open):
            if issue_id not in issue_by_id:
                _unknown(add, path + ("open", k), "issue", issue_id, issue_by_id)
            elif issue_id in prop.package:
                add(path + ("open", k), f"issue {issue_id!r} both in the package and open",
                    "an issue the package does not settle")
        for k, phase in enumerate(prop.phases):
            if any(other.name == phase.name for other in prop.phases[:k]):
                add(path + ("phases", k, "name"), f"a second phase named {phase.name!r}",
                    "a name of its own for each phase")
            for j, issue_id in enumerate(phase.issues):
                if issue_id not in prop.package:
                    add(path + ("phases", k, "issues", j),
                        f"issue {issue_id!r} not in the package",
                        f"an issue the package settles ({', '.join(prop.package)})")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (YAML or JSON), as detente reads it.

    Generated from the pydantic models, widened for the hand-written
    shorthands ``from_dict`` accepts: anchors and options as ``{value: label}``
    / ``{name: value}`` mappings, a distribution as ``[low, high]``, a stance's
    ``uncertainty: {position, salience}`` and ``red_line`` (one red line),
    ``scale: [low, high]``, and one id where a list of actor ids is expected.
    Cross-references (unknown actors, values outside a scale, circular
    linkages) are checked by ``detente check``, not by the schema.
    """
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "detente scenario"
    pair = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
    dist = {"anyOf": [{"$ref": "#/$defs/Distribution"}, pair, {"type": "null"}]}
    ids = {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
    issue = defs["Issue"]["properties"]
    issue["anchors"] = {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/Anchor"}},
                                  {"type": "object", "additionalProperties": {"type": "string"}}]}
    issue["options"] = {"anyOf": [{"type": "array", "items": {"$ref": "#/$defs/Option"}},
                                  {"type": "object", "additionalProperties": {"type": "number"}}]}
    issue["scale"] = pair
    issue["controlled_by"] = issue["vetoes"] = ids
    stance = defs["Stance"]["properties"]
    stance["position_uncertainty"] = stance["salience_uncertainty"] = dist
    stance["uncertainty"] = {"type": "object", "additionalProperties": False,
                             "properties": {"position": dist, "salience": dist}}
    stance["red_line"] = {"$ref": "#/$defs/RedLine"}
    stance["sources"] = ids
    for name in ("capability_uncertainty", "batna_uncertainty"):
        defs["Actor"]["properties"][name] = dist
    defs["Pressure"]["properties"]["uncertainty"] = dist
    for name in ("Process", "Expectation"):
        defs[name]["properties"]["trend_uncertainty"] = dist
        defs[name]["properties"]["source"] = {"type": "string"}
    proposal = defs["Proposal"]["properties"]
    proposal["source"] = {"type": "string"}
    proposal["sources"] = proposal["open"] = ids
    defs["Distribution"]["properties"]["dist"] = defs["Distribution"]["properties"]["kind"]
    defs["Distribution"].get("required", []).clear()
    defs["Distribution"]["required"] = ["low", "high"]
    return schema
