"""From an article (and optionally the scenario it bears on) to a :class:`Review`.

The rules of :mod:`.rules` and :mod:`.tables` find statements; this module
gathers them into proposals: the actors mentioned (with the names the text
uses), the issues spoken of, one stance proposal per actor and issue with
every quote that bears on it and its cue words, and the dates. Numbers stay
blank (new stances, new actors' capabilities) or unchanged (stances the
scenario already has): the tool drafts and cites, the analyst decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from detente.errors import OptionError
from detente.inputs.draft.article import Article
from detente.inputs.draft.cues import find_cues
from detente.inputs.draft.dates import find_dates
from detente.inputs.draft.gazetteer import Gazetteer, Mention
from detente.inputs.draft.review import (
    ArticleInfo,
    IntoInfo,
    ProposedActor,
    ProposedDate,
    ProposedIssue,
    ProposedStance,
    Quote,
    Review,
    Unassigned,
)
from detente.inputs.draft.rules import (
    IssueIndex,
    Sentence,
    Statement,
    prose_statements,
    sentences,
)
from detente.inputs.draft.tables import Table, find_tables
from detente.inputs.draft.words import STOPWORDS, slug
from detente.scenario import Scenario

_COLUMN_WORDS = re.compile(
    r"^(?P<name>.*?)(?:[’']s)?\s+(?:positions?|stances?|response|views?|reaction|side|"
    r"demands?|offers?|line)$", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*\b")
_NOT_TERMS_TEXT = (
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december president minister prime "
    "secretary general read more share back top analysts")
_NOT_TERMS = frozenset(_NOT_TERMS_TEXT.split())


@dataclass(frozen=True)
class Found:
    """Everything the rules found in one article, before it becomes a review."""

    mentions: tuple[Mention, ...]
    statements: tuple[Statement, ...]
    issue_names: dict[str, str]
    issue_quotes: dict[str, tuple[int, int]]
    new_actors: dict[str, str]


def find(article: Article, gazetteer: Gazetteer, scenario: Scenario | None) -> Found:
    """Run the rules over the article."""
    text = article.text
    mentions = gazetteer.mentions(text)
    tables = find_tables(text)
    new_actors: dict[str, str] = {}
    columns = [_column_actors(t, gazetteer, new_actors) for t in tables]
    if not mentions and not any(any(c) for c in columns):
        known = len(gazetteer.actors)
        raise OptionError(
            f"{OptionError.quote(article.file)}: mentions no actor the gazetteer knows "
            f"({known} actors and their leaders"
            + (", and the scenario's actors" if scenario is not None else "")
            + "); add them with {gazetteer FILE:gazetteer=[FILE]}, or draft into a scenario "
            "that names them ({into})")
    exclude = {w.casefold() for m in mentions for w in re.findall(r"\w+", m.text)}
    if scenario is not None:
        exclude |= {w.casefold() for a in scenario.actors
                    for w in re.findall(r"\w+", f"{a.id} {a.name}")}
    exclude |= {w.casefold() for name in new_actors.values() for w in re.findall(r"\w+", name)}
    skip = [(t.header[0].start, t.rows[-1][-1].end) for t in tables]
    sents = sentences(text, skip)
    names: dict[str, str] = {}
    quotes: dict[str, tuple[int, int]] = {}
    if scenario is not None:
        index = IssueIndex.from_scenario(scenario, exclude)
        names = {i.id: i.name for i in scenario.issues}
        best: list[list[str | None]] = [[index.best(r[0].text) for r in t.rows]
                                        for t in tables]
    else:
        best = [[None] * len(t.rows) for t in tables]  # every row label is a new issue
        if not tables:
            for key, (name, span) in _capitalised_terms(text, sents, mentions).items():
                names[key], quotes[key] = name, span
    row_issue: list[list[str]] = []
    for t, matched in zip(tables, best, strict=True):  # rows no scenario issue matches: new
        row_issue.append([])
        for r, hit in zip(t.rows, matched, strict=True):
            row_key = hit or slug(r[0].text)
            if hit is None:
                names.setdefault(row_key, _label(r[0].text))
                quotes.setdefault(row_key, (r[0].start, r[0].end))
            row_issue[-1].append(row_key)
    if scenario is None:
        index = IssueIndex.from_names(names, exclude)
    statements = prose_statements(text, sents, mentions, index)
    for t, actors, keys in zip(tables, columns, row_issue, strict=True):
        for r, key in zip(t.rows, keys, strict=True):
            for cell, actor in zip(r[1:], actors[1:], strict=False):
                if actor is not None and cell.text:
                    statements.append(Statement(actor, (key,), tuple(find_cues(
                        cell.text, cell.start)), cell.start, cell.end, "table"))
    for st in statements:
        for key in st.issues:
            quotes.setdefault(key, (st.start, st.end))
    for key in new_actors:
        names.pop(key, None)
    return Found(tuple(mentions), tuple(statements), names, quotes, new_actors)


def _label(text: str) -> str:
    """A row label as an issue name: without quotation marks."""
    return re.sub(r"[“”\"]", "", text).strip()


def _column_actors(table: Table, gazetteer: Gazetteer, new: dict[str, str]
                   ) -> list[str | None]:
    """The actor each column speaks for (None for the label column and non-party columns)."""
    out: list[str | None] = [None]
    for cell in table.header[1:]:
        m = _COLUMN_WORDS.match(cell.text)
        name = (m.group("name") if m else cell.text).strip()
        key = gazetteer.resolve(name) if name else None
        if key is None and m and name:
            key = slug(name).upper().replace("-", "_")
            new[key] = name
        out.append(key)
    return out


def _capitalised_terms(text: str, sents: Sequence[Sentence], mentions: Sequence[Mention]
                       ) -> dict[str, tuple[str, tuple[int, int]]]:
    """Capitalised terms (not actors, not at a sentence's start) in two or more sentences."""
    seen: dict[str, list[tuple[int, int]]] = {}
    name_of: dict[str, str] = {}
    for s in sents:
        body = text[s.start:s.end]
        keys_here = set()
        for m in _CAPITALISED.finditer(body):
            a, b = s.start + m.start(), s.start + m.end()
            word = m.group(0)
            if m.start() == 0 or word.casefold() in _NOT_TERMS | STOPWORDS:
                continue
            if any(x.start < b and a < x.end for x in mentions):
                continue
            key = slug(word.rstrip("s"))
            name_of.setdefault(key, word)
            if key not in keys_here:
                seen.setdefault(key, []).append((a, b))
                keys_here.add(key)
    return {k: (name_of[k], spans[0]) for k, spans in seen.items() if len(spans) >= 2}


def build_review(article: Article, *, gazetteer: Gazetteer, found: Found,
                 scenario: Scenario | None = None, scenario_file: str | None = None,
                 extractor: str = "rules") -> Review:
    """Gather what was found into a review (see the module docstring)."""
    text = article.text
    stance_of: dict[tuple[str, str], list[Statement]] = {}
    unassigned = []
    for st in found.statements:
        if not st.issues:
            unassigned.append(Unassigned(actor=st.actor, quote=_quote(text, st)))
        for issue in st.issues:
            stance_of.setdefault((st.actor, issue), []).append(st)
    holders = {a for a, _ in stance_of}
    proposed: list = _actors(text, found, gazetteer, scenario, holders)
    spoken = {i for _, i in stance_of}
    for key, name in found.issue_names.items():
        in_sc = scenario is not None and key in scenario.issue_ids
        if key not in spoken and (in_sc or key not in found.issue_quotes):
            continue
        span = found.issue_quotes.get(key)
        proposed.append(ProposedIssue(
            id=key, name=name, in_scenario=in_sc,
            quote=Quote(text=text[span[0]:span[1]], start=span[0], end=span[1]) if span else None))
    for (actor, issue), sts in stance_of.items():
        existing = scenario.stance(actor, issue) if scenario is not None else None
        quotes: dict[tuple[int, int], Quote] = {}
        for st in sorted(sts, key=lambda s: s.start):
            q = quotes.setdefault((st.start, st.end), _quote(text, st, cues=False))
            q.cues[:] = list(dict.fromkeys([*q.cues, *(c.kind for c in st.cues)]))
        cues = list(dict.fromkeys(c for q in quotes.values() for c in q.cues))
        proposed.append(ProposedStance(
            # a new stance whose cues say only that the actor takes none (or merely watches:
            # "observing but not leading") is proposed unaccepted: no invented stance
            accept=existing is not None or not ("no stance" in cues
                                                and set(cues) <= {"no stance", "considers"}),
            actor=actor, issue=issue, in_scenario=existing is not None, cues=cues,
            quotes=list(quotes.values()),
            position=existing.position if existing else None,
            salience=existing.salience if existing else None,
            evidence=existing.evidence if existing else ""))
    for d in find_dates(text):
        proposed.append(ProposedDate(date=d.date, quote=Quote(text=d.text, start=d.start,
                                                              end=d.end)))
    into = None
    if scenario is not None:
        into = IntoInfo(file=scenario_file or scenario.name, name=scenario.name,
                        hash=scenario.hash)
    return Review(
        article=ArticleInfo(file=article.file, sha256=article.sha256, title=article.title,
                            date=article.date, chars=len(text)),
        into=into, extractor=extractor, as_of=article.date, proposed=proposed,
        unassigned=unassigned)


def _quote(text: str, st: Statement, cues: bool = True) -> Quote:
    kinds = list(dict.fromkeys(c.kind for c in st.cues)) if cues else []
    return Quote(text=text[st.start:st.end], start=st.start, end=st.end, cues=kinds)


def _actors(text: str, found: Found, gazetteer: Gazetteer, scenario: Scenario | None,
            holders: set[str]) -> list[ProposedActor]:
    order: dict[str, list[Mention]] = {}
    for m in found.mentions:
        order.setdefault(m.key, []).append(m)
    for key in found.new_actors:
        order.setdefault(key, [])
    every = sentences(text)
    out = []
    for key, ms in order.items():
        in_sc = scenario is not None and key in scenario.actor_ids
        capability = scenario.actor(key).capability if in_sc and scenario else None
        quote = None
        if ms:
            first = ms[0]
            a, b = next(((x.start, x.end) for x in every if x.start <= first.start
                         and first.end <= x.end), (first.start, first.end))
            quote = Quote(text=text[a:b], start=a, end=b)
        out.append(ProposedActor(
            accept=in_sc or key in holders, id=key,
            name=found.new_actors.get(key) or gazetteer.name_of(key),
            known=key not in found.new_actors, in_scenario=in_sc, mentions=len(ms),
            names=list(dict.fromkeys(m.text for m in ms)), quote=quote, capability=capability))
    return out
