"""Logrolls: two actors trade concessions across two issues.

From the reference deal ``r`` (the status quo; an issue without one counts as
each actor's least-liked option there), moving issue ``i`` to option ``o``
changes actor ``a``'s utility by ``Δ_a(i, o) = w_ai (v_ai(o) − v_ai(r_i))``
(see :mod:`detente.deals.utility`). A *logroll* between actors ``a`` and
``b`` over issues ``i`` and ``j`` sets ``i`` to ``o_i`` and ``j`` to ``o_j``
(the rest stays at ``r``) such that

- ``a`` gets something on ``i`` and ``b`` on ``j``: ``get_a = Δ_a(i, o_i) > 0``,
  ``get_b = Δ_b(j, o_j) > 0``;
- each cares more about what it gets than what it gives:
  ``get_a > give_a = −Δ_a(j, o_j)`` and ``get_b > give_b = −Δ_b(i, o_i)``,
  i.e. both net gains are positive;
- it is a trade, not a shared wish: at least one side gives something
  (``give_a > 0`` or ``give_b > 0``).

For each (actor pair, issue pair) the option pair with the largest smaller
net gain ``min(net_a, net_b)`` is reported, with each side's get, give and net
gain, the effect on every other actor, and the exchange-model test on
saliences: ``a`` cares relatively more about ``i`` and ``b`` about ``j`` when
``s_ai / s_aj > s_bi / s_bj`` (Coleman; Stokman & Van Oosten). Vectorised over
issue pairs and option pairs, one actor at a time: memory ``O(A I² O²)``.

**Structure.** In a scenario with control and vetoes (``problem.rules``), a
trade only has an actor give on an issue it can deliver (``controlled_by``) or
withhold consent on (``vetoes``): ``b`` on ``i`` and ``a`` on ``j``; and the
package (the two moves, the rest at no deal) must be acceptable — no red line
crossed, no linkage broken, every veto holder of the two issues above its
BATNA (:mod:`detente.deals.rules`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .utility import DealProblem


@dataclass(frozen=True)
class Logroll:
    """One trade: ``a`` gets ``issue_a`` moved its way, ``b`` gets ``issue_b``."""

    a: str
    b: str
    issue_a: str
    issue_b: str
    option_a: str
    option_b: str
    get_a: float
    give_a: float
    get_b: float
    give_b: float
    salience_ratio_a: float
    salience_ratio_b: float
    others: dict[str, float]

    @property
    def net_a(self) -> float:
        return self.get_a - self.give_a

    @property
    def net_b(self) -> float:
        return self.get_b - self.give_b

    @property
    def salience_supports(self) -> bool:
        return self.salience_ratio_a > self.salience_ratio_b

    def explain(self) -> str:
        ra, rb = self.salience_ratio_a, self.salience_ratio_b
        lines = [
            f"{self.a} weighs {self.issue_a} {ra:.2f}× as much as {self.issue_b}; "
            f"{self.b} weighs it {rb:.2f}× as much, so {self.a} cares relatively more about "
            f"{self.issue_a} and {self.b} about {self.issue_b}"
            + ("" if ra > rb else " (not so here: the ratios do not favour this trade)") + ".",
            f"Trade: {self.issue_a} → {self.option_a}, {self.issue_b} → {self.option_b}.",
            f"{self.a} gets {self.get_a:+.4f} on {self.issue_a} and "
            + (f"gives {self.give_a:.4f} on {self.issue_b}" if self.give_a > 0 else
               f"also gains {-self.give_a:.4f} on {self.issue_b} (its own position lies "
               "that way from the status quo)")
            + f": net {self.net_a:+.4f}.",
            f"{self.b} gets {self.get_b:+.4f} on {self.issue_b} and "
            + (f"gives {self.give_b:.4f} on {self.issue_a}" if self.give_b > 0 else
               f"also gains {-self.give_b:.4f} on {self.issue_a}")
            + f": net {self.net_b:+.4f}.",
        ]
        return " ".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a, "b": self.b, "issue_a": self.issue_a, "issue_b": self.issue_b,
            "option_a": self.option_a, "option_b": self.option_b,
            "get_a": self.get_a, "give_a": self.give_a, "net_a": self.net_a,
            "get_b": self.get_b, "give_b": self.give_b, "net_b": self.net_b,
            "salience_ratio_a": self.salience_ratio_a, "salience_ratio_b": self.salience_ratio_b,
            "salience_supports": self.salience_supports, "others": self.others,
            "explanation": self.explain(),
        }


def gain_table(problem: DealProblem) -> np.ndarray:
    """``Δ[A, I, O]``: utility change of each actor when one issue moves to one option."""
    n_a, n_i = problem.n_actors, len(problem.issues)
    o_max = max(problem.space.sizes)
    delta = np.full((n_a, n_i, o_max), np.nan)
    for i, t in enumerate(problem.tables):
        delta[:, i, : t.shape[0]] = (t - problem.reference[:, i]).T
    return delta


def logrolls(
    problem: DealProblem,
    *,
    actors: tuple[str, str] | None = None,
    issues: tuple[str, str] | None = None,
    eps: float = 1e-12,
) -> list[Logroll]:
    """Every logroll (best option pair per actor pair and issue pair), best first."""
    problem.require_additive("finding logrolls")
    delta = gain_table(problem)
    n_a, n_i, _ = delta.shape
    sal = _weights(problem)
    want_a = None if actors is None else [problem.actors.index(x) for x in actors]
    want_i = None if issues is None else [problem.issues.index(x) for x in issues]
    out: list[Logroll] = []
    diag = np.eye(n_i, dtype=bool)
    rules = problem.rules
    if rules is not None:
        fits = _acceptable_pairs(problem, delta)  # [i, j, oi, oj]
        can_give = rules.deliver | rules.veto  # [I, A]: delivers the move or consents to it
    for a in range(n_a):
        # [b, i, j, oi, oj]
        get_a = delta[a][None, :, None, :, None]
        give_a = -delta[a][None, None, :, None, :]
        get_b = delta[:, None, :, None, :]
        give_b = -delta[:, :, None, :, None]
        net_a, net_b = get_a - give_a, get_b - give_b
        ok = trade_test(get_a, give_a, get_b, give_b, eps)
        ok &= ~diag[None, :, :, None, None]
        if rules is not None:  # b gives on i, a gives on j; the package must be acceptable
            ok &= can_give.T[:, :, None, None, None] & can_give[:, a][None, None, :, None, None]
            ok &= fits[None]
        score = np.where(ok, np.minimum(net_a, net_b), -np.inf)
        flat = score.reshape(n_a, n_i, n_i, -1)
        best = flat.argmax(axis=-1)
        best_score = np.take_along_axis(flat, best[..., None], axis=-1)[..., 0]
        for b, i, j in zip(*np.nonzero(np.isfinite(best_score)), strict=True):
            if b <= a:  # each trade once: a < b, a gets issue i
                continue
            if want_a is not None and {a, b} != set(want_a):
                continue
            if want_i is not None and {i, j} != set(want_i):
                continue
            oi, oj = np.unravel_index(best[b, i, j], score.shape[3:])
            others = {
                problem.actors[c]: float(delta[c, i, oi] + delta[c, j, oj])
                for c in range(n_a) if c not in (a, b)
            }
            out.append(Logroll(
                a=problem.actors[a], b=problem.actors[b],
                issue_a=problem.issues[i], issue_b=problem.issues[j],
                option_a=problem.space.option_names[i][oi],
                option_b=problem.space.option_names[j][oj],
                get_a=float(delta[a, i, oi]), give_a=float(-delta[a, j, oj]),
                get_b=float(delta[b, j, oj]), give_b=float(-delta[b, i, oi]),
                salience_ratio_a=_ratio(sal[a, i], sal[a, j]),
                salience_ratio_b=_ratio(sal[b, i], sal[b, j]),
                others=others,
            ))
    out.sort(key=lambda r: (-min(r.net_a, r.net_b), r.a, r.b, r.issue_a, r.issue_b))
    return out


def trade_test(get_a: np.ndarray, give_a: np.ndarray, get_b: np.ndarray,
               give_b: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """The logroll test on each side's get and give (broadcasting): both get something,
    both net gains are positive, and at least one side gives something."""
    return ((get_a > eps) & (get_b > eps) & (get_a - give_a > eps) & (get_b - give_b > eps)
            & ((give_a > eps) | (give_b > eps)))


def holds(problem: DealProblem, found: Sequence[Logroll], *, batna: np.ndarray | None = None,
          eps: float = 1e-12) -> np.ndarray:
    """``ok[T]``: whether each trade in ``found`` passes every test :func:`logrolls` applies,
    in ``problem`` (e.g. one draw's utilities) with no-deal values ``batna`` (default the
    problem's): :func:`trade_test`, two distinct issues, and with structure the givers'
    control or veto and the package's acceptability. What :mod:`detente.deals.robust`
    re-tests in each draw."""
    if not found:
        return np.zeros(0, dtype=bool)
    a, b, i, j, oi, oj = _trade_index(problem, found)
    delta = gain_table(problem)
    ok = trade_test(delta[a, i, oi], -delta[a, j, oj], delta[b, j, oj], -delta[b, i, oi], eps)
    ok &= i != j
    rules = problem.rules
    if rules is not None:
        can_give = rules.deliver | rules.veto  # [I, A]
        ok &= can_give[i, b] & can_give[j, a]
        ok &= _package_ok(problem, delta, i, j, oi, oj, np.ones(len(i), dtype=bool), batna)
    return ok


def _trade_index(problem: DealProblem, found: Sequence[Logroll]) -> tuple[np.ndarray, ...]:
    """``(a, b, i, j, o_i, o_j)`` index arrays of the trades ``found``."""
    a_of = {x: k for k, x in enumerate(problem.actors)}
    i_of = {x: k for k, x in enumerate(problem.issues)}
    names = problem.space.option_names
    i = np.array([i_of[r.issue_a] for r in found], dtype=np.int64)
    j = np.array([i_of[r.issue_b] for r in found], dtype=np.int64)
    return (np.array([a_of[r.a] for r in found], dtype=np.int64),
            np.array([a_of[r.b] for r in found], dtype=np.int64), i, j,
            np.array([names[k].index(r.option_a) for k, r in zip(i, found, strict=True)],
                     dtype=np.int64),
            np.array([names[k].index(r.option_b) for k, r in zip(j, found, strict=True)],
                     dtype=np.int64))


def _acceptable_pairs(problem: DealProblem, delta: np.ndarray) -> np.ndarray:
    """``ok[i, j, oi, oj]``: the package moving issue ``i`` to ``oi`` and ``j`` to ``oj``
    (the rest at no deal) is acceptable (:meth:`~detente.deals.rules.Rules.acceptable`)."""
    _, n_i, n_o = delta.shape
    i, j, oi, oj = (g.ravel() for g in np.meshgrid(*(np.arange(n) for n in (n_i, n_i, n_o,
                                                                             n_o)),
                                                   indexing="ij"))
    sizes = np.array(problem.space.sizes)
    valid = (i != j) & (oi < sizes[i]) & (oj < sizes[j])
    return _package_ok(problem, delta, i, j, oi, oj, valid).reshape(n_i, n_i, n_o, n_o)


def _package_ok(problem: DealProblem, delta: np.ndarray, i: np.ndarray, j: np.ndarray,
                oi: np.ndarray, oj: np.ndarray, valid: np.ndarray,
                batna: np.ndarray | None = None) -> np.ndarray:
    """``ok[T]``: the packages moving issue ``i`` to ``oi`` and ``j`` to ``oj`` (the rest at
    no deal, each actor's utility its no-deal value plus the two moves' gains) are
    acceptable under ``problem.rules`` against ``batna`` (default the problem's)."""
    rules = problem.rules
    assert rules is not None
    base = np.where(rules.reference >= 0, rules.reference, 0)
    n = np.arange(len(i))
    rows = np.repeat(base[None, :], len(i), axis=0)
    rows[n, i] = np.where(valid, oi, 0)
    rows[n, j] = np.where(valid, oj, rows[n, j])
    gain = np.nan_to_num(delta[:, i, oi] + delta[:, j, oj]).T  # [T, A]
    u = problem.reference.sum(axis=1)[None, :] + gain
    beta = problem.batna if batna is None else np.asarray(batna, dtype=float)
    return valid & rules.acceptable(rows, u, beta)


def _weights(problem: DealProblem) -> np.ndarray:
    """The salience weights ``w_ai``; for bare tables, each issue's utility range."""
    if problem.weight is not None:
        return np.asarray(problem.weight)
    return np.stack([t.max(axis=0) - t.min(axis=0) for t in problem.tables], axis=1)


def _ratio(x: float, y: float) -> float:
    if y > 0:
        return float(x / y)
    return float("inf") if x > 0 else float("nan")
