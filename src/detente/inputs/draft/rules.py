"""The deterministic rules: sentences, which issues each speaks of, who says what.

- **Sentences.** Each line is a block; a block is cut into sentences after
  ``.``, ``!`` or ``?`` (and a closing quote) followed by a space and a
  capital or an opening quote. Table lines are left to :mod:`.tables`.
- **Issues.** Each issue has *primary* terms (the stems of its id and name)
  and *secondary* terms (of its description, anchors and options), without
  stop words and actors' names. A text scores Σ 1/df(t) over the primary terms
  it contains plus ¼ Σ 1/df(t) over the secondary ones, df(t) being the number
  of issues sharing the term; a sentence speaks of every issue scoring at
  least ``threshold`` (0.75), a table row's label of its best-scoring issue.
  A sentence that matches no issue but refers back ("it", "the idea", "these
  missiles", ...) speaks of the issues of the sentence before it; a heading
  that matches none ends that chain.
- **Who says what.** Clauses are cut at commas, semicolons, colons, dashes,
  quotation marks and "while / whereas / but". The first cue word of a
  clause belongs to the actor mentioned nearest before it in the clause (else
  in the sentence, else the first after it in the clause); later cues in the
  clause belong to the same actor.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from detente.inputs.draft.cues import Cue, find_cues
from detente.inputs.draft.gazetteer import Mention
from detente.inputs.draft.words import content_stems
from detente.scenario import Scenario

SECONDARY_WEIGHT = 0.25
THRESHOLD = 0.75
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’]?\s+(?=[“\"A-Z])")
_CLAUSE = re.compile(r"[,;:—–“”\"]|\b(?:while|whereas|but)\b", re.IGNORECASE)
_ANAPHOR = re.compile(r"\b(?:it|them|this|these|those|such|the (?:idea|concept|"
                      r"proposal|plan|project|offer|demand|deal|move|weapons?|missiles?|"
                      r"region|territory|talks|framework))\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    heading: bool


@dataclass(frozen=True)
class Statement:
    """A quoted span in which an actor says or does something about issues."""

    actor: str
    issues: tuple[str, ...]
    cues: tuple[Cue, ...]
    start: int
    end: int
    origin: str  # "prose" or "table"


@dataclass(frozen=True)
class IssueTerms:
    key: str
    name: str
    primary: frozenset[str]
    secondary: frozenset[str]


class IssueIndex:
    """Scores texts against issues by their terms (see the module docstring)."""

    def __init__(self, issues: Sequence[IssueTerms]):
        self.issues = tuple(issues)
        self._df_p = _df(i.primary for i in self.issues)
        self._df_s = _df(i.secondary for i in self.issues)

    @classmethod
    def from_scenario(cls, scenario: Scenario, exclude: set[str]) -> IssueIndex:
        terms = []
        for i in scenario.issues:
            primary = content_stems(f"{i.id.replace('-', ' ')} {i.name}", exclude)
            extra = " ".join([i.description, *(a.label for a in i.anchors),
                              *(o.name.replace("-", " ") for o in i.options)])
            terms.append(IssueTerms(i.id, i.name, frozenset(primary),
                                    frozenset(content_stems(extra, exclude) - primary)))
        return cls(terms)

    @classmethod
    def from_names(cls, names: dict[str, str], exclude: set[str]) -> IssueIndex:
        return cls([IssueTerms(k, n, frozenset(content_stems(n, exclude)), frozenset())
                    for k, n in names.items()])

    def scores(self, text: str) -> dict[str, float]:
        stems = content_stems(text)
        out = {}
        for i in self.issues:
            s = sum(1 / self._df_p[t] for t in i.primary & stems)
            s += SECONDARY_WEIGHT * sum(1 / self._df_s[t] for t in i.secondary & stems)
            if s > 0:
                out[i.key] = s
        return out

    def match(self, text: str, threshold: float = THRESHOLD) -> tuple[str, ...]:
        return tuple(k for k, s in self.scores(text).items() if s >= threshold)

    def best(self, text: str) -> str | None:
        scores = self.scores(text)
        return max(scores, key=lambda k: scores[k]) if scores else None


def _df(sets: Iterable[frozenset[str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in sets:
        for t in s:
            out[t] = out.get(t, 0) + 1
    return out


def sentences(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    """The sentences of ``text`` outside the ``skip`` spans (tables)."""
    out = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start = offset
        offset += len(line)
        if not body.strip() or any(a <= start < b for a, b in skip):
            continue
        words = body.split()
        heading = len(words) <= 14 and not body.rstrip().endswith((".", "!", "?", "”", '"', ":"))
        cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(body)), len(body)]
        for a, b in itertools.pairwise(cuts):
            seg = body[a:b]
            lead = len(seg) - len(seg.lstrip())
            seg = seg.strip()
            if seg:
                out.append(Sentence(start + a + lead, start + a + lead + len(seg), heading))
    return out


def prose_statements(text: str, sents: Sequence[Sentence], mentions: Sequence[Mention],
                     index: IssueIndex) -> list[Statement]:
    """Statements from the sentences (see the module docstring)."""
    out = []
    topic: tuple[str, ...] = ()
    for s in sents:
        body = text[s.start:s.end]
        issues = index.match(body)
        if issues:
            topic = issues
        elif s.heading:
            topic = ()
        elif _ANAPHOR.search(body):
            issues = topic
        inside = [m for m in mentions if s.start <= m.start and m.end <= s.end]
        by_actor: dict[str, list[Cue]] = {}
        for clause_start, clause_end in _clauses(body, s.start):
            holder: str | None = None
            for cue in find_cues(text[clause_start:clause_end], clause_start):
                holder = holder or _holder(cue, inside, clause_start, clause_end)
                if holder is not None:
                    by_actor.setdefault(holder, []).append(cue)
        for actor, cues in by_actor.items():
            out.append(Statement(actor, issues, tuple(cues), s.start, s.end, "prose"))
    return out


def _clauses(body: str, offset: int) -> list[tuple[int, int]]:
    edges = [0, *(m.start() for m in _CLAUSE.finditer(body)), len(body)]
    return [(offset + a, offset + b) for a, b in itertools.pairwise(edges)
            if b > a]


def _holder(cue: Cue, inside: Sequence[Mention], c_start: int, c_end: int) -> str | None:
    before_clause = [m for m in inside if c_start <= m.start and m.end <= cue.start]
    if before_clause:
        return before_clause[-1].key
    before = [m for m in inside if m.end <= cue.start]
    if before:
        return before[-1].key
    after = [m for m in inside if m.start >= cue.end and m.end <= c_end]
    return after[0].key if after else None
