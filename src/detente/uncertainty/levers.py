"""What would it take: the smallest change to one input that moves a forecast to a target.

For one model, one issue and a target, every *lever* — one actor's position
or salience on that issue, or its capability — is moved alone, all else at
the stated values, and the smallest change that puts the forecast in the
target set T is reported:

    v* = argmin { |v − v₀| : v in the lever's range, f(v) ∈ T }.

The target set T is

- for an anchor label (or a unique part of one): that anchor's band, the
  outcomes whose nearest anchor it is, (m_{k−1}, m_k] between the midpoints
  to its neighbours (the lower anchor wins a tie, as
  :meth:`~detente.scenario.Issue.nearest_anchor`);
- for a number t (or an option's name): at least as far as t, seen from the
  current forecast: [t, ∞) if the forecast is below t, (−∞, t] if above.

Ranges: a position moves over the issue's scale, a salience over [0, 1], a
capability over [0, 4 × the largest capability at the table]. The search
evaluates every lever on a grid of ``grid`` values in one batched model
call (the draw axis carries the grid), takes the feasible grid value
nearest v₀, then bisects between it and its infeasible neighbour towards v₀
to the boundary of T (to ``tol`` of the range). Changes are compared on one
footing by ``share``: |Δ| / the lever's range (scale span, 1, or the
largest capability). Models with randomness are evaluated with one seeded
generator.

Each lever also carries its response ``curve`` (the forecast at ``CURVE_POINTS``
evenly spaced values of its range, read off the grid) and two warnings:

- ``non_monotone``: along the whole grid the forecast both rises and falls by
  more than ``MONOTONE_TOL`` of the issue's scale, so "more of this input"
  has no single direction of effect;
- ``counter_intuitive``: the change needed goes against the intuitive
  direction. For a position that is towards the target (t = +1 when the
  target lies above the forecast, −1 below): a move of sign −t is
  counter-intuitive. For a salience or capability it is more weight for an
  actor whose position lies on the target's side of the forecast,
  sign(x_a − f) = t, and less weight otherwise; for an actor standing exactly
  at the forecast the target's near edge e takes the forecast's place,
  sign(x_a − e) = t.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np

from detente.anchors import anchor_choices, anchor_matches
from detente.arrays import ScenarioArrays, compile_scenario
from detente.errors import DetenteError
from detente.extras import extras_of
from detente.json_values import json_number
from detente.models.base import Model
from detente.scenario import Distribution, Issue, Scenario
from detente.uncertainty.sampling import stated_inputs

LeverKind = Literal["position", "salience", "capability"]
KINDS: tuple[LeverKind, ...] = ("position", "salience", "capability")
CAPABILITY_REACH = 4.0
CURVE_POINTS = 9
"""Points of a lever's response curve as reported (read off the search grid)."""
MONOTONE_TOL = 0.01
"""A rise and a fall each larger than this share of the issue's scale make a lever's
response non-monotone."""


@dataclass(frozen=True)
class Lever:
    """One actor's input and what it would take."""

    actor: str
    kind: LeverKind
    current: float
    needed: float | None
    outcome: float | None
    range: tuple[float, float]
    within_uncertainty: bool | None = None
    curve: tuple[float, ...] = ()
    non_monotone: bool = False
    counter_intuitive: bool = False

    @property
    def reachable(self) -> bool:
        return self.needed is not None

    @property
    def change(self) -> float | None:
        return None if self.needed is None else self.needed - self.current

    @property
    def share(self) -> float:
        """|change| / the lever's range (inf if unreachable)."""
        if self.needed is None:
            return math.inf
        return abs(self.needed - self.current) / (self.range[1] - self.range[0])

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "kind": self.kind, "current": self.current,
                "needed": self.needed, "change": self.change, "share": json_number(self.share),
                "outcome": self.outcome, "reachable": self.reachable,
                "within_uncertainty": self.within_uncertainty, "range": list(self.range),
                "curve": [json_number(v) for v in self.curve],
                "non_monotone": self.non_monotone, "counter_intuitive": self.counter_intuitive}


@dataclass(frozen=True)
class LeverResult:
    """The levers for one target, easiest first (smallest ``share``)."""

    model: str
    issue: str
    target: str
    interval: tuple[float, float]
    current: float
    already: bool
    levers: tuple[Lever, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "issue": self.issue, "target": self.target,
                "interval": [json_number(self.interval[0]), json_number(self.interval[1])],
                "current": self.current, "already_there": self.already,
                "levers": [lv.to_dict() for lv in self.levers]}


