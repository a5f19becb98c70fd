"""How long a run will take, from timed pilots: a fixed cost plus a cost per unit.

A guard (``simulate``, ``deals``, ``proposals``, ``report``, ``outlook``) times a small
pilot of the work before refusing a long run. Scaling one pilot linearly
(``t_pilot · units / pilot``) counts the pilot's fixed costs (imports, the first call's
warm-up, setting up a block of draws, building the result) once per pilot's worth of
units: a 256-draw pilot of the bundled scenario took 1.8 s, almost all of it fixed, so
100,000 draws were estimated at 11.7 min and ran in 4.3-12.6 s (issue 31).

Here the cost is modelled as ``seconds(n) = fixed + per_unit · n``:

1. a **warm-up** run (``warm`` units; its time is thrown away: it pays the imports and
   first-call costs that the real run, in the same process afterwards, will not pay);
2. two timed pilots of ``n₁ < n₂`` units; ``per_unit = (t₂ − t₁)/(n₂ − n₁)`` and
   ``fixed = t₂ − per_unit · n₂`` (each clamped at 0; a ``per_unit`` that timing noise
   makes smaller than ``t₂/(4·n₂)`` is raised to it, so that noise cannot make a long
   run look free, and the line then goes through the larger pilot).

:func:`fit` is the arithmetic alone (tested on recorded timings), :func:`measure` runs the
pilots with a given clock. Any operation whose cost grows with one count (draws,
packages, periods) uses it the same way: ``measure(lambda n: work(n), pilots=(a, b))``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

NOISE_FLOOR = 0.25
"""The smallest ``per_unit`` kept, as a share of the larger pilot's time per unit."""


@dataclass(frozen=True)
class CostModel:
    """``seconds(n) = fixed + per_unit · n``, with the pilots it was fitted on."""

    fixed: float
    per_unit: float
    pilots: tuple[tuple[int, float], ...] = ()
    """``(units, seconds)`` of each timed pilot."""
    warm: float = 0.0
    """Seconds the pilot spent on first calls that the run, in the same process
    afterwards, will not spend again (numba's kernels loaded, or compiled on a cold
    cache): not in :meth:`seconds`, but part of the time the estimate itself took."""

    def seconds(self, units: float) -> float:
        """The estimated seconds of a run of ``units``."""
        return self.fixed + self.per_unit * max(units, 0)

    def __add__(self, other: CostModel) -> CostModel:
        """Two parts of one run in sequence (their pilots kept)."""
        return CostModel(self.fixed + other.fixed, self.per_unit + other.per_unit,
                         self.pilots + other.pilots, self.warm + other.warm)


def fit(n1: int, t1: float, n2: int, t2: float) -> CostModel:
    """The fixed cost and cost per unit through two timed pilots (see the module
    docstring); ``n1 == n2`` gives the pilot's time as a fixed cost plus its time per
    unit at the :data:`NOISE_FLOOR`."""
    if n2 < n1:
        n1, t1, n2, t2 = n2, t2, n1, t1
    floor = NOISE_FLOOR * t2 / n2 if n2 > 0 else 0.0
    slope = (t2 - t1) / (n2 - n1) if n2 > n1 else 0.0
    per_unit = max(slope, floor)
    fixed = max(t2 - per_unit * n2, 0.0)  # = t1 − per_unit·n1 unless the floor applied
    return CostModel(fixed, per_unit, ((n1, t1), (n2, t2)))


def measure(run: Callable[[int], object], *, units: int, pilots: tuple[int, int],
            warm: int | None = None, budget: float | None = None,
            clock: Callable[[], float] = time.perf_counter) -> CostModel:
    """Time ``run(n)`` on a warm-up and two pilots (each at most ``units``) and fit
    :func:`fit`; ``warm`` defaults to the smaller pilot (0: no warm-up).

    ``budget``: a first pilot slower than this many seconds ends the timing (a guard must
    not spend minutes deciding that a run is too long): all its time is counted per unit,
    ``CostModel(0, t₁/n₁)``, which overestimates by at most the fixed part, small against
    a pilot that slow."""
    n1, n2 = (min(p, max(units, 1)) for p in sorted(pilots))
    warm = n1 if warm is None else min(warm, max(units, 1))
    if warm > 0:
        run(warm)
    timed: list[float] = []
    for n in (n1, n2):
        start = clock()
        run(n)
        timed.append(clock() - start)
        if budget is not None and len(timed) == 1 and timed[0] > budget and n2 > n1:
            return CostModel(0.0, timed[0] / max(n1, 1), ((n1, timed[0]),))
    return fit(n1, timed[0], n2, timed[1])


# ---- a Monte Carlo run: per block, per model, on the run's own path ----------------------


@dataclass(frozen=True)
class Round:
    """A pilot round: ``lanes`` tasks of ``draws`` draws each, run side by side on the
    run's engine, each took ``seconds`` (wall, the tasks' mean). One task of ``n`` draws
    then holds a worker for ``seconds · n / draws`` while the others work beside it."""

    draws: int
    seconds: float

    def per_draw(self) -> float:
        return self.seconds / max(self.draws, 1)


@dataclass(frozen=True)
class BlockCosts:
    """What a Monte Carlo run's pilot measured (:mod:`detente.uncertainty.cost`): the
    engine's ``workers``, how many tasks ran side by side in each round (``lanes``), the
    run's once-only part (``fixed``: models bound, point forecasts, the result), the
    sampling of a block's inputs, each model's outcomes on them (in the request's order),
    one block's summary (``summary``: in the caller's thread, one at a time), and the
    first-call costs the pilot paid and the run will not (``warm``: numba's kernels
    loaded, or compiled on a cold cache; not counted in the estimate)."""

    workers: int
    lanes: int
    fixed: float
    sampling: Round
    models: tuple[Round, ...]
    summary: Round
    warm: float = 0.0


def simulation_seconds(costs: BlockCosts, tasks: Sequence[tuple[int, int, Any]], *,
                       draws: int, block_size: int) -> float:
    """The wall seconds of a run of ``draws`` in blocks of ``block_size`` whose tasks are
    ``tasks`` (``(first block, stop block, model index or tuple of indices)``, in the
    order the engine takes them), from the pilot's ``costs``.

    A task of blocks ``b`` holding models ``m`` costs ``Σ_b n_b · (s + Σ_m c_m)`` worker
    seconds, with ``n_b`` the block's draws, ``s`` the sampling's and ``c_m`` model
    ``m``'s seconds per draw from their rounds (each task samples its own blocks'
    inputs); the tasks go, in order, each to the worker free first, and the run ends with
    the last (the makespan). The caller's summaries (``u`` per draw) run beside the
    workers and add ``u · draws / workers``; the once-only part adds ``fixed``.
    """
    sizes = [min(block_size, draws - b * block_size) for b in range(-(-draws // block_size))]
    sample = costs.sampling.per_draw()
    per_model = [r.per_draw() for r in costs.models]
    free = [0.0] * max(costs.workers, 1)
    for first, stop, which in tasks:
        chosen = (which,) if isinstance(which, int) else tuple(which)
        n = sum(sizes[first:stop])
        cost = n * (sample + sum(per_model[m] for m in chosen))
        w = free.index(min(free))
        free[w] += cost
    summaries = costs.summary.per_draw() * draws / max(costs.workers, 1)
    return costs.fixed + max(free) + summaries
