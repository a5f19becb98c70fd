"""Monte Carlo: many draws of the uncertain inputs through one or more models.

:func:`simulate` draws the scenario's uncertain inputs (see
:mod:`detente.uncertainty.sampling`), runs every model on every draw and
returns a :class:`Simulation`: labelled arrays (an ``xarray.Dataset``) that
save to and load from netCDF. Per model and issue it holds

- ``mean``, ``sd``, ``min``, ``max`` of the outcome, ``count`` of draws with an
  outcome and ``nan_count`` of those without;
- ``quantiles`` (read from the histogram: linear within a bin, so exact to
  1/``bins`` of the scale, and clamped to ``[min, max]``);
- ``histogram``: counts in ``bins`` equal bins of the issue's scale (values off
  the scale count in the end bins);
- ``band_probability[anchor]``: P(the outcome's nearest labelled anchor is
  this one), the lower anchor on a tie, as :meth:`Issue.nearest_anchor`; on an
  issue whose status quo is the explicit no-agreement outcome
  (``Issue.no_agreement``), that outcome is one more band, last, holding the
  outcomes within ``Issue.band_width`` of the status quo (``no_agreement_band``,
  default 2.5% of the span, only the status quo itself where an anchor shares
  its number: a model that moved nothing, e.g. Nash's no-deal result), which
  then count for no anchor;
- ``closer_probability[anchor, anchor_other]``:
  P(|x − anchor| < |x − anchor_other|), e.g. P(closer to "ceded" than to
  "frozen");
- ``disagreement[model, model_other]``: the share of draws in which the two
  models' outcomes have different nearest anchors (over draws where both
  have an outcome), and per issue ``any_disagreement``: the share of draws in
  which not every model lands on the same anchor.

How it is made exact and reproducible: the draws are cut into blocks of
``block_size``; each block has its own random streams (inputs, and one per
model name), and every block is summarised on its own. Counts add up
exactly in any order; means and variances of the blocks are merged in
block order (Chan et al.'s pairwise update)

    n = n_a + n_b,  δ = x̄_b − x̄_a,  x̄ = x̄_a + δ n_b / n,
    M2 = M2_a + M2_b + δ² n_a n_b / n,

so the result is the same bit for bit whatever the chunk size or engine.
Every model of a chunk of blocks is a task of its own (a model's random
stream depends only on its block, not on which models run beside it), so all
workers have work even when there are fewer blocks than workers; the caller
stacks a chunk's outcomes ``[n, M, I]`` once its last model is done and
summarises them block by block. With enough chunks to keep every worker busy a
chunk's models share one task, which summarises the chunk itself
(:func:`chunk_summary`) and returns only the tallies. Memory: one model's run on one chunk per
worker, the outcomes of the chunks in flight (a chunk holds at most
``DEFAULT_BLOCK_SIZE`` draws unless ``chunk_size`` asks for more), plus
O(blocks) small numbers, unless ``keep_draws`` asks for every outcome.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from detente.anchors import anchor_choices, anchor_matches
from detente.arrays import compile_scenario
from detente.atomic import write_atomic
from detente.errors import DetenteError
from detente.extras import extras_of
from detente.json_values import json_number, json_ready
from detente.models.base import Model
from detente.models.registry import resolve_models
from detente.notes import neutral_note
from detente.requests.simulation import DEFAULT_BINS, SimulationRequest
from detente.scenario import Issue, Scenario
from detente.uncertainty.distribution import beyond_noise
from detente.uncertainty.sampling import (
    DEFAULT_BLOCK_SIZE,
    InputSpace,
    block_generator,
    input_space,
)
from detente.violations import ForecastRules, draw_red_lines, forecast_rules

CHECKSUM_TAG = b"\n#detente-sha256:"
"""Starts the line :meth:`Simulation.save` appends after the netCDF bytes (then 64 hex
digits and a newline): a damaged saved simulation is refused before HDF5 reads it (a few
flipped bytes in HDF5's dimension metadata made it loop forever)."""
_CHECKSUM_LEN = len(CHECKSUM_TAG) + 64 + 1

PROBE_SECONDS = 60.0
"""Wall seconds a child process gets to read a simulation file without a checksum line."""

_PROBE = """import sys, h5netcdf
with h5netcdf.File(sys.argv[1], "r") as f:
    [v[...] for v in f.variables.values()]
"""


def _probe_unchecked(path: Path, seconds: float | None = None) -> None:
    """Read a simulation file that has no checksum line (saved before checksums, or not by
    detente) in a child Python first (about 0.3 s): a damaged one can make HDF5 loop
    forever or crash in C, beyond any signal. A child that does not finish within
    ``seconds`` is killed and the file refused; any other failure is left to the real read
    to report."""
    import subprocess
    import sys

    seconds = PROBE_SECONDS if seconds is None else seconds
    try:
        done = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True,
                              timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        raise DetenteError(f"{path}: damaged (HDF5 did not finish reading it within "
                           f"{seconds:g} s; files saved by this version carry a checksum "
                           "and are checked at once)") from None
    if done.returncode < 0:
        raise DetenteError(f"{path}: damaged (HDF5 crashed reading it, signal "
                           f"{-done.returncode})")


COMPILED_OUTCOMES = 1_000_000
"""From this many outcomes (draws × models × issues) on, a run's blocks are sampled and
summarised by compiled passes (:mod:`.sampling_kernels`, :mod:`.summary_kernels`, the
same numbers): loading numba costs a process about
0.5–1 CPU s and 65 MiB once, about what the array code spends on a million outcomes
(and its temporaries take ~170 bytes an outcome, 150 MiB for a block of seven models on
eight issues). Below it (a forecast's 1,000 draws) numba is never imported."""

KEEP_DRAWS_UP_TO = 100_000
"""``keep_draws=None`` keeps every outcome for runs up to this many draws."""

Progress = Callable[[int, int], None]
"""Called with (draws done, draws in all) as chunks complete."""


RED_LINE_STREAM = 1 << 31 | 2
"""The random stream of the uncertain red lines' bounds (stream 0 is the inputs', the
models' lie in 1 … 2³¹, the deal tools' no-deal values use ``1 << 31 | 1``)."""


def model_stream(name: str) -> int:
    """The random stream number of a model (stream 0 is the inputs')."""
    return 1 + (zlib.crc32(name.encode()) & 0x7FFFFFFF)


# ---- the job and one chunk of it -------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SimulationJob:
    """Everything a worker needs: picklable, sent once per worker."""

    scenario: Scenario
    models: tuple[Model, ...]
    seed: int
    draws: int
    block_size: int = DEFAULT_BLOCK_SIZE
    bins: int = DEFAULT_BINS
    keep_draws: bool = False

    @cached_property
    def space(self) -> InputSpace:
        return input_space(self.scenario)

    @cached_property
    def n_blocks(self) -> int:
        return -(-self.draws // self.block_size)

    @cached_property
    def anchors(self) -> np.ndarray:
        """Anchor values ``[I, K]`` sorted per issue, NaN-padded (K >= 1); an explicit
        no-agreement status quo follows its issue's anchors (see ``no_agreement``)."""
        issues = self.scenario.issues
        k = max([1] + [len(i.anchors) + _has_no_agreement(i) for i in issues])
        out = np.full((len(issues), k), np.nan)
        for n, issue in enumerate(issues):
            vals = sorted(a.value for a in issue.anchors)
            if _has_no_agreement(issue):
                assert issue.status_quo is not None  # a no-agreement label names the status quo
                vals.append(issue.status_quo)
            out[n, : len(vals)] = vals
        return out

    @cached_property
    def no_agreement(self) -> np.ndarray:
        """``[I, K]``: the column of each issue's no-agreement band (all False without)."""
        out = np.zeros(self.anchors.shape, dtype=bool)
        for n, issue in enumerate(self.scenario.issues):
            if _has_no_agreement(issue):
                out[n, len(issue.anchors)] = True
        return out

    @cached_property
    def rules(self) -> ForecastRules:
        """The scenario's red lines, linkages and sole-controlled issues, which the draws'
        outcomes are checked against (:mod:`detente.violations`)."""
        return forecast_rules(self.scenario)

    @cached_property
    def band_width(self) -> np.ndarray:
        """``[I]``: each issue's no-agreement band half-width (:attr:`Issue.band_width`)."""
        return np.array([i.band_width for i in self.scenario.issues], dtype=float)

    @cached_property
    def band_reach(self) -> np.ndarray:
        """``[I]``: how near its no-agreement outcome an outcome falls in that band,
        ``band_width + 1e-9 (high − low)``."""
        low, high = self.scale
        return self.band_width + 1e-9 * (high - low)

    @cached_property
    def compiled(self) -> bool:
        """Whether the blocks are sampled and summarised by compiled passes
        (:mod:`.sampling_kernels`, :mod:`.summary_kernels`): from :data:`COMPILED_OUTCOMES`
        outcomes (draws × models × issues) on."""
        size = self.draws * len(self.models) * len(self.scenario.issues)
        return size >= COMPILED_OUTCOMES

    @cached_property
    def scale(self) -> tuple[np.ndarray, np.ndarray]:
        return (np.array([i.low for i in self.scenario.issues]),
                np.array([i.high for i in self.scenario.issues]))


COUNTS: tuple[str, ...] = ("hist", "band", "closer", "disagree", "pair_count", "split",
                           "split_count", "broken")
"""The integer tallies of a block, summed over blocks: ``broken[M, R]`` (draws breaking
each of the scenario's rules, :mod:`detente.violations`), ``hist[M, I, bins]``,
``band[M, I, K]``, ``closer[M, I, K, K]``, ``disagree[M, M, I]``,
``pair_count[M, M, I]``, ``split[I]``, ``split_count[I]`` (int64)."""


@dataclass(eq=False)
class ChunkStats:
    """Summaries of consecutive blocks ``first_block …``."""

    first_block: int
    count: np.ndarray  # [nb, M, I] per block
    mean: np.ndarray  # [nb, M, I]
    m2: np.ndarray  # [nb, M, I]
    minimum: np.ndarray  # [M, I]
    maximum: np.ndarray
    counts: dict[str, np.ndarray]  # each of COUNTS, summed over the blocks
    draws: int = 0
    outcome: np.ndarray | None = None  # [n, M, I] when keep_draws


def model_outcomes(job: SimulationJob, first: int, stop: int, model: int | tuple[int, ...]
                   ) -> tuple[int, int | tuple[int, ...], np.ndarray]:
    """Outcomes ``[n, I]`` of ``job.models[model]`` over blocks ``first … stop − 1``: one
    task (a block's models run as separate tasks, so that every worker has work however
    few blocks there are). ``model`` may also be a tuple of models, run one after the
    other on each block's inputs sampled once (``[n, len(model), I]``). Returns
    ``(first, model, outcomes)``."""
    models = (model,) if isinstance(model, int) else model
    out = []
    for b in range(first, stop):
        arrays = block_arrays(job, b)
        out.append(np.stack([block_model_outcome(job, b, m, arrays) for m in models], axis=1))
    x = np.concatenate(out)
    return first, model, x[:, 0] if isinstance(model, int) else x


def chunk_summary(job: SimulationJob, first: int, stop: int, models: tuple[int, ...]
                  ) -> tuple[int, ChunkStats]:
    """Every model of ``job`` over blocks ``first … stop − 1`` (:func:`model_outcomes`)
    and the chunk's summaries (:func:`summarise_chunk`) in one task: ``(first, stats)``.
    A chunk whose models all run in one task needs nothing from any other task, so its
    worker summarises it too; the caller only adds the small summaries up (when the
    caller summarised every chunk, a third thread competed for two cores with the
    workers, and the outcomes crossed to it)."""
    _, _, x = model_outcomes(job, first, stop, models)
    return first, summarise_chunk(job, first, x)


def block_arrays(job: SimulationJob, block: int) -> Any:
    """The sampled inputs of one block of draws (n = block size, less at the end)."""
    start = block * job.block_size
    n = min(job.block_size, job.draws - start)
    space = job.space
    if space.size:
        return space.sample(job.seed, start, start + n, block_size=job.block_size,
                            compiled=job.compiled)
    return compile_scenario(job.scenario, n)


def block_model_outcome(job: SimulationJob, block: int, model: int,
                        arrays: Any = None) -> np.ndarray:
    """Outcomes ``[n, I]`` of one model on one block (its sampled inputs ``arrays`` when
    the caller has them), from the model's own random stream of that block (so the same
    whichever task, engine or other models run it)."""
    m = job.models[model]
    rng = block_generator(job.seed, block, model_stream(m.name))
    if arrays is None:
        arrays = block_arrays(job, block)
    return np.asarray(m.outcomes(arrays, rng), dtype=float)


def summarise_chunk(job: SimulationJob, first: int, x: np.ndarray) -> ChunkStats:
    """Summaries of the consecutive blocks ``first …`` whose outcomes ``x[n, M, I]`` are
    given, each block on its own."""
    moments: dict[str, list[np.ndarray]] = {"count": [], "mean": [], "m2": []}
    counts: dict[str, np.ndarray] = {}
    lo = hi = None
    for start in range(0, x.shape[0], job.block_size):
        s = block_summary(job, x[start : start + job.block_size],
                          first + start // job.block_size)
        for key, parts in moments.items():
            parts.append(s[key])
        lo = s["min"] if lo is None else np.fmin(lo, s["min"])
        hi = s["max"] if hi is None else np.fmax(hi, s["max"])
        for key in COUNTS:
            counts[key] = counts[key] + s[key] if key in counts else s[key]
    assert lo is not None and hi is not None, "a chunk holds at least one block"
    return ChunkStats(
        first_block=first,
        count=np.stack(moments["count"]),
        mean=np.stack(moments["mean"]),
        m2=np.stack(moments["m2"]),
        minimum=lo,
        maximum=hi,
        counts=counts,
        draws=x.shape[0],
        outcome=x if job.keep_draws else None,
    )


def block_summary(job: SimulationJob, x: np.ndarray, block: int = 0
                  ) -> dict[str, np.ndarray]:
    """Moments, histogram, band and disagreement tallies of one block's outcomes
    ``x[n, M, I]`` (``block``: its number, which seeds the draws of uncertain red lines).

    A run of at least :data:`COMPILED_OUTCOMES` outcomes summarises its blocks in
    one compiled pass (:mod:`.summary_kernels`, the same numbers without the array code's
    ``[n, M, I, K, K]`` temporaries); smaller runs never import numba."""
    if job.compiled and x.shape[1] * x.shape[2] > 1:
        # (numpy sums a single column, M·I = 1, pairwise, not draw after draw: arrays)
        from detente.uncertainty import summary_kernels

        low, high = job.scale
        tallied = summary_kernels.tallies(x, low, high, job.bins, job.anchors,
                                          job.no_agreement, job.band_reach)
        return {"broken": broken_rules(job, x, block), **tallied}
    return {"broken": broken_rules(job, x, block), **array_tallies(job, x)}


def broken_rules(job: SimulationJob, x: np.ndarray, block: int) -> np.ndarray:
    """``[M, R]``: the draws of ``x[n, M, I]`` breaking each of the scenario's rules (the
    uncertain red lines' bounds drawn from the block's own stream)."""
    rules = job.rules
    if not len(rules):
        return np.zeros((x.shape[1], 0), dtype=np.int64)
    bounds = None
    if any(r.drawn is not None for r in rules.rules):
        bounds = draw_red_lines(job.scenario, block_generator(job.seed, block, RED_LINE_STREAM),
                                x.shape[0])
    return np.count_nonzero(rules.broken(x, bounds), axis=0).astype(np.int64)


def array_tallies(job: SimulationJob, x: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`block_summary`'s numbers but ``broken``, in array code (the reference of
    :mod:`.summary_kernels`)."""
    _, m, i = x.shape
    valid = ~np.isnan(x)
    count = valid.sum(axis=0)
    xz = np.where(valid, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, xz.sum(axis=0) / np.maximum(count, 1), 0.0)
    m2 = (np.where(valid, x - mean, 0.0) ** 2).sum(axis=0)
    with np.errstate(invalid="ignore"):
        lo = np.where(valid.any(axis=0), np.nanmin(np.where(valid, x, np.inf), axis=0), np.nan)
        hi = np.where(valid.any(axis=0), np.nanmax(np.where(valid, x, -np.inf), axis=0), np.nan)

    # histogram over each issue's scale
    low, high = job.scale
    nb = job.bins
    pos = np.floor((xz - low) / (high - low) * nb)
    b = np.clip(pos, 0, nb - 1).astype(np.int64)
    cell = (np.arange(m)[:, None] * i + np.arange(i)[None, :]) * nb
    hist = np.bincount((cell + b)[valid], minlength=m * i * nb).reshape(m, i, nb)

    # nearest anchors
    anchors = job.anchors  # [I, K]
    k = anchors.shape[1]
    has = ~np.isnan(anchors)
    dist = np.abs(x[..., None] - anchors)  # [n, M, I, K]
    dist = np.where(has, dist, np.inf)
    banded = valid & has.any(axis=1)
    # closer: the plain |x - a| < |x - b| of the module docstring, on the raw distances
    # (the no-agreement column at the status quo's value); only the band reading below
    # sends a draw within the no-agreement band to that band and to no anchor
    closer = ((dist[..., :, None] < dist[..., None, :]) & banded[..., None, None]).sum(axis=0)
    band_dist = dist
    na = job.no_agreement  # [I, K]
    if na.any():  # within an explicit no-agreement band: that band, no anchor
        at_na = ((dist <= job.band_reach[:, None]) & na).any(axis=-1)
        band_dist = np.where(na, np.where(at_na[..., None], 0.0, np.inf),
                             np.where(at_na[..., None], np.inf, dist))
    band = np.argmin(band_dist, axis=-1)  # lower anchor on a tie (anchors sorted)
    bcell = (np.arange(m)[:, None] * i + np.arange(i)[None, :]) * k
    band_counts = np.bincount((bcell + band)[banded], minlength=m * i * k).reshape(m, i, k)

    # models that disagree (different nearest anchors)
    both = banded[:, :, None, :] & banded[:, None, :, :]
    differ = (band[:, :, None, :] != band[:, None, :, :]) & both
    all_banded = banded.all(axis=1)
    split = ((band != band[:, :1, :]).any(axis=1) & all_banded).sum(axis=0)

    return {
        "count": count.astype(np.int64),
        "mean": mean,
        "m2": m2,
        "min": lo,
        "max": hi,
        "hist": hist.astype(np.int64),
        "band": band_counts.astype(np.int64),
        "closer": closer.astype(np.int64),
        "disagree": differ.sum(axis=0).astype(np.int64),
        "pair_count": both.sum(axis=0).astype(np.int64),
        "split": split.astype(np.int64),
        "split_count": all_banded.sum(axis=0).astype(np.int64),
    }


def _has_no_agreement(issue: Issue) -> bool:
    return issue.no_agreement is not None and issue.status_quo is not None


# ---- running and reducing ----------------------------------------------------------------


def simulate(
    scenario: Scenario,
    models: Iterable[str | Model] | None = None,
    *,
    request: SimulationRequest | None = None,
    **options: Any,
) -> Simulation:
    """Run a Monte Carlo of ``scenario`` as ``request`` says
    (:class:`~detente.requests.SimulationRequest`: what to compute, and its
    ``execution``: where). Keyword ``options`` are the request's fields (``draws=1000``,
    ``workers=2``), changing ``request`` (default: every default); ``models`` likewise.

    ``seed`` (default 0; ``None`` picks a fresh one, recorded in the result)
    and ``block_size`` determine the result; ``engine``, ``workers`` and
    ``chunk_size`` (draws per task, rounded up to whole blocks) only decide
    where and how fast it is computed. ``engine`` is ``"local"``, ``"dask"``
    (a local cluster, or ``scheduler``) or an :class:`Engine` instance.
    """
    req = SimulationRequest.of(request, **({} if models is None else {"models": models}),
                               **options)
    draws, block_size, bins, qs = req.draws, req.block_size, req.bins, req.quantiles
    seed, progress = req.seed, req.execution.progress
    extras = extras_of(scenario)  # a KTAB file's settings, an EU issue's Council rules
    chosen = [m.bind(extras) for m in resolve_models(req.models, params=req.params)]
    point_arrays = compile_scenario(scenario)
    for model in chosen:
        model.check(point_arrays)
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1, np.uint32)[0])
    keep = draws <= KEEP_DRAWS_UP_TO if req.keep_draws is None else req.keep_draws
    job = SimulationJob(scenario, tuple(chosen), seed, draws, block_size, bins, keep)

    eng, own = req.execution.start()
    try:
        per_chunk = _blocks_per_chunk(job.n_blocks, eng.workers, req.execution.chunk_size,
                                      block_size)
        acc = _Accumulator(job)
        tasks = _tasks(job.n_blocks, per_chunk, len(job.models), eng.workers)
        if tasks and not isinstance(tasks[0][2], int):  # a chunk's models in one task
            for _, stats in eng.map_unordered(chunk_summary, job, tasks):
                acc.add(stats)
                if progress is not None:
                    progress(acc.done, draws)
        else:
            _gather(job, eng.map_unordered(model_outcomes, job, tasks), acc, progress)
    finally:
        if own:
            eng.close()
    point = np.stack([m.forecast(point_arrays, seed=seed).outcome[0] for m in chosen])
    return Simulation(parts=acc.parts(point, qs))


def _gather(job: SimulationJob, results: Iterable[tuple[int, int | tuple[int, ...],
                                                        np.ndarray]],
            acc: _Accumulator, progress: Progress | None) -> None:
    """Stack each chunk's outcomes ``[n, M, I]`` once its last model's task is done,
    summarise the chunk and add it to ``acc``."""
    n_models = len(job.models)
    parts: dict[int, dict[int, np.ndarray]] = {}  # chunk -> model -> outcomes
    for first, m, outcome in results:
        got = parts.setdefault(first, {})
        if isinstance(m, int):
            got[m] = outcome
        else:
            got.update({k: outcome[:, j] for j, k in enumerate(m)})
        if len(got) < n_models:
            continue
        del parts[first]
        x = np.stack([got[k] for k in range(n_models)], axis=1)
        acc.add(summarise_chunk(job, first, x))
        if progress is not None:
            progress(acc.done, job.draws)


#: chunks per worker from which a chunk's models run as one task
GROUP_CHUNKS_PER_WORKER = 4


def _tasks(n_blocks: int, per_chunk: int, n_models: int, workers: int
           ) -> list[tuple[int, int, int | tuple[int, ...]]]:
    """The tasks: ``(first block, stop block, model or models)``. With few chunks, one
    task per chunk and model, so that every worker has work; with at least
    :data:`GROUP_CHUNKS_PER_WORKER` chunks per worker the chunks alone keep every worker
    busy, and a chunk's models run as one task that samples each block's inputs once
    instead of once per model (a third of the CPU time of a million draws of the three
    default models went to sampling the same inputs three times)."""
    starts = range(0, n_blocks, per_chunk)
    if n_models > 1 and len(starts) >= GROUP_CHUNKS_PER_WORKER * workers:
        every = tuple(range(n_models))
        return [(b, min(b + per_chunk, n_blocks), every) for b in starts]
    return [(b, min(b + per_chunk, n_blocks), m) for b in starts for m in range(n_models)]


def _blocks_per_chunk(n_blocks: int, workers: int, chunk_size: int | None,
                      block_size: int) -> int:
    if chunk_size is not None:
        return max(1, -(-chunk_size // block_size))
    # about four chunks per worker, each of at most one default block of draws (the
    # outcomes of a chunk's models wait in the caller until its last model is done)
    return max(1, min(DEFAULT_BLOCK_SIZE // block_size, -(-n_blocks // (4 * workers))))


def _labels(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


class _Accumulator:
    def __init__(self, job: SimulationJob):
        self.job = job
        m, i = len(job.models), len(job.scenario.issues)
        nb = job.n_blocks
        self.count = np.zeros((nb, m, i), dtype=np.int64)
        self.mean = np.zeros((nb, m, i))
        self.m2 = np.zeros((nb, m, i))
        self.minimum = np.full((m, i), np.nan)
        self.maximum = np.full((m, i), np.nan)
        self.ints: dict[str, np.ndarray] = {}  # each of COUNTS, summed over chunks
        self.outcome = np.empty((job.draws, m, i)) if job.keep_draws else None
        self.done = 0

    def add(self, s: ChunkStats) -> None:
        sl = slice(s.first_block, s.first_block + s.count.shape[0])
        self.count[sl], self.mean[sl], self.m2[sl] = s.count, s.mean, s.m2
        self.minimum = np.fmin(self.minimum, s.minimum)
        self.maximum = np.fmax(self.maximum, s.maximum)
        for key, arr in s.counts.items():
            self.ints[key] = self.ints[key] + arr if key in self.ints else arr
        if self.outcome is not None and s.outcome is not None:
            start = s.first_block * self.job.block_size
            self.outcome[start : start + s.outcome.shape[0]] = s.outcome
        self.done += s.draws

    def merged_moments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Count, mean and M2 over all blocks, merged in block order."""
        n = np.zeros(self.count.shape[1:])
        mean = np.zeros(n.shape)
        m2 = np.zeros(n.shape)
        for b in range(self.count.shape[0]):
            nb = self.count[b].astype(float)
            tot = n + nb
            with np.errstate(invalid="ignore", divide="ignore"):
                delta = self.mean[b] - mean
                share = np.where(tot > 0, nb / np.where(tot > 0, tot, 1.0), 0.0)
                mean = mean + delta * share
                m2 = m2 + self.m2[b] + delta * delta * n * share
            n = tot
        return n, mean, m2

    def parts(self, point: np.ndarray, quantiles: tuple[float, ...]) -> SimulationParts:
        """The result's variables, coordinates and attributes as numpy arrays (the
        :class:`Simulation`'s xarray Dataset is built from them only when asked for)."""
        job = self.job
        sc = job.scenario
        n, mean, m2 = self.merged_moments()
        has = n > 0
        mean = np.where(has, mean, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.where(n > 1, np.sqrt(m2 / np.maximum(n - 1, 1)), np.where(has, 0.0, np.nan))
        low, high = job.scale
        edges = low[:, None] + (high - low)[:, None] * np.linspace(0, 1, job.bins + 1)[None, :]
        hist = self.ints["hist"]
        qv = _hist_quantiles(hist, edges, np.array(quantiles), self.minimum, self.maximum)
        anchors = job.anchors
        labels = np.full(anchors.shape, "", dtype=object)
        for k, issue in enumerate(sc.issues):
            for j, a in enumerate(sorted(issue.anchors, key=lambda a: a.value)):
                labels[k, j] = a.label
            if _has_no_agreement(issue):
                labels[k, len(issue.anchors)] = issue.no_agreement
        with np.errstate(invalid="ignore", divide="ignore"):
            banded = self.ints["band"].sum(axis=-1, keepdims=True)
            band_p = np.where(banded > 0, self.ints["band"] / np.maximum(banded, 1), np.nan)
            band_p = np.where(np.isnan(anchors)[None], np.nan, band_p)
            closer_p = self.ints["closer"] / np.maximum(banded[..., None], 1)
            closer_p = np.where(banded[..., None] > 0, closer_p, np.nan)
            pad = np.isnan(anchors)
            closer_p = np.where(pad[None, :, :, None] | pad[None, :, None, :], np.nan, closer_p)
            pc = self.ints["pair_count"]
            disagree = np.where(pc > 0, self.ints["disagree"] / np.maximum(pc, 1), np.nan)
            sc_count = self.ints["split_count"]
            split = np.where(sc_count > 0, self.ints["split"] / np.maximum(sc_count, 1), np.nan)

        models = _labels([m.name for m in job.models])
        issues = list(sc.issue_ids)
        mi = ("model", "issue")
        data = {
            "point": (mi, point),
            "mean": (mi, mean),
            "sd": (mi, sd),
            "min": (mi, self.minimum),
            "max": (mi, self.maximum),
            "count": (mi, n.astype(np.int64)),
            "nan_count": (mi, job.draws - n.astype(np.int64)),
            "quantiles": ((*mi, "quantile"), qv),
            "histogram": ((*mi, "bin"), hist),
            "bin_edges": (("issue", "edge"), edges),
            "anchor_value": (("issue", "anchor"), anchors),
            "anchor_label": (("issue", "anchor"), labels.astype(str)),
            "band_probability": ((*mi, "anchor"), band_p),
            "closer_probability": ((*mi, "anchor", "anchor_other"), closer_p),
            "disagreement": (("model", "model_other", "issue"), disagree),
            "any_disagreement": (("issue",), split),
            # kept so a saved simulation shows the issues' names without its scenario
            "issue_name": (("issue",), np.array([i.name or i.id for i in sc.issues], dtype=str)),
        }
        if self.outcome is not None:
            data["outcome"] = (("draw", "model", "issue"), self.outcome)
        rules = job.rules
        coords_extra: dict[str, Any] = {}
        if len(rules):  # only a scenario with red lines, linkages or sole control has these
            data["rule_broken"] = (("model", "rule"), self.ints["broken"] / job.draws)
            data["rule_kind"] = (("rule",), np.array([r.kind for r in rules.rules], dtype=str))
            data["rule_text"] = (("rule",), np.array([r.text for r in rules.rules], dtype=str))
            coords_extra["rule"] = list(rules.ids)
        attrs = {
            "title": "detente Monte Carlo simulation",
            "scenario": sc.name,
            "scenario_hash": sc.hash,
            "seed": int(job.seed),
            "draws": int(job.draws),
            "block_size": int(job.block_size),
            "inputs": json.dumps(job.space.names),
            "models": json.dumps([{"name": m.name, "params": _plain(m.get_params())}
                                  for m in job.models]),
            "note": neutral_note(basis=" and their declared uncertainty"),
        }
        coords = {"model": models, "model_other": models, "issue": issues,
                  "quantile": list(quantiles), "anchor": np.arange(anchors.shape[1]),
                  "anchor_other": np.arange(anchors.shape[1]), **coords_extra}
        return SimulationParts(data, coords, attrs)


@dataclass(frozen=True, eq=False)
class SimulationParts:
    """A simulation's variables (``name -> (dims, array)``), coordinates and attributes,
    before they become an xarray Dataset. Building the Dataset imports xarray, pandas and
    (through xarray's duck-array checks) dask: about 1.5 s of CPU, which a forecast that
    only reads the intervals off the result need not pay (issue 31, item 3)."""

    data: dict[str, tuple[tuple[str, ...], Any]]
    coords: dict[str, Any]
    attrs: dict[str, Any]

    def build(self) -> Any:
        """The :class:`xarray.Dataset`."""
        import xarray as xr

        return xr.Dataset(self.data, coords=self.coords, attrs=self.attrs)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _hist_quantiles(hist: np.ndarray, edges: np.ndarray, qs: np.ndarray,
                    lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Quantiles ``[M, I, Q]`` from counts, linear within bins, clamped to [min, max]."""
    m, i, _ = hist.shape
    out = np.full((m, i, qs.size), np.nan)
    for a in range(m):
        for b in range(i):
            h = hist[a, b]
            total = h.sum()
            if total == 0:
                continue
            cum = np.concatenate([[0], np.cumsum(h)]).astype(float)
            target = qs * total
            # first edge j with cum[j] >= target: then cum[j-1] < target <= cum[j]
            j = np.clip(np.searchsorted(cum, target, side="left"), 1, len(cum) - 1)
            c0, c1 = cum[j - 1], cum[j]
            frac = np.clip((target - c0) / np.where(c1 > c0, c1 - c0, 1.0), 0.0, 1.0)
            vals = edges[b, j - 1] + frac * (edges[b, j] - edges[b, j - 1])
            out[a, b] = np.clip(vals, lo[a, b], hi[a, b])
    return out


# ---- the result ----------------------------------------------------------------------------


class Simulation:
    """A Monte Carlo result: ``dataset`` (xarray) plus readers for tables.

    A fresh run holds its arrays (:class:`SimulationParts`) and builds the Dataset on
    first use of :attr:`dataset`; the readers :meth:`values`, :attr:`models`,
    :attr:`issues`, :attr:`draws`, :meth:`anchors` and :meth:`rule_shares` answer from the
    arrays without building it (the forecast's intervals need nothing more)."""

    def __init__(self, dataset: Any = None, _path: Path | None = None, *,
                 parts: SimulationParts | None = None) -> None:
        if (dataset is None) == (parts is None):
            raise ValueError("a Simulation is built from a dataset or from its parts")
        self._dataset = dataset
        self._parts = parts
        self._path = _path

    def __repr__(self) -> str:
        return f"Simulation(draws={self.draws}, models={self.models}, issues={self.issues})"

    @property
    def dataset(self) -> Any:
        """The result as an :class:`xarray.Dataset` (built on first use)."""
        if self._dataset is None:
            assert self._parts is not None
            self._dataset = self._parts.build()
            self._parts = None  # one source of truth from here on (attrs may be edited)
        return self._dataset

    def values(self, name: str) -> np.ndarray:
        """A variable's or coordinate's values as a numpy array (dimensions in the order
        the Dataset has them), without building the Dataset."""
        if self._parts is None:
            return np.asarray(self.dataset[name].values)
        if name in self._parts.data:
            return np.asarray(self._parts.data[name][1])
        return np.asarray(self._parts.coords[name])

    def has(self, name: str) -> bool:
        """Whether the result holds the variable ``name``."""
        return name in (self.dataset if self._parts is None else self._parts.data)

    @property
    def attrs(self) -> dict[str, Any]:
        """The result's attributes (seed, draws, scenario, ...)."""
        return dict(self.dataset.attrs if self._parts is None else self._parts.attrs)

    @property
    def models(self) -> list[str]:
        return [str(m) for m in self.values("model")]

    def rule_shares(self) -> dict[str, np.ndarray]:
        """Per model, the share of draws breaking each rule of the scenario (in
        :func:`detente.violations.forecast_rules` order); empty when it has none (or the
        simulation was saved before rules were counted)."""
        if not self.has("rule_broken"):
            return {}
        shares = np.asarray(self.values("rule_broken"), dtype=float)
        return {m: shares[k] for k, m in enumerate(self.models)}

    @property
    def issues(self) -> list[str]:
        return [str(i) for i in self.values("issue")]

    @property
    def draws(self) -> int:
        return int(self.attrs["draws"])

    @property
    def seed(self) -> int:
        return int(self.attrs["seed"])

    def anchors(self, issue: str) -> list[tuple[float, str]]:
        k = self.issues.index(issue)
        return [(float(v), str(lab)) for v, lab in
                zip(self.values("anchor_value")[k], self.values("anchor_label")[k],
                    strict=True)
                if not math.isnan(v)]

    def _anchor_index(self, issue: str, anchor: str | float) -> int:
        anchors = self.anchors(issue)
        hits = anchor_matches(anchors, anchor)
        if len(hits) == 1:
            return hits[0]
        if hits and not isinstance(anchor, str):
            # a number names the anchor there, not an explicit no-agreement band at the same
            # value (listed after the anchors)
            return hits[0]
        raise DetenteError(f"issue {issue!r} has no single anchor matching {anchor!r} "
                           f"(anchors: {anchor_choices(anchors)})")

    def prob_closer(self, issue: str, anchor: str | float, other: str | float,
                    model: str | None = None) -> float:
        """P(outcome closer to ``anchor`` than to ``other``): labels (or a unique part of
        one) or anchor values."""
        a, b = self._anchor_index(issue, anchor), self._anchor_index(issue, other)
        model = model or self.models[0]
        da = self.dataset["closer_probability"].sel(model=model, issue=issue)
        return float(da.isel(anchor=a, anchor_other=b))

    def summary_rows(self) -> list[dict[str, Any]]:
        """One row per model and issue: point, mean, sd, quantiles, likeliest band. Read
        from the arrays (:meth:`values`): a fresh run's JSON never builds the xarray
        Dataset (importing xarray, pandas and dask costs about 1.5 CPU s)."""
        models = self.models
        point, mean, sd, nan_count = (self.values(k) for k in ("point", "mean", "sd",
                                                               "nan_count"))
        quantiles, qv = self.values("quantile"), self.values("quantiles")
        band = self.values("band_probability")
        disagreement = self.values("disagreement")  # [model, model_other, issue]
        rows = []
        for i, issue in enumerate(self.issues):
            anchors = self.anchors(issue)
            for m, model in enumerate(models):
                row: dict[str, Any] = {
                    "issue": issue,
                    "model": model,
                    "point": float(point[m, i]),
                    "mean": float(mean[m, i]),
                    "sd": float(sd[m, i]),
                }
                for q, v in zip(quantiles, qv[m, i], strict=True):
                    row[f"q{round(float(q) * 100):02d}"] = float(v)
                if anchors:
                    probs = band[m, i][: len(anchors)]
                    row["bands"] = {lab: float(p) for (_, lab), p in
                                    zip(anchors, probs, strict=True)}
                    if not np.all(np.isnan(probs)):
                        top = int(np.nanargmax(probs))
                        row["likeliest"] = anchors[top][1]
                        row["likeliest_value"] = anchors[top][0]
                        row["likeliest_p"] = float(probs[top])
                        rest = np.delete(np.nan_to_num(probs), top)
                        second = float(rest.max()) if rest.size else 0.0
                        # beyond sampling noise (docs/uncertainty.md): ahead of the runner-up
                        row["likeliest_clear"] = second == 0 or beyond_noise(
                            float(probs[top]), second, self.draws)
                others = [k for k, o in enumerate(models) if o != model]
                if others:
                    vals = disagreement[m, others, i]
                    row["disagreement"] = (float(np.nanmean(vals))
                                           if not np.all(np.isnan(vals)) else float("nan"))
                row["nan_share"] = float(nan_count[m, i]) / self.draws
                rows.append(row)
        return rows

    def histogram(self, issue: str, model: str, bins: int = 20) -> tuple[np.ndarray, np.ndarray]:
        """Counts re-binned to ``bins`` (dividing the stored bins) and their edges (read
        from the arrays, without building the Dataset)."""
        i = self.issues.index(issue)
        h = self.values("histogram")[self.models.index(model), i]
        edges = self.values("bin_edges")[i]
        if h.size % bins:
            bins = math.gcd(h.size, bins) or 1
        step = h.size // bins
        return h.reshape(bins, step).sum(axis=1), edges[::step]

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready summary (no per-draw outcomes)."""
        attrs = self.attrs
        # json_ready: a loaded file's attributes are numpy numbers (seed, draws)
        out: dict[str, Any] = {k: json_ready(attrs[k]) for k in (
            "scenario", "scenario_hash", "seed", "draws", "block_size")}
        out["models"] = json.loads(attrs["models"])
        out["note"] = attrs.get("note", "")
        if attrs.get("uncertainty_defaults"):
            out["uncertainty_defaults"] = attrs["uncertainty_defaults"]
        out["summary"] = [json_ready(r) for r in self.summary_rows()]
        out["any_disagreement"] = {i: json_number(v) for i, v in
                                   zip(self.issues, self.values("any_disagreement"),
                                       strict=True)}
        return out

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the dataset to netCDF-4 (h5netcdf), atomically, followed by a checksum line
        (``CHECKSUM_TAG`` and the SHA-256 of the bytes before it; HDF5 ignores bytes past its
        end), so that :meth:`load` refuses a damaged file before HDF5 reads it."""
        def write(tmp: Path) -> None:
            self.dataset.to_netcdf(tmp, engine="h5netcdf")
            body = tmp.read_bytes()
            with open(tmp, "ab") as fh:
                fh.write(CHECKSUM_TAG + hashlib.sha256(body).hexdigest().encode() + b"\n")

        return write_atomic(path, write)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Simulation:
        """Read a saved simulation (fully into memory)."""
        import xarray as xr

        path = Path(path)
        if not path.is_file():
            raise DetenteError(f"{path}: no such simulation file")
        source: Path | io.BytesIO = path
        raw = path.read_bytes()
        tail = raw[-_CHECKSUM_LEN:]
        if tail.startswith(CHECKSUM_TAG):  # written by save(): read only the bytes it wrote
            body = raw[:-_CHECKSUM_LEN]
            if hashlib.sha256(body).hexdigest().encode() != tail[len(CHECKSUM_TAG):-1]:
                raise DetenteError(f"{path}: damaged (its checksum does not match its content; "
                                   "the file changed after detente wrote it)")
            source = io.BytesIO(body)
        else:
            _probe_unchecked(path)
        try:
            with xr.open_dataset(source, engine="h5netcdf") as ds:
                data = ds.load()
        except Exception as exc:  # HDF5 reports a damaged file in many ways
            # (OSError, ValueError, RuntimeError, KeyError from h5py): all mean "not readable"
            raise DetenteError(f"{path}: not a detente simulation file "
                               f"({type(exc).__name__}: {exc})") from None
        if "draws" not in data.attrs or "quantiles" not in data:
            raise DetenteError(f"{path}: not a detente simulation file")
        return cls(data, path)
