"""Which of a scenario's rules a forecast breaks: red lines, linkages, sole control.

The forecast models read positions, saliences, capabilities and the status quo;
they do not read red lines, linked offers or who controls an issue. A forecast
may therefore land where a party has said it will never agree. Nothing here
moves or clips a forecast: it says which rules the forecast ignores, so that a
reader sees it beside the numbers.

For outcomes ``x[..., I]`` (a point forecast, or every draw of a simulation) a
rule is broken when:

- **red line** (actor ``a`` on issue ``i``): ``x_i`` is an outcome the line
  excludes (``above``: ``x_i > b``; ``below``: ``x_i < b``; ``range``:
  ``lo ≤ x_i ≤ hi``; ``options``: the option nearest ``x_i`` is one of them),
  unless ``x_i`` reads as the explicit no-agreement outcome
  (:meth:`~detente.scenario.Issue.is_no_agreement`): leaving an issue unsettled
  crosses no red line;
- **linkage**: the offer's condition holds and the requirement's does not (an
  offer on an issue left at no agreement is not made);
- **sole control**: exactly one actor can deliver the issue (``controlled_by``), the
  outcome moved from the status quo by more than the issue's band
  (:attr:`~detente.scenario.Issue.band_width`) and lies farther from that
  actor's stated position than the status quo does: the one party that can
  deliver the move would not.

:func:`forecast_rules` compiles these once; :meth:`ForecastRules.broken` is
vectorised over any leading axes, so a simulation counts them per block like its
other tallies, and :func:`violations` lists, per model, each rule broken at the
point or in some draw, with the share of draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from detente.scenario import Condition, Issue, Linkage, RedLine, Scenario

Kind = Literal["red_line", "linkage", "control"]
KINDS: tuple[Kind, ...] = ("red_line", "linkage", "control")


@dataclass(frozen=True)
class Rule:
    """One rule a forecast can break; ``id`` is stable across runs of one scenario."""

    id: str
    kind: Kind
    text: str
    """What the rule says, in words (ids, not display names)."""
    issues: tuple[str, ...]
    actor: str | None = None
    source: RedLine | Linkage | None = None
    """The scenario's red line or linkage (``None`` for sole control)."""
    drawn: int | None = None
    """For a red line with an uncertain bound: its column in :func:`draw_red_lines`."""


def uncertain_red_lines(scenario: Scenario) -> list[tuple[int, int]]:
    """``(stance index, red line index)`` of every red line whose bound is uncertain, in
    scenario order (the columns of :func:`draw_red_lines`)."""
    return [(s, k) for s, st in enumerate(scenario.stances)
            for k, line in enumerate(st.red_lines) if line.uncertainty is not None]


def draw_red_lines(scenario: Scenario, rng: np.random.Generator, n: int) -> np.ndarray:
    """``b[n, L]``: ``n`` draws of each uncertain red line's bound, uniform over its
    ``uncertainty`` range (one column per :func:`uncertain_red_lines` entry)."""
    found = uncertain_red_lines(scenario)
    out = np.empty((n, len(found)))
    for c, (s, k) in enumerate(found):
        lo, hi = scenario.stances[s].red_lines[k].uncertainty or (0.0, 0.0)
        out[:, c] = rng.uniform(lo, hi, n)
    return out


def red_line_of(rule: Rule) -> RedLine:
    assert isinstance(rule.source, RedLine)
    return rule.source


def linkage_of(rule: Rule) -> Linkage:
    assert isinstance(rule.source, Linkage)
    return rule.source


