"""Issue 12 part 3: each deal's probability of staying acceptable across the stated
uncertainty."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.deals import DealProblem
from detente.deals.robust import _redrawn, acceptable, survival
from detente.scenario import Scenario
from detente.uncertainty.sampling import input_space


def test_redrawn_at_the_point_values_is_the_problem(ukraine):
    problem = DealProblem.from_scenario(ukraine)
    base = input_space(ukraine).base
    again = _redrawn(problem, ukraine, np.asarray(base.position[0]),
                     np.asarray(base.salience[0]))
    for a, b in zip(problem.tables, again.tables, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12)
    np.testing.assert_allclose(problem.reference, again.reference, atol=1e-12)


def test_bundled_deals_get_survival_probabilities(ukraine):
    rep = api.analyse_deals(ukraine, robust=400, seed=3)
    p = rep.survival.probability
    assert rep.survival.draws == 400 and len(p) == rep.frontier_size
    assert ((p >= 0) & (p <= 1)).all()
    # every frontier deal is acceptable at the point, yet none survives every draw
    assert acceptable(rep.problem, rep.frontier_options).all()
    assert p.max() < 1 and p.min() < p.max()
    ranked = rep.robust(rep.frontier_size)
    assert [d["survival"] for d in ranked] == sorted(p, reverse=True)
    data = rep.to_dict()
    assert data["robust"]["deals"][0]["survival"] == p.max()
    assert "survival" in data["solutions"]["nash"]
    # reproducible, and no robust key unless asked for
    again = api.analyse_deals(ukraine, robust=400, seed=3)
    np.testing.assert_array_equal(again.survival.probability, p)
    assert "robust" not in api.analyse_deals(ukraine).to_dict()


def test_survival_is_the_share_of_draws_with_every_party_above_batna():
    # one issue, two parties; a at 0 with position uncertain on [0, 100], b at 100 with
    # BATNA 0.2 (fixed); deal x: a accepts iff 1 − |x − p_a|/100 > 0.5, its BATNA
    sc = Scenario.from_dict({
        "name": "pair",
        "actors": [{"id": "a", "capability": 1, "batna": 0.5},
                   {"id": "b", "capability": 1, "batna": 0.2}],
        "issues": [{"id": "x", "status_quo": 50, "options": {"lo": 0, "mid": 50, "hi": 100}}],
        "stances": [
            {"actor": "a", "issue": "x", "position": 0, "salience": 1,
             "uncertainty": {"position": [0, 100]}},
            {"actor": "b", "issue": "x", "position": 100, "salience": 1},
        ],
    })
    problem = DealProblem.from_scenario(sc)
    mid = np.array([[1]])
    s = survival(problem, sc, mid, draws=2000, seed=1)
    # b accepts mid (0.5 > 0.2); a accepts when |50 − p_a| < 50: p_a in (0, 100), always
    assert s.probability[0] == pytest.approx(1.0)
    hi = survival(problem, sc, np.array([[2]]), draws=2000, seed=1)
    # a accepts "hi" (100) iff p_a > 50: half the draws
    assert hi.probability[0] == pytest.approx(0.5, abs=0.03)


def test_cli_deals_show_survival():
    res = CliRunner().invoke(app, ["deals", "--robust", "200", "-f", "json"],
                             env={"COLUMNS": "240"})
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["robust"]["draws"] == 200 and "survival" in data["top"][0]
    res = CliRunner().invoke(app, ["deals", "--robust", "200"], env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    assert "Most robust" in res.output and "survives" in res.output


def test_logrolls_and_phased_plans_get_survival(ukraine):
    found = api.logrolls(ukraine, robust=300, seed=2)
    p = found.survival.probability
    assert len(p) == len(found) > 0 and ((p >= 0) & (p <= 1)).all() and p.min() < 1
    # at the point estimate every reported logroll holds
    from detente.deals.robust import logroll_survival

    point = logroll_survival(api.deal_problem(ukraine), ukraine, found.logrolls, draws=0)
    assert (point.probability == 1).all()
    assert found.to_dict(top=2)["logrolls"][0]["survival"] == p[0]

    ph = api.phase(ukraine, robust=300, seed=2)
    rob = ph.robust
    # the deal's share is the same number the deals report gives the same package
    problem = api.deal_problem(ukraine)
    same = survival(problem, ukraine, problem.parse_deal(ph.deal)[None], draws=300, seed=2)
    assert rob.deal == same.probability[0]
    assert len(rob.plans.probability) == len(ph.plans)
    assert (rob.plans.probability <= rob.deal + 1e-12).all()
    assert ph.to_dict()["robust"]["deal"] == rob.deal


def test_cli_logrolls_and_phase_show_survival():
    runner = CliRunner()
    res = runner.invoke(app, ["logrolls", "--robust", "100", "-f", "json"])
    assert res.exit_code == 0, res.output
    assert "survival" in json.loads(res.output)["logrolls"][0]
    res = runner.invoke(app, ["phase", "--robust", "100"], env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    assert "survives" in res.output and "acceptable to every party in" in res.output
    res = runner.invoke(app, ["phase", "--robust", "0", "-f", "json"])
    assert "robust" not in json.loads(res.output)