def target_interval(issue: Issue, target: str | float, current: float
                    ) -> tuple[tuple[float, float], str]:
    """The target set for ``target`` (anchor label, option name or number) and its label."""
    if isinstance(target, str):
        text = target.strip()
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None:
            for opt in issue.options:
                if opt.name == text:
                    value = opt.value
            if value is None:
                return _band(issue, text)
        target = value
    t = float(target)
    if not issue.low <= t <= issue.high:
        raise DetenteError(f"target {t:g} lies outside issue {issue.id!r}'s scale "
                           f"{issue.low:g}..{issue.high:g}")
    if current < t:
        return (t, math.inf), f"at least {t:g}"
    return (-math.inf, t), f"at most {t:g}"


def _band(issue: Issue, text: str) -> tuple[tuple[float, float], str]:
    anchors = sorted(issue.anchors, key=lambda a: a.value)
    pairs = [(a.value, a.label) for a in anchors]
    hits = anchor_matches(pairs, text)
    if len(hits) != 1:
        opts = ", ".join(o.name for o in issue.options)
        raise DetenteError(
            f"target {text!r} matches {'no' if not hits else 'more than one'} anchor of issue "
            f"{issue.id!r} (anchors: {anchor_choices(pairs)}; options: {opts or 'none'}; "
            "or give a number)")
    k = hits[0]
    lo = -math.inf if k == 0 else (anchors[k - 1].value + anchors[k].value) / 2
    hi = math.inf if k == len(anchors) - 1 else (anchors[k].value + anchors[k + 1].value) / 2
    return (lo, hi), f"nearest anchor {anchors[k].value:g} ({anchors[k].label})"


def _inside(x: np.ndarray, interval: tuple[float, float]) -> np.ndarray:
    """Membership in T; a band (m₀, m₁] is open below, a one-sided target closed."""
    lo, hi = interval
    if math.isinf(lo) or math.isinf(hi):
        return (x >= lo) & (x <= hi)
    return (x > lo) & (x <= hi)


def find_levers(
    scenario: Scenario,
    model: Model,
    issue: str,
    target: str | float,
    *,
    actors: Sequence[str] | None = None,
    kinds: Sequence[LeverKind] = KINDS,
    grid: int = 401,
    tol: float = 1e-9,
    seed: int = 0,
) -> LeverResult:
    """The smallest single-input changes that move ``model``'s forecast on ``issue``
    to ``target``; see the module docstring."""
    if issue not in scenario.issue_ids:
        raise DetenteError(f"no issue {issue!r}; issues are {', '.join(scenario.issue_ids)}")
    for a in actors or ():
        if a not in scenario.actor_ids:
            raise DetenteError(f"no actor {a!r}; actors are {', '.join(scenario.actor_ids)}")
    for kind in kinds:
        if kind not in KINDS:
            raise DetenteError(f"unknown lever {kind!r}; use {', '.join(KINDS)}")
    if grid < 3:
        raise DetenteError("grid must be at least 3")
    base = compile_scenario(scenario)
    model = model.bind(extras_of(scenario))
    model.check(base)
    k_issue = scenario.issue_ids.index(issue)
    iss = scenario.issue(issue)
    current = float(model.forecast(base, seed=seed).outcome[0, k_issue])
    interval, label = target_interval(iss, target, current)
    already = bool(_inside(np.array([current]), interval)[0])

    specs = _lever_specs(scenario, k_issue, actors, kinds)
    if not specs or already:
        return LeverResult(model.name, issue, label, interval, current, already)
    n = len(specs)
    lows = np.array([s.range[0] for s in specs])
    highs = np.array([s.range[1] for s in specs])
    v0 = np.array([s.current for s in specs])
    steps = np.linspace(0.0, 1.0, grid)
    values = lows[:, None] + (highs - lows)[:, None] * steps[None, :]
    outcome = _evaluate(model, base, specs, k_issue, values, seed)
    ok = _inside(outcome, interval)
    dist = np.where(ok, np.abs(values - v0[:, None]), np.inf)
    best = np.argmin(dist, axis=1)
    found = np.isfinite(dist[np.arange(n), best])

    # bisect towards the current value between the best grid point and its neighbour
    succ = values[np.arange(n), best]
    toward = np.where(succ > v0, -1, 1)
    nb = np.clip(best + toward, 0, grid - 1)
    fail = values[np.arange(n), nb]
    # when the current value lies between the two grid points, bisect from it instead
    between = (np.minimum(succ, fail) <= v0) & (v0 <= np.maximum(succ, fail))
    fail = np.where(between, v0, fail)
    width = highs - lows
    for _ in range(60):
        if np.all(np.abs(succ - fail) <= tol * width):
            break
        mid = 0.5 * (succ + fail)
        res = _evaluate(model, base, specs, k_issue, mid[:, None], seed)[:, 0]
        good = _inside(res, interval)
        succ = np.where(good, mid, succ)
        fail = np.where(good, fail, mid)
    final = _evaluate(model, base, specs, k_issue, succ[:, None], seed)[:, 0]

    from detente.uncertainty.sensitivity import non_monotone

    pick = np.round(np.linspace(0, grid - 1, CURVE_POINTS)).astype(int)
    tol = MONOTONE_TOL * (iss.high - iss.low)
    toward_target = 1.0 if current < interval[0] else -1.0
    near_edge = interval[0] if toward_target > 0 else interval[1]
    a_of = {a: k for k, a in enumerate(base.actors)}
    levers = []
    for j, spec in enumerate(specs):
        needed = float(succ[j]) if found[j] else None
        within = None
        if needed is not None and spec.declared is not None:
            within = bool(spec.declared.low <= needed <= spec.declared.high)
        x_a = float(base.position[0, a_of[spec.actor], k_issue])
        # where the actor pulls: its side of the forecast (at the forecast: of the target)
        stands = x_a - current if x_a != current else x_a - near_edge
        against = needed is not None and _against_intuition(
            spec.kind, needed - spec.current, toward_target, stands)
        levers.append(Lever(spec.actor, spec.kind, float(spec.current), needed,
                            float(final[j]) if found[j] else None, spec.range, within,
                            curve=tuple(float(v) for v in outcome[j, pick]),
                            non_monotone=non_monotone(outcome[j], tol),
                            counter_intuitive=against))
    levers.sort(key=lambda lv: (lv.share, lv.actor, KINDS.index(lv.kind)))
    return LeverResult(model.name, issue, label, interval, current, already, tuple(levers))