@dataclass(frozen=True, eq=False)
class ForecastRules:
    """A scenario's rules over outcome vectors ``x[..., I]``."""

    scenario: Scenario
    rules: tuple[Rule, ...]

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def broken(self, x: np.ndarray, bounds: np.ndarray | None = None) -> np.ndarray:
        """``[..., R]``: whether each rule is broken by outcomes ``x[..., I]`` (a NaN outcome
        breaks nothing); ``bounds[n, L]`` (:func:`draw_red_lines`, ``n`` the first axis of
        ``x``) puts each uncertain red line at its drawn bound, draw by draw. What several
        rules read off one issue (its nearest option, whether an outcome reads as no
        agreement) is computed once per call (:class:`_Reading`)."""
        x = np.asarray(x, dtype=float)
        sc = self.scenario
        read = _Reading(sc, x)
        out = np.zeros(x.shape[:-1] + (len(self.rules),), dtype=bool)
        for r, rule in enumerate(self.rules):
            if rule.kind == "red_line":
                _, actor, issue_id, k = rule.id.split(":")
                stance = sc.stance(actor, issue_id)
                assert stance is not None
                issue = sc.issue(issue_id)
                v = read.value(issue)
                line = stance.red_lines[int(k)]
                if bounds is not None and rule.drawn is not None:
                    b = bounds[:, rule.drawn].reshape((-1,) + (1,) * (v.ndim - 1))
                    with np.errstate(invalid="ignore"):
                        hit = v > b if line.above is not None else v < b
                else:
                    hit = _excluded(line, issue, read)
                out[..., r] = hit & ~read.unsettled(issue)
            elif rule.kind == "linkage":
                link = sc.linkages[int(rule.id.split(":")[1])]
                offer, need = sc.issue(link.offer.issue), sc.issue(link.requires.issue)
                made = _holds(link.offer, offer, read) & ~read.unsettled(offer)
                out[..., r] = made & ~_holds(link.requires, need, read)
            else:
                issue = sc.issue(rule.issues[0])
                stance = sc.stance(issue.deliverers[0], issue.id)
                assert stance is not None and issue.status_quo is not None
                v = read.value(issue)
                p, sq = stance.position, issue.status_quo
                tol = 1e-9 * max(issue.span, 1e-300)
                with np.errstate(invalid="ignore"):
                    out[..., r] = ((np.abs(v - sq) > issue.band_width + tol)
                                   & (np.abs(v - p) > np.abs(sq - p) + tol))
        return out


def forecast_rules(scenario: Scenario) -> ForecastRules:
    """Every red line, linkage and sole-controlled issue of ``scenario`` (an issue whose
    one controller states no position, or without a status quo, has no control rule)."""
    rules: list[Rule] = []
    drawn = {key: c for c, key in enumerate(uncertain_red_lines(scenario))}
    for s, st in enumerate(scenario.stances):
        for k, line in enumerate(st.red_lines):
            text = line.describe() + ("" if line.uncertainty is None else
                                      f", really anywhere in {line.uncertainty[0]:g}.."
                                      f"{line.uncertainty[1]:g}")
            rules.append(Rule(f"red_line:{st.actor}:{st.issue}:{k}", "red_line",
                              f"{st.actor}'s red line on {st.issue} ({text})",
                              (st.issue,), st.actor, line, drawn.get((s, k))))
    for k, link in enumerate(scenario.linkages):
        rules.append(Rule(f"linkage:{k}", "linkage", f"{link.actor}'s linkage ({link.describe()})",
                          (link.offer.issue, link.requires.issue), link.actor, link))
    for issue in scenario.issues:
        if len(issue.deliverers) != 1 or issue.status_quo is None:
            continue
        who = issue.deliverers[0]
        stance = scenario.stance(who, issue.id)
        if stance is None:
            continue
        rules.append(Rule(f"control:{issue.id}", "control",
                          f"only {who} delivers {issue.id} (stands at {stance.position:g}, "
                          f"status quo {issue.status_quo:g})", (issue.id,), who))
    return ForecastRules(scenario, tuple(rules))


@dataclass(frozen=True)
class Violation:
    """A rule one model's forecast breaks: at its point, and in a share of draws."""

    model: str
    rule: Rule
    at_point: bool
    point: Mapping[str, float]
    """The forecast's values on the rule's issues."""
    share: float | None = None
    """Share of draws that break it (``None``: no draws)."""
    draws: int | None = None
    bound: float | None = None
    """The number the point is measured against (:func:`gap`): a red line's stated bound
    (the nearer end of a range), a linked offer's required bound, the status quo of a
    sole-controlled issue; ``None`` for rules on named options."""
    beyond: float | None = None
    """How far the point lies past the rule, on the issue's scale (:func:`gap`): positive
    when the point breaks it by that much, negative when it keeps it by that margin."""

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "kind": self.rule.kind, "rule": self.rule.id,
                "actor": self.rule.actor, "issues": list(self.rule.issues),
                "text": self.rule.text, "at_point": self.at_point,
                "point": {k: float(v) for k, v in self.point.items()},
                "bound": self.bound, "beyond": self.beyond,
                "share": self.share, "draws": self.draws}


