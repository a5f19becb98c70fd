"""Deals on the bundled scenario: logrolls, analysis, BATNA fields."""

import numpy as np
import pytest

import detente
from detente import deals
from detente.deals import DealProblem
from detente.deals.provenance import BatnaOrigin
from detente.errors import DetenteError


def test_drones_for_tomahawks_logroll(ukraine):
    found = deals.find_logrolls(ukraine, actors=("UKR", "USA"), issues=("drones", "tomahawks"))
    assert found, "the saliences support the drones-for-Tomahawks trade"
    trade = found[0]
    assert {trade.a, trade.b} == {"UKR", "USA"}
    ukr_gets = trade.issue_a if trade.a == "UKR" else trade.issue_b
    assert ukr_gets == "tomahawks"
    assert trade.net_a > 0 and trade.net_b > 0
    # both ratios weigh Tomahawks against drones (saliences read from the scenario):
    # Kyiv weighs the missiles more, relative to the drones, than Washington does
    sal = {(a, i): ukraine.stance(a, i).salience for a in ("UKR", "USA")
           for i in ("tomahawks", "drones")}
    assert trade.salience_supports
    assert trade.salience_ratio_a == pytest.approx(sal["UKR", "tomahawks"] / sal["UKR", "drones"])
    assert trade.salience_ratio_b == pytest.approx(sal["USA", "tomahawks"] / sal["USA", "drones"])
    assert trade.salience_ratio_a > trade.salience_ratio_b
    # missiles on the linked offer's terms, for drone technology Kyiv really gives
    assert trade.option_a == "conditional" and trade.option_b != "none"
    usa_give = trade.give_b
    assert usa_give > 0  # the US gives something real on Tomahawks
    assert "tomahawks" in trade.explain()
    all_trades = deals.find_logrolls(ukraine)
    assert any({t.a, t.b} == {"UKR", "USA"} and {t.issue_a, t.issue_b} == {"drones", "tomahawks"}
               for t in all_trades)


def test_full_tomahawks_is_not_a_logroll(ukraine):
    p = DealProblem.from_scenario(ukraine)
    from detente.deals.logrolls import gain_table

    d = gain_table(p)
    usa, ukr = p.actors.index("USA"), p.actors.index("UKR")
    tom, dr = p.issues.index("tomahawks"), p.issues.index("drones")
    full, dfull = p.space.option_index("tomahawks", "full"), p.space.option_index("drones", "full")
    assert d[usa, tom, full] + d[usa, dr, dfull] < 0  # the US would lose on balance
    assert d[ukr, tom, full] > 0


def test_analyse_bundled(ukraine):
    rep = deals.analyse(ukraine, drops={"RUS": 0.1})
    out = rep.to_dict()
    # each issue's options, plus the explicit no-agreement option where the scenario has one
    assert out["deals"] == int(np.prod([len(i.options) + (i.no_agreement is not None)
                                        for i in ukraine.issues]))
    assert rep.frontier_size > 0
    for name in deals.SOLUTIONS:
        s = out["solutions"][name]
        # every party whose consent the deal needs gains over its no-deal value
        assert s is not None and s["consent_of"]
        assert all(s["margin"][a] > 0 for a in s["consent_of"])
    assert out["zopa"]["size"] >= rep.frontier_size
    assert out["zopa"]["openings"][0]["count"] > 0
    assert rep.zopa.sole_blocker[rep.problem.actors.index("RUS")] > 0


def test_batna_fields_and_uncertainty():
    data = {
        "name": "t",
        "actors": [{"id": "A", "batna": 0.4, "batna_uncertainty": [0.3, 0.5]}, {"id": "B"}],
        "issues": [{"id": "x", "status_quo": 50, "options": {"lo": 0, "mid": 50, "hi": 100}}],
        "stances": [{"actor": "A", "issue": "x", "position": 0, "salience": 1},
                    {"actor": "B", "issue": "x", "position": 100, "salience": 0.5}],
    }
    s = detente.Scenario.from_dict(data)
    assert s.actor("A").batna == 0.4
    assert detente.Scenario.from_dict(s.to_dict()) == s
    p = DealProblem.from_scenario(s)
    assert [b.origin for b in p.batna_provenance] == [BatnaOrigin.SCENARIO,
                                                      BatnaOrigin.STATUS_QUO]
    np.testing.assert_allclose(p.batna, [0.4, 0.5])
    b = p.sample_batna(np.random.default_rng(1), 1000)
    assert b[:, 0].min() >= 0.3 and b[:, 0].max() <= 0.5 and (b[:, 1] == 0.5).all()
    q = DealProblem.from_scenario(s, utility="quadratic")
    assert q.tables[0][:, 0].tolist() == [1.0, 0.75, 0.0]
    rep = deals.analyse(s, draws=200)
    assert rep.zopa.to_dict()["uncertain_batna"]["draws"] == 200


def test_bad_deal_and_tables_are_clear_errors(ukraine):
    p = DealProblem.from_scenario(ukraine)
    with pytest.raises(DetenteError, match="unknown issue"):
        p.parse_deal("nowhere=full")
    with pytest.raises(DetenteError, match="no option"):
        p.parse_deal("tomahawks=plenty")
    with pytest.raises(DetenteError, match="lacks option"):
        DealProblem.from_scenario(ukraine, tables={"UKR": {"drones": {"none": 0.0}}})
    with pytest.raises(DetenteError, match=r"unknown actor\(s\) XYZ; actors are RUS"):
        deals.analyse(p, drops={"XYZ": 0.1})
    with pytest.raises(DetenteError, match="utility 'cubic': expected linear or quadratic"):
        deals.analyse(ukraine, utility="cubic")
    t = {"UKR": {"drones": {"none": 0.0, "limited": 1.0, "full": 0.5}}}
    p2 = DealProblem.from_scenario(ukraine, tables=t)
    w = p2.weight[p2.actors.index("UKR"), p2.issues.index("drones")]
    drones, ukr = p2.issues.index("drones"), p2.actors.index("UKR")
    np.testing.assert_allclose(p2.tables[drones][:, ukr], np.array([0.0, 1.0, 0.5]) * w)


def test_default_grid_for_issue_without_options():
    s = detente.Scenario.from_dict({
        "name": "g", "actors": [{"id": "A"}],
        "issues": [{"id": "x", "status_quo": 10}],
        "stances": [{"actor": "A", "issue": "x", "position": 30, "salience": 1}],
    })
    p = DealProblem.from_scenario(s)
    assert p.space.option_names[0] == ("0", "10", "25", "50", "75", "100")


def test_phase_deal_builds_the_problem_from_its_keywords(ukraine):
    deal = "tomahawks=conditional,drones=full"
    rep = deals.phase_deal(ukraine, deal, utility="quadratic", top=2)
    same = deals.phase(DealProblem.from_scenario(ukraine, utility="quadratic"), deal, top=2)
    assert rep.to_dict() == same.to_dict() and len(rep.plans) == 2
    assert rep.to_dict() != deals.phase_deal(ukraine, deal, top=2).to_dict()
