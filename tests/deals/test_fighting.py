"""Costs of fighting run wherever fighting goes on (detente.deals.fighting)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from detente import api
from detente.deals import DealProblem, acceptable
from detente.deals.fighting import fighting_under, settles, stance_tables
from detente.deals.logrolls import logrolls
from detente.deals.pressures import acceptance_intervals
from detente.errors import DetenteError
from detente.scenario import Scenario

from ..conftest import assert_load_names


def _every(problem: DealProblem) -> np.ndarray:
    return problem.space.decode(np.arange(problem.space.size, dtype=np.int64))


def test_fighting_on_any_front_gives_no_relief_term_by_term(ukraine):
    """For every package that leaves fighting on, each actor's margin is its stance
    margin alone: the costs of fighting it keeps equal those in its no-deal value."""
    p = DealProblem.from_scenario(ukraine)
    assert p.fighting is not None
    opts = _every(p)
    state = fighting_under(p, opts)
    on = state.continues.any(axis=1)
    assert on.any() and (~on).any()
    stance = sum(t[opts[:, i]] for i, t in enumerate(stance_tables(p)))
    stance_beta = p.reference.sum(axis=1) - p.reference_kept.sum(axis=1)
    margin = p.utilities_of(opts) - p.batna
    # term by term: margin = stance margin − relief-free pressures; all bundled pressures
    # are costs of fighting, so a package leaving it on keeps exactly the stance margin
    np.testing.assert_allclose(margin[on], (stance - stance_beta)[on], atol=1e-12)
    assert np.all(state.relief[on] == 0)
    borne = p.borne_effect @ p.pressure_value
    np.testing.assert_allclose(state.kept[on], np.broadcast_to(borne, state.kept[on].shape))
    # where it stops, each actor's margin moves by its relief: −Σ c·v
    np.testing.assert_allclose(margin[~on], (stance - stance_beta - borne)[~on], atol=1e-12)
    ukr = p.actors.index("UKR")
    assert borne[ukr] < 0 and state.relief[~on][:, ukr].min() > 0


def _old_rule(s: Scenario) -> Scenario:
    """The same scenario with every pressure back on the old rule (no-deal value only)."""
    data = s.to_dict()
    for pr in data["pressures"]:
        pr.pop("during", None)
        pr.pop("fronts", None)
    return Scenario.from_dict(data)


def test_a_package_leaving_fighting_on_cannot_buy_acceptance_with_relief(ukraine):
    """The tunnel alone changes nothing about the war: under the old rule it bought each
    side the relief of a war that goes on; now each keeps exactly the costs it bears."""
    p = DealProblem.from_scenario(ukraine)
    old = DealProblem.from_scenario(_old_rule(ukraine))
    tunnel_only = p.parse_deal("tunnel=studied")
    state = fighting_under(p, tunnel_only)
    assert state.continues.all()
    new_margin = p.utilities_of(tunnel_only[None])[0] - p.batna
    old_margin = old.utilities_of(tunnel_only[None])[0] - old.batna
    np.testing.assert_allclose(old_margin - new_margin, -state.kept, atol=1e-12)
    ukr = p.actors.index("UKR")
    assert state.kept[ukr] < 0 and new_margin[ukr] < old_margin[ukr]


def test_no_agreement_is_its_own_point_of_the_war(ukraine):
    """Where the fighting stops, no agreement is a distinct row for those who bear the war."""
    p = DealProblem.from_scenario(ukraine)
    assert p.fighting is not None
    stopping = [i for i, st in enumerate(p.fighting.stops) if st.any()]
    assert stopping
    for i in stopping:
        none = p.space.option_names[i].index("no-agreement")
        for a in ("RUS", "UKR"):
            k = p.actors.index(a)
            for o in np.flatnonzero(p.fighting.stops[i].any(axis=1)):
                assert p.tables[i][o, k] != p.tables[i][none, k]


def test_a_package_that_leaves_the_war_on_is_not_a_settlement(ukraine):
    from detente.present.deals import _deal_text

    rep = api.analyse_deals(ukraine, robust=0)
    listed = rep.to_dict(top=rep.frontier_size)["top"]
    assert listed
    for d in listed:
        assert d["war"]["settlement"] == (not d["war"]["fighting_continues"])
        assert ("[fighting continues" in _deal_text(d)) == bool(d["war"]["fighting_continues"])
    tunnel_only = rep.problem.parse_deal("tunnel=studied")
    from detente.deals.zopa import describe_deal

    d = describe_deal(rep.problem, tunnel_only)
    assert not d["war"]["settlement"] and "[fighting continues: war]" in _deal_text(d)
    # the package tables (the story every surface shows) mark it too
    story = rep.story(top=rep.frontier_size)
    rows = story["by_nash"]
    on = [s for s in rows if s["war"]["fighting_continues"]]
    assert on and len(on) < len(rows)  # some listed packages settle the war, some do not
    for s in rows:
        row = rep.problem.parse_deal(s["options"])
        assert s["war"]["settlement"] == bool(settles(rep.problem, row))
    from detente.present.deals import _deals_table
    from detente.present.terminal import make_console
    from detente.spelling import python_words

    console = make_console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(_deals_table("t", rows, total=len(rows), spell=python_words))
    assert console.export_text().count("[fighting continues: war]") == len(on)


def test_without_the_tunnel_russia_and_ukraine_can_both_accept(ukraine):
    p = DealProblem.from_scenario(ukraine)
    opts = _every(p)
    t = p.issues.index("tunnel")
    no_tunnel = opts[:, t] == p.space.option_names[t].index("no-agreement")
    ok = acceptable(p, opts) & no_tunnel
    assert p.rules is not None
    need = p.rules.consenting(opts)
    r, u = p.actors.index("RUS"), p.actors.index("UKR")
    both = ok & need[:, r] & need[:, u]
    assert both.sum() > 0
    # every such package stops the fighting: each is a settlement
    assert (~fighting_under(p, opts[both]).continues.any(axis=1)).all()


def test_old_rule_without_during(ukraine):
    """A pressure without ``during`` enters the no-deal value only, as before."""
    p = DealProblem.from_scenario(_old_rule(ukraine))
    assert p.fighting is None and p.terms is None


def test_pressure_lever_leaves_fighting_packages_alone(ukraine):
    p = DealProblem.from_scenario(ukraine)
    k = p.pressures.index("battlefield")
    deal = p.parse_deal("tomahawks=conditional,drones=full")  # Donetsk unsettled
    u = p.utilities_of(deal[None])
    lo, hi = acceptance_intervals(p, k, u, deal[None])
    assert lo[0] == -np.inf and hi[0] == np.inf  # acceptable whatever the villages


def _two_issue_war() -> Scenario:
    return Scenario.from_dict({
        "name": "two-fronts",
        "actors": [{"id": "A", "batna_pressure": {"war": -0.1}},
                   {"id": "B", "batna_pressure": {"war": 0.05}}],
        "fronts": [{"id": "north"}, {"id": "south"}],
        "issues": [
            {"id": "north", "options": {"hold": 0, "truce": 50, "cede": 100},
             "status_quo": 0, "stops_fighting": ["truce", "cede"], "fronts": ["north"]},
            {"id": "south", "options": {"hold": 0, "truce": 50}, "status_quo": 0,
             "stops_fighting": [50], "fronts": "south"},
            {"id": "truce", "options": {"none": 0, "all": 100}, "status_quo": 0,
             "stops_fighting": ["all"]},
        ],
        "stances": [
            {"actor": "A", "issue": "north", "position": 0, "salience": 0.5},
            {"actor": "A", "issue": "south", "position": 0, "salience": 0.3},
            {"actor": "A", "issue": "truce", "position": 100, "salience": 0.4},
            {"actor": "B", "issue": "north", "position": 100, "salience": 0.6},
            {"actor": "B", "issue": "south", "position": 50, "salience": 0.2},
            {"actor": "B", "issue": "truce", "position": 0, "salience": 0.2},
        ],
        "pressures": [{"id": "war", "value": 1, "during": "fighting"}],
    })


def test_several_issues_stopping_one_war_is_exact_by_enumeration():
    s = _two_issue_war()
    p = DealProblem.from_scenario(s)
    assert p.terms is not None  # fighting is stopped by several issues together
    opts = _every(p)
    state = fighting_under(p, opts)
    stance = sum(t[opts[:, i]] for i, t in enumerate(stance_tables(p)))
    # by hand: war stops iff the truce issue says so, or both fronts are stopped
    n = opts[:, 0]
    south = opts[:, 1]
    truce = opts[:, 2]
    stops = (truce == 1) | ((n >= 1) & (south == 1))
    assert np.array_equal(~state.continues.any(axis=1), stops)
    np.testing.assert_allclose(p.utilities_of(opts),
                               stance + np.outer(~stops, [-0.1, 0.05]), atol=1e-12)
    with pytest.raises(DetenteError, match="several issues together"):
        logrolls(p)


def test_deals_draws_keep_fighting_costs_with_the_draw(ukraine):
    """A package that leaves fighting on survives the same draws whatever the pressures
    draw (its kept costs move with the no-deal value); one that stops it does not."""
    from detente.deals.robust import survival

    data = ukraine.to_dict()
    for pr in data["pressures"]:
        pr.pop("uncertainty", None)
    fixed = Scenario.from_dict(data)
    p, q = DealProblem.from_scenario(ukraine), DealProblem.from_scenario(fixed)
    packages = np.stack([p.parse_deal("tunnel=studied"),
                         p.parse_deal("tomahawks=conditional,drones=full")])
    on = fighting_under(p, packages).continues.any(axis=1)
    assert on.all()
    a = survival(p, ukraine, packages, draws=120, seed=4).probability
    b = survival(q, fixed, packages, draws=120, seed=4).probability
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("patch", "field", "found"), [
    (lambda d: d["issues"][0].update(stops_fighting=["frozen"]),
     "issues[0].stops_fighting[0]", "unknown option 'frozen'"),
    (lambda d: d["issues"][0].update(stops_fighting=[40]),
     "issues[0].stops_fighting[0]", "no anchor at 40"),
    (lambda d: d["issues"][0].update(fronts=["crimea"]),
     "issues[0].fronts[0]", "unknown front 'crimea'"),
    (lambda d: d["pressures"][0].update(fronts=["crimea"]),
     "pressures[0].fronts[0]", "unknown front 'crimea'"),
])
def test_bad_fighting_input_names_file_line_and_field(ukraine, tmp_path, patch, field, found):
    data = ukraine.to_dict()
    patch(data)
    assert_load_names(tmp_path, data, field, found)


def test_csv_round_trip_keeps_the_war(ukraine):
    from detente.formats import scenario_csv

    s = _two_issue_war()
    (back,) = scenario_csv.loads(scenario_csv.dumps(s), file="w.csv")
    assert back == s
    (back,) = scenario_csv.loads(scenario_csv.dumps(ukraine), file="u.csv")
    assert back == ukraine
