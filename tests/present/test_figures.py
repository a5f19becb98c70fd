"""Figures: each builds from API results, shows what it should, and shows user text as typed."""

from __future__ import annotations

import json

import numpy as np
import pytest

import detente
from detente import api
from detente.present import figures


@pytest.fixture(scope="module")
def result(ukraine):
    return api.forecast(ukraine, ["compromise", "median", "nash", "eum"])


@pytest.fixture(scope="module")
def sim(ukraine):
    return api.simulate(ukraine, ["compromise", "median"], draws=300, seed=1)


def test_issue_scales_show_actors_status_quo_and_forecasts(ukraine, result, sim):
    fig = figures.issue_scales(ukraine, result, sim)
    actors = [t for t in fig.data if t.name.startswith("actors")]
    assert len(actors) == len(ukraine.issues)
    first = actors[0]
    stances = [s for s in ukraine.stances if s.issue == "donetsk"]
    assert list(first.x) == [s.position for s in stances]
    # marker area grows with capability × salience
    weight = [ukraine.actor(s.actor).capability * s.salience for s in stances]
    assert np.argmax(first.marker.size) == np.argmax(weight)
    compromise = next(t for t in fig.data if t.name == "compromise")
    assert compromise.x[0] == pytest.approx(result["compromise"].point["donetsk"])
    row = next(r for r in sim.summary_rows() if r["issue"] == "donetsk"
               and r["model"] == "compromise")
    assert compromise.error_x.array[0] == pytest.approx(row["q95"] - compromise.x[0])
    nash = next(t for t in fig.data if t.name == "nash")
    assert nash.error_x.array is None  # not simulated: no interval
    assert detente.figures.issue_scales is figures.issue_scales


def test_trajectories_histograms_tornado_pareto_timeline(ukraine, result, sim):
    traj = figures.trajectories(result["eum"], ukraine)
    outcome = [t for t in traj.data if t.name == "outcome"]
    assert len(outcome) == len(ukraine.issues)
    assert list(outcome[0].y) == pytest.approx(result["eum"].trajectory.outcome[0, :, 0])
    hist = figures.histograms(sim, ukraine, bins=20)
    bars = [t for t in hist.data if t.line.shape == "hvh"]  # one outline per model
    assert len(bars) == len(sim.issues) * len(sim.models)
    assert sum(bars[0].y) == pytest.approx(1.0)
    assert hist.layout.yaxis.title.text == "share of draws"
    colours = {t.name: t.line.color for t in bars}
    assert len(set(colours.values())) == len(sim.models)  # distinct colours
    sens = api.sensitivity(ukraine, method="morris", samples=4)
    tor = figures.tornado(sens, "donetsk", top=4)
    assert len(tor.data[0].y) == 4
    view = api.deal_pair(ukraine, ("RUS", "UKR"))
    par = figures.pareto(view)
    front = next(t for t in par.data if t.name == "Pareto frontier")
    sizes = [len(i.options) + (i.no_agreement is not None) for i in ukraine.issues]
    assert len(front.x) == len(view.frontier) and view.total == int(np.prod(sizes))
    # no deal shown dominates a frontier point for the pair
    u = view.utility
    for x, y in view.frontier:
        assert not np.any((u[:, 0] >= x) & (u[:, 1] >= y) & ((u[:, 0] > x) | (u[:, 1] > y)))
    tl = figures.timeline([{"date": "2025-11-01", "issue": "donetsk", "model": "nash",
                            "value": 50, "low": 40, "high": 60},
                           {"date": "2025-11-05", "issue": "donetsk", "model": "nash",
                            "value": 55, "low": 45, "high": 62}])
    line = next(t for t in tl.data if t.mode == "lines+markers")
    assert list(line.y) == [50, 55]


def test_user_text_reaches_plotly_escaped(hostile):
    res = api.forecast(hostile, ["compromise"])
    blob = json.dumps(figures.issue_scales(hostile, res).to_plotly_json(), default=str)
    assert "<script>" not in blob and "&lt;script&gt;" in blob
    assert "\x1b" not in blob and "\\u001b" not in blob
    for trace in figures.issue_scales(hostile, res).data:
        assert "<script" not in (trace.hovertemplate or "")
