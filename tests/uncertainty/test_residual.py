"""Residual intervals: the shipped calibration is read and used, and says where it comes from."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.scenario import Scenario
from detente.uncertainty.residual import (
    RESIDUAL_FILE,
    conformal_quantile,
    dispersion,
    issue_inputs,
    load_residuals,
    residual_distributions,
    table_from_dict,
)

PLAIN = {
    "name": "plain",
    "actors": [{"id": "a", "capability": 1}, {"id": "b", "capability": 2},
               {"id": "c", "capability": 1}],
    "issues": [{"id": "x", "low": 0, "high": 100, "status_quo": 0},
               {"id": "y", "low": -1, "high": 1}],
    "stances": [
        {"actor": "a", "issue": "x", "position": 10, "salience": 0.5},
        {"actor": "b", "issue": "x", "position": 60, "salience": 0.8},
        {"actor": "c", "issue": "x", "position": 90, "salience": 0.3},
        {"actor": "a", "issue": "y", "position": -1, "salience": 0.5},
        {"actor": "b", "issue": "y", "position": 0.2, "salience": 0.4},
        {"actor": "c", "issue": "y", "position": 0.5, "salience": 0.9},
    ],
}


def test_conformal_quantile_is_the_finite_sample_order_statistic():
    scores = np.arange(1.0, 10.0)  # n = 9
    assert conformal_quantile(scores, 0.5) == 5.0  # ceil(10 * 0.5) = 5th
    assert conformal_quantile(scores, 0.8) == 8.0  # ceil(10 * 0.8) = 8th
    assert math.isinf(conformal_quantile(scores, 0.95))  # ceil(9.5) = 10 > 9


def test_dispersions():
    pos, sal, cap = np.array([0.0, 50.0, 100.0]), np.array([1.0, 1.0, 0.0]), np.ones(3)
    assert dispersion(pos, sal, cap, 20.0, "span") == 0.0
    assert dispersion(pos, sal, cap, 20.0, "range") == 50.0  # the salience-0 actor is out
    assert dispersion(pos, sal, cap, 20.0, "spread") == 25.0
    assert dispersion(pos, sal, cap, 20.0, "deviation") == 25.0  # (20 + 30) / 2


def test_shipped_file_is_read_with_its_provenance():
    data = json.loads(RESIDUAL_FILE.read_text())
    table = load_residuals()
    assert table.issues == data["issues"] == 203 and table.proposals == 76
    assert set(table.calibrations) >= {"nash", "compromise", "median", "smp", "eum",
                                       "exchange"}
    for cal in table.calibrations.values():
        assert len(cal.scores) == 203 and list(cal.scores) == sorted(cal.scores)
    assert len(data["data_sha256"]) == 64 and "accuracy_study.py intervals" in data["command"]


def test_forecast_intervals_use_the_shipped_scores():
    sc = Scenario.from_dict(PLAIN)
    result = api.forecast(sc, ["nash", "compromise"], draws=None, interval=0.5)
    assert result.interval_source == "residual" and result.without_interval == ()
    assert "errors on 203 issues of 76 EU decisions" in result.interval_note
    assert "not from stated uncertainty" in result.interval_note
    table = load_residuals()
    for d in result.distributions:
        cal = table.calibrations[d.model]
        issue = sc.issue(d.issue)
        pos, sal, cap = issue_inputs(sc, d.issue)
        s = cal.scale(pos, sal, cap, d.point, issue.high - issue.low)
        h = conformal_quantile(np.array(cal.scores), 0.5) * s
        assert d.low == pytest.approx(max(issue.low, d.point - h))
        assert d.high == pytest.approx(min(issue.high, d.point + h))
        assert d.source == "residual" and d.median == d.point and not d.point_outside
    # a wider level gives a wider interval; the scale of the issue scales it
    wide = api.forecast(sc, ["nash"], draws=None, interval=0.8).distribution("nash", "x")
    narrow = result.distribution("nash", "x")
    assert wide.high - wide.low > narrow.high - narrow.low
    y = result.distribution("nash", "y")
    assert -1 <= y.low < y.point < y.high <= 1


def test_changing_the_scores_changes_the_interval():
    """The interval comes from the file's numbers, not from a constant in the code."""
    data = json.loads(RESIDUAL_FILE.read_text())
    doubled = json.loads(json.dumps(data))
    for m in doubled["models"].values():
        m["scores"] = [2 * v for v in m["scores"]]
    sc = Scenario.from_dict(PLAIN)
    f = api.forecast(sc, ["compromise"]).forecasts
    (a, *_), _ = residual_distributions(f, sc, 0.5, table_from_dict(data))
    (b, *_), _ = residual_distributions(f, sc, 0.5, table_from_dict(doubled))
    assert b.high - b.point == pytest.approx(2 * (a.high - a.point))


def test_other_parameters_or_models_get_no_borrowed_interval():
    sc = Scenario.from_dict(PLAIN)
    result = api.forecast(sc, ["nash", "ensemble"], draws=None,
                          params={"nash": {"utility": "quadratic"}})
    assert result.distributions == ()
    assert set(result.without_interval) == {"nash", "ensemble"}
    assert result.to_dict()["without_interval"] == ["nash", "ensemble"]


def test_cli_table_and_json_say_where_the_interval_comes_from(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text(json.dumps(PLAIN))  # JSON is YAML
    runner = CliRunner()
    res = runner.invoke(app, ["forecast", str(path), "-m", "nash"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "from errors" in text and "not from stated uncertainty" in text
    res = runner.invoke(app, ["forecast", str(path), "-m", "nash", "--format", "json"])
    data = json.loads(res.output)
    assert data["interval_source"] == "residual"
    assert "203 issues of 76 EU decisions" in data["interval_note"]
    assert {d["source"] for d in data["distributions"]} == {"residual"}


def test_a_scenario_with_stated_uncertainty_is_simulated_as_before(ukraine):
    result = api.forecast(ukraine, ["compromise"], draws=50)
    assert result.interval_source == "simulation" and result.interval_note is None
    assert {d.draws for d in result.distributions} == {50}


def test_caption_names_models_without_an_error_record():
    from detente.present.tables import distribution_caption

    sc = Scenario.from_dict(PLAIN)
    only = api.forecast(sc, ["ensemble"], draws=None)
    assert only.distributions == () and only.without_interval == ("ensemble",)
    assert "ensemble has no error record" in distribution_caption(only)
    both = api.forecast(sc, ["compromise", "ensemble"], draws=None)
    text = distribution_caption(both)
    assert "203 issues of 76 EU decisions" in text and "None for ensemble" in text
