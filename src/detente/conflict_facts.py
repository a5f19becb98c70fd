"""The optional ``conflict:`` block of a scenario: facts about the war being negotiated over.

They describe the conflict in the terms of the war data sets (UCDP's type, incompatibility
and intensity; its start; who fights on each side) so that ``detente baserates`` can find
the historical reference class of cases like it. Each fact rests on the scenario's
``sources``. Models ignore the block: it changes no forecast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

_Add = Callable[[tuple[str | int, ...], str, str], None]


class ConflictFacts(BaseModel):
    """What kind of conflict this is (UCDP terms), since when, and who fights it.

    ``intensity``: 1 = 25–999 battle-related deaths a year, 2 = 1,000 or more.
    ``side_a`` / ``side_b``: ids of the scenario's actors fighting on each side (their
    capabilities give the capability ratio unless ``capability_ratio`` is stated).
    ``major_power``: whether a COW major power fights (None: derived from the sides).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    type: Literal["interstate", "intrastate", "internationalized", "extrasystemic"]
    incompatibility: Literal["territory", "government", "both"]
    intensity: Literal[1, 2] | None = None
    started: dt.date
    side_a: tuple[str, ...] = ()
    side_b: tuple[str, ...] = ()
    major_power: bool | None = None
    capability_ratio: float | None = Field(default=None, ge=1, allow_inf_nan=False)
    sources: tuple[str, ...] = ()
    evidence: str = ""


def check_conflict(facts: ConflictFacts | None, actor_ids: Iterable[str],
                   source_ids: Iterable[str], add: _Add) -> None:
    """Cross-references: sides name actors, sources name sources, no actor on both sides."""
    if facts is None:
        return
    actors, sources = set(actor_ids), set(source_ids)
    for side in ("side_a", "side_b"):
        for k, actor in enumerate(getattr(facts, side)):
            if actor not in actors:
                add(("conflict", side, k), repr(actor), "the id of an actor of the scenario")
    for actor in set(facts.side_a) & set(facts.side_b):
        add(("conflict", "side_b"), f"{actor!r} on both sides", "each actor on one side")
    for k, source in enumerate(facts.sources):
        if source not in sources:
            add(("conflict", "sources", k), repr(source), "the id of a source of the scenario")
