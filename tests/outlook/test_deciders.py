"""The deciders: a few candidates answer "is any candidate acceptable?" for all of them.

Checked against the unpruned computation (every candidate tested in every month) on
the bundled scenario with its processes — settlements only, and any package (where
packages keep costs of fighting that move their utilities) — and at no-deal values
placed exactly on candidates' utilities (ties)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from detente.outlook import make_job, run_job
from detente.outlook.candidates import deciders, moving_actors
from detente.outlook.fighting import keeps_costs
from detente.outlook.paths import OutlookJob, acceptable_packages

FIELDS = ("first_open", "agreed", "package", "batna_at_agreement", "renege", "open_count",
          "hist")


def unpruned(job: OutlookJob) -> OutlookJob:
    """``job`` with every candidate deciding (the computation before the deciders)."""
    return replace(job, decide=np.arange(len(job.candidates)))


@pytest.mark.parametrize("settle", [True, False])
def test_pruned_equals_unpruned_on_the_bundled_scenario(ukraine, settle):
    job = make_job(ukraine, months=12, paths=600, seed=3, settlements_only=settle)
    assert job.processes.moving  # the bundled scenario's pressures move
    assert 0 < len(job.deciders) < len(job.candidates)
    # counting any package, some deciders keep costs of fighting (the US-Russia side deal)
    assert keeps_costs(job.problem, job.candidates.options[job.deciders]) == (not settle)
    pruned = run_job(job, workers=1)
    full = run_job(unpruned(job), workers=1)
    if settle:  # settlements: some paths agree, some do not, at different months
        assert (full.agreed >= 0).any() and (full.agreed < 0).any()
        assert len(np.unique(full.agreed)) > 2
    for name in FIELDS:
        assert np.array_equal(getattr(pruned, name), getattr(full, name), equal_nan=True), name


@pytest.mark.parametrize("settle", [True, False])
def test_deciders_decide_at_ties_and_between(ukraine, settle):
    """No-deal values of the moving actors set to candidates' own utilities (where ``>``
    and ``≥`` part) and to points just around them: any candidate acceptable exactly when
    a decider is."""
    job = make_job(ukraine, months=1, paths=1, settlements_only=settle)
    problem, cand = job.problem, job.candidates
    moving = moving_actors(problem)
    assert moving.sum() >= 2
    rng = np.random.default_rng(0)
    n = 4000
    beta = np.repeat(problem.batna[None, :], n, axis=0)
    pick = rng.integers(0, len(cand), size=(n, problem.n_actors))
    nudge = rng.choice([-1e-9, 0.0, 0.0, 1e-9], size=(n, problem.n_actors))
    on_utility = cand.utility[pick, np.arange(problem.n_actors)] + nudge
    beta[:, moving] = on_utility[:, moving]
    view = np.broadcast_to(problem.pressure_value, (n, problem.n_actors,
                                                    len(problem.pressures))).copy()
    view += rng.normal(0, 2, size=view.shape)  # moves any costs a package keeps
    every = acceptable_packages(job, beta, view).any(axis=-1)
    some = acceptable_packages(job, beta, view, deciders(problem, cand)).any(axis=-1)
    assert every.any() and not every.all()
    assert np.array_equal(every, some)


def test_without_terms_the_months_are_the_same(ukraine):
    """The drivers skip the terms (``terms=False``); the months do not depend on them."""
    job = make_job(ukraine, months=12, paths=300, seed=5, settlements_only=True)
    full, months_only = run_job(job, workers=1), run_job(replace(job, terms=False), workers=1)
    assert (full.package >= 0).any()
    assert np.array_equal(full.agreed, months_only.agreed)
    assert np.array_equal(full.first_open, months_only.first_open)
    assert (months_only.package == -1).all() and np.isnan(months_only.renege).all()
