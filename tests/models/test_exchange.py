"""The exchange model on hand-computed cases, the draw axis, variants and the Ukraine trade."""

from __future__ import annotations

import json

import numpy as np
import pytest

import detente
from detente.arrays import compile_scenario
from detente.errors import DetenteError
from detente.models.exchange import Exchange, candidates
from detente.models.registry import get_model
from detente.scenario import Scenario


def two_actor_scenario(**changes) -> Scenario:
    data = {
        "name": "two",
        "actors": [{"id": "i", "capability": 1}, {"id": "j", "capability": 1}],
        "issues": [{"id": "p"}, {"id": "q"}],
        "stances": [
            {"actor": "i", "issue": "p", "position": 0, "salience": 0.8},
            {"actor": "i", "issue": "q", "position": 100, "salience": 0.2},
            {"actor": "j", "issue": "p", "position": 100, "salience": 0.2},
            {"actor": "j", "issue": "q", "position": 0, "salience": 0.8},
        ],
    }
    data.update(changes)
    return Scenario.from_dict(data)


def test_hand_computed_equal_gain_exchange():
    # O_p = O_q = 20; i demands p (s_p/s_q = 4 > 0.25); k = (0.8+0.2)/(0.2+0.8) = 1.
    # j moves fully to 0 on p: ΔO_p = 100·0.2/1 = 20; ΔO_q = 20, so i moves 20·1/0.2 = 100.
    # Gain = 20·0.8 − 20·0.2 = 12 for both.
    fc = Exchange(rounds=2).forecast(two_actor_scenario())
    first = [e for e in fc.details.exchanges if e.round == 1]
    assert len(first) == 1
    [e] = first
    assert (e.i.actor, e.i.supplies, e.j.actor, e.j.supplies) == (
        "i", "q", "j", "p")
    assert e.gain == pytest.approx(12.0)
    assert e.i.gain == pytest.approx(12.0) and e.j.gain == pytest.approx(12.0)
    assert (e.i.shift, e.j.shift) == (pytest.approx(-100.0), pytest.approx(-100.0))
    assert e.outcome_shift == {"q": pytest.approx(-20.0), "p": pytest.approx(-20.0)}
    np.testing.assert_allclose(fc.trajectory.outcome[0, 0], [20, 20])
    np.testing.assert_allclose(fc.trajectory.outcome[0, 1], [0, 0], atol=1e-12)
    # round 2 starts from x + (0.1 + 0.4·(1 − 0.8))·(y − x) = 100 − 0.42·100 = 58
    # (visible as the round-2 forecast when no second exchange moves anybody the same way)
    ext = e.externalities.by_actor
    assert ext["i"] == pytest.approx(12.0) and ext["j"] == pytest.approx(12.0)


def test_carry_over_between_rounds():
    fc = Exchange(rounds=2, log=False).forecast(two_actor_scenario())
    # after round 1 both suppliers return to 58 on their supply issue: O_p = 0.2·58 = 11.6
    r2 = Exchange(rounds=1).forecast(
        two_actor_scenario(stances=[
            {"actor": "i", "issue": "p", "position": 0, "salience": 0.8},
            {"actor": "i", "issue": "q", "position": 58, "salience": 0.2},
            {"actor": "j", "issue": "p", "position": 58, "salience": 0.2},
            {"actor": "j", "issue": "q", "position": 0, "salience": 0.8},
        ]))
    np.testing.assert_allclose(r2.trajectory.outcome[0, 0], [11.6, 11.6])
    np.testing.assert_allclose(fc.trajectory.outcome[0, 2], r2.trajectory.outcome[0, 1],
                               atol=1e-9)


def test_no_trade_without_opposite_sides_or_weight():
    same = two_actor_scenario(stances=[
        {"actor": "i", "issue": "p", "position": 0, "salience": 0.8},
        {"actor": "i", "issue": "q", "position": 100, "salience": 0.2},
        {"actor": "j", "issue": "p", "position": 100, "salience": 0.2},
        {"actor": "j", "issue": "q", "position": 100, "salience": 0.8},
    ])  # both on the same side of O_q = 100
    fc = Exchange().forecast(same)
    assert fc.details.exchanges == []
    np.testing.assert_allclose(fc.outcome[0], fc.trajectory.outcome[0, 0])
    zero = two_actor_scenario(actors=[{"id": "i", "capability": 1}, {"id": "j", "capability": 0}])
    assert Exchange().forecast(zero).details.exchanges == []
    missing = two_actor_scenario(stances=[
        {"actor": "i", "issue": "p", "position": 0, "salience": 0.8},
        {"actor": "i", "issue": "q", "position": 100, "salience": 0.2},
        {"actor": "j", "issue": "p", "position": 100, "salience": 0.2},
    ])
    assert Exchange().forecast(missing).details.exchanges == []


