"""The outlook's properties, checked analytically (not against pasted outputs)."""

from __future__ import annotations

import numpy as np
import pytest

from detente import deals
from detente.deals.pareto import pareto_mask
from detente.outlook import AgreementRule, make_job, outlook, run_job
from detente.outlook.fighting import frontier_masks
from detente.outlook.result import median_month

from .conftest import war


def _static(scenario):
    """The scenario with nothing that moves: no process, no timed shock, no uncertainty of
    pressures."""
    data = scenario.to_dict()
    for p in data.get("pressures", ()):
        p.pop("process", None)
        p.pop("uncertainty", None)
    for k in data.get("shocks", ()):
        k.pop("monthly_probability", None)
    for a in data["actors"]:
        a.pop("expectations", None)
    return type(scenario).from_dict(data)


@pytest.mark.parametrize("solution", ["nash", "asymmetric_nash", "egalitarian"])
def test_no_movement_equals_the_static_answer_every_month(ukraine_plain, solution):
    sc = _static(ukraine_plain)
    job = make_job(sc, months=6, paths=64, solution=solution, rule=AgreementRule(k=1))
    r = run_job(job, workers=1)
    report = deals.analyse(sc)
    point = report.solution(solution)
    assert point is not None  # the bundled scenario has acceptable packages today
    assert (r.open_count == 64).all()  # open in every month of every path
    assert (r.first_open == 0).all() and (r.agreed == 0).all()
    want = point["options"]
    for c in np.unique(r.package):
        assert job.problem.space.labels(job.candidates.options[c]) == want


def test_no_movement_and_no_acceptable_package_never_agrees():
    sc = _static(war())
    assert deals.analyse(sc).solution("nash") is None
    r = run_job(make_job(sc, months=12, paths=32), workers=1)
    assert (r.first_open == -1).all() and (r.agreed == -1).all()


def test_agreement_probability_never_decreases():
    out = outlook(war(volatility=0.8, shock_p=0.1, expects_a=0.2, convergence_a=0.2),
                  months=24, paths=400, drivers=False)
    assert np.all(np.diff(out.p_agreed_by) >= 0)
    assert np.all(np.diff(out.p_exists_by) >= 0)
    assert np.all(out.p_agreed_by <= out.p_exists_by + 1e-12)


def test_the_cost_arithmetic_by_hand():
    # β(t) = 0.6 − 0.05 (t + H·1) with H = 2: x = 50 is acceptable once β < 0.5, i.e.
    # t + 2 > 2, t >= 1 (β(1) = 0.45); with k = 2 agreement in month 2, on x = 50
    r = run_job(make_job(war(), months=6, paths=16, lookahead=2.0), workers=1)
    assert (r.first_open == 1).all() and (r.agreed == 2).all()
    job = make_job(war(), months=6, paths=16, lookahead=2.0)
    labels = {job.problem.space.labels(job.candidates.options[c])["line"]
              for c in np.unique(r.package)}
    assert labels == {"50"}


def _months(scenario, **kw):
    job = make_job(scenario, months=36, paths=300, seed=7, **kw)
    return run_job(job, workers=1).agreed


def _later(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Paths on which ``a`` agrees later than ``b`` (never counts as latest)."""
    big = np.iinfo(np.int64).max
    return np.where(a < 0, big, a) > np.where(b < 0, big, b)


@pytest.mark.parametrize("slow,fast", [(0.0, 0.1), (0.1, 0.3), (0.3, 1.0)])
def test_faster_convergence_never_delays_agreement(slow, fast):
    # A expects the costs to stop growing (trend 0 against an actual 1): optimism about
    # its no-deal value, which learning removes
    kw = {"volatility": 0.5, "shock_p": 0.05, "expects_a": 0.0}
    a = _months(war(convergence_a=slow, **kw))
    b = _months(war(convergence_a=fast, **kw))
    assert not _later(b, a).any()  # path by path, on the same random numbers
    big = 10**9
    assert (median_month(b) or big) <= (median_month(a) or big)
    assert (b >= 0).sum() >= (a >= 0).sum()


@pytest.mark.parametrize("low,high", [(0.02, 0.05), (0.05, 0.1)])
def test_higher_monthly_cost_never_makes_agreement_later(low, high):
    kw = {"volatility": 0.7, "shock_p": 0.1}
    a = _months(war(cost_a=low, **kw))
    b = _months(war(cost_a=high, **kw))
    assert not _later(b, a).any()
    big = 10**9
    assert (median_month(b) or big) <= (median_month(a) or big)


def test_hazard_rule_is_monotone_in_costs():
    def agreed(cost: float) -> np.ndarray:
        job = make_job(war(cost_a=cost, volatility=0.7), months=24, paths=300,
                       rule=AgreementRule("hazard", h=0.3))
        return run_job(job, workers=1).agreed

    assert not _later(agreed(0.06), agreed(0.03)).any()


def test_power_shift_that_makes_reneging_pay_and_the_guarantee_that_restores_it():
    # after agreement the front recedes by 0.5 a month: the costs that made A (and B)
    # accept shrink, so resuming the fight pays within the holding months
    steady = outlook(war(), months=12, paths=50, lookahead=1.0, drivers=False, coverage=1.0)
    shift = outlook(war(after=-0.5), months=12, paths=50, lookahead=1.0, drivers=False,
                    coverage=1.0, hold_months=12)
    assert steady.holds == 1.0
    assert shift.holds is not None and shift.holds < steady.holds
    plans = shift.packages[0]["plans"]
    assert plans and plans[0]["holds_with_guarantee"] == 1.0
    # by hand: β(t) = 0.6 − 0.05 (t + 1): x = 50 (0.5 to each) is acceptable from month 2,
    # agreed in month 3 at front 3; reneging after s months is worth
    # 0.6 − 0.05 (max(0, 3 − 0.5 s) + 1), highest (0.55) once the front is back at 0: each
    # needs 0.55 − 0.5 = 0.05 (a one-issue plan adds no defection term: D = G)
    assert shift.packages[0]["deal"] == {"line": "50"}
    need = plans[0]["guarantee"]
    u = shift.packages[0]["utility"]
    for actor in ("A", "B"):
        assert need[actor] == pytest.approx(0.6 - 0.05 * 1 - u[actor], abs=1e-12)
        assert need[actor] == pytest.approx(0.05, abs=1e-12)


def test_reported_guarantee_restores_holding_on_noisy_paths():
    sc = war(after=-1.0, volatility=0.6, shock_p=0.1)
    out = outlook(sc, months=24, paths=300, lookahead=0.5, drivers=False, coverage=1.0)
    assert out.holds is not None and out.holds < 1.0
    job = make_job(sc, months=24, paths=300, lookahead=0.5, coverage=1.0)
    r = run_job(job, workers=1)
    top = out.packages[0]
    rows = np.flatnonzero(r.package >= 0)
    rows = rows[[job.problem.space.labels(job.candidates.options[r.package[k]]) == top["deal"]
                 for k in rows]]
    u = np.array([top["utility"][a] for a in job.problem.actors])
    g = np.array([top["plans"][0]["guarantee"][a] for a in job.problem.actors])
    # with the guarantee held in escrow no party prefers to renege on any of its paths
    assert (r.renege[rows] > u).any()
    assert (r.renege[rows] <= u + g + 1e-12).all()


def test_frontier_masks_are_pareto_mask():
    rng = np.random.default_rng(1)
    util = rng.integers(0, 4, size=(50, 12, 3)).astype(float)
    masks = frontier_masks(util)
    for k in range(50):
        assert np.array_equal(masks[k], pareto_mask(util[k]))
