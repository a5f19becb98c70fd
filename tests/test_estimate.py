"""The estimators' arithmetic on recorded timings (issue 31, item 2).

Timings recorded on the shared 2-core machine (load average 14) with
``api.simulate(bundled, draws=n)`` in one process: a 32-draw warm-up took 12.3 s
(imports, first calls), then 128 draws 0.738 s, 1,024 draws 0.967 s, 4,096 draws
1.469 s, 16,384 draws 4.776 s and 100,000 draws 22.6 s. Before issue 31 the guard
scaled one 256-draw pilot, run first (so paying the imports), linearly: the README's
``detente simulate --draws 100000`` was estimated at 11.7 min and refused.
"""

from __future__ import annotations

import pytest

from detente.estimate import NOISE_FLOOR, CostModel, fit, measure
from detente.requests import PhaseRequest

WARM = 12.3
PILOTS = {128: 0.738, 1024: 0.967}
ACTUAL = {4096: 1.469, 16384: 4.776, 100_000: 22.6}


def test_fixed_and_per_draw_costs_from_two_pilots():
    cost = fit(128, PILOTS[128], 1024, PILOTS[1024])
    assert cost.per_unit == pytest.approx((0.967 - 0.738) / 896)
    assert cost.fixed == pytest.approx(0.738 - 128 * cost.per_unit)
    for draws, seconds in ACTUAL.items():
        assert 0.5 <= cost.seconds(draws) / seconds <= 2.0, draws
    # the old rule: the first pilot (imports included) scaled linearly
    old = (WARM + 0.877) * 100_000 / 256
    assert old / ACTUAL[100_000] > 100


def test_measure_throws_the_warm_up_away():
    now = [0.0]
    costs = {32: WARM, **PILOTS}

    def run(n: int) -> None:
        now[0] += costs[n]

    cost = measure(run, units=100_000, pilots=(1024, 128), warm=32, clock=lambda: now[0])
    assert [n for n, _ in cost.pilots] == [128, 1024]
    assert [t for _, t in cost.pilots] == pytest.approx([0.738, 0.967])
    assert 0.5 <= cost.seconds(100_000) / ACTUAL[100_000] <= 2.0


def test_pilots_never_exceed_the_run():
    ran: list[int] = []
    measure(ran.append, units=100, pilots=(128, 1024), warm=32, clock=lambda: 0.0)
    assert ran == [32, 100, 100]


def test_noise_cannot_make_a_long_run_free():
    # the larger pilot timed faster than the smaller (machine load): the slope is noise
    cost = fit(128, 0.9, 1024, 0.8)
    assert cost.per_unit == pytest.approx(NOISE_FLOOR * 0.8 / 1024)
    assert cost.seconds(1024) == pytest.approx(0.8)  # through the larger pilot
    assert fit(10, 1.0, 10, 1.0).seconds(10) == pytest.approx(1.0)


def test_parts_add():
    both = CostModel(1.0, 0.1) + CostModel(2.0, 0.2)
    assert both.seconds(10) == pytest.approx(6.0)


# ---- deals, phase, proposals (issue 31, item 2: their guards) ---------------------------
# Recorded on the bundled scenario in one process (imports paid first), load average 4.4-5.0
# on the shared 2-core machine: the part done once (analysis / phasing / point judgement
# with forecasts), the two pilots of draws, the whole command's actual seconds, and what
# the old guard said (`api.estimate_deals`: the utilities of a 4,096-deal pilot scaled to
# the deal space, a "lower bound" that left out the frontier search and every draw).
RECORDED = {
    # command: (units, once, (n1, t1), (n2, t2), actual, old estimate)
    "deals": (500, 0.0868, (16, 0.3074), (64, 0.7679), 4.448, 0.000344),
    "phase": (500, 0.0749, (16, 0.1049), (64, 0.2617), 1.845, 0.000281),
    "proposals": (2000, 0.0550, (64, 0.0976), (512, 0.1057), 0.189, 0.00290),
}


def _replay(once: float, t1: float, t2: float):
    """A clock that replays the recorded durations in the order the estimator reads it:
    the part done once, then the two pilots (the warm-up is not timed)."""
    marks = iter([0.0, once, once, once + t1, once + t1, once + t1 + t2])
    return lambda: next(marks)


@pytest.fixture(scope="module")
def bundled():
    from detente import api

    sc = api.load("ukraine-2025-11")
    return sc, api.deal_problem(sc)


@pytest.mark.parametrize("command", sorted(RECORDED))
def test_deal_commands_estimated_within_2x_from_recorded_timings(command, bundled):
    from detente.deals import cost

    sc, problem = bundled
    units, once, (n1, t1), (n2, t2), actual, old = RECORDED[command]
    clock = _replay(once, t1, t2)
    if command == "deals":
        model = cost.deals_cost(problem, sc, robust=units, clock=clock)
    elif command == "phase":
        model = cost.phase_cost(problem, sc, PhaseRequest(robust=units), clock=clock)
    else:
        model = cost.proposals_cost(problem, sc, draws=units, clock=clock)
    assert [n for n, _ in model.pilots] == [n1, n2]
    expected = fit(n1, t1, n2, t2) + CostModel(once, 0.0)
    assert model.seconds(units) == pytest.approx(expected.seconds(units))
    assert 0.5 <= model.seconds(units) / actual <= 2.0
    assert old / actual < 0.5  # the old guard's figure was not within 2x


def test_no_draws_costs_the_part_done_once(bundled):
    from detente.deals import cost

    sc, problem = bundled
    model = cost.deals_cost(problem, sc, robust=0, clock=iter([0.0, 0.25]).__next__)
    assert model.pilots == () and model.seconds(500) == pytest.approx(0.25)


def test_a_slow_first_pilot_ends_the_timing():
    ran: list[int] = []
    now = [0.0]

    def run(n: int) -> None:
        ran.append(n)
        now[0] += 0.2 * n  # 0.2 s a draw: 3.2 s for the first pilot of 16

    cost = measure(run, units=500, pilots=(16, 64), warm=1, budget=2.0, clock=lambda: now[0])
    assert ran == [1, 16]  # the 64-draw pilot was not run
    assert cost.seconds(500) == pytest.approx(100.0)
