"""Guarantees tied to named guarantors: a power shift that makes reneging pay lowers
P(holds), and the guarantee each named guarantor is reported to pledge restores it."""

from __future__ import annotations

import numpy as np
import pytest

from detente.deals.guarantees import combined_credibility, named_guarantors
from detente.outlook import make_job, outlook, run_job
from detente.outlook.holding import guarantor_pledges, holds

from .conftest import war, with_guarantors

RUN = {"months": 12, "lookahead": 1.0, "drivers": False, "coverage": 1.0, "hold_months": 12}


def test_named_guarantor_pledge_restores_what_the_power_shift_breaks():
    steady = outlook(with_guarantors(war(), {"G": 0.5}), paths=50, **RUN)
    shift = outlook(with_guarantors(war(after=-0.5), {"G": 0.5}), paths=50, **RUN)
    assert steady.holds == 1.0
    assert shift.holds is not None and shift.holds < steady.holds
    top = shift.packages[0]
    assert top["deal"]["line"] == "50"
    plan = top["plans"][0]
    # by hand (test_properties): each warring side needs 0.05 more to keep to the deal;
    # G delivers with probability 0.5, so it must pledge twice that to each
    assert plan["by_guarantor"]["G"]["A"] == pytest.approx(0.1, abs=1e-12)
    assert plan["by_guarantor"]["G"]["B"] == pytest.approx(0.1, abs=1e-12)
    assert plan["unpledged"] == [] and shift.guarantors == {"G": 0.5}


def test_pledges_counted_at_their_credibility_keep_every_path_from_reneging():
    sc = with_guarantors(war(after=-1.0, volatility=0.6, shock_p=0.1), {"G": 0.3, "H": 0.6})
    kw = {"months": 24, "paths": 300, "lookahead": 0.5, "coverage": 1.0}
    out = outlook(sc, drivers=False, **kw)
    job = make_job(sc, **kw)
    r = run_job(job, workers=1)
    top = out.packages[0]
    rows = np.flatnonzero(r.package >= 0)
    rows = rows[[job.problem.space.labels(job.candidates.options[r.package[k]]) == top["deal"]
                 for k in rows]]
    actors = job.problem.actors
    u = np.array([top["utility"][a] for a in actors])
    consent = job.consent[r.package[rows]]
    assert not holds(np.repeat(u[None], len(rows), 0), consent, r.renege[rows]).all()
    pledged = top["plans"][0]["by_guarantor"]
    c = 1 - (1 - 0.3) * (1 - 0.6)  # the chance at least one of G, H delivers
    # what each party counts on: every guarantor's pledge to it, believed with chance c
    credible = np.array([c * max((p.get(a, 0.0) for p in pledged.values()), default=0.0)
                         for a in actors])
    assert credible.max() > 0
    assert holds(np.repeat((u + credible)[None], len(rows), 0), consent,
                 r.renege[rows]).all()
    # and less than the reported pledge does not do it on every path
    assert not holds(np.repeat((u + 0.9 * credible)[None], len(rows), 0), consent,
                     r.renege[rows]).all()


def test_a_party_is_not_its_own_guarantor_and_no_credible_guarantor_is_said():
    pledges, unpledged = guarantor_pledges({"A": 0.05, "B": 0.02, "C": 0.0},
                                           {"A": 0.5, "G": 0.5, "Z": 0.0})
    assert pledges == {"A": {"B": pytest.approx(0.02 / 0.75)},
                       "G": {"A": pytest.approx(0.1), "B": pytest.approx(0.02 / 0.75)}}
    assert unpledged == ()
    pledges, unpledged = guarantor_pledges({"A": 0.05}, {"A": 0.9, "Z": 0.0})
    assert pledges == {} and unpledged == ("A",)
    assert combined_credibility([0.5, 0.5, 0.2]) == pytest.approx(1 - 0.5 * 0.5 * 0.8)


def test_no_named_guarantor_no_pledges():
    out = outlook(war(after=-0.5), paths=50, **RUN)
    plan = out.packages[0]["plans"][0]
    assert plan["guarantee"]["A"] > 0
    assert plan["by_guarantor"] == {} and plan["unpledged"] == [] and out.guarantors == {}


def test_named_guarantors_take_the_highest_credibility():
    sc = with_guarantors(war(), {"G": 0.4})
    data = sc.to_dict()
    data["issues"].append({"id": "second", "low": 0, "high": 100, "status_quo": 0,
                           "guarantors": [{"actor": "G", "credibility": 0.7},
                                          {"actor": "A", "credibility": 0.2}]})
    assert named_guarantors(type(sc).from_dict(data).issues) == {"G": 0.7, "A": 0.2}


def test_the_table_names_each_guarantors_pledge_within_80_columns(tmp_path):
    from typer.testing import CliRunner

    from detente import api
    from detente.cli.main import app

    path = tmp_path / "g.yaml"
    api.save(with_guarantors(war(after=-0.5), {"G": 0.5, "H": 0.3}), path)
    res = CliRunner().invoke(app, ["outlook", str(path), "--months", "12", "--paths", "50",
                                   "--lookahead", "1", "--coverage", "1", "--no-drivers"],
                             terminal_width=80)
    assert res.exit_code == 0, res.output
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    flat = " ".join(res.stdout.split())
    face = 0.05 / (1 - 0.5 * 0.7)  # each side's need over the chance G or H delivers
    assert f"G: {face:.3f} for A, {face:.3f} for B; H: {face:.3f} for A" in flat
    assert "Pledged by the named guarantors" in flat and "G 50%, H 30%" in flat
