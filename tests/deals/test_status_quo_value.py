"""No-deal values at a status quo that is not one of an issue's options (issue 31, item 1).

``docs/deals.md``: a BATNA is ``u_a(status quo)`` with ``v = 1 − |x − p|/L``. The
status quo is a point of the scale, so its value is the formula's at that point,
not an interpolation between the options either side of it. Each no-deal value
the deal tools use (the point BATNA and gains from the status quo, each robust
draw's, the proposals' draws, the GENIUS export's reservation value) is compared
with ``u(status quo)`` computed here on its own from the scenario's numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.deals import DealProblem, zopa
from detente.deals.proposals import compile_proposal, drawn_utilities, judge, with_points
from detente.deals.robust import drawn_problems
from detente.scenario import Scenario
from detente.uncertainty.sampling import input_space

OFF_GRID = {
    "name": "off-grid",
    "issues": [{"id": "x", "low": 0, "high": 100, "status_quo": 50,
                "options": {"low": 0, "mid": 40, "high": 100}}],
    "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 1}],
    "stances": [{"actor": "A", "issue": "x", "position": 50, "salience": 1},
                {"actor": "B", "issue": "x", "position": 0, "salience": 1}],
}


def test_minimal_off_grid_status_quo():
    """The issue's case: A sits at the status quo, so no deal is worth more to it than 1;
    interpolating between mid (40) and high (100) gave 0.833 and a ZOPA at x=mid."""
    problem = DealProblem.from_scenario(Scenario.from_dict(OFF_GRID))
    np.testing.assert_allclose(problem.batna, [1.0, 0.5])
    z = zopa(problem)
    assert z.size == 0  # A loses on every deal


def _u_status_quo(scenario: Scenario, kind: str = "linear",
                  position: np.ndarray | None = None,
                  salience: np.ndarray | None = None) -> np.ndarray:
    """``u_a(status quo) = Σ_i s_ai/Σ_j s_aj · v(|sq_i − p_ai|/L_i)`` by hand, in plain
    Python loops over the stances (the issues here all have a status quo)."""
    actors, issues = scenario.actor_ids, scenario.issue_ids
    out = []
    for a, actor in enumerate(actors):
        terms, total = [], 0.0
        for stance in scenario.stances:
            if stance.actor != actor:
                continue
            i = issues.index(stance.issue)
            issue = scenario.issues[i]
            p = stance.position if position is None else float(position[a, i])
            s = stance.salience if salience is None else float(salience[a, i])
            d = abs(issue.status_quo - p) / (issue.high - issue.low)
            terms.append((s, 1 - d if kind == "linear" else 1 - d * d))
            total += s
        out.append(sum(s * v for s, v in terms) / total if total > 0 else 0.0)
    return np.array(out)


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    """Random scenarios: 1-3 issues with 2-4 named options or the default grid, a status
    quo anywhere on the scale, 2-4 actors with stances (some missing), some uncertain."""
    n_i = draw(st.integers(1, 3))
    n_a = draw(st.integers(2, 4))
    issues = []
    for i in range(n_i):
        high = draw(st.sampled_from([1.0, 10.0, 100.0]))
        sq = draw(st.floats(0, high, allow_nan=False)) // (high / 100) * (high / 100)
        issue: dict = {"id": f"i{i}", "low": 0.0, "high": high, "status_quo": sq}
        if draw(st.booleans()):
            vals = draw(st.lists(st.integers(0, 100), min_size=2, max_size=4, unique=True))
            issue["options"] = {f"o{v}": v * high / 100 for v in vals}
        issues.append(issue)
    actors = [{"id": f"A{a}", "capability": draw(st.integers(1, 100))} for a in range(n_a)]
    stances = []
    for a in range(n_a):
        for i, issue in enumerate(issues):
            if a > 0 and draw(st.integers(0, 4)) == 0:
                continue  # no stance (A0 always has one)
            pos = draw(st.integers(0, 100)) * issue["high"] / 100
            stance: dict = {"actor": f"A{a}", "issue": f"i{i}", "position": pos,
                            "salience": draw(st.integers(1, 10)) / 10}
            if draw(st.integers(0, 2)) == 0:
                stance["uncertainty"] = {"position": [0.0, issue["high"]],
                                         "salience": [0.1, 1.0]}
            stances.append(stance)
    return {"name": "random", "issues": issues, "actors": actors, "stances": stances}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios(), kind=st.sampled_from(["linear", "quadratic"]))
def test_every_no_deal_value_is_u_of_the_status_quo(raw, kind):
    scenario = Scenario.from_dict(raw)
    problem = DealProblem.from_scenario(scenario, utility=kind)
    want = _u_status_quo(scenario, kind)
    # the point BATNA and the status-quo reference the gains (logrolls, phasing) start from
    np.testing.assert_allclose(problem.batna, want, atol=1e-12)
    np.testing.assert_allclose(problem.reference.sum(axis=1), want, atol=1e-12)

    draws = 4
    arrays = input_space(scenario).sample(0, 0, draws)
    pos, sal = np.asarray(arrays.position), np.asarray(arrays.salience)
    drawn_want = np.array([_u_status_quo(scenario, kind, pos[d], sal[d])
                           for d in range(draws)])
    # each robust draw's no-deal value (deals --draws, survival, phasing plans)
    got = np.array([beta for _, beta in drawn_problems(problem, scenario, draws=draws,
                                                       seed=0)])
    np.testing.assert_allclose(got, drawn_want, atol=1e-9)
    # the proposals' draws (one package: the first options)
    _, beta = drawn_utilities(problem, scenario, np.zeros((1, len(scenario.issues)), int),
                              draws=draws, seed=0)
    np.testing.assert_allclose(beta, drawn_want, atol=1e-9)


def test_a_plan_leaving_an_issue_out_is_judged_at_the_status_quo():
    """A plan that settles only ``y`` leaves ``x`` at 50, worth 1 to A, not at the
    nearest option (40, worth 0.9)."""
    raw = {**OFF_GRID,
           "issues": OFF_GRID["issues"] + [{"id": "y", "low": 0, "high": 100,
                                            "status_quo": 0, "options": {"a": 0, "b": 100}}],
           "stances": OFF_GRID["stances"] + [{"actor": "B", "issue": "y", "position": 100,
                                              "salience": 1}],
           "proposals": [{"id": "only-y", "proposer": "B", "package": {"y": "b"}}]}
    scenario = Scenario.from_dict(raw)
    problem, base = with_points(DealProblem.from_scenario(scenario), scenario)
    compiled = compile_proposal(problem, scenario, scenario.proposals[0], base=base)
    (judged,) = judge(problem, [compiled])
    np.testing.assert_allclose(judged.utility, [1.0, 0.75])
    np.testing.assert_allclose(judged.margins, [0.0, 0.5])


def test_genius_reservation_value_is_u_of_the_status_quo():
    from detente.genius_export import dumps_genius

    files = dumps_genius(Scenario.from_dict(OFF_GRID))
    profile = files["off-grid-A.xml"]
    assert '<reservation value="1.0"/>' in profile


@pytest.mark.parametrize("kind", ["linear", "quadratic"])
def test_on_grid_status_quo_unchanged(kind, ukraine):
    """The bundled scenario's status quos are options: the same numbers as the tables."""
    problem = DealProblem.from_scenario(ukraine, utility=kind)
    np.testing.assert_allclose(problem.batna - (problem.batna - problem.reference.sum(axis=1)),
                               problem.reference.sum(axis=1))
    for i, issue in enumerate(ukraine.issues):
        o = problem.reference_options[i]
        np.testing.assert_array_equal(problem.reference[:, i], problem.tables[i][o])
        assert issue.status_quo is not None
