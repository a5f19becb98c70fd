"""How good a draft is against a reference scenario written by hand from the same article.

- **Actor recall**: the share of the reference's actors among the draft's
  proposed actors (same id, or same name ignoring case).
- **Issue recall**: the share of the reference's issues that a proposed issue
  matches: the same id, or a name sharing at least one content word (stemmed,
  not a stop word, not an actor's name) with the reference issue's id and name.
- **Row recall**: for a list of expected (actor, issue) pairs (e.g. the cells
  of the article's comparative table), the share for which the draft
  proposes a stance with at least one quote.
- **Quote precision** (the share of proposed quotes an analyst would keep):
  a quote in a stance proposal counts as kept when the reference has a stance
  of that actor on that issue *and* the quote shares at least one content word
  with that stance's evidence note (stop words and the names of actors as
  written in the article and the reference do not count). The criterion is
  mechanical and strict: a correct quote the reference's author paraphrased
  with other words counts as not kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from detente.inputs.draft.review import ProposedIssue, Review
from detente.inputs.draft.words import content_stems
from detente.scenario import Scenario


@dataclass(frozen=True)
class Score:
    """``found`` of ``total``, and what was missed (or judged not kept)."""

    found: int
    total: int
    missed: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.found / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.found}/{self.total} = {100 * self.share:.0f}%"


def actor_recall(review: Review, reference: Scenario) -> Score:
    proposed = {a.id.casefold() for a in review.actors} | {a.name.casefold()
                                                           for a in review.actors}
    missed = [a.id for a in reference.actors
              if a.id.casefold() not in proposed and a.name.casefold() not in proposed]
    return Score(len(reference.actors) - len(missed), len(reference.actors), tuple(missed))


def _actor_words(review: Review, reference: Scenario) -> set[str]:
    words: set[str] = set()
    for a in review.actors:
        for n in [a.name, a.id, *a.names]:
            words.update(w.casefold() for w in re.findall(r"\w+", n))
    for ra in reference.actors:
        words.update(w.casefold() for w in re.findall(r"\w+", f"{ra.id} {ra.name}"))
    return words


def issue_matches(issue: ProposedIssue, reference: Scenario, exclude: set[str]) -> list[str]:
    """The reference issues a proposed issue stands for."""
    if issue.id in reference.issue_ids:
        return [issue.id]
    mine = content_stems(issue.name, exclude)
    return [i.id for i in reference.issues
            if mine & content_stems(f"{i.id.replace('-', ' ')} {i.name}", exclude)]


def issue_recall(review: Review, reference: Scenario) -> Score:
    exclude = _actor_words(review, reference)
    hit = set()
    for p in review.issues:
        hit.update(issue_matches(p, reference, exclude))
    missed = [i for i in reference.issue_ids if i not in hit]
    return Score(len(reference.issues) - len(missed), len(reference.issues), tuple(missed))


def row_recall(review: Review, expected: Iterable[tuple[str, str]]) -> Score:
    have = {(s.actor, s.issue) for s in review.stances if s.quotes}
    wanted = list(expected)
    missed = [f"{a}/{i}" for a, i in wanted if (a, i) not in have]
    return Score(len(wanted) - len(missed), len(wanted), tuple(missed))


@dataclass(frozen=True)
class Verdict:
    actor: str
    issue: str
    quote: str
    kept: bool
    shared: tuple[str, ...]


def judge_quotes(review: Review, reference: Scenario) -> list[Verdict]:
    """Every quote of every stance proposal, judged by the criterion of the module docstring."""
    exclude = _actor_words(review, reference)
    out = []
    for s in review.stances:
        ref = reference.stance(s.actor, s.issue)
        evidence = content_stems(ref.evidence, exclude) if ref is not None else set()
        for q in s.quotes:
            shared = tuple(sorted(content_stems(q.text, exclude) & evidence))
            out.append(Verdict(s.actor, s.issue, q.text, bool(shared), shared))
    return out


def quote_precision(review: Review, reference: Scenario) -> Score:
    verdicts = judge_quotes(review, reference)
    missed = tuple(f"{v.actor}/{v.issue}: {v.quote[:70]}" for v in verdicts if not v.kept)
    return Score(len(verdicts) - len(missed), len(verdicts), missed)


def expected_pairs(actors: Sequence[str], issues: Sequence[str]) -> list[tuple[str, str]]:
    """Every (actor, issue) pair: the cells of a table with these columns and rows."""
    return [(a, i) for i in issues for a in actors]