def violations(rules: ForecastRules, points: Mapping[str, np.ndarray],
               shares: Mapping[str, tuple[np.ndarray, int]] | None = None) -> list[Violation]:
    """Per model (in ``points`` order) and rule (in scenario order): each rule broken at
    the model's point ``points[model][I]`` or in a positive share of its draws
    (``shares[model] = (share[R], draws)``)."""
    ids = rules.scenario.issue_ids
    out = []
    for model, x in points.items():
        at = rules.broken(np.asarray(x, dtype=float))
        got = (shares or {}).get(model)
        for r, rule in enumerate(rules.rules):
            share = None if got is None else float(got[0][r])
            if not at[r] and not share:
                continue
            point = {i: float(x[ids.index(i)]) for i in rule.issues}
            bound, beyond = gap(rules.scenario, rule, point)
            out.append(Violation(model, rule, bool(at[r]), point, share,
                                 None if got is None else got[1], bound, beyond))
    return out


def of_simulation(scenario: Scenario, sim: Any) -> list[Violation]:
    """:func:`violations` of a Monte Carlo result (``simulate``): each model's point
    (``sim.values("point")[model, issue]``) and the share of its draws breaking each rule
    (``sim.rule_shares()``, counted block by block as the draws ran); empty when the
    result holds no rule counts (a scenario without rules, a file saved before they
    were counted)."""
    shares = sim.rule_shares()
    rules = forecast_rules(scenario)
    if not shares or not len(rules):
        return []
    point = np.asarray(sim.values("point"), dtype=float)
    points = {m: point[k] for k, m in enumerate(sim.models)}
    return violations(rules, points, {m: (s, sim.draws) for m, s in shares.items()})


def gap(scenario: Scenario, rule: Rule, point: Mapping[str, float]
        ) -> tuple[float | None, float | None]:
    """``(bound, beyond)``: how far the outcomes ``point`` (``{issue: value}`` on the rule's
    issues) lie past ``rule``, on the issue's scale, and the number measured from.

    - red line ``above b``: ``x − b``; ``below b``: ``b − x`` (the stated bound, also for a
      line whose bound is uncertain); ``range [lo, hi]``: ``min(x − lo, hi − x)``, how deep
      inside the excluded range (bound: the nearer end);
    - linkage: how far the required issue falls short of the requirement (``at_least r``
      or ``above r``: ``r − y``; ``at_most r`` or ``below r``: ``y − r``);
    - sole control: ``|x − p| − |sq − p|``, how much farther from the controller's
      position ``p`` the outcome lies than the status quo ``sq`` (bound: ``sq``).

    Positive: the point breaks the rule by that much; negative: it keeps it by that margin
    (a rule broken in draws only). ``(None, None)`` for a rule on named options."""
    if rule.kind == "red_line":
        line = red_line_of(rule)
        x = point[rule.issues[0]]
        if line.above is not None:
            return line.above, x - line.above
        if line.below is not None:
            return line.below, line.below - x
        if line.range is not None:
            lo, hi = line.range
            return (lo, x - lo) if x - lo <= hi - x else (hi, hi - x)
        return None, None
    if rule.kind == "linkage":
        need = linkage_of(rule).requires
        y = point[need.issue]
        for key, sign in (("at_least", 1), ("above", 1), ("at_most", -1), ("below", -1)):
            b = getattr(need, key)
            if b is not None:
                return b, sign * (b - y)
        return None, None
    issue = scenario.issue(rule.issues[0])
    stance = scenario.stance(issue.deliverers[0], issue.id)
    assert stance is not None and issue.status_quo is not None
    x, p, sq = point[issue.id], stance.position, issue.status_quo
    return sq, abs(x - p) - abs(sq - p)


def rows(found: Sequence[Violation]) -> list[dict[str, Any]]:
    """One CSV row per violation."""
    return [{"model": v.model, "kind": v.rule.kind, "rule": v.rule.id, "actor": v.rule.actor,
             "text": v.rule.text,
             "point": "; ".join(f"{k}={x:g}" for k, x in v.point.items()),
             "bound": v.bound, "beyond": None if v.beyond is None else round(v.beyond, 6),
             "at_point": "yes" if v.at_point else "no",
             "share": None if v.share is None else round(v.share, 6), "draws": v.draws}
            for v in found]


# ---- vectorised pieces ------------------------------------------------------------------


