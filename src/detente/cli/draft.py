"""``detente draft``: a news article turned into proposed changes, and a reviewed draft applied."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from detente import api
from detente.cli.common import OutputFormat, console, err_console, guard
from detente.cli.options import ForceOpt, TableJsonOpt
from detente.errors import DetenteError
from detente.present.inputs import review_table
from detente.present.text import counts


class ExtractorName(enum.StrEnum):
    rules = "rules"
    llm = "llm"


@guard
def draft(
    target: Annotated[str, typer.Argument(
        metavar="ARTICLE | apply", help="The article (plain text), or the word 'apply'.")],
    review: Annotated[str | None, typer.Argument(
        metavar="[REVIEW]", help="With 'apply': the edited review file.")] = None,
    into: Annotated[str | None, typer.Option(
        "--into", help="Scenario (file or bundled name) the quotes are to bear on.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Draft: the review file to write (default: print a summary "
        "only). Apply: the new scenario file.")] = None,
    gazetteer: Annotated[list[Path] | None, typer.Option(
        "--gazetteer", "-g", help="Extra gazetteer file(s) (states, organisations, leaders; "
        "same YAML as the shipped one).")] = None,
    max_chars: Annotated[int, typer.Option(
        min=1, help="Refuse longer texts.")] = 1_000_000,
    extractor: Annotated[ExtractorName, typer.Option(
        help="rules (offline, deterministic) or llm (an OpenAI-compatible endpoint).")
    ] = ExtractorName.rules,
    llm_url: Annotated[str | None, typer.Option(
        help="llm: base URL, e.g. http://127.0.0.1:8080/v1 (or DETENTE_LLM_URL).")] = None,
    llm_key: Annotated[str | None, typer.Option(
        help="llm: API key (or DETENTE_LLM_KEY).")] = None,
    llm_model: Annotated[str | None, typer.Option(
        help="llm: model name (or DETENTE_LLM_MODEL).")] = None,
    force: ForceOpt = False,
    out_format: TableJsonOpt = OutputFormat.table,
) -> None:
    """Draft changes from a news article, or apply an edited draft.

    detente draft ARTICLE [--into SCENARIO] [-o REVIEW.yaml]: propose, with exact quotes
    and character offsets, the actors and issues the article mentions, stance statements
    with their cue words (demands, rejects, offers, holds back, considers, ...), dates, and
    with --into the stances each quote bears on. Numbers stay blank or unchanged: the tool
    drafts and cites, the analyst decides.

    detente draft apply REVIEW -o NEW.yaml: the edited review as a new scenario version
    (validated; written atomically).
    """
    if out_format is OutputFormat.csv:
        raise DetenteError("draft writes table or json (the review file itself is YAML: -o)")
    if target == "apply":
        if review is None:
            raise DetenteError("draft apply: give the review file (detente draft apply "
                               "REVIEW -o NEW.yaml)")
        _apply(review, output, force, out_format)
        return
    if review is not None:
        raise DetenteError(f"unexpected argument {review!r}: draft takes one article (to "
                           "apply a review: detente draft apply REVIEW)")
    result = api.draft_article(target, into=into, gazetteer=gazetteer or [],
                               max_chars=max_chars, extractor=extractor.value,
                               llm_url=llm_url, llm_key=llm_key, llm_model=llm_model)
    if output is not None:
        api.save_review(result.review, output, force=force)
    if out_format is OutputFormat.json:
        console.print_json(json.dumps(result.review.model_dump(mode="json")))
    else:
        console.print(review_table(result.review))
    if result.dropped_quotes:
        err_console.print(f"left out {result.dropped_quotes} quote(s) the extractor gave that "
                          "are not in the article", highlight=False)
    if output is not None:
        err_console.print(f"wrote {output}: edit it, then `detente draft apply {output} "
                          "-o NEW.yaml`", highlight=False)


def _apply(review: str, output: Path | None, force: bool, out_format: OutputFormat) -> None:
    if output is None:
        raise DetenteError("draft apply: give the new scenario's file with -o NEW.yaml")
    applied = api.apply_draft(review, output=output, force=force)
    sc = applied.scenario
    if out_format is OutputFormat.json:
        console.print_json(json.dumps({"file": str(output), "name": sc.name,
                                       "as_of": str(sc.as_of), "hash": sc.hash,
                                       "quotes_checked": applied.quotes_checked}))
        return
    err_console.print(
        f"wrote {output}: {sc.name} as of {sc.as_of}, {counts(sc)}"
        + ("" if applied.quotes_checked else " (article not found or changed: quotes not "
           "re-checked)"), highlight=False)
