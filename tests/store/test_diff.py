"""Diffs between scenarios and the Shapley attribution of each forecast's move."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import detente
from detente.store.attribution import shapley
from detente.store.diff import compare, compose, diff_scenarios


def _brute_force(n, value):
    """Shapley values as the average over all n! orders (the definition)."""
    out = np.zeros((n, np.asarray(value(frozenset())).size))
    for order in itertools.permutations(range(n)):
        members: set[int] = set()
        for i in order:
            before = np.asarray(value(frozenset(members)))
            members.add(i)
            out[i] += np.asarray(value(frozenset(members))) - before
    return out / math.factorial(n)


def _game(seed, n):
    """A non-additive vector game: pairwise interactions and a max term."""
    rng = np.random.default_rng(seed)
    w, pair = rng.normal(size=(n, 2)), rng.normal(size=(n, n, 2))

    def value(s):
        idx = sorted(s)
        v = w[idx].sum(axis=0) + sum(pair[i, j] for i in idx for j in idx if i < j)
        return v + (max(idx) if idx else 0)

    return value


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_shapley_matches_the_definition(seed):
    value = _game(seed, 5)
    got = shapley(5, value)
    assert got.exact and got.evaluations == 2**5
    np.testing.assert_allclose(got.contribution, _brute_force(5, value), atol=1e-12)
    np.testing.assert_allclose(got.contribution.sum(axis=0), got.total, atol=1e-12)


def test_null_and_symmetric_players():
    value = lambda s: np.array([float((0 in s) + (1 in s)) * 2.0 + 0.0 * (2 in s)])  # noqa: E731
    got = shapley(3, value).contribution[:, 0]
    assert got[2] == 0.0 and got[0] == got[1] == 2.0


def test_sampled_shapley_sums_exactly_and_is_seeded():
    n = 13
    value = _game(3, n)
    one = shapley(n, value, rng=np.random.default_rng(7), samples=200)
    two = shapley(n, value, rng=np.random.default_rng(7), samples=200)
    other = shapley(n, value, rng=np.random.default_rng(8), samples=200)
    assert not one.exact and one.samples == 200
    np.testing.assert_array_equal(one.contribution, two.contribution)
    assert not np.array_equal(one.contribution, other.contribution)
    np.testing.assert_allclose(one.contribution.sum(axis=0), one.total, atol=1e-9)
    # the estimate approaches the exact values (computed exactly by raising the limit):
    # its error shrinks about as 1/sqrt(samples)
    exact = shapley(n, value, exact_up_to=n)
    many = shapley(n, value, rng=np.random.default_rng(7), samples=2000)
    err_few = np.abs(one.contribution - exact.contribution).max()
    err_many = np.abs(many.contribution - exact.contribution).max()
    assert err_many < 0.25 < err_few
    np.testing.assert_allclose(exact.contribution.sum(axis=0), exact.total, atol=1e-9)


def _without(issue: dict, actor: str) -> dict:
    """An issue's structure with ``actor`` taken out of every role it holds there."""
    out = dict(issue)
    for key in ("controlled_by", "vetoes"):
        if key in out:
            out[key] = [a for a in out[key] if a != actor]
    if "guarantors" in out:
        out["guarantors"] = [g for g in out["guarantors"] if g["actor"] != actor]
    if "lifted_by" in out:
        out["lifted_by"] = {k: [a for a in v if a != actor] for k, v in out["lifted_by"].items()}
    return out


def test_changes_are_found_and_classified(ukraine):
    data = ukraine.to_dict()
    b = dict(data)
    b["actors"] = [dict(a, bloc="West") if a["id"] == "USA" else a for a in data["actors"]
                   if a["id"] != "GBR"]
    b["actors"].append({"id": "TUR", "name": "Türkiye", "capability": 30})
    b["stances"] = [s for s in data["stances"] if s["actor"] != "GBR"] + [
        {"actor": "TUR", "issue": "donetsk", "position": 50, "salience": 0.4}]
    b["stances"] = [dict(s, position=70) if (s["actor"], s["issue"]) == ("USA", "donetsk")
                    else s for s in b["stances"]]
    b["sources"] = [*data["sources"], {"id": "new-report", "title": "a later report"}]
    # a proposal goes with its proposer (issue 20), and so do its roles on issues (vetoes,
    # guarantees, sanctions it lifts: issue 25)
    b["proposals"] = [p for p in data["proposals"] if p["proposer"] != "GBR"]
    b["issues"] = [_without(i, "GBR") for i in data["issues"]]
    touched = {i["id"] for i, j in zip(data["issues"], b["issues"], strict=True) if i != j}
    found = {(c.kind, c.key, c.action) for c, _ in compare(data, b)}
    assert touched  # the issues where GBR vetoes, guarantees or lifts sanctions
    assert found == {("issue", i, "changed") for i in touched} | {
        ("actor", "GBR", "removed"), ("actor", "TUR", "added"),
        ("structure", "proposals/london-phased", "removed"),
        ("structure", "USA", "changed"), ("stance", "USA/donetsk", "changed"),
        ("source", "new-report", "added")}
    # applying every change gives b; applying none gives a (up to the order of entries,
    # with both scenarios' sources)
    units = [u for _, u in compare(data, b)]
    assert detente.Scenario.from_dict(compose(data, b, units)).hash == \
        detente.Scenario.from_dict(b).hash
    none = compose(data, b, [])
    assert {a["id"] for a in none["actors"]} == {a["id"] for a in data["actors"]}
    assert sorted(map(str, none["stances"])) == sorted(map(str, data["stances"]))
    assert none["sources"] == b["sources"]


