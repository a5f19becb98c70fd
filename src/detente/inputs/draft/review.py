"""The review file: what a draft proposes, for an analyst to edit, then apply.

A YAML document::

    review: 1
    article: {file, sha256, title, date, chars}
    into: {file, name, hash}          # the scenario the draft bears on, or absent
    extractor: rules                  # or llm:<model>
    as_of: 2025-11-05                 # the new version's date (from the article)
    proposed:
      - kind: actor      id, name, known (in the gazetteer), in_scenario, mentions,
                         names (as written), quote, capability (blank: the analyst decides)
      - kind: issue      id, name, in_scenario, quote, low, high, status_quo, anchors
      - kind: stance     actor, issue, in_scenario, cues, quotes [{text, start, end, cues}],
                         position, salience (blank, or the scenario's values unchanged),
                         evidence
      - kind: date       date, quote
    unassigned: [...]                 # quoted statements that matched no issue

Every entry has ``accept`` (true by default): set it to false to drop the
proposal. Quotes are exact: ``article[start:end] == text``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_VERSION = 1


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Quote(_Entry):
    """An exact span of the article."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    cues: list[str] = Field(default_factory=list)


class ProposedActor(_Entry):
    kind: Literal["actor"] = "actor"
    accept: bool = True
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    known: bool = True
    in_scenario: bool = False
    mentions: int = 0
    names: list[str] = Field(default_factory=list)
    quote: Quote | None = None
    capability: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class ProposedIssue(_Entry):
    kind: Literal["issue"] = "issue"
    accept: bool = True
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    in_scenario: bool = False
    quote: Quote | None = None
    low: float = Field(default=0.0, allow_inf_nan=False)
    high: float = Field(default=100.0, allow_inf_nan=False)
    status_quo: float | None = Field(default=None, allow_inf_nan=False)
    anchors: dict[float, str] = Field(default_factory=dict)


class ProposedStance(_Entry):
    kind: Literal["stance"] = "stance"
    accept: bool = True
    actor: str = Field(min_length=1)
    issue: str = Field(min_length=1)
    in_scenario: bool = False
    cues: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(min_length=1)
    position: float | None = Field(default=None, allow_inf_nan=False)
    salience: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    position_range: tuple[float, float] | None = None
    salience_range: tuple[float, float] | None = None
    evidence: str = ""


class ProposedDate(_Entry):
    kind: Literal["date"] = "date"
    accept: bool = True
    date: dt.date
    quote: Quote


Proposal = Annotated[ProposedActor | ProposedIssue | ProposedStance | ProposedDate,
                     Field(discriminator="kind")]


class ArticleInfo(_Entry):
    file: str
    sha256: str
    title: str = ""
    date: dt.date | None = None
    chars: int = 0


class IntoInfo(_Entry):
    file: str
    name: str
    hash: str


class Unassigned(_Entry):
    actor: str
    quote: Quote


class Review(_Entry):
    """A whole review file."""

    review: int = FORMAT_VERSION
    article: ArticleInfo
    into: IntoInfo | None = None
    extractor: str = "rules"
    as_of: dt.date | None = None
    proposed: list[Proposal] = Field(default_factory=list)
    unassigned: list[Unassigned] = Field(default_factory=list)

    def entries(self, kind: str) -> list[Any]:
        return [p for p in self.proposed if p.kind == kind]

    @property
    def actors(self) -> list[ProposedActor]:
        return self.entries("actor")

    @property
    def issues(self) -> list[ProposedIssue]:
        return self.entries("issue")

    @property
    def stances(self) -> list[ProposedStance]:
        return self.entries("stance")

    @property
    def dates(self) -> list[ProposedDate]:
        return self.entries("date")