def _against_intuition(kind: LeverKind, change: float, toward: float, stands: float) -> bool:
    """Whether a ``change`` of a lever of ``kind`` goes against the intuitive direction
    (see the module docstring); ``toward`` is ±1, the target's side of the forecast, and
    ``stands`` the actor's position minus the forecast."""
    if change == 0:
        return False
    if kind == "position":
        return bool(np.sign(change) == -toward)
    if stands == 0:
        return False
    intuitive = 1.0 if np.sign(stands) == toward else -1.0
    return bool(np.sign(change) == -intuitive)


class _Spec(NamedTuple):
    """One lever to search: whose, which input, its value now, its range, its declared
    uncertainty (if any)."""

    actor: str
    kind: LeverKind
    current: float
    range: tuple[float, float]
    declared: Distribution | None


def _lever_specs(scenario: Scenario, k_issue: int,
                 actors: Sequence[str] | None, kinds: Sequence[LeverKind]) -> list[_Spec]:
    """The levers of the actors with a stance on the issue, actor by actor (in the
    scenario's order), each actor's in the order of ``kinds``; read from the scenario's
    one list of inputs (:func:`stated_inputs`)."""
    iss = scenario.issues[k_issue]
    cap_max = max([a.capability for a in scenario.actors] + [1e-12])
    reach = {"position": (iss.low, iss.high), "salience": (0.0, 1.0),
             "capability": (0.0, CAPABILITY_REACH * cap_max)}
    with_stance = {st.actor for st in scenario.stances if st.issue == iss.id}
    found = [x for x in stated_inputs(scenario, kinds)
             if x.actor in with_stance and x.issue in (None, iss.id)
             and (not actors or x.actor in actors)]
    order = {a: k for k, a in enumerate(scenario.actor_ids)}
    rank: dict[str, int] = {kind: k for k, kind in reversed(list(enumerate(kinds)))}
    found.sort(key=lambda x: (order[x.actor], rank[x.kind]))
    return [_Spec(x.actor, x.kind, x.point, reach[x.kind], x.dist)  # type: ignore[arg-type]
            for x in found]


def _evaluate(model: Model, base: ScenarioArrays, specs: list[_Spec], k_issue: int,
              values: np.ndarray, seed: int) -> np.ndarray:
    """Outcomes on the issue ``[L, G]`` with lever j set to ``values[j, g]``."""
    n_lev, g = values.shape
    d = n_lev * g
    pos = np.repeat(np.asarray(base.position[:1]), d, axis=0)
    sal = np.repeat(np.asarray(base.salience[:1]), d, axis=0)
    cap = np.repeat(np.asarray(base.capability[:1]), d, axis=0)
    a_of = {a: k for k, a in enumerate(base.actors)}
    rows = np.arange(d).reshape(n_lev, g)
    for j, spec in enumerate(specs):
        a = a_of[spec.actor]
        if spec.kind == "position":
            pos[rows[j], a, k_issue] = values[j]
        elif spec.kind == "salience":
            sal[rows[j], a, k_issue] = values[j]
        else:
            cap[rows[j], a] = values[j]
    arrays = base.with_values(position=pos, salience=sal, capability=cap)
    out = model.forecast(arrays, rng=np.random.default_rng(seed)).outcome
    return np.asarray(out, dtype=float)[:, k_issue].reshape(n_lev, g)