def _models(*names):
    return [detente.get_model(n) for n in names]


def test_attribution_sums_to_the_move_on_the_bundled_talks(talks):
    a, b, c = (e.scenario for e in talks)
    for old, new, names in ((a, b, ("compromise", "median", "nash")),
                            (b, c, ("compromise", "eum", "smp")),
                            (a, c, ("compromise", "median", "nash", "ensemble"))):
        result = diff_scenarios(old, new, _models(*names))
        att = result.attributed
        assert att is not None and att.exact
        assert att.evaluations == 2 ** len(att.changes)
        np.testing.assert_allclose(att.contribution.sum(axis=0), att.move, atol=1e-9)
        for m, model in enumerate(_models(*names)):  # before/after are the versions' own
            index = [old.issue_ids.index(i) for i in att.issues]
            np.testing.assert_array_equal(att.before[m], model.forecast(old, seed=0)
                                          .outcome[0][index])
    ab = diff_scenarios(a, b, _models("compromise")).attributed
    assert ab is not None
    assert {c.key for c in ab.changes} == {"RUS/donetsk", "USA/tomahawks", "drones"}
    k = ab.issues.index("tomahawks")
    j = [c.key for c in ab.changes].index("USA/tomahawks")
    # only Washington's Tomahawk stance changed on that issue, so it carries the whole move
    assert ab.contribution[j, 0, k] == pytest.approx(ab.move[0, k]) and ab.move[0, k] < 0


def test_sampled_attribution_beyond_twelve_changes(ukraine):
    data = ukraine.to_dict()
    moved = [{**{k: v for k, v in s.items() if k != "position_uncertainty"},
              "position": (s["position"] + 7) % 100} for s in data["stances"]]
    b = detente.Scenario.from_dict(dict(data, stances=moved))
    kw = {"rng": np.random.default_rng(5), "samples": 10}
    result = diff_scenarios(ukraine, b, _models("compromise", "median"), **kw)
    att = result.attributed
    assert att is not None and not att.exact and len(att.changes) == len(moved) > 12
    np.testing.assert_allclose(att.contribution.sum(axis=0), att.move, atol=1e-9)
    again = diff_scenarios(ukraine, b, _models("compromise", "median"),
                           rng=np.random.default_rng(5), samples=10).attributed
    np.testing.assert_array_equal(att.contribution, again.contribution)


def test_identical_scenarios_have_no_changes(ukraine):
    result = diff_scenarios(ukraine, ukraine, _models("compromise"))
    assert result.changes == ()
    assert result.attributed is not None and result.attributed.contribution.shape[0] == 0
    assert np.all(result.attributed.move == 0)


def test_structure_sections_are_compared_item_by_item():
    from detente.store.diff import entries

    a = {"name": "x", "actors": [], "issues": [], "stances": [], "sources": [],
         "red_lines": [{"actor": "UKR", "issue": "donetsk", "above": 25}],
         "blocs": [{"id": "Europe", "members": ["EU", "GBR"]}], "pressure": {"oil": 1}}
    b = dict(a, red_lines=[{"actor": "UKR", "issue": "donetsk", "above": 50},
                           {"actor": "RUS", "issue": "tomahawks", "above": 10}],
             blocs=[{"id": "Europe", "members": ["EU"]}])
    assert ("structure", "red_lines", "UKR/donetsk") in entries(a)
    found = {(c.kind, c.key, c.action) for c, _ in compare(a, b)}
    assert found == {("structure", "red_lines/UKR/donetsk", "changed"),
                     ("structure", "red_lines/RUS/tomahawks", "added"),
                     ("structure", "blocs/Europe", "changed")}
    units = [u for _, u in compare(a, b)]
    assert compose(a, b, units)["red_lines"] == b["red_lines"]


def test_removing_an_issue_in_a_manifest_removes_what_names_it():
    from detente.store.portable import apply_change

    data = {"issues": [{"id": "drones"}, {"id": "tomahawks"}],
            "stances": [{"actor": "UKR", "issue": "drones"}],
            "linked_offers": [{"actor": "UKR", "issue": "drones", "if_issue": "tomahawks"},
                              {"actor": "USA", "issue": "tomahawks", "if_issue": "drones"},
                              {"actor": "USA", "issue": "tomahawks", "if_issue": "sequencing"}]}
    apply_change(data, {"issue": "drones", "remove": True, "source": "s",
                        "because": "not on the table yet"}, "here")
    assert data["issues"] == [{"id": "tomahawks"}] and data["stances"] == []
    assert data["linked_offers"] == [{"actor": "USA", "issue": "tomahawks",
                                      "if_issue": "sequencing"}]


def test_a_structure_record_naming_an_absent_actor_is_left_out_of_a_subset():
    a = {"name": "x", "actors": [{"id": "A"}], "issues": [{"id": "i"}], "stances": [],
         "sources": []}
    b = dict(a, actors=[{"id": "A"}, {"id": "B"}],
             vetoes=[{"id": "v1", "actor": "B", "issue": "i"}])
    pairs = compare(a, b)
    actor_unit = next(u for c, u in pairs if c.kind == "actor")
    veto_unit = next(u for c, u in pairs if c.key == "vetoes/v1")
    assert "vetoes" not in compose(a, b, [veto_unit])  # B absent: its veto cannot stand
    assert compose(a, b, [veto_unit, actor_unit])["vetoes"] == b["vetoes"]
