"""``settlements_only``: the outlook counts as an agreement only a package under which no
fighting continues (:func:`detente.deals.fighting.settles`), and the brief's page 1 says so
(issues 26 and 28: an arms-only package, agreed by the arms' parties while the war goes on,
was counted as "an agreement")."""

from __future__ import annotations

import numpy as np
import pytest

from detente import api
from detente.api._brief import _brief_outlook
from detente.deals.fighting import settles
from detente.outlook import make_job, run_job
from detente.present.bottom_line import outlook_text
from detente.present.outlook import ANY_AGREEMENT, SETTLEMENT_AGREEMENT
from detente.scenario import Scenario


def arms_war() -> Scenario:
    """A and B fight over ``line`` (any settled value stops the fighting; both must consent);
    ``arms`` is a transfer from S that A wants, needing only A's and S's consent. Arms
    alone are acceptable to A and S today; a line becomes acceptable to B only as the
    ``front`` costs (1 a month) lower B's no-deal value, after about ten months."""
    return Scenario.from_dict({
        "name": "arms-war",
        "actors": [{"id": "A", "batna": 0.55},
                   {"id": "B", "batna": 0.6, "batna_pressure": {"front": -0.01}},
                   {"id": "S", "batna": 0.2}],
        "issues": [
            {"id": "line", "low": 0, "high": 100, "status_quo": 50,
             "no_agreement": "fighting continues",
             "anchors": {0: "B's line", 50: "split", 100: "A's line"},
             "stops_fighting": [0, 50, 100], "controlled_by": ["A", "B"],
             "vetoes": ["A", "B"]},
            {"id": "arms", "low": 0, "high": 100, "status_quo": 0,
             "anchors": {0: "none", 100: "full"},
             "controlled_by": ["S"], "vetoes": ["A", "S"]}],
        "stances": [{"actor": "A", "issue": "line", "position": 100, "salience": 1},
                    {"actor": "B", "issue": "line", "position": 0, "salience": 1},
                    {"actor": "A", "issue": "arms", "position": 100, "salience": 0.2},
                    {"actor": "S", "issue": "arms", "position": 100, "salience": 1}],
        "pressures": [{"id": "front", "value": 0, "during": "fighting",
                       "process": {"trend": 1, "volatility": 0.5, "low": 0,
                                   "assumption": "test"}}],
    })


SETTINGS = {"months": 24, "paths": 200, "seed": 0, "lookahead": 0.0}


def _agreed(settlements_only: bool):
    job = make_job(arms_war(), settlements_only=settlements_only, **SETTINGS)
    r = run_job(job, workers=1)
    return job, r


def test_without_the_option_the_arms_only_package_is_agreed():
    """The case the option is for: the old count takes a package that leaves the war on."""
    job, r = _agreed(False)
    agreed = job.candidates.options[r.package[r.package >= 0]]
    assert len(agreed) and not settles(job.problem, agreed).all()
    assert not job.settlements_only


def test_with_the_option_no_agreement_leaves_fighting_on():
    job, r = _agreed(True)
    assert job.settlements_only
    assert settles(job.problem, job.candidates.options).all()
    agreed = job.candidates.options[r.package[r.package >= 0]]
    assert len(agreed), "the costs of fighting open a settlement within 24 months"
    assert settles(job.problem, agreed).all()


def test_counting_only_settlements_never_raises_the_probability():
    every = api.outlook(arms_war(), drivers=False, **SETTINGS)
    settled = api.outlook(arms_war(), drivers=False, settlements_only=True, **SETTINGS)
    assert settled.settlements_only and not every.settlements_only
    assert np.all(settled.p_agreed_by <= every.p_agreed_by + 1e-12)
    assert settled.p_agreed_by[3] < every.p_agreed_by[3]  # arms alone come early
    assert settled.to_dict()["settlements_only"] is True


def test_a_scenario_without_fighting_language_is_unchanged(two_party_war):
    sc = two_party_war(volatility=0.5)
    plain = api.outlook(sc, months=12, paths=100, drivers=False, seed=1)
    opted = api.outlook(sc, months=12, paths=100, drivers=False, seed=1, settlements_only=True)
    assert not opted.settlements_only
    assert opted.to_dict() == plain.to_dict()


def test_the_outlook_sentence_says_what_counts_as_an_agreement():
    settled = api.outlook(arms_war(), drivers=False, settlements_only=True, **SETTINGS)
    every = api.outlook(arms_war(), drivers=False, **SETTINGS)
    assert SETTLEMENT_AGREEMENT in outlook_text(settled)
    assert "a package that stops the fighting, acceptable to every party whose consent is " \
           "needed" in outlook_text(settled)
    assert ANY_AGREEMENT in outlook_text(every)
    assert SETTLEMENT_AGREEMENT not in outlook_text(every)


@pytest.mark.slow
def test_the_brief_counts_only_settlements_on_the_bundled_scenario(ukraine):
    """Page 1's outlook on the bundled war: the arms-for-drones package (UKR and USA only)
    is a candidate of the unrestricted outlook and never of the brief's."""
    every = make_job(ukraine, months=3, paths=4)
    assert not settles(every.problem, every.candidates.options).all()
    found = _brief_outlook(ukraine)
    assert found is not None and found.settlements_only
    assert SETTLEMENT_AGREEMENT in outlook_text(found)
    job = make_job(ukraine, months=3, paths=4, settlements_only=True)
    assert settles(job.problem, job.candidates.options).all()


def test_the_cli_flag_reaches_the_outlook(tmp_path):
    import json

    from typer.testing import CliRunner

    from detente.cli.main import app

    path = tmp_path / "arms-war.yaml"
    api.save(arms_war(), path)
    runner = CliRunner()
    base = ["outlook", str(path), "--months", "24", "--paths", "200", "--lookahead", "0",
            "--no-drivers", "--format", "json"]
    every = json.loads(runner.invoke(app, [*base, "--any-package"]).stdout)
    res = runner.invoke(app, base)  # settlements only by default, as in the brief
    assert json.loads(runner.invoke(app, [*base, "--settlements-only"]).stdout) == \
        json.loads(res.stdout)
    assert res.exit_code == 0, res.output
    settled = json.loads(res.stdout)
    assert settled["settlements_only"] and not every["settlements_only"]
    by = [(s["p_agreed_by"], e["p_agreed_by"]) for s, e in
          zip(settled["by_month"], every["by_month"], strict=True)]
    assert all(s <= e for s, e in by) and any(s < e for s, e in by)
