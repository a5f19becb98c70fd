"""An article turned into proposed changes for review, and a reviewed draft applied.

:func:`draft` reads a news text and proposes, with exact quotes, the actors
and issues it mentions and the stance statements it makes (see
:mod:`.rules`, :mod:`.tables`, :mod:`.build`); :func:`apply` turns the
edited review into a new scenario (:mod:`.apply`). Offline and deterministic
by default; :mod:`.llm` is the optional extractor through an
OpenAI-compatible endpoint.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from detente.errors import DetenteError
from detente.inputs.draft.apply import apply_review
from detente.inputs.draft.article import MAX_CHARS, read_article
from detente.inputs.draft.build import build_review, find
from detente.inputs.draft.gazetteer import Gazetteer
from detente.inputs.draft.review import Review
from detente.inputs.draft.review_file import read_review
from detente.inputs.files import decode_text, read_bytes
from detente.scenario import Scenario

Extractor = Literal["rules", "llm"]


@dataclass(frozen=True)
class Draft:
    """A review and what the extractor had to leave out."""

    review: Review
    dropped_quotes: int = 0


def draft(
    article: str | os.PathLike[str],
    *,
    into: Scenario | None = None,
    into_file: str | None = None,
    gazetteer: Sequence[str | os.PathLike[str]] = (),
    max_chars: int = MAX_CHARS,
    extractor: Extractor = "rules",
    llm_url: str | None = None,
    llm_key: str | None = None,
    llm_model: str | None = None,
    opener: Callable[..., Any] | None = None,
) -> Draft:
    """Proposed changes from one article (see the package docstring). ``opener`` replaces
    ``urllib.request.urlopen`` for the llm extractor (a transport stub in tests)."""
    if max_chars < 1:
        raise DetenteError(f"max_chars must be at least 1 (got {max_chars})")
    art = read_article(article, max_chars=max_chars)
    gaz = Gazetteer.load(gazetteer)
    if into is not None:
        gaz = gaz.with_scenario(into)
    if extractor == "rules":
        found = find(art, gaz, into)
        review = build_review(art, gazetteer=gaz, found=found, scenario=into,
                              scenario_file=into_file)
        return Draft(review)
    if extractor != "llm":
        raise DetenteError(f"unknown extractor {extractor!r}; use rules or llm")
    from detente.inputs.draft import llm

    endpoint = llm.Endpoint.resolve(llm_url, llm_key, llm_model)
    prompt = llm.prompt(art, into)
    answer = (llm.ask(endpoint, prompt) if opener is None
              else llm.ask(endpoint, prompt, opener=opener))
    got = llm.to_found(answer, art, gaz, into)
    review = build_review(art, gazetteer=gaz, found=got.found, scenario=into,
                          scenario_file=into_file, extractor=f"llm:{endpoint.model}")
    return Draft(review, got.dropped)


@dataclass(frozen=True)
class Applied:
    """The scenario a review makes, and whether the quotes could be re-checked."""

    scenario: Scenario
    quotes_checked: bool


def apply(review_path: str | os.PathLike[str], *, base: Scenario | None) -> Applied:
    """The new scenario from an edited review; ``base`` is the scenario it was drafted into
    (``None`` when it was drafted from scratch)."""
    review, root = read_review(review_path)
    if review.into is not None and base is None:
        raise DetenteError(f"{review_path}: was drafted into {review.into.file}; "
                           "that scenario is needed to apply it")
    text = None
    path = Path(review.article.file)
    if path.is_file():
        try:
            candidate = decode_text(read_bytes(path), str(path))
        except DetenteError:
            candidate = ""
        if hashlib.sha256(candidate.encode("utf-8")).hexdigest() == review.article.sha256:
            text = candidate
    scenario = apply_review(review, base=base, file=str(review_path), root=root,
                            article_text=text)
    return Applied(scenario, text is not None)
