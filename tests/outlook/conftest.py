"""A two-party war small enough to reason about by hand.

Actors A and B bargain over one issue ``line`` (0..100; options 0, 25, 50, 75, 100)
from opposite ends, each caring only about it, so ``u_A(x) = x/100`` and
``u_B(x) = 1 − x/100``. Both state a no-deal value of 0.6, so today no package is
acceptable (A needs x > 60, B needs x < 40). The pressure ``front`` (costs of fighting
accumulated, 0 today, never below 0) lowers each no-deal value by ``cost`` per unit.
"""

from __future__ import annotations

from typing import Any

import pytest

from detente.scenario import Scenario


def war(*, trend: float = 1.0, volatility: float = 0.0, cost_a: float = 0.05,
        cost_b: float = 0.05, expects_a: float | None = None, convergence_a: float = 0.0,
        after: float = 0.0, shock_p: float | None = None, batna: float = 0.6,
        process: bool = True) -> Scenario:
    """The scenario of the module docstring with the given numbers."""
    actor_a: dict[str, Any] = {"id": "A", "batna": batna, "batna_pressure": {"front": -cost_a}}
    if expects_a is not None:
        actor_a["expectations"] = {"front": {"trend": expects_a, "convergence": convergence_a,
                                             "assumption": "test"}}
    pressure: dict[str, Any] = {"id": "front", "value": 0.0}
    if process:
        pressure["process"] = {"trend": trend, "volatility": volatility, "low": 0.0,
                               "after_agreement": after, "assumption": "test"}
    data: dict[str, Any] = {
        "name": "two-party-war",
        "actors": [actor_a, {"id": "B", "batna": batna, "batna_pressure": {"front": -cost_b}}],
        "issues": [{"id": "line", "low": 0, "high": 100}],
        "stances": [{"actor": "A", "issue": "line", "position": 100, "salience": 1},
                    {"actor": "B", "issue": "line", "position": 0, "salience": 1}],
        "pressures": [pressure],
    }
    if shock_p is not None:
        data["shocks"] = [{"id": "offensive", "changes": {"front": 2.0},
                           "monthly_probability": shock_p, "recurring": True}]
    return Scenario.from_dict(data)


@pytest.fixture
def two_party_war():
    return war


def with_guarantors(scenario: Scenario, credibility: dict[str, float]) -> Scenario:
    """``scenario`` (the two-party war) with outside actors who would guarantee a settlement:
    each named actor (added if new, with a no-deal value of 0 and no stake in ``line``)
    guarantees the issue ``guarantee`` with the given credibility, at no cost; ``line``
    needs only A's and B's consent."""
    data = scenario.to_dict()
    known = {a["id"] for a in data["actors"]}
    for g in credibility:
        if g not in known:
            data["actors"].append({"id": g, "batna": 0.0})
            data["stances"].append({"actor": g, "issue": "guarantee", "position": 0,
                                    "salience": 1})
    data["issues"][0]["vetoes"] = ["A", "B"]
    data["issues"].append({"id": "guarantee", "low": 0, "high": 100, "status_quo": 0,
                           "guarantors": [{"actor": g, "credibility": c}
                                          for g, c in credibility.items()],
                           "beneficiaries": ["A", "B"]})
    return Scenario.from_dict(data)