def test_issue_scale_is_respected():
    scaled = two_actor_scenario(issues=[{"id": "p", "low": -5, "high": 5},
                                        {"id": "q", "low": 10, "high": 20}],
                                stances=[
        {"actor": "i", "issue": "p", "position": -5, "salience": 0.8},
        {"actor": "i", "issue": "q", "position": 20, "salience": 0.2},
        {"actor": "j", "issue": "p", "position": 5, "salience": 0.2},
        {"actor": "j", "issue": "q", "position": 10, "salience": 0.8},
    ])
    fc = Exchange(rounds=1).forecast(scaled)
    np.testing.assert_allclose(fc.trajectory.outcome[0, 0], [-3.0, 12.0])
    np.testing.assert_allclose(fc.outcome[0], [-5.0, 10.0])
    [e] = fc.details.exchanges
    assert e.i.shift == pytest.approx(-10.0) and e.j.to == pytest.approx(-5.0)


def test_draws_equal_separate_runs(data_dir):
    scenario = detente.load(data_dir / "decide" / "copenhagen.csv")
    base = compile_scenario(scenario, draws=3)
    rng = np.random.default_rng(5)
    pos = np.clip(base.position + rng.normal(0, 8, base.position.shape), 0, 100)
    sal = np.clip(base.salience + rng.normal(0, 0.05, base.salience.shape), 0.05, 1)
    arrays = base.with_values(position=pos, salience=sal)
    model = Exchange(rounds=4)
    together = model.forecast(arrays)
    for d in range(3):
        alone = model.forecast(arrays.take(slice(d, d + 1)))
        np.testing.assert_allclose(together.outcome[d], alone.outcome[0], atol=1e-9)
        np.testing.assert_allclose(together.trajectory.outcome[d], alone.trajectory.outcome[0],
                                   atol=1e-9)
    assert not np.allclose(together.outcome[0], together.outcome[1])


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("rule", ["decide", "paper"])
def test_a_batch_of_draws_equals_draw_by_draw_runs_exactly(ukraine, rule, compiled,
                                                            monkeypatch):
    # the bundled scenario's declared uncertainty, plus a many-actor case whose busiest draws
    # need more than one block of candidate slots while others fit in one; on the array
    # code and on the compiled step loop (from any number of candidates)
    from detente.models.exchange import round as exchange_round
    from detente.uncertainty.sampling import input_space

    monkeypatch.setattr(exchange_round, "COMPILED_CANDIDATES", 0 if compiled else 1 << 62)
    model = Exchange(rounds=4, rule=rule)
    sampled = input_space(ukraine).sample(3, 0, 12)
    base = compile_scenario(many_actor_scenario(30, 3), draws=4)
    rng = np.random.default_rng(2)
    lo, hi = base.low, base.high
    pos = np.clip(base.position + rng.normal(0, 0.05, base.position.shape) * (hi - lo), lo, hi)
    keep = np.ones(base.position.shape, dtype=bool)
    keep[1, 10:] = False  # draw 1: fewer actors, so far fewer candidates than the others
    mixed = base.with_values(position=np.where(keep, pos, base.position),
                             capability=np.where(keep[:, :, 0], base.capability, 1e-9))
    for arrays in (sampled, mixed):
        together = model.forecast(arrays)
        for d in range(arrays.n_draws):
            alone = model.forecast(arrays.take(slice(d, d + 1)))
            np.testing.assert_array_equal(together.outcome[d], alone.outcome[0])
            np.testing.assert_array_equal(together.trajectory.position[d],
                                          alone.trajectory.position[0])
        first = model.forecast(arrays.take(slice(0, 1)))
        assert together.details.to_dict() == first.details.to_dict()  # the log is draw 0's
    assert not np.array_equal(together.outcome[0], together.outcome[2])


def many_actor_scenario(n_actors: int, n_issues: int) -> Scenario:
    rng = np.random.default_rng(n_actors)
    issues = [f"p{k}" for k in range(n_issues)]
    return Scenario.from_dict({
        "name": "many",
        "actors": [{"id": f"a{a}", "capability": float(rng.uniform(0.1, 1))}
                   for a in range(n_actors)],
        "issues": [{"id": i} for i in issues],
        "stances": [{"actor": f"a{a}", "issue": i, "position": float(rng.uniform(0, 100)),
                     "salience": float(rng.uniform(0.1, 1))}
                    for a in range(n_actors) for i in issues],
    })


