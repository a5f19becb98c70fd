"""Random and mangled articles: the draft either gives a clean DetenteError or a review whose
every quote is the article's exact text at its offsets."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.errors import DetenteError
from detente.inputs.draft.article import article_from_text
from detente.inputs.draft.build import build_review, find
from detente.inputs.draft.gazetteer import Gazetteer

from .conftest import ARTICLE, DATA

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
GAZETTEER = Gazetteer.load()
SCENARIO = detente.load("ukraine-2025-11")
SEEDS = [ARTICLE.read_text(encoding="utf-8"),
         (DATA / "fictional-selka-water-talks.txt").read_text(encoding="utf-8")]


def _check(text: str, into: bool) -> None:
    try:
        art = article_from_text(text)
        gaz = GAZETTEER.with_scenario(SCENARIO) if into else GAZETTEER
        scenario = SCENARIO if into else None
        review = build_review(art, gazetteer=gaz, found=find(art, gaz, scenario),
                              scenario=scenario)
    except DetenteError:
        return
    for p in review.proposed:
        quotes = p.quotes if p.kind == "stance" else [q for q in [p.quote] if q]
        for q in quotes:
            assert text[q.start:q.end] == q.text


@FUZZ
@given(seed=st.sampled_from(SEEDS), cuts=st.lists(st.tuples(st.integers(0, 8000),
                                                           st.integers(0, 400)), max_size=6),
       junk=st.text(max_size=200), into=st.booleans())
def test_mangled_articles(seed, cuts, junk, into):
    text = seed
    for at, length in cuts:
        at %= max(len(text), 1)
        text = text[:at] + junk + text[at + length:]
    _check(text, into)


@FUZZ
@given(text=st.text(min_size=0, max_size=600), into=st.booleans())
def test_random_text(text, into):
    _check(text, into)
