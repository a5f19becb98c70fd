"""The records a scenario is made of: actors, issues, stances and the structure around them.

Each is a frozen pydantic model that checks its own fields (ranges, one kind of red line,
a distribution's ends); what refers to other records (an unknown actor, a value outside
its issue's scale) is checked when the whole scenario is built
(:mod:`detente.scenario.validation`, :mod:`detente.scenario.structure`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
"""A number that is not NaN or infinite (pressure coefficients, shock changes)."""

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
        """The label a value is named by: the labelled anchor closest to ``value``
        (the lower one on a tie), or the explicit no-agreement outcome.

        On an issue whose status quo is the explicit no-agreement outcome
        (``no_agreement``), a value within the no-agreement band
        (:meth:`is_no_agreement`) reads as that outcome. Where an anchor shares the
        status quo's number (Donetsk: 50 is both "no agreement" and "freeze on the
        current front line") the band is the status quo itself (:attr:`band_width`):
        a model that moved nothing reads as no agreement, never as the anchor (a
        frozen line is not fighting going on), and any value that moved reads as
        the anchor. Every surface names a value through this method, and
        ``simulate`` counts draws into the same bands (its ``band_reach`` is
        :attr:`band_width`), so a point and its bands always say the same.
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
        span): a forecast this close to the status quo moved nothing.

        The default is 0 where an anchor sits at the no-agreement status quo
        (:attr:`anchor_at_status_quo`): that anchor names every value about it, so only
        the status quo itself (within 1e-9 of the span) reads as no agreement. Without
        that, a point 2 points off the status quo would read "no agreement" while the
        draws around it read as the anchor at the same number (one value, two names)."""
        if self.no_agreement_band is not None:
            return self.no_agreement_band
        if self.anchor_at_status_quo is not None:
            return 0.0
        return NO_AGREEMENT_BAND * self.span

    @property
    def anchor_at_status_quo(self) -> Anchor | None:
        """The anchor that shares the number of an explicit no-agreement status quo
        (``None``: none does, or the issue has no ``no_agreement``)."""
        if self.no_agreement is None or self.status_quo is None:
            return None
        tol = 1e-9 * max(self.span, 1e-300)
        return next((a for a in self.anchors if abs(a.value - self.status_quo) <= tol), None)

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
