"""The estimators' arithmetic on recorded timings (issue 31, item 2).

Timings recorded on the shared 2-core machine (load average 14) with
``api.simulate(bundled, draws=n)`` in one process: a 32-draw warm-up took 12.3 s
(imports, first calls), then 128 draws 0.738 s, 1,024 draws 0.967 s, 4,096 draws
1.469 s, 16,384 draws 4.776 s and 100,000 draws 22.6 s. Before issue 31 the guard
scaled one 256-draw pilot, run first (so paying the imports), linearly: the README's
``detente simulate --draws 100000`` was estimated at 11.7 min and refused.
"""

from __future__ import annotations

import importlib
import math

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


# ---- simulate: the pilot on the run's own path (issue 31, item 2, second round) --------
# A pilot of 128 and 1,024 draws ran the array code while a run of 10^6 outcomes or more
# (draws × models × issues) samples, summarises and runs Nash/median/compromise in compiled
# kernels: the lead measured "about 81 s" for a million draws that took 10.6–11.0 s, and
# the seven-model 10^5 run was estimated at 32 s and took 85 s.
# Recorded on the shared 2-core machine (load average 6–8, nice), `block_costs` then the
# run in one process (`/tmp/est/try.py`, bundled scenario, default models):
RECORDED_RUNS = {
    # draws: (fixed, sampling s, (compromise, median, nash) s, summary s, actual s);
    # every round two whole blocks of 16,384 draws side by side
    1_000_000: (0.276, 0.590, (0.107, 0.0604, 0.395), 0.105, 25.22),
    100_000: (0.385, 0.405, (0.0851, 0.1123, 0.4424), 0.115, 6.50),
}


def _recorded(draws: int):
    from detente.estimate import BlockCosts, Round

    fixed, sampling, models, summary, actual = RECORDED_RUNS[draws]
    costs = BlockCosts(workers=2, lanes=2, fixed=fixed, sampling=Round(16384, sampling),
                       models=tuple(Round(16384, s) for s in models),
                       summary=Round(16384, summary), warm=5.0)
    return costs, actual


@pytest.mark.parametrize("draws", sorted(RECORDED_RUNS))
def test_simulate_estimated_within_2x_from_recorded_block_timings(draws):
    from detente.estimate import simulation_seconds
    from detente.requests import SimulationRequest
    from detente.uncertainty.cost import simulation_tasks

    costs, actual = _recorded(draws)
    request = SimulationRequest.of(draws=draws)
    tasks = simulation_tasks(request, costs.workers, len(costs.models))
    seconds = simulation_seconds(costs, tasks, draws=draws, block_size=request.block_size)
    assert 0.5 <= seconds / actual <= 2.0, (seconds, actual)


def test_simulation_seconds_by_hand():
    from detente.estimate import BlockCosts, Round, simulation_seconds

    # two workers; sampling 1 s, model A 2 s, model B 4 s and a summary 1 s per 10 draws
    costs = BlockCosts(workers=2, lanes=2, fixed=3.0, sampling=Round(10, 1.0),
                       models=(Round(10, 2.0), Round(5, 2.0)), summary=Round(10, 1.0),
                       warm=100.0)
    # three blocks of 10, 10 and 5 draws; one task per block and model: each samples
    tasks = [(0, 1, 0), (0, 1, 1), (1, 2, 0), (1, 2, 1), (2, 3, 0), (2, 3, 1)]
    # task costs 3, 5, 3, 5, 1.5, 2.5, each to the worker free first: worker 1 takes 3, 3,
    # 1.5, 2.5 → 10; worker 2 takes 5, 5 → 10; summaries 2.5 s over two workers
    assert simulation_seconds(costs, tasks, draws=25, block_size=10) == pytest.approx(
        3.0 + 10.0 + 1.25)
    # a chunk's models as one task: the block's inputs sampled once for both
    grouped = [(0, 1, (0, 1)), (1, 2, (0, 1)), (2, 3, (0, 1))]  # 7, 7, 3.5
    assert simulation_seconds(costs, grouped, draws=25, block_size=10) == pytest.approx(
        3.0 + 10.5 + 1.25)  # the warm-up (first calls, paid by the pilot) is not counted


