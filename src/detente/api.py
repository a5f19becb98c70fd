"""The Python API that the CLI (and later the web app) call."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente import formats
from detente.deals.space import DEFAULT_GRID
from detente.deals.utility import DealProblem, UtilityKind
from detente.errors import DetenteError
from detente.formats.genius import GeniusDomain, read_genius_domain
from detente.models.base import Model
from detente.models.registry import DEFAULT_MODELS, get_model
from detente.results import ForecastSet
from detente.scenario import Scenario
from detente.scenarios import bundled_names, bundled_path
from detente.utility_space import Acceptance

if TYPE_CHECKING:  # the inputs layer is imported on first use
    from detente.inputs.delphi import RoundSummary
    from detente.inputs.disagreement import DisagreementReport
    from detente.inputs.draft import Applied, Draft
    from detente.inputs.draft.review import Review
    from detente.inputs.panel import PanelResult


def _resolve(path_or_name: str | os.PathLike[str]) -> Path:
    text = os.fspath(path_or_name)
    path = Path(text)
    if path.exists():
        return path
    bundled = bundled_path(text)
    if bundled is not None:
        return bundled
    raise DetenteError(
        f"{text}: no such file, and no bundled scenario of that name "
        f"(bundled: {', '.join(bundled_names()) or 'none'})"
    )


def load(path_or_name: str | os.PathLike[str], *, format: str | None = None) -> Scenario:
    """Load one scenario from a file (any supported format) or a bundled name."""
    return formats.read(_resolve(path_or_name), format=format)


def load_all(path_or_name: str | os.PathLike[str], *, format: str | None = None) -> list[Scenario]:
    """Load every scenario in a file (a DEU table holds one per issue)."""
    return formats.read_all(_resolve(path_or_name), format=format)


def save(scenario: Scenario, path: str | os.PathLike[str], *, format: str | None = None) -> Path:
    """Write a scenario (format from the extension unless given); atomic."""
    return formats.write(scenario, path, format=format)


def forecast(
    scenario: Scenario | str | os.PathLike[str],
    models: Iterable[str | Model] | None = None,
    *,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = 0,
) -> ForecastSet:
    """Run several models on one scenario.

    ``models`` are names (see :func:`detente.available_models`) or model
    instances; ``params`` maps a model name to its keyword parameters.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    params = params or {}
    chosen = [
        m if isinstance(m, Model) else get_model(m, **params.get(m, {}))
        for m in (models or DEFAULT_MODELS)
    ]
    return ForecastSet(scenario, tuple(m.forecast(scenario, seed=seed) for m in chosen))


def load_genius(path: str | os.PathLike[str]) -> GeniusDomain:
    """A GENIUS negotiation (a folder, or its domain or one profile file): the scenario and
    every party's stated utility (``.scenario``, ``.spaces``)."""
    return read_genius_domain(_resolve(path))


def _is_genius(path: Path) -> bool:
    return path.is_dir() or formats.detect_format(path) == "genius"


def deal_problem(
    scenario: Scenario | GeniusDomain | str | os.PathLike[str],
    *,
    utility: UtilityKind = "linear",
    grid: int = DEFAULT_GRID,
    batna: Mapping[str, float] | None = None,
    acceptance: Acceptance | None = None,
) -> DealProblem:
    """The deal problem of a scenario, a GENIUS negotiation, or a file / folder / bundled name.

    GENIUS files (a folder, or an ``.xml`` domain or profile) are analysed with
    the utilities they state, as GENIUS computes them, and GENIUS's acceptance
    rule (at least the reservation value); other scenarios with distance
    utilities (``utility``, ``grid``) and acceptance above the BATNA.
    ``acceptance`` (``"above"`` or ``"at_least"``) overrides either default;
    ``batna`` overrides BATNAs by actor.
    """
    if not isinstance(scenario, Scenario | GeniusDomain):
        path = _resolve(scenario)
        scenario = read_genius_domain(path) if _is_genius(path) else formats.read(path)
    if isinstance(scenario, GeniusDomain):
        return DealProblem.from_scenario(scenario.scenario, spaces=scenario.spaces,
                                         batna=batna, acceptance=acceptance, grid=grid)
    return DealProblem.from_scenario(scenario, utility=utility, grid=grid, batna=batna,
                                     acceptance=acceptance)


def open_history(db: str | os.PathLike[str] | None = None) -> Any:
    """The history store (:class:`detente.History`): a file path or a SQLAlchemy URL
    (``postgresql+psycopg://...``); default ``$DETENTE_DB``, else ``history.sqlite`` in
    the user's data folder. Opening migrates the schema to this detente's revision."""
    from detente.store import History

    return History(db)


# ---- inputs: analysts' panels and articles turned into drafts ------------------------


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
    store: bool = True,
    db: str | os.PathLike[str] | None = None,
) -> RoundSummary:
    """Open a Delphi panel in ``folder`` (with the analysts' ``files``) or, without files,
    close the round the analysts revised and hand out the next.

    The rounds are kept as files in ``folder`` and, with ``store`` (default), in the
    history store ``db`` (see :func:`open_history`): each analyst's estimates and the
    panel's median as versions noted "Delphi round k" (see :mod:`detente.inputs.delphi`).
    """
    from detente.inputs import delphi

    paths = list(files)
    history = open_history(db) if store else None
    try:
        if paths:
            return delphi.start(paths, folder, base=_scenario_or_load(base), store=history)
        return delphi.advance(folder, store=history)
    finally:
        if history is not None:
            history.close()


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
        resolved = _resolve(into)
        scenario = formats.read(resolved)
        into_file = os.fspath(into) if bundled_path(os.fspath(into)) == resolved else str(
            resolved.resolve())
    return draft(article, into=scenario, into_file=into_file, gazetteer=list(gazetteer),
                 max_chars=max_chars, extractor=extractor,  # type: ignore[arg-type]
                 llm_url=llm_url, llm_key=llm_key, llm_model=llm_model)


def save_review(review: Review, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write a draft's review file (atomic; an existing file only with ``force``)."""
    from detente.inputs.draft.review_file import write_review

    _refuse_overwrite(path, force)
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
        _refuse_overwrite(output, force)
    parsed, _ = read_review(review)
    base = load(parsed.into.file) if parsed.into is not None else None
    applied = apply(review, base=base)
    if output is not None:
        save(applied.scenario, output)
    return applied


def _refuse_overwrite(path: str | os.PathLike[str], force: bool) -> None:
    if Path(path).exists() and not force:
        raise DetenteError(f"{os.fspath(path)}: exists; pass --force (force=True) to overwrite it")
