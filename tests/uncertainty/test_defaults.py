"""Default uncertainty for inputs a scenario leaves without a distribution."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from detente.cli.main import app
from detente.scenario import Scenario
from detente.uncertainty.defaults import CALIBRATED, UncertaintyDefaults, calibration_note
from detente.uncertainty.sampling import input_space


def bare() -> Scenario:
    return Scenario.from_dict({
        "name": "bare",
        "actors": [{"id": "a", "capability": 2.0}, {"id": "b"}],
        "issues": [{"id": "x", "low": 0, "high": 10, "status_quo": 5}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 2, "salience": 0.5},
            {"actor": "b", "issue": "x", "position": 8, "salience": 0.5,
             "uncertainty": {"position": {"kind": "uniform", "low": 7, "high": 9}}},
        ],
    })


def test_only_missing_inputs_get_defaults_scaled_to_their_issue_and_actor():
    sc, added = UncertaintyDefaults(position=0.1, salience=0.2, capability=0.5).apply(bare())
    assert added == 5  # a's position; both saliences; both capabilities (b's position kept)
    a = sc.stance("a", "x").position_uncertainty
    assert (a.kind, a.mean, a.sd, a.low, a.high) == ("normal", 2.0, 1.0, 0.0, 10.0)
    assert sc.stance("b", "x").position_uncertainty.kind == "uniform"
    cap = sc.actor("a").capability_uncertainty
    assert (cap.mean, cap.sd, cap.low, cap.high) == (2.0, 1.0, 0.0, 6.0)
    draws = input_space(sc).sample(0, 0, 500, block_size=500)
    assert draws.position[:, 0, 0].std() > 0.5 and (draws.salience >= 0).all()


def test_zero_defaults_change_nothing_and_bad_values_are_refused():
    sc, added = UncertaintyDefaults().apply(bare())
    assert added == 0 and sc == bare()
    with pytest.raises(ValueError, match="position"):
        UncertaintyDefaults(position=-0.1)
    assert "changed nothing" in calibration_note(CALIBRATED, 0)
    note = calibration_note(CALIBRATED, 3)
    assert "3 input(s)" in note and "understate" in note


def test_simulate_flag_widens_the_spread_and_says_so(tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text(
        "name: bare\nactors: [{id: a}, {id: b}, {id: c}]\n"
        "issues: [{id: x, low: 0, high: 100, status_quo: 50}]\n"
        "stances:\n  - {actor: a, issue: x, position: 0, salience: 0.9}\n"
        "  - {actor: b, issue: x, position: 100, salience: 0.5}\n"
        "  - {actor: c, issue: x, position: 60, salience: 0.2}\n")
    runner = CliRunner()
    plain = runner.invoke(app, ["simulate", str(path), "-n", "300", "-m", "compromise",
                                "-f", "json"])
    cal = runner.invoke(app, ["simulate", str(path), "-n", "300", "-m", "compromise",
                              "-f", "json", "--calibrated-uncertainty"])
    assert plain.exit_code == 0 and cal.exit_code == 0, cal.output
    # a progress line may precede the JSON (stderr, shown by the runner)
    p, c = (json.loads(r.output[r.output.index("{"):]) for r in (plain, cal))
    assert "uncertainty_defaults" not in p and "calibrated default" in c["uncertainty_defaults"]
    assert p["summary"][0]["sd"] == 0 and c["summary"][0]["sd"] > 1
    table = runner.invoke(app, ["simulate", str(path), "-n", "100", "-m", "compromise",
                                "--calibrated-uncertainty"])
    assert "uncertainty:" in table.output and np.isfinite(c["summary"][0]["mean"])
