"""detente's exchange model against decide-exchange-model itself (the oracle).

decide runs in its own virtual environment (``scripts/setup_decide_venv.sh``)
through ``tools/decide_runner.py``; see docs/models/exchange.md for the two
places where the runner replaces decide's rounding-noise or random choices by
detente's explicit rules (ties; knife-edge comparisons).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import detente
from detente.models.exchange import Exchange
from detente.models.exchange import round as exchange_round
from detente.scenario import Scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import decide_oracle

pytestmark = pytest.mark.oracle


def _compare(scenario: Scenario, rounds: int) -> int:
    """decide's run against detente's, on both of its paths: the array code and the
    compiled step loop (:mod:`detente.models.exchange.kernels`)."""
    theirs = decide_oracle.run(decide_oracle.spec_from_scenario(scenario, rounds=rounds),
                               timeout=600)
    assert theirs["complete"]
    for compiled in (False, True):
        saved = exchange_round.COMPILED_CANDIDATES
        exchange_round.COMPILED_CANDIDATES = 0 if compiled else 1 << 62
        try:
            fc = Exchange(rounds=rounds).forecast(scenario)
        finally:
            exchange_round.COMPILED_CANDIDATES = saved
        _compare_one(scenario, fc, theirs)
    return sum(len(rd["exchanges"]) for rd in theirs["rounds"])


def _compare_one(scenario: Scenario, fc, theirs: dict) -> None:
    mine = [e.to_dict() for e in fc.details.exchanges]
    issues = {i.id: i for i in scenario.issues}
    for r, rd in enumerate(theirs["rounds"], start=1):
        ours = [e for e in mine if e["round"] == r]
        assert len(ours) == len(rd["exchanges"]), f"round {r}: number of exchanges"
        for k, (m, t) in enumerate(zip(ours, rd["exchanges"], strict=True)):
            where = f"round {r}, exchange {k}"
            assert (m["i"]["actor"], m["i"]["supplies"], m["j"]["actor"], m["j"]["supplies"]) == (
                t["i"]["actor"], t["i"]["supply"], t["j"]["actor"], t["j"]["supply"]), where
            assert m["gain"] == pytest.approx(t["gain"], abs=1e-6), where
            for side in ("i", "j"):
                issue = issues[m[side]["supplies"]]
                scale = issue.span / 100
                assert m[side]["shift"] == pytest.approx(t[side]["move"] * scale, abs=1e-6), where
                assert m[side]["to"] == pytest.approx(t[side]["y"] * scale + issue.low,
                                                      abs=1e-6), where
        for k, issue in enumerate(fc.issues):
            assert fc.trajectory.outcome[0, r, k] == pytest.approx(
                rd["forecast_scaled"][issue], abs=1e-6), f"round {r}, forecast on {issue}"
    final = theirs["rounds"][-1]["forecast_scaled"]
    np.testing.assert_allclose(fc.outcome[0], [final[i] for i in fc.issues], atol=1e-6)


@pytest.mark.parametrize("name", [
    "copenhagen.csv",
    "dutch_election_2012.csv",
    "sample_data.txt",
    pytest.param("cop21.csv", marks=pytest.mark.slow),
])
def test_shared_files_equal_decide(data_dir, name):
    scenario = detente.load(data_dir / "decide" / name)
    assert _compare(scenario, rounds=10) > 100


def random_scenario(seed: int, n_actors: int, n_issues: int) -> Scenario:
    """Seeded random scenario: 3-decimal numbers, a few stances missing.

    Scales have spans whose 100/span is exact in binary (decide rescales with a
    float step; see docs/models/exchange.md, "Known differences").
    """
    rng = np.random.default_rng(seed)
    actors = [{"id": f"a{k}", "capability": round(float(rng.uniform(0.05, 1)), 3)}
              for k in range(n_actors)]
    issues = []
    for k in range(n_issues):
        low = float(rng.choice([0, 0, -10, 1]))
        issues.append({"id": f"p{k}", "low": low, "high": low + float(rng.choice([100, 50, 8]))})
    stances = []
    for a in actors:
        for i in issues:
            if rng.random() < 0.1:
                continue
            position = round(float(rng.uniform(i["low"], i["high"])), 3)
            if rng.random() < 0.15:  # some actors sit on the scale's ends
                position = i["low"] if rng.random() < 0.5 else i["high"]
            stances.append({"actor": a["id"], "issue": i["id"], "position": position,
                            "salience": round(float(rng.uniform(0.05, 1)), 3)})
    return Scenario.from_dict({"name": f"random-{seed}", "actors": actors, "issues": issues,
                               "stances": stances})


@pytest.mark.parametrize("seed", range(6))
def test_random_scenarios_equal_decide(seed):
    n_actors, n_issues = [(6, 3), (8, 4), (10, 3), (7, 5), (12, 4), (9, 4)][seed]
    assert _compare(random_scenario(seed, n_actors, n_issues), rounds=6) > 0
