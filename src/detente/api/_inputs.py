"""Analysts' inputs: panels, Delphi rounds, drafts from news articles.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente import formats
from detente.api._history import open_history
from detente.api._scenarios import _refuse_existing, load, save
from detente.models.registry import get_model
from detente.scenario import Scenario
from detente.scenarios import bundled_path, resolve

if TYPE_CHECKING:  # the inputs layer is imported on first use
    from detente.inputs.delphi import RoundSummary
    from detente.inputs.disagreement import DisagreementReport
    from detente.inputs.draft import Applied, Draft
    from detente.inputs.draft.review import Review
    from detente.inputs.panel import PanelResult


def _scenario_or_load(scenario: Scenario | str | os.PathLike[str] | None) -> Scenario | None:
    if scenario is None or isinstance(scenario, Scenario):
        return scenario
    return load(scenario)


def panel_combine(
    files: Iterable[str | os.PathLike[str]],
    *,
    base: Scenario | str | os.PathLike[str] | None = None,
    aggregator: str = "median",
    trim: float = 0.2,
    ranges: str = "spread",
    min_share: float = 0.5,
    name: str | None = None,
) -> PanelResult:
    """Combine several analysts' estimates of one negotiation, stance by stance.

    Returns a :class:`detente.inputs.panel.PanelResult` (the combined scenario and each
    value's provenance). ``base`` is the scenario compact CSV files apply to (default:
    the first whole scenario among ``files``); see :mod:`detente.inputs.panel` for the
    aggregators (``median``, ``trimmed-mean``) and range rules (``spread``, ``envelope``).
    """
    from detente.inputs.analysts import read_estimates
    from detente.inputs.panel import combine

    estimates = read_estimates(list(files), base=_scenario_or_load(base))
    return combine(estimates, aggregator=aggregator, trim=trim, ranges=ranges,  # type: ignore[arg-type]
                   min_share=min_share, name=name)


def panel_disagreement(
    files: Iterable[str | os.PathLike[str]],
    *,
    base: Scenario | str | os.PathLike[str] | None = None,
    model: str = "compromise",
    params: Mapping[str, Any] | None = None,
    aggregator: str = "median",
    min_share: float = 0.5,
    samples: int = 256,
    seed: int = 0,
    threshold: float = 0.05,
) -> DisagreementReport:
    """Where the analysts differ most and which differences move ``model``'s forecast.

    Returns a :class:`detente.inputs.disagreement.DisagreementReport`; see that module
    for the ranking and the test of "moves the forecast" (the existing sensitivity
    machinery run over the analysts' spread).
    """
    from detente.inputs.disagreement import disagreements

    panel = panel_combine(files, base=base, aggregator=aggregator, min_share=min_share)
    return disagreements(panel, get_model(model, **dict(params or {})), samples=samples,
                         seed=seed, threshold=threshold)


def delphi_round(
    folder: str | os.PathLike[str],
    files: Iterable[str | os.PathLike[str]] = (),
    *,
    base: Scenario | str | os.PathLike[str] | None = None,
    store: bool | None = None,
    db: str | os.PathLike[str] | None = None,
) -> RoundSummary:
    """Open a Delphi panel in ``folder`` (with the analysts' ``files``) or, without files,
    close the round the analysts revised and hand out the next.

    The rounds are kept as files in ``folder`` and, when :func:`delphi_store` says so, in
    the history store ``db`` (see :func:`open_history`): each analyst's estimates and the
    panel's median as versions noted "Delphi round k" (see :mod:`detente.inputs.delphi`).
    """
    from detente.inputs import delphi

    paths = list(files)
    history = open_history(db) if delphi_store(store, db) is not None else None
    try:
        if paths:
            return delphi.start(paths, folder, base=_scenario_or_load(base), store=history)
        return delphi.advance(folder, store=history)
    finally:
        if history is not None:
            history.close()


def delphi_store(store: bool | None, db: str | os.PathLike[str] | None = None) -> str | None:
    """Where :func:`delphi_round` keeps the rounds (the store's URL, password hidden), or
    ``None`` for files only. ``store=True`` keeps them (in ``db``, ``$DETENTE_DB`` or the
    default store), ``False`` never; ``None`` (the default) only when a store is named
    (``db`` or ``$DETENTE_DB``): the default store is never written to unasked."""
    from detente.store.db import ENV_VAR, display, resolve_url

    if store is False or (store is None and db is None and not os.environ.get(ENV_VAR)):
        return None
    return display(resolve_url(db))


def delphi_history(folder: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The anonymous summaries of every closed Delphi round in ``folder``, oldest first."""
    from detente.inputs import delphi

    return delphi.history(folder)


def draft_article(
    article: str | os.PathLike[str],
    *,
    into: str | os.PathLike[str] | None = None,
    gazetteer: Iterable[str | os.PathLike[str]] = (),
    max_chars: int = 1_000_000,
    extractor: str = "rules",
    llm_url: str | None = None,
    llm_key: str | None = None,
    llm_model: str | None = None,
) -> Draft:
    """Proposed changes, with exact quotes, from a news article (a
    :class:`detente.inputs.draft.Draft`); ``into`` is the scenario (file or bundled name)
    the quotes are to bear on. ``extractor="llm"`` uses an OpenAI-compatible endpoint
    (``llm_url``/``llm_key``/``llm_model`` or the ``DETENTE_LLM_*`` variables); the
    default, ``"rules"``, is offline and deterministic."""
    from detente.inputs.draft import draft

    scenario, into_file = None, None
    if into is not None:
        resolved = resolve(into)
        scenario = formats.read(resolved)
        into_file = os.fspath(into) if bundled_path(os.fspath(into)) == resolved else str(
            resolved.resolve())
    return draft(article, into=scenario, into_file=into_file, gazetteer=list(gazetteer),
                 max_chars=max_chars, extractor=extractor,  # type: ignore[arg-type]
                 llm_url=llm_url, llm_key=llm_key, llm_model=llm_model)


def save_review(review: Review, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write a draft's review file (atomic; an existing file only with ``force``)."""
    from detente.inputs.draft.review_file import write_review

    _refuse_existing(Path(path), force)
    return write_review(review, path)


def apply_draft(
    review: str | os.PathLike[str],
    *,
    output: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Applied:
    """The new scenario an edited review makes (validated; a
    :class:`detente.inputs.draft.Applied`), written to ``output`` if given (atomic)."""
    from detente.inputs.draft import apply
    from detente.inputs.draft.review_file import read_review

    if output is not None:
        _refuse_existing(Path(output), force)
    parsed, _ = read_review(review)
    base = load(parsed.into.file) if parsed.into is not None else None
    applied = apply(review, base=base)
    if output is not None:
        save(applied.scenario, output)
    return applied
