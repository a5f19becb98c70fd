"""Backtests: models scored on decisions with known outcomes; ensemble weights fitted.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from detente.api._scenarios import load_all
from detente.errors import DetenteError, OptionError
from detente.models.registry import available_models
from detente.results import BacktestReport, EnsembleFit

if TYPE_CHECKING:  # the inputs layer is imported on first use
    pass


def backtest_models() -> tuple[str, ...]:
    """What :func:`run_backtest` can score: every registered model, then the baselines."""
    from detente.backtest.run import default_models

    return default_models()


def capability_schemes() -> tuple[str, ...]:
    """How a backtest can set actors' capabilities (``capability=``)."""
    from detente.power.council import SCHEMES

    return tuple(SCHEMES)


def run_backtest(
    dataset: str | os.PathLike[str],
    *,
    models: Sequence[str] | None = None,
    capability: str = "equal",
    limit: int | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    format: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BacktestReport:
    """Score models on decisions with known outcomes (a DEU table).

    ``models``: default every registered model and the baselines;
    ``capability``: how actors' capabilities are set (default ``equal``);
    ``limit``: only the first N scoreable issues; ``bootstrap``: replicates for
    the confidence intervals (0: none); ``seed`` feeds the bootstrap and models.
    """
    from detente.backtest.deu import make_cases
    from detente.backtest.run import run_backtest as run

    cases = make_cases(load_all(dataset, format=format), capability=capability)
    if limit is not None:
        if limit < 1:
            raise OptionError("{limit} must be at least 1")
        cases = cases[:limit]
    if not cases:
        raise DetenteError(f"{dataset}: no scoreable issues (outcome in 0..100, >= 3 actors)")
    known = list(backtest_models())
    chosen = list(dict.fromkeys(models)) if models else known
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise DetenteError(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(known)}")
    result = run(cases, chosen, seed=seed, progress=progress, capability=capability)
    scores = result.scores(n_boot=bootstrap, seed=seed)
    return BacktestReport(result, tuple(scores), os.fspath(dataset), bootstrap)


def fit_ensemble(
    report: BacktestReport,
    path: str | os.PathLike[str],
    *,
    members: Sequence[str] | None = None,
    seed: int = 0,
    command: str = "",
) -> EnsembleFit:
    """Fit ensemble weights on a backtest's cases (held-out proposals, grouped CV) and
    write them with their provenance to ``path`` (JSON, atomically).

    ``members``: default the shipped members; ``"all"`` means every model.
    ``command`` is recorded in the provenance.
    """
    from detente.backtest.ensemble_fit import (
        SHIPPED_MEMBERS,
        evaluate,
        member_table,
        weights_document,
        write_weights,
    )
    from detente.models.ensemble import default_members

    if members and "all" in members:
        chosen = list(default_members())
    else:
        chosen = list(dict.fromkeys(members or SHIPPED_MEMBERS))
    allowed = set(default_members())
    bad = [m for m in chosen if m not in allowed]
    if bad:
        raise DetenteError(f"unknown ensemble member(s) {', '.join(bad)}; "
                           f"known: {', '.join(sorted(allowed))}")
    if "compromise" not in chosen:
        raise DetenteError("the ensemble's members must include 'compromise' (its baseline)")
    cases = report.result.cases
    table = member_table(cases, chosen, seed=seed)
    fitted = evaluate(table, seed=seed)
    doc = weights_document(fitted, dataset=report.dataset, capability=report.result.capability,
                           members=chosen, seed=seed, command=command)
    out = write_weights(doc, Path(path))
    unused = set(available_models()) - {m.split("@")[0] for m in chosen} - {"ensemble"}
    return EnsembleFit(fitted, tuple(chosen), out, tuple(sorted(unused)))


def shipped_ensemble_members() -> tuple[str, ...]:
    """The members of the shipped ensemble (the default of :func:`fit_ensemble`)."""
    from detente.backtest.ensemble_fit import SHIPPED_MEMBERS

    return tuple(SHIPPED_MEMBERS)