def test_random_rate_is_reproducible_and_both_sides_gain(data_dir):
    scenario = detente.load(data_dir / "decide" / "copenhagen.csv")
    model = Exchange(variant="random-rate", rounds=3)
    a = model.forecast(scenario, seed=1)
    b = model.forecast(scenario, seed=1)
    c = model.forecast(scenario, seed=2)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    assert not np.allclose(a.outcome, c.outcome)
    for e in a.details.exchanges:
        assert e.i.gain > 0 and e.j.gain > 0
        assert e.gain == pytest.approx(min(e.i.gain, e.j.gain))


def test_paper_rule_differs_and_keeps_voting_positions(data_dir):
    scenario = detente.load(data_dir / "decide" / "copenhagen.csv")
    decide_rule = Exchange(rounds=3).forecast(scenario)
    paper = Exchange(rounds=3, rule="paper").forecast(scenario)
    assert not np.allclose(decide_rule.outcome, paper.outcome)
    assert np.isfinite(paper.outcome).all()
    # under the paper's rule a round starts where the last one's voting positions ended:
    # in the two-actor case everyone sits at 0 after round 1, so nothing moves in round 2
    two = Exchange(rounds=2, rule="paper").forecast(two_actor_scenario())
    np.testing.assert_allclose(two.trajectory.outcome[0, 2], [0, 0], atol=1e-9)
    assert [e.round for e in two.details.exchanges] == [1]
    decide_two = Exchange(rounds=2).forecast(two_actor_scenario())
    # decide's rule sends both part of the way back (to 58), so they trade again
    assert [e.round for e in decide_two.details.exchanges] == [1, 2]


def test_registered_and_json_ready(ukraine):
    model = get_model("exchange", rounds=2)
    fc = model.forecast(ukraine)
    text = json.dumps(fc.to_dict(trajectory=True))
    back = json.loads(text)
    assert back["details"]["exchanges"][0]["round"] == 1
    assert fc.trajectory.outcome.shape == (1, 3, len(ukraine.issues))
    assert fc.trajectory.position.shape == (1, 3, len(ukraine.actors), len(ukraine.issues))


def test_ukraine_drones_for_tomahawks(ukraine):
    """Ukraine gives drone technology, the United States gives Tomahawks.

    Round 1: admissible (Ukraine is above the expected outcome on Tomahawks and
    below it on drones, the US the reverse; Ukraine's salience ratio
    Tomahawks/drones beats the US's, read from the scenario). The top exchange
    also has Ukraine give on drones (to the US, for another issue), so round 1
    moves Ukraine's drone position most of the way to the US's first; the
    Tomahawk trade is executed in later rounds.

    The candidate's numbers are recomputed here from the equal-gain rule
    (docs/models/exchange.md, "One round", step 4) and the scenario's stances.
    """
    w = {(st.actor, st.issue): ukraine.actor(st.actor).capability * st.salience
         for st in ukraine.stances}
    sal = {(st.actor, st.issue): st.salience for st in ukraine.stances}
    pos = {(st.actor, st.issue): st.position for st in ukraine.stances}
    total = {i: sum(v for (_, j), v in w.items() if j == i) for i in ("tomahawks", "drones")}
    k = (sal["UKR", "tomahawks"] + sal["USA", "tomahawks"]) / (
        sal["UKR", "drones"] + sal["USA", "drones"])
    # the US moving all the way on Tomahawks would push Ukraine past the US on drones,
    # so Ukraine moves all the way (to the US's position) and the US's move follows from k
    d_drones = (pos["USA", "drones"] - pos["UKR", "drones"]) * w["UKR", "drones"] / total[
        "drones"]
    d_tom = d_drones / k
    usa_to = pos["USA", "tomahawks"] + d_tom * total["tomahawks"] / w["USA", "tomahawks"]
    gain = d_tom * sal["UKR", "tomahawks"] - d_drones * sal["UKR", "drones"]

    cands = candidates(ukraine)
    trade = [c for c in cands if {c.i.actor, c.j.actor} == {"UKR", "USA"}
             and {c.i.supplies, c.j.supplies} == {"drones", "tomahawks"}]
    [c] = trade
    assert c.admissible
    ukr = c.i if c.i.actor == "UKR" else c.j
    usa = c.j if ukr is c.i else c.i
    assert ukr.supplies == "drones" and usa.supplies == "tomahawks"
    assert (ukr.start, ukr.to) == (pos["UKR", "drones"], pytest.approx(pos["USA", "drones"]))
    assert usa.start == pos["USA", "tomahawks"]
    assert usa.to == pytest.approx(usa_to, rel=1e-9)
    assert c.gain == pytest.approx(gain, rel=1e-9)
    top = cands[0]
    assert top is not c and top.admissible and top.gain > c.gain
    assert ("UKR", "drones") in {(top.i.actor, top.i.supplies), (top.j.actor, top.j.supplies)}

    fc = Exchange().forecast(ukraine)
    log = fc.details.exchanges

    def is_trade(e):
        return ({(e.i.actor, e.i.supplies), (e.j.actor, e.j.supplies)}
                == {("UKR", "drones"), ("USA", "tomahawks")})

    def pair(e):
        return {(e.i.actor, e.i.supplies), (e.j.actor, e.j.supplies)}

    # round 1 executes the best candidate first (which moves Ukraine's drones before the
    # Tomahawk trade can); the Tomahawk trade is executed too, Ukraine moving to the US's
    # position on drones each time it is
    assert pair(next(e for e in log if e.round == 1)) == pair(top)
    trades = [e for e in log if is_trade(e)]
    assert trades
    for e in trades:
        side = e.i if e.i.actor == "UKR" else e.j
        assert side.to == pytest.approx(pos["USA", "drones"])