class _Reading:
    """The outcomes ``x[..., I]`` of one :meth:`ForecastRules.broken` call, per issue, with
    what several rules read off one issue computed once: the index of the nearest option
    and whether an outcome reads as the no-agreement outcome."""

    def __init__(self, scenario: Scenario, x: np.ndarray) -> None:
        self.x = x
        self.index = {i.id: k for k, i in enumerate(scenario.issues)}
        self._near: dict[str, np.ndarray] = {}
        self._unsettled: dict[str, np.ndarray] = {}

    def value(self, issue: Issue) -> np.ndarray:
        return self.x[..., self.index[issue.id]]

    def unsettled(self, issue: Issue) -> np.ndarray:
        """:func:`_unsettled` of the issue's outcomes."""
        if issue.id not in self._unsettled:
            self._unsettled[issue.id] = _unsettled(issue, self.value(issue))
        return self._unsettled[issue.id]

    def nearest(self, issue: Issue) -> np.ndarray:
        """:func:`_nearest` option of the issue's outcomes (the issue has options)."""
        if issue.id not in self._near:
            self._near[issue.id] = _nearest(_option_values(issue), self.value(issue))
        return self._near[issue.id]


def _option_values(issue: Issue) -> np.ndarray:
    return np.array([o.value for o in issue.options], dtype=float)


def nearest_option(issue: Issue, x: float) -> str | None:
    """The name of the option one outcome ``x`` reads as, as a red line on named options
    tests it (:func:`_nearest`: the first on a tie); ``None`` for an issue without
    options. The words of a violation name the option through this, never by a rule of
    their own."""
    if not issue.options:
        return None
    return issue.options[int(_nearest(_option_values(issue), np.asarray(float(x))))].name


def _nearest(values: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The index of the value of ``values`` (at least one) nearest each outcome ``v``: the
    first on a tie, and 0 for NaN, as ``argmin(|nan_to_num(v, nan=inf) − values|)``; one
    pass per value keeping the running minimum (numpy's ``argmin`` along a short last
    axis runs a loop per element)."""
    w = np.nan_to_num(v, nan=np.inf)
    if not np.isfinite(values).all():  # a NaN distance: argmin's own rules
        return np.argmin(np.abs(w[..., None] - values), axis=-1)
    best = np.abs(w - values[0])
    near = np.zeros(np.shape(w), dtype=np.intp)  # 0-d for one outcome: still assignable
    for k in range(1, len(values)):
        d = np.abs(w - values[k])
        near[d < best] = k
        best = np.minimum(best, d)
    return near


def _excluded(line: RedLine, issue: Issue, read: _Reading) -> np.ndarray:
    v = read.value(issue)
    with np.errstate(invalid="ignore"):
        if line.options:
            hit = np.array([o.name in line.options for o in issue.options], dtype=bool)
            if not len(hit):
                return np.zeros(v.shape, dtype=bool)
            return np.asarray(hit[read.nearest(issue)] & ~np.isnan(v))
        if line.above is not None:
            return np.asarray(v > line.above)
        if line.below is not None:
            return np.asarray(v < line.below)
        assert line.range is not None
        return np.asarray((v >= line.range[0]) & (v <= line.range[1]))


def _nearest_option(issue: Issue, read: _Reading, names: tuple[str, ...]) -> np.ndarray:
    """Whether the option nearest each outcome (the no-agreement outcome within its band)
    is one of ``names``."""
    v = read.value(issue)
    hit = np.array([o.name in names for o in issue.options], dtype=bool)
    out = np.zeros(np.shape(v), dtype=bool)
    if len(hit):
        out = hit[read.nearest(issue)] & ~np.isnan(v)
    unsettled = read.unsettled(issue)
    return np.where(unsettled, "no-agreement" in names, out & ~unsettled)


def _holds(cond: Condition, issue: Issue, read: _Reading) -> np.ndarray:
    if cond.options:
        return _nearest_option(issue, read, cond.options)
    v = read.value(issue)
    with np.errstate(invalid="ignore"):
        if cond.at_least is not None:
            return np.asarray(v >= cond.at_least)
        if cond.at_most is not None:
            return np.asarray(v <= cond.at_most)
        if cond.above is not None:
            return np.asarray(v > cond.above)
        assert cond.below is not None
        return np.asarray(v < cond.below)


def _unsettled(issue: Issue, v: np.ndarray) -> np.ndarray:
    """Outcomes that read as the explicit no-agreement outcome."""
    if issue.no_agreement is None or issue.status_quo is None:
        return np.zeros(np.shape(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.abs(v - issue.status_quo)
                          <= issue.band_width + 1e-9 * max(issue.span, 1e-300))
