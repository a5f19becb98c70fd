"""The outlook's Monte Carlo: paths in blocks, on any engine, reduced in block order.

:func:`outlook` checks its settings, compiles the deal problem, the candidates and the
processes once, maps :func:`detente.outlook.paths.run_blocks` over ranges of blocks on
an engine (``local`` threads, ``processes`` or ``dask``, as ``simulate``), and puts
the per-path results back in block order, so the same seed gives the same output
bit for bit whatever the engine and the chunk size. Then it summarises
(:class:`detente.outlook.result.Outlook`), prices guarantees for the packages most
often agreed (:mod:`detente.outlook.holding`) and, unless asked not to, finds which
input moves the median month most (:mod:`detente.outlook.drivers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from detente.deals.solutions import SOLUTIONS
from detente.deals.utility import DealProblem
from detente.engines import Engine, get_engine
from detente.errors import DetenteError
from detente.requests.outlook import (
    DEFAULT_BLOCK_SIZE,
    MAX_LOOKAHEAD,
    MAX_MONTHS,
    MAX_PATHS,
    OutlookRequest,
)
from detente.scenario import Scenario

from .agreement import AgreementRule, parse_rule
from .candidates import candidates, needing, reachable
from .paths import BlockResult, OutlookJob, run_blocks
from .processes import Processes
from .result import Outlook, Reduced

Progress = Callable[[int, int], None]


def check_settings(*, months: int, paths: int, rule: AgreementRule, solution: str,
                   lookahead: float, hold_months: int, coverage: float,
                   block_size: int, seed: int) -> None:
    """A :class:`DetenteError` naming the first setting out of range, before any work."""
    if not 1 <= months <= MAX_MONTHS:
        raise DetenteError(f"months must be 1 to {MAX_MONTHS} (got {months})")
    if not 1 <= paths <= MAX_PATHS:
        raise DetenteError(f"paths must be 1 to {MAX_PATHS:,} (got {paths})")
    if solution not in SOLUTIONS:
        raise DetenteError(f"solution {solution!r}: expected one of {', '.join(SOLUTIONS)}")
    if not 0 <= lookahead <= MAX_LOOKAHEAD:
        raise DetenteError(f"lookahead must be 0 to {MAX_LOOKAHEAD:g} months (got {lookahead:g})")
    if not 0 <= hold_months <= MAX_MONTHS:
        raise DetenteError(f"hold months must be 0 to {MAX_MONTHS} (got {hold_months})")
    if not 0 < coverage <= 1:
        raise DetenteError(f"coverage must lie in (0, 1] (got {coverage:g})")
    if block_size < 1:
        raise DetenteError(f"block size must be at least 1 (got {block_size})")
    if seed < 0:
        raise DetenteError(f"seed must be >= 0 (got {seed})")
    rule.check(months)


def make_job(scenario: Scenario, *, months: int = 24, paths: int = 10_000, seed: int = 0,
             rule: AgreementRule | None = None, solution: str = "nash",
             lookahead: float = 6.0, hold_months: int = 12, coverage: float = 0.9,
             block_size: int = DEFAULT_BLOCK_SIZE, utility: str = "linear",
             parties: tuple[str, ...] = (), settlements_only: bool = False,
             problem: DealProblem | None = None) -> OutlookJob:
    """The checked, compiled job (deal problem, candidates, processes). ``parties``: only
    packages that need the consent of every one of these actors count (e.g. the warring
    parties, for the outlook of a settlement rather than of any package).
    ``settlements_only``: only packages under which no fighting continues count
    (:func:`detente.deals.fighting.settles`; no change where the scenario marks no cost
    of fighting)."""
    rule = rule or AgreementRule()
    check_settings(months=months, paths=paths, rule=rule, solution=solution,
                   lookahead=lookahead, hold_months=hold_months, coverage=coverage,
                   block_size=block_size, seed=seed)
    problem = problem or DealProblem.from_scenario(scenario, utility=utility)  # type: ignore[arg-type]
    unknown = sorted(set(parties) - set(problem.actors))
    if unknown:
        raise DetenteError(f"parties: unknown actor(s) {', '.join(unknown)}; actors are "
                           f"{', '.join(problem.actors)}")
    cand = reachable(problem, candidates(problem, settlements_only=settlements_only))
    if parties:
        cand = needing(problem, cand, parties)
    return OutlookJob(problem, Processes.from_scenario(scenario, problem), cand,
                      months, paths, seed, rule, solution, float(lookahead), hold_months,
                      block_size, parties=tuple(parties),
                      settlements_only=settlements_only and problem.fighting is not None)


def run_job(job: OutlookJob, *, engine: str | Engine = "local", scheduler: str | None = None,
            workers: int | None = None, chunk_size: int | None = None,
            progress: Progress | None = None) -> Reduced:
    """Every path of ``job``, reduced in block order (engine-independent)."""
    if chunk_size is not None and chunk_size < 1:
        raise DetenteError(f"chunk size must be at least 1 (got {chunk_size})")
    own = not isinstance(engine, Engine)
    eng = engine if isinstance(engine, Engine) else get_engine(engine, scheduler=scheduler,
                                                               workers=workers)
    try:
        per = (max(1, -(-chunk_size // job.block_size)) if chunk_size is not None
               else max(1, -(-job.n_blocks // (4 * eng.workers))))
        tasks = [(b, min(b + per, job.n_blocks)) for b in range(0, job.n_blocks, per)]
        parts: dict[int, BlockResult] = {}
        done = 0
        for res in eng.map_unordered(run_blocks, job, tasks):
            parts[res.first_block] = res
            done += len(res.agreed)
            if progress is not None:
                progress(done, job.paths)
    finally:
        if own:
            eng.close()
    ordered = [parts[k] for k in sorted(parts)]
    return Reduced(
        first_open=np.concatenate([p.first_open for p in ordered]),
        agreed=np.concatenate([p.agreed for p in ordered]),
        package=np.concatenate([p.package for p in ordered]),
        batna_at_agreement=np.concatenate([p.batna_at_agreement for p in ordered]),
        renege=np.concatenate([p.renege for p in ordered]),
        open_count=np.sum([p.open_count for p in ordered], axis=0),
        hist=np.sum([p.hist for p in ordered], axis=0),
    )


def outlook(scenario: Scenario, request: OutlookRequest | None = None,
            **options: Any) -> Outlook:
    """The outlook of ``scenario`` as ``request`` says (:class:`OutlookRequest`: months,
    paths, the agreement rule, ...; keyword ``options`` are its fields and change it; see
    the package docstring). ``seed`` and ``block_size`` fix the result; the execution
    (engine, workers, chunk size) only decides where it is computed."""
    req = OutlookRequest.of(request, **options)
    rule = parse_rule(req.rule) if isinstance(req.rule, str) else req.rule
    ex = req.execution
    job = make_job(scenario, months=req.months, paths=req.paths, seed=req.seed, rule=rule,
                   solution=req.solution, lookahead=req.lookahead,
                   hold_months=req.hold_months, coverage=req.coverage,
                   block_size=req.block_size, utility=req.utility, parties=req.parties,
                   settlements_only=req.settlements_only)
    reduced = run_job(job, engine=ex.engine, scheduler=ex.scheduler, workers=ex.workers,
                      chunk_size=ex.chunk_size, progress=ex.progress)
    found: list[dict[str, Any]] | None = None
    if req.drivers:
        from .drivers import timing_drivers

        small = replace(job, paths=min(req.driver_paths, req.paths), holding=False)
        found = timing_drivers(scenario, small)
    return Outlook.build(scenario, job, reduced, coverage=req.coverage, top=req.top,
                         drivers=found)