@pytest.mark.parametrize(
    ("params", "named"),
    [({"rounds": 0}, "rounds=0"), ({"rounds": "abc"}, "rounds='abc'"),
     ({"variant": "foo"}, "variant='foo'"), ({"rule": "x"}, "rule='x'"),
     ({"fixed_weight": "a"}, "fixed_weight='a'")],
)
def test_bad_parameters_are_named_in_one_clear_error(params, named):
    with pytest.raises(DetenteError, match=f"model 'exchange': bad parameter {named}"):
        get_model("exchange", **params)


def test_outcomes_alone_are_the_forecasts_outcomes(ukraine, monkeypatch):
    """What a Monte Carlo run keeps (:meth:`Exchange.outcomes`, a few draws at a time,
    without the log) is the forecast's outcome bit for bit."""
    from detente.models.exchange import model as exchange_model
    from detente.uncertainty.sampling import input_space

    arrays = input_space(ukraine).sample(2, 0, 40)
    monkeypatch.setattr(exchange_model, "OUTCOME_DRAWS", 7)
    for variant in ("equal-gain", "random-rate"):
        model = Exchange(variant=variant)
        want = model.forecast(arrays, rng=np.random.default_rng(3)).outcome
        got = model.outcomes(arrays, np.random.default_rng(3))
        np.testing.assert_array_equal(got, want)
    assert len(np.unique(got, axis=0)) > 1


def test_log_is_built_when_read(ukraine):
    """The log knows its length at once, builds a round's records when one is first read,
    and reads the same however it is read (index, slice, iteration, a pickled copy)."""
    import pickle

    from detente.models.exchange.details import ExchangeLog

    log = Exchange().forecast(ukraine).details.exchanges
    assert isinstance(log, ExchangeLog)
    rounds = log._rounds
    assert len(log) == sum(r.size for r in rounds) > 0
    assert all(r._built is None for r in rounds)  # nothing built yet
    last = log[-1]
    assert rounds[-1]._built is not None and rounds[0]._built is None
    every = list(log)
    assert every[-1] is last and len(every) == len(log)
    assert [log[k] for k in range(len(log))] == every
    assert log[1:4] == every[1:4] and log == every and every == log
    assert [e.round for e in log] == sorted(e.round for e in log)
    assert pickle.loads(pickle.dumps(log)) == every
    with pytest.raises(IndexError):
        log[len(log)]
    # a second forecast, read only as a whole, gives the same plain data
    again = Exchange().forecast(ukraine).details
    assert json.dumps(again.to_dict()) == json.dumps(
        {**again.to_dict(), "exchanges": [e.to_dict() for e in every]})


def test_externalities_plain_data_is_the_generic_conversion():
    """The whole-dict copy of ``by_actor`` gives what the item-by-item conversion gives,
    and anything it cannot copy as is (a NaN, a numpy float) still goes item by item."""
    from detente.models.base import Details
    from detente.models.exchange.details import Externalities

    totals = {"own_pos": 1.5, "own_neg": -0.25}
    for by_actor in ({"a": 0.5, "b": -2.0}, {"a": float("nan"), "b": 1.0},
                     {"a": np.float64(0.5)}, {}):
        ext = Externalities(by_actor=by_actor, totals=totals)
        assert ext.to_dict() == Details.to_dict(ext)
        assert json.dumps(ext.to_dict()) == json.dumps(Details.to_dict(ext))
    assert Externalities({"a": float("nan")}, totals).to_dict()["by_actor"] == {"a": None}
