"""Pressure levers and named shocks: how the zone of agreement moves with the pressures.

No-deal values depend on pressure variables (``β_a = β_a⁰ + Σ_p c_ap v_p``,
see :mod:`detente.deals.utility`). Moving one pressure ``p`` by ``Δ`` shifts
each BATNA by ``c_ap Δ``, so deal ``x`` (crossing no red line, breaking no
linkage) is acceptable exactly for the ``Δ`` with ``u_a(x) > β_a + c_ap Δ``
for every consenting party ``a``: an open interval ``(lo_x, hi_x)``, with

    c_ap > 0:  Δ < (u_a(x) − β_a) / c_ap,      c_ap < 0:  Δ > (u_a(x) − β_a) / c_ap,

and, for ``c_ap = 0``, the whole line if ``u_a(x) > β_a`` and nothing otherwise. For a
pressure that is a cost of fighting (:mod:`detente.deals.fighting`), a package that
leaves its fighting on keeps the cost, which moves with the no-deal value: there
``c_ap`` counts as 0.
Streaming the deal space once gives every interval, hence exactly:

- the ZOPA size at the stated value, and at the ends of the pressure's
  declared range;
- the smallest rise and the smallest fall of the pressure that let a deal
  in (``opens_up`` / ``opens_down``) and that push one out (``closes_up`` /
  ``closes_down``);
- for a chosen deal, the interval of changes over which it is acceptable.

A named shock is a set of pressure changes; :func:`shock_effects` analyses
the deals after each one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.requests.deals import DealProblemRequest
from detente.scenario import Scenario

from .analysis import analyse
from .space import DEFAULT_CHUNK
from .utility import DealProblem


@dataclass(frozen=True)
class PressureLever:
    """How one pressure moves the ZOPA (changes are in the pressure's own unit)."""

    pressure: str
    value: float
    range: tuple[float, float] | None
    zopa: int
    zopa_at_low: int | None
    zopa_at_high: int | None
    opens_up: float | None
    opens_down: float | None
    closes_up: float | None
    closes_down: float | None
    deal_interval: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        def fin(x: float | None) -> float | None:
            return None if x is None or math.isinf(x) else float(x)

        return {
            "pressure": self.pressure, "value": self.value,
            "range": None if self.range is None else list(self.range),
            "zopa": self.zopa, "zopa_at_low": self.zopa_at_low,
            "zopa_at_high": self.zopa_at_high,
            "opens_up": fin(self.opens_up), "opens_down": fin(self.opens_down),
            "closes_up": fin(self.closes_up), "closes_down": fin(self.closes_down),
            "deal_interval": None if self.deal_interval is None else [
                fin(self.deal_interval[0]), fin(self.deal_interval[1])],
        }


def acceptance_intervals(problem: DealProblem, pressure: int, u: np.ndarray,
                         options: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(lo[n], hi[n])``: the changes of pressure ``pressure`` over which each deal is
    acceptable (``lo ≥ hi``: never). Deals crossing a red line or breaking a linkage,
    or moving nothing, get an empty interval."""
    assert problem.pressure_effect is not None
    c = np.broadcast_to(problem.pressure_effect[:, pressure], u.shape)
    rule = problem.fighting
    if rule is not None and rule.fighting_pressures[pressure]:
        # a cost of fighting moves a package that leaves fighting on as much as the
        # no-deal value: only where the package stops it does the margin move
        c = c * (~rule.runs(options)[:, pressure])[:, None]
    slack = u - problem.batna  # [n, A]
    if problem.rules is not None:
        need = problem.rules.consenting(options)
        fits = problem.rules.structural_ok(options)
    else:
        need = np.ones_like(slack, dtype=bool)
        fits = np.ones(len(u), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = slack / c
    upper = np.where(need & (c > 0), bound, np.inf).min(axis=1)
    lower = np.where(need & (c < 0), bound, -np.inf).max(axis=1)
    flat_ok = np.where(need & (c == 0), slack > 0, True).all(axis=1)
    ok = fits & flat_ok
    return np.where(ok, lower, np.inf), np.where(ok, upper, -np.inf)


def pressure_levers(problem: DealProblem, *, deal: Any = None,
                    chunk: int = DEFAULT_CHUNK) -> list[PressureLever]:
    """One :class:`PressureLever` per pressure of the problem (see the module docstring)."""
    if problem.pressure_effect is None or problem.pressure_value is None:
        raise DetenteError("this scenario names no pressure variables that no-deal values "
                           "depend on (pressures and actors' batna_pressure)")
    target = None if deal is None else problem.parse_deal(deal)
    out = []
    for p, name in enumerate(problem.pressures):
        dist, _ = problem.pressure_dist[p]
        value = float(problem.pressure_value[p])
        rng = None if dist is None else (dist.low - value, dist.high - value)
        zopa = 0
        at = {"low": 0, "high": 0}
        near = {"opens_up": math.inf, "opens_down": math.inf, "closes_up": math.inf,
                "closes_down": math.inf}
        for index, u in problem.iter_utilities(chunk):
            opts = problem.space.decode(index)
            lo, hi = acceptance_intervals(problem, p, u, opts)
            inside = (lo < 0) & (hi > 0)
            zopa += int(inside.sum())
            if rng is not None:
                at["low"] += int(((lo < rng[0]) & (rng[0] < hi)).sum())
                at["high"] += int(((lo < rng[1]) & (rng[1] < hi)).sum())
            real = lo < hi
            out_up = real & ~inside & (lo >= 0)  # enters when the pressure rises past lo
            out_down = real & ~inside & (hi <= 0)
            near["opens_up"] = min(near["opens_up"], _min(lo[out_up]))
            near["opens_down"] = min(near["opens_down"], _min(-hi[out_down]))
            near["closes_up"] = min(near["closes_up"], _min(hi[inside]))
            near["closes_down"] = min(near["closes_down"], _min(-lo[inside]))
        interval = None
        if target is not None:
            u_t = problem.utilities_of(target[None])
            lo_t, hi_t = acceptance_intervals(problem, p, u_t, target[None])
            interval = (float(lo_t[0]), float(hi_t[0])) if lo_t[0] < hi_t[0] else None
        out.append(PressureLever(
            name, value, None if dist is None else (dist.low, dist.high), zopa,
            None if rng is None else at["low"], None if rng is None else at["high"],
            _signed(near["opens_up"], 1), _signed(near["opens_down"], -1),
            _signed(near["closes_up"], 1), _signed(near["closes_down"], -1), interval,
        ))
    return out


def _min(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(x.min()) if x.size else math.inf


def _signed(x: float, sign: int) -> float | None:
    return None if math.isinf(x) else sign * x


def shock_effects(scenario: Scenario, request: DealProblemRequest | None = None
                  ) -> list[dict[str, Any]]:
    """For the stated pressures and after each named shock: the BATNAs, the ZOPA size and
    the Nash deal (``None``: no acceptable deal), of the deal problem ``request`` makes
    (default: every default), each row with its own shock in place of ``request.shocks``."""
    base = request or DealProblemRequest()
    rows = []
    for shock in (None, *scenario.shocks):
        names = () if shock is None else (shock.id,)
        rep = analyse(DealProblem.from_scenario(scenario, **replace(base, shocks=names).given()))
        rows.append({
            "shock": None if shock is None else shock.id,
            "name": "stated pressures" if shock is None else shock.name,
            "changes": {} if shock is None else dict(shock.changes),
            "batna": {a: float(b) for a, b in zip(rep.problem.actors, rep.problem.batna,
                                                   strict=True)},
            "zopa": rep.zopa.size,
            "nash": rep.solution("nash"),
        })
    return rows
