"""The procedural model: the agenda setter's best point of the win set of the status quo."""

from __future__ import annotations

import numpy as np
import pytest

import detente
from detente.errors import DetenteError
from detente.scenario import Scenario


def scenario(positions: dict[str, float], q: float, caps: dict[str, float] | None = None
             ) -> Scenario:
    caps = caps or {}
    return Scenario.from_dict({
        "name": "rules",
        "actors": [{"id": a, "name": a, "capability": caps.get(a, 1.0)} for a in positions],
        "issues": [{"id": "x", "name": "x", "low": 0, "high": 100, "status_quo": q}],
        "stances": [{"actor": a, "issue": "x", "position": p, "salience": 1.0}
                    for a, p in positions.items()],
    })


def forecast(sc: Scenario, **params) -> float:
    params.setdefault("style", "setter")
    return float(detente.get_model("procedural", **params).forecast(sc).outcome[0, 0])


def test_setter_gets_its_best_point_the_majority_accepts():
    # voters at 40, 60, 90; q = 30. Under majority (2 of 3) the win set is (30, 90):
    # voters 60 and 90 prefer anything in (30, 90) to q.
    sc = scenario({"com": 100.0, "a": 40.0, "b": 60.0, "c": 90.0}, q=30.0)
    assert forecast(sc, setter="com", quota=0.5) == pytest.approx(90.0)
    # unanimity: voter a accepts only (30, 50)
    assert forecast(sc, setter="com", quota=1.0) == pytest.approx(50.0)
    # a veto player at 35 accepts only (30, 40)
    sc2 = scenario({"com": 100.0, "ep": 35.0, "a": 40.0, "b": 60.0, "c": 90.0}, q=30.0)
    assert forecast(sc2, setter="com", vetoes=("ep",), quota=0.5) == pytest.approx(40.0)


def test_nothing_passes_keeps_the_status_quo_and_setter_inside_wins_outright():
    sc = scenario({"com": 100.0, "a": 10.0, "b": 20.0, "c": 40.0}, q=30.0)
    # a and b want lower, c higher: nothing above q passes a majority; the setter wants higher
    assert forecast(sc, setter="com", quota=0.6) == 30.0
    sc = scenario({"com": 50.0, "a": 40.0, "b": 60.0, "c": 90.0}, q=30.0)
    assert forecast(sc, setter="com", quota=0.5) == pytest.approx(50.0)


def test_capabilities_weigh_the_votes_and_compromise_style():
    sc = scenario({"com": 100.0, "a": 40.0, "b": 60.0, "c": 90.0}, q=30.0,
                  caps={"a": 5.0})
    # a alone holds 5/7 of the votes: the win set under 0.6 is a's (30, 50)
    assert forecast(sc, setter="com", quota=0.6) == pytest.approx(50.0)
    # compromise style: the weighted mean, kept when it passes
    mean = (100 + 5 * 40 + 60 + 90) / 8
    assert forecast(sc, setter="com", quota=0.6, style="compromise") == pytest.approx(
        min(mean, 50.0))


def test_bad_parameters_and_no_status_quo():
    with pytest.raises(DetenteError, match="style"):
        detente.get_model("procedural", style="dictator")
    with pytest.raises(DetenteError, match="quota"):
        detente.get_model("procedural", quota=0.0)
    sc = scenario({"a": 1.0, "b": 2.0, "c": 3.0}, q=5.0)
    sc = sc.model_copy(update={"issues": (sc.issues[0].model_copy(update={"status_quo": None}),)})
    with pytest.raises(DetenteError):
        detente.get_model("procedural").forecast(sc)


def test_vectorised_over_draws():
    sc = scenario({"com": 100.0, "a": 40.0, "b": 60.0, "c": 90.0}, q=30.0)
    arrays = detente.arrays.compile_scenario(sc, draws=4)
    pos = np.array(arrays.position)
    pos[1, 3, 0] = 45.0  # draw 1: c moves to 45 -> win set (30, 60)
    out = detente.get_model("procedural", setter="com", style="setter").forecast(
        arrays.with_values(position=pos)).outcome[:, 0]
    np.testing.assert_allclose(out, [90.0, 60.0, 90.0, 90.0])


def test_backtest_takes_the_rules_from_each_case(data_dir):
    from detente.backtest.deu import load_cases
    from detente.backtest.procedure import procedural_params, quota_for, with_council_votes
    from detente.backtest.run import run_backtest

    cases = [c for c in load_cases(data_dir / "deu" / "deu_i_ii.tsv")
             if c.reference_point is not None][:12]
    res = run_backtest(cases, ["procedural"])
    for k, case in enumerate(cases):
        params = procedural_params(case)
        assert params["setter"] == "com" and params["vetoes"] == ("ep",)  # all COD
        assert params["quota"] == quota_for(case)
        votes = with_council_votes(case).scenario
        want = detente.get_model("procedural", **params).forecast(votes).outcome[0, 0]
        assert res.forecasts["procedural"][k] == want
    unan = next(c for c in load_cases(data_dir / "deu" / "deu_i_ii.tsv")
                if c.voting_rule.lower().startswith("unan"))
    assert quota_for(unan) == 1.0