class _FakeRun:
    """Stand-ins for the run's functions, on a fake clock: each call costs its draws
    times a model's seconds a draw (CPU as wall), and the first call of each function 7 s
    (numba's kernels loaded); ``seen`` records each job's ``compiled`` and block size."""

    def __init__(self, per_draw: dict[int, float]):
        self.now = 0.0
        self.per_draw = per_draw
        self.first: set[str] = set()
        self.seen: list[tuple[str, bool, int, int]] = []

    def _spend(self, what: str, seconds: float) -> None:
        if what not in self.first:
            self.first.add(what)
            seconds += 7.0
        self.now += seconds

    def install(self, monkeypatch) -> None:
        import numpy as np

        from detente.arrays import compile_scenario

        sim = importlib.import_module("detente.uncertainty.simulate")

        def block_arrays(job, block):
            n = min(job.block_size, job.draws - block * job.block_size)
            self.seen.append(("sample", job.compiled, job.block_size, n))
            self._spend("sample", 1e-6 * n)
            return compile_scenario(job.scenario, n)

        def block_model_outcome(job, block, model, arrays):
            n = arrays.n_draws
            self.seen.append((f"model{model}", job.compiled, job.block_size, n))
            self._spend(f"model{model}", self.per_draw[model] * n)
            return np.zeros((n, len(job.scenario.issues)))

        def summarise_chunk(job, first, x):
            self.seen.append(("summary", job.compiled, job.block_size, x.shape[0]))
            self._spend("summary", 1e-6 * x.size)

        def simulate(scenario, request):
            self._spend("fixed", 0.5)

        for name, fn in [("block_arrays", block_arrays), ("summarise_chunk", summarise_chunk),
                         ("block_model_outcome", block_model_outcome),
                         ("simulate", simulate)]:
            monkeypatch.setattr(sim, name, fn)


def _nash():
    from detente.models.registry import resolve_models

    return resolve_models(["nash"])[0]


@pytest.mark.parametrize("draws, compiled", [(20_000, False), (1_000_000, True)])
def test_the_pilot_runs_the_path_the_run_takes(monkeypatch, draws, compiled):
    """The pilot's jobs make the run's choice of compiled kernels (10^6 outcomes: 20,000
    draws × 3 models × 8 issues is below, a million above); a cheap model is timed on
    whole blocks (its own compiled path is the one whole blocks take), a costly one on a
    few per cent of the run but not below its compiled path; first calls are reported as
    ``warm``, not priced."""
    from detente import api
    from detente.requests import SimulationRequest
    from detente.uncertainty import cost
    from detente.uncertainty.simulate import COMPILED_OUTCOMES

    sc = api.load("ukraine-2025-11")
    fake = _FakeRun({0: 1e-6, 1: 1e-6, 2: 5e-3})  # the third model 5 ms a draw
    fake.install(monkeypatch)
    request = SimulationRequest.of(models=["compromise", "median", "nash"], draws=draws,
                                   workers=1)
    assert (draws * 3 * len(sc.issues) >= COMPILED_OUTCOMES) is compiled
    costs = cost.block_costs(sc, request, clock=lambda: fake.now, cpu=lambda: fake.now)
    assert {c for _, c, _, _ in fake.seen} == {compiled}
    assert costs.sampling.draws == 16384 and costs.summary.draws == 16384
    assert [r.draws for r in costs.models[:2]] == [16384, 16384]
    # ... but on no fewer draws than its own compiled kernels start at (Nash: 32,768
    # elements, 4,096 draws of 8 issues), the path the run's whole blocks take
    from detente.models import nash

    assert cost.compiled_draws(costs_model := _nash(), 8) == nash.COMPILED_ELEMENTS // 8
    assert costs.models[2].draws == min(16384, max(cost.PROBE_DRAWS,
                                                   math.ceil(cost.PILOT_SHARE * draws),
                                                   cost.compiled_draws(costs_model, 8)))
    assert costs.models[2].seconds == pytest.approx(5e-3 * costs.models[2].draws)
    assert costs.sampling.seconds == pytest.approx(1e-6 * 16384)
    assert costs.fixed == pytest.approx(7.5)  # its first call: the pilot's last step
    assert costs.warm >= 4 * 7.0 - 1e-9  # sampling, two cheap models' and the summary's


def test_the_guard_says_how_long_timing_took():
    from detente.cli.guards import timing_note

    assert timing_note(None) == "" and timing_note(0.4, 0.3) == ""
    assert timing_note(3.2, 0.4) == " (timing it took 3 s)"
    assert timing_note(13.0, 7.0) == (" (timing it took 13 s, 7 s of it loading what the "
                                      "run then reuses)")
