"""The outlook inherits the costs of fighting: a package that leaves fighting on keeps
its costs, month after month (``during: fighting``; :mod:`detente.deals.fighting`)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.outlook import make_job, run_job
from detente.outlook.fighting import utility_shift
from detente.scenario import Scenario

# the costs of fighting are issue 25's scenario language: these tests run once it is on main
fighting = pytest.importorskip("detente.deals.fighting")
kept_shift = fighting.kept_shift


def fighting_war(cost: float = 0.05) -> Scenario:
    """Two parties; ``line`` (0..100) stops the fighting at any settled value, ``aid``
    (an arms transfer A wants, B does not mind) does not; the ``front`` costs run while
    fighting goes on and grow by 1 a month."""
    return Scenario.from_dict({
        "name": "fighting-war",
        "actors": [{"id": "A", "batna": 0.6, "batna_pressure": {"front": -cost}},
                   {"id": "B", "batna": 0.6, "batna_pressure": {"front": -cost}}],
        "issues": [
            {"id": "line", "low": 0, "high": 100, "status_quo": 50,
             "no_agreement": "fighting continues",
             "anchors": {0: "B's line", 25: "mostly B's", 50: "split", 75: "mostly A's",
                         100: "A's line"},
             "stops_fighting": [0, 25, 50, 75, 100]},
            {"id": "aid", "low": 0, "high": 100, "status_quo": 0}],
        "stances": [{"actor": "A", "issue": "line", "position": 100, "salience": 0.5},
                    {"actor": "B", "issue": "line", "position": 0, "salience": 1},
                    {"actor": "A", "issue": "aid", "position": 100, "salience": 0.5}],
        "pressures": [{"id": "front", "value": 0, "during": "fighting",
                       "process": {"trend": 1, "low": 0, "assumption": "test"}}],
    })


def test_utility_shift_is_kept_shift_at_each_actors_view():
    job = make_job(fighting_war(), months=3, paths=4)
    rng = np.random.default_rng(0)
    view = rng.uniform(0, 5, size=(7, 2, 1))  # [D, A, P]
    mine = utility_shift(job.problem, job.candidates.options, view)  # [D, C, A]
    for a in range(2):
        theirs = kept_shift(job.problem, job.candidates.options, view[:, a, :])[:, :, a]
        assert np.allclose(mine[:, :, a], theirs.T, rtol=0, atol=1e-15)


def test_packages_that_leave_fighting_on_get_no_relief():
    job = make_job(fighting_war(), months=12, paths=8, lookahead=0.0)
    r = run_job(job, workers=1)
    labels = [job.problem.space.labels(job.candidates.options[c]) for c in r.package
              if c >= 0]
    assert labels, "the costs of fighting open a range"
    # every agreement settles the line (stops the fighting); aid alone never does
    assert all(lab["line"] != "no-agreement" for lab in labels)


def test_a_package_that_keeps_gains_of_fighting_is_phased_on_its_own_standard():
    """A gains from the fighting (its no-deal value rises with the front) and an arms-only
    package keeps those gains: acceptable to A only counting them (u + kept > β while
    u < β). The reported no-deal values at agreement are on the package's standard
    (β − kept), so `phase` prices its plans instead of refusing the deal."""
    from detente import api

    data = fighting_war().to_dict()
    data["actors"][0]["batna"] = 0.55
    data["actors"][0]["batna_pressure"] = {"front": 0.05}
    data["issues"][1]["vetoes"] = ["A"]
    sc = Scenario.from_dict(data)
    kw = {"months": 6, "paths": 40, "lookahead": 6.0}
    job = make_job(sc, **kw)
    r = run_job(job, workers=1)
    agreed = np.flatnonzero(r.package >= 0)
    assert len(agreed)
    options = job.candidates.options[r.package[agreed]]
    arms_only = ~fighting.settles(job.problem, options)
    assert arms_only.any()
    a = job.problem.actors.index("A")
    u = job.candidates.utility[r.package[agreed]][:, a]
    # on the package's own standard its static utility beats the no-deal value
    assert (u[arms_only] > r.batna_at_agreement[agreed][arms_only, a]).all()
    out = api.outlook(sc, drivers=False, **kw)  # raised 'not acceptable' before
    assert out.packages and all("plans" in p for p in out.packages)
