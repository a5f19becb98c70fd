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
from detente.errors import DetenteError
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
    # every frontier deal is acceptable at the point, yet some fail in some draws
    assert acceptable(rep.problem, rep.frontier_options).all()
    assert p.min() < 1 and p.min() < p.max()
    ranked = rep.robust(rep.frontier_size)
    assert [d["survival"] for d in ranked] == sorted(p, reverse=True)
    data = rep.to_dict()
    assert data["robust"]["deals"][0]["survival"] == p.max()
    assert "survival" in data["solutions"]["nash"]
    # reproducible, and no robust key unless asked for
    again = api.analyse_deals(ukraine, robust=400, seed=3)
    np.testing.assert_array_equal(again.survival.probability, p)
    assert "robust" not in api.analyse_deals(ukraine, robust=0).to_dict()
    # the Python default matches the CLI's: 500 draws
    assert api.analyse_deals(ukraine).survival.draws == 500


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
    data = json.loads(res.stdout)  # a long run's estimate goes to stderr
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
    assert "survival" in json.loads(res.stdout)["logrolls"][0]
    res = runner.invoke(app, ["phase", "--robust", "100"], env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    # the bundled scenario declares vetoes: the deal needs only its veto holders' consent
    assert "survives" in flat and "acceptable to every party whose consent is needed in" in flat
    assert "acceptable to every party in" not in flat
    res = runner.invoke(app, ["phase", "--robust", "0", "-f", "json"])
    assert "robust" not in json.loads(res.stdout)


# ---- logrolls and plans ranked by survival; the finder's own test in every draw ----------

def _two_trades() -> Scenario:
    """Two logrolls: a–b over x/y (larger net gains, a's position on x uncertain on
    [0, 100]) and c–d over z/w (smaller gains, nothing uncertain)."""
    opts = {"lo": 0, "mid": 50, "hi": 100}

    def st(a: str, i: str, p: float, s: float, **u: list[float]) -> dict:
        return {"actor": a, "issue": i, "position": p, "salience": s,
                **({"uncertainty": u} if u else {})}

    return Scenario.from_dict({
        "name": "two-trades",
        "actors": [{"id": k, "capability": 1} for k in "abcd"],
        "issues": [{"id": i, "status_quo": 50, "options": opts} for i in "xyzw"],
        "stances": [st("a", "x", 100, 1.0, position=[0, 100]), st("a", "y", 50, 0.3),
                    st("b", "y", 0, 1.0), st("b", "x", 50, 0.3),
                    st("c", "z", 100, 0.5), st("c", "w", 50, 0.4),
                    st("d", "w", 0, 0.5), st("d", "z", 50, 0.4)],
    })


def test_logrolls_are_ranked_by_survival():
    sc = _two_trades()
    point = api.logrolls(sc, robust=0)
    assert [(r.a, r.b) for r in point.logrolls] == [("a", "b"), ("c", "d")]
    assert point.to_dict()["ranked_by"].startswith("the smaller")
    found = api.logrolls(sc, robust=1000, seed=0)
    assert [(r.a, r.b) for r in found.logrolls] == [("c", "d"), ("a", "b")]
    p = found.survival.probability
    # c–d: nothing uncertain, always holds. a–b: a gains on x → hi iff p > 75 and on net
    # iff (2p − 150)/100 · 1/1.3 > 0.5 · 0.3/1.3, i.e. p > 82.5: probability 0.175
    assert p[0] == 1.0 and p[1] == pytest.approx(0.175, abs=0.03)
    data = found.to_dict()
    assert data["ranked_by"].startswith("survival")
    assert [r["survival"] for r in data["logrolls"]] == list(p)


def test_by_survival_keeps_the_point_order_on_ties():
    from detente.deals.robust import by_survival

    assert by_survival(np.array([0.5, 0.9, 0.5, 0.9, 1.0])).tolist() == [4, 1, 3, 0, 2]


def test_logroll_survival_applies_the_finders_structure_test(ukraine):
    from detente.deals.logrolls import gain_table, holds, trade_test
    from detente.deals.robust import logroll_survival

    problem = api.deal_problem(ukraine)
    found = api.logrolls(ukraine, robust=0).logrolls
    assert holds(problem, found).all()  # every reported trade passes at the point
    r = found[0]
    usa = problem.actors.index("USA")
    # raise the veto holder's no-deal value above what the package gives it: both sides
    # still gain on net, but the package is no longer acceptable, so the trade fails
    u_pkg = problem.reference[usa].sum() + r.get_b - r.give_b
    beta = problem.batna.copy()
    beta[usa] = u_pkg + 0.01
    delta = gain_table(problem)
    a, b = problem.actors.index(r.a), problem.actors.index(r.b)
    i, j = problem.issues.index(r.issue_a), problem.issues.index(r.issue_b)
    oi = problem.space.option_names[i].index(r.option_a)
    oj = problem.space.option_names[j].index(r.option_b)
    assert trade_test(delta[a, i, oi], -delta[a, j, oj], delta[b, j, oj], -delta[b, i, oi])
    assert not holds(problem, found, batna=beta)[0]
    # over the draws: no more often than the bare "both gain" share, and reproducible
    s = logroll_survival(problem, ukraine, found, draws=300, seed=4)
    assert 0 < s.probability[0] < 1
    assert "pressure" in s.varied and "capability" in s.varied


def test_phased_plans_are_ranked_by_survival_and_priced_as_phase_does(ukraine):
    from detente.deals.robust import plan_survival

    ph0 = api.phase(ukraine, robust=0)
    problem = api.deal_problem(ukraine)
    chosen = problem.parse_deal(ph0.deal)
    # at the point estimate every kept plan survives (only the consenting parties'
    # shortfalls count, as phase prices them)
    at_point = plan_survival(problem, ukraine, chosen, [p.phases for p in ph0.plans],
                             [p.guarantee for p in ph0.plans], draws=0)
    assert at_point.deal == 1.0 and (at_point.plans.probability == 1.0).all()
    ph = api.phase(ukraine, robust=300, seed=1)
    p = ph.robust.plans.probability
    # ranked by deals.robust.plan_order (tests/deals/test_phase_ranking.py)
    assert sorted(x.phases for x in ph.plans) == sorted(x.phases for x in ph0.plans)
    data = ph.to_dict()
    assert "survives more often" in data["ranked_by"] and data["robust"]["plans"] == list(p)
    assert api.phase(ukraine, robust=0).to_dict()["ranked_by"].startswith("the guarantee")
    # A floor drawn from a range [b, h] above its stated bound b is crossed, in almost
    # every draw, by a deal that settles exactly at b: such a deal survives no draw.
    def settled_at(issue: str) -> float | None:
        i = problem.issues.index(issue)
        names = problem.space.option_names[i]
        chosen = ph0.deal.get(issue)
        return float(problem.space.option_values[i][names.index(chosen)]) \
            if chosen in names else None

    at_edge = [line for st in ukraine.stances for line in st.red_lines
               if line.below is not None and line.uncertainty is not None
               and line.uncertainty[0] == line.below < line.uncertainty[1]
               and settled_at(st.issue) == line.below]
    if at_edge:
        assert ph.robust.deal == 0.0 and p.max() == 0.0
    # where no floor is drawn, some plan of the deal survives some draws
    data = ukraine.to_dict()
    for st in data["stances"]:
        for line in st.get("red_lines", ()):
            line.pop("uncertainty", None)
    fixed = Scenario.from_dict(data)
    steady = api.phase(fixed, robust=300, seed=1).robust.plans.probability
    assert steady.max() > 0


def test_python_defaults_match_the_cli(ukraine):
    # detente deals/logrolls/phase default to --robust 500; so do the facade functions
    assert api.logrolls(ukraine).survival.draws == 500
    assert api.phase(ukraine).robust.plans.draws == 500
    assert api.logrolls(ukraine, robust=0).survival is None
    with pytest.raises(DetenteError):
        api.logrolls(ukraine, robust=-1)


# ---- pressures and capabilities in the deal draws ----------------------------------------

def test_survival_draws_the_pressures_on_batnas():
    # a's no-deal value is its status-quo utility plus 0.1 · v, v uniform on [−10, 10]:
    # a accepts "hi" (worth 0.5 more than the status quo to it) iff 0.1 v < 0.5
    sc = Scenario.from_dict({
        "name": "pressed",
        "actors": [{"id": "a", "capability": 1, "batna_pressure": {"v": 0.1}},
                   {"id": "b", "capability": 1, "batna": 0.0}],
        "issues": [{"id": "x", "status_quo": 50,
                    "options": {"lo": 0, "mid": 50, "hi": 100}}],
        "stances": [{"actor": "a", "issue": "x", "position": 100, "salience": 1},
                    {"actor": "b", "issue": "x", "position": 100, "salience": 1}],
        "pressures": [{"id": "v", "value": 0, "uncertainty": [-10, 10]}],
    })
    problem = DealProblem.from_scenario(sc)
    s = survival(problem, sc, np.array([[2]]), draws=4000, seed=0)
    assert s.varied == ("pressure",)
    # P(v < 5) = 0.75 (at the stated value v = 0 it is always accepted)
    assert s.probability[0] == pytest.approx(0.75, abs=0.03)
    assert acceptable(problem, np.array([[2]]))[0]


def test_sample_batna_keeps_the_pressure_shift_and_given_batnas():
    sc = Scenario.from_dict({
        "name": "pressed",
        "actors": [{"id": "a", "capability": 1, "batna": 0.4, "batna_uncertainty": [0.3, 0.5],
                    "batna_pressure": {"v": 0.1}},
                   {"id": "b", "capability": 1, "batna": 0.2, "batna_uncertainty": [0.1, 0.3],
                    "batna_pressure": {"v": 0.1}}],
        "issues": [{"id": "x", "status_quo": 50, "options": {"lo": 0, "hi": 100}}],
        "stances": [{"actor": "a", "issue": "x", "position": 100, "salience": 1},
                    {"actor": "b", "issue": "x", "position": 0, "salience": 1}],
        "pressures": [{"id": "v", "value": 1}],
    })
    problem = DealProblem.from_scenario(sc, batna={"b": 0.25})
    assert problem.batna.tolist() == pytest.approx([0.5, 0.25])
    b = problem.sample_batna(np.random.default_rng(0), 2000)
    # a: its stated BATNA drawn on [0.3, 0.5] plus the pressure's shift 0.1 · 1
    assert b[:, 0].min() >= 0.4 - 1e-12 and b[:, 0].max() <= 0.6 + 1e-12
    assert b[:, 0].mean() == pytest.approx(0.5, abs=0.01)
    # b: given on the command line, so it stays as given
    assert (b[:, 1] == 0.25).all()


def test_deal_draws_carry_the_drawn_capabilities_and_blocs_share_them(ukraine):
    from detente.deals.robust import drawn_problems

    problem = api.deal_problem(ukraine)
    caps = np.array([d.capability for d, _ in drawn_problems(problem, ukraine, draws=200,
                                                              seed=5)])
    expected = input_space(ukraine).sample(5, 0, 200).capability
    np.testing.assert_array_equal(caps, np.asarray(expected))
    assert caps.std(axis=0).min() > 0
    eu, gbr = problem.actors.index("EU"), problem.actors.index("GBR")
    # the Europe bloc (correlation 1): both at the same quantile of their own ranges
    np.testing.assert_allclose((caps[:, eu] - 40) / 35, (caps[:, gbr] - 25) / 20, atol=1e-9)


def test_weighted_solution_moves_with_drawn_capabilities():
    # a at 0, b at 100, both BATNAs 0; the asymmetric Nash deal maximises
    # c_a log(1 − x) + c_b log x over x in {0, .25, .5, .75, 1}: with c_a = 1 it stays at
    # .5 iff 0.585 < c_b < 1.709 (log 1.5 / log 2 and log 2 / log(3/2)); c_b uniform on
    # [0.2, 5]: probability (1.709 − 0.585) / 4.8 = 0.234. The symmetric Nash deal never moves.
    sc = Scenario.from_dict({
        "name": "clout",
        "actors": [{"id": "a", "capability": 1, "batna": 0.0},
                   {"id": "b", "capability": 1, "capability_uncertainty": [0.2, 5],
                    "batna": 0.0}],
        "issues": [{"id": "x", "options": {"p0": 0, "p25": 25, "p50": 50, "p75": 75,
                                             "p100": 100}}],
        "stances": [{"actor": "a", "issue": "x", "position": 0, "salience": 1},
                    {"actor": "b", "issue": "x", "position": 100, "salience": 1}],
    })
    rep = api.analyse_deals(sc, robust=3000, seed=0)
    assert rep.survival.varied == ("capability",)
    assert rep.stability["nash"] == 1.0
    assert rep.stability["asymmetric_nash"] == pytest.approx(0.234, abs=0.03)
    data = rep.to_dict()
    assert data["solutions"]["asymmetric_nash"]["same_in_draws"] == rep.stability[
        "asymmetric_nash"]
    assert data["robust"]["solutions_unchanged"]["nash"] == 1.0


def test_screened_draws_accept_the_same_packages_as_the_full_test(ukraine):
    """The draw-invariant tests done once (Rules.screen) leave each draw's acceptable
    packages and their utilities exactly as the full test over the whole space finds them,
    and the one-pass survival/stability gives the two separate results."""
    from detente.deals.acceptability import screened
    from detente.deals.robust import drawn_problems, solution_stability, survival_and_stability
    from detente.deals.rules import drawn_issues

    problem = DealProblem.from_scenario(ukraine)
    every = problem.space.decode(np.arange(problem.space.size, dtype=np.int64))
    varying = drawn_issues(ukraine, problem.space)
    assert varying == (problem.issues.index("donetsk"),)  # Moscow's floor, drawn 50-100
    screen = problem.rules.screen(every, varying)
    assert 0 < len(screen.rows) < len(every)
    seen = set()
    for drawn, beta in drawn_problems(problem, ukraine, draws=12, seed=5):
        full = acceptable(drawn, every, beta)
        rows, opts, util = screened(drawn, screen, beta)
        np.testing.assert_array_equal(rows, np.flatnonzero(full))
        np.testing.assert_array_equal(opts, every[full])
        np.testing.assert_array_equal(util, drawn.utilities_of(every[full]))
        seen.add(int(full.sum()))
    assert len(seen) > 1  # the draws differ, so the comparison is not of one set
    rep = api.analyse_deals(ukraine, robust=0)
    points = {n: None if r is None else rep.frontier_options[r]
              for n, r in rep.solutions.items()}
    found, stable = survival_and_stability(problem, ukraine, rep.frontier_options, points,
                                           draws=30, seed=2)
    alone = survival(problem, ukraine, rep.frontier_options, draws=30, seed=2)
    np.testing.assert_array_equal(found.probability, alone.probability)
    assert stable == solution_stability(problem, ukraine, points, draws=30, seed=2)
