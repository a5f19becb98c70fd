"""Pressures as processes in the scenario language: optional, validated, located."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import ScenarioError
from detente.formats import scenario_yaml
from detente.outlook import make_job
from detente.outlook.processes import Processes, draw_paths

GOOD = """\
name: processes
sources:
  - {id: report, title: A report}
actors:
  - id: A
    batna: 0.6
    batna_pressure: {front: -0.05}
    expectations:
      front: {trend: 0.5, trend_uncertainty: [0, 1], convergence: 0.2, assumption: guessed}
  - id: B
    batna: 0.6
    batna_pressure: {front: -0.05}
issues:
  - {id: line, low: 0, high: 100}
stances:
  - {actor: A, issue: line, position: 100, salience: 1}
  - {actor: B, issue: line, position: 0, salience: 1}
pressures:
  - id: front
    value: 2
    process:
      trend: 1
      trend_uncertainty: [0.5, 2]
      volatility: 0.3
      low: 0
      source: report
shocks:
  - id: push
    changes: {front: 3}
    monthly_probability: 0.1
"""


def _problems(text: str):
    with pytest.raises(ScenarioError) as info:
        scenario_yaml.loads(text, file="bad.yaml")
    return {p.field: p for p in info.value.problems}


def test_processes_read_and_round_trip():
    sc = scenario_yaml.loads(GOOD, file="good.yaml")[0]
    proc = sc.pressure("front").process
    assert proc is not None and proc.trend == 1 and proc.sources == ("report",)
    assert proc.trend_uncertainty is not None and proc.trend_uncertainty.high == 2
    assert sc.shock("push").monthly_probability == 0.1
    assert sc.actor("A").expectations["front"].convergence == 0.2
    again = type(sc).from_dict(sc.to_dict())
    assert again.hash == sc.hash and again == sc


def test_old_scenarios_are_unchanged(ukraine):
    """A scenario stating no processes (the bundled one with its processes taken out)
    gets none on a round trip, and its deal problem is the same."""
    from detente.deals.utility import DealProblem

    data = ukraine.to_dict()
    assert any("expectations" in a for a in data["actors"])  # the bundled one states them
    for a in data["actors"]:
        a.pop("expectations", None)
    for p in data["pressures"]:
        p.pop("process", None)
    for k in data.get("shocks", ()):
        k.pop("monthly_probability", None)
    old = type(ukraine).from_dict(data)
    again = old.to_dict()
    assert all("expectations" not in a for a in again["actors"])
    assert all("process" not in p for p in again["pressures"])
    assert all("recurring" not in k and "monthly_probability" not in k
               for k in again.get("shocks", ()))
    a, b = DealProblem.from_scenario(old), DealProblem.from_scenario(ukraine)
    assert np.array_equal(a.batna, b.batna)
    assert np.array_equal(a.pressure_value, b.pressure_value)


def _line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.mark.parametrize("old,new,field,at,expected", [
    ("volatility: 0.3", "volatility: -0.3", "pressures[0].process.volatility", "volatility",
     ">= 0"),
    ("monthly_probability: 0.1", "monthly_probability: 1.2", "shocks[0].monthly_probability",
     "monthly_probability", "<= 1"),
    ("monthly_probability: 0.1", "monthly_probability: -0.1",
     "shocks[0].monthly_probability", "monthly_probability", ">= 0"),
    ("convergence: 0.2", "convergence: 2", "actors[0].expectations.front.convergence",
     "front: {trend", "<= 1"),
    ("      front: {trend: 0.5", "      tanks: {trend: 0.5", "actors[0].expectations.tanks",
     "tanks:", "one of the scenario's pressures"),
    ("      source: report\n", "", "pressures[0].process", "      trend: 1", "assumption"),
    ("      low: 0", "      low: 5", "pressures[0].process.low", "low: 5", "contain"),
    ("trend_uncertainty: [0.5, 2]", "trend_uncertainty: [1.5, 2]", "pressures[0].process",
     "      trend: 1", "contains the trend"),
])
def test_bad_input_names_file_line_and_field(old, new, field, at, expected):
    text = GOOD.replace(old, new)
    probs = _problems(text)
    assert field in probs, sorted(probs)
    p = probs[field]
    assert p.file == "bad.yaml" and p.line == _line(text, at)
    assert expected in p.expected or expected in p.found


def test_an_invalid_pressure_is_reported_once():
    probs = _problems(GOOD.replace("volatility: 0.3", "volatility: -0.3"))
    assert list(probs) == ["pressures[0].process.volatility"]


def test_paths_follow_the_stated_numbers():
    sc = scenario_yaml.loads(GOOD, file="good.yaml")[0]
    job = make_job(sc, months=12, paths=8)
    proc = job.processes
    paths = draw_paths(proc, np.random.default_rng(1), 2000, 12, 2)
    assert (paths.value >= 0).all()  # the stated lower bound
    assert ((paths.trend >= 0.5) & (paths.trend <= 2)).all()
    m0 = paths.expected[:, 0, 0, 0]
    assert ((m0 >= 0) & (m0 <= 1)).all()  # A's own range
    # B states none: it expects the path's actual trend
    assert np.array_equal(paths.expected[:, 5, 1, 0], paths.trend[:, 0])
    # A closes 20% of the gap each month
    gap = paths.expected[:, :, 0, 0] - paths.trend[:, :1]
    assert np.allclose(gap[:, 3], gap[:, 0] * 0.8**3)


def test_common_random_numbers_across_numbers():
    sc = scenario_yaml.loads(GOOD, file="good.yaml")[0]
    proc = Processes.from_scenario(sc, make_job(sc, months=3, paths=1).problem)
    from dataclasses import replace

    a = draw_paths(proc, np.random.default_rng(5), 50, 6, 2)
    b = draw_paths(replace(proc, volatility=proc.volatility * 2), np.random.default_rng(5),
                   50, 6, 2)
    assert np.array_equal(a.trend, b.trend) and np.array_equal(a.uniform, b.uniform)
