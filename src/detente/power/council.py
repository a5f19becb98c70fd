"""Capabilities of EU legislative actors from the voting rules in force at the time.

DEU records positions and saliences but no capabilities. This module derives
them from the treaty rules of the era in which the Council decided (the
decision date; the introduction date, or the actors present, when it is
missing) and the issue's procedure and voting rule.

Council eras (cited, not quoted; see ``docs/accuracy.md``):

===============  =====================  ==========================================================
era              in force               qualified majority (QMV)
===============  =====================  ==========================================================
eu15             1995-01-01..2004-04-30 62 of 87 weighted votes (Art. 148(2) EC; Art. 205(2) EC
                                        after the Amsterdam renumbering, 1999)
eu25-transition  2004-05-01..2004-10-31 88 of 124 votes (2003 Act of Accession, Art. 26)
eu25-nice        2004-11-01..2006-12-31 232 of 321 votes and a majority of members (Nice Protocol
                                        on enlargement, Art. 3, as adapted by the 2003 Act of
                                        Accession, Art. 12)
eu27-nice        2007-01-01..2013-06-30 255 of 345 votes, majority of members (2005 Act of
                                        Accession, Art. 22)
eu28-nice        2013-07-01..2014-10-31 260 of 352 votes, majority of members (Protocol No 36,
                                        Art. 3(3), as adapted by the 2012 Act of Accession)
eu28-lisbon      2014-11-01..2020-01-31 double majority: >= 55% of members and >= 15 of them,
                                        representing >= 65% of the population; a blocking
                                        minority needs >= 4 members (Art. 16(4) TEU,
                                        Art. 238(3) TFEU)
eu27-lisbon      from 2020-02-01        the same rule without the United Kingdom
===============  =====================  ==========================================================

Simplifications, stated: the Nice rule's optional 62% population check is
left out (it could only be invoked on request and never changed an outcome);
Lisbon population shares are the Council's figures for 2016 (Council Decision
(EU, Euratom) 2015/2393, Annex III; percentages of the EU total, as
published) for the whole Lisbon era, and the EU27 shares are those
renormalised without the United Kingdom. Unanimity (Art. 205(3) EC,
Art. 238(4) TFEU): every member holds a veto, so votes do not matter.

Capability schemes (``capabilities(...)``), each on a scale where the average
Council member has capability 1 (capability = n × share of the Council):

- ``equal``: every actor 1 (the convention of the published DEU benchmarks);
- ``council-votes``: the member's weighted votes (QMV); under Lisbon, whose
  rule has no weights, the mean of its population share and its member-state
  share; under unanimity equal;
- ``shapley-shubik`` / ``banzhaf``: the member's a priori power in the
  Council's voting game of the era (:mod:`detente.power.indices`), QMV or
  unanimity as the issue says.

Institutions by procedure: under co-decision (COD, Art. 251 EC / Art. 294
TFEU) the Commission and the Parliament each get the capability of an average
member state (``institution_weight`` = 1 by default, as the data README's
convention has it); under consultation (CNS) the Parliament's opinion does
not bind the Council, so it gets 0, and the Commission keeps its weight.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np

from detente.power.indices import VotingGame, banzhaf, shapley_shubik

if TYPE_CHECKING:
    from detente.extras import DeuContext

Scheme = Literal["equal", "council-votes", "shapley-shubik", "banzhaf"]
SCHEMES: tuple[str, ...] = ("equal", "council-votes", "shapley-shubik", "banzhaf")

EU15 = ("at", "be", "dk", "fi", "fr", "de", "el", "ie", "it", "lu", "nl", "pt", "es", "se", "uk")
ACCESSION_2004 = ("cy", "cz", "ee", "hu", "lv", "lt", "mt", "pl", "si", "sk")
EU25 = EU15 + ACCESSION_2004
EU27 = EU25 + ("bu", "ro")
EU28 = EU27 + ("cr",)
EU27_2020 = tuple(m for m in EU28 if m != "uk")

#: weighted votes, EU15 (1995-2004)
VOTES_EU15 = {"de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5,
              "pt": 5, "at": 4, "se": 4, "dk": 3, "fi": 3, "ie": 3, "lu": 2}
#: the 2004 Act of Accession's votes for the new members, May-October 2004
VOTES_TRANSITION_2004 = {**VOTES_EU15, "pl": 8, "cz": 5, "hu": 5, "ee": 3, "lv": 3, "lt": 3,
                         "si": 3, "sk": 3, "cy": 2, "mt": 2}
#: Nice weights (EU25/EU27/EU28 take the members present)
VOTES_NICE = {"de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13,
              "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10,
              "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4,
              "lu": 4, "si": 4, "mt": 3}
#: population, hundredths of a percent of the EU28 total (Council figures for 2016)
POPULATION_2016 = {"de": 1593, "fr": 1304, "uk": 1273, "it": 1207, "es": 912, "pl": 747,
                   "ro": 390, "nl": 337, "be": 221, "el": 213, "cz": 205, "pt": 204, "hu": 194,
                   "se": 192, "at": 169, "bu": 142, "dk": 111, "fi": 108, "sk": 106, "ie": 91,
                   "cr": 83, "lt": 57, "si": 41, "lv": 39, "ee": 26, "cy": 17, "lu": 11, "mt": 8}


@dataclass(frozen=True)
class Era:
    """The Council's composition and qualified-majority rule over a span of dates."""

    name: str
    start: dt.date
    end: dt.date
    members: tuple[str, ...]
    votes: dict[str, int] | None  # None: double majority (population and members)
    quota: int  # votes, or for double majority the population share in percent
    min_members: int = 0
    blocking_min: int | None = None
    source: str = ""

    def qmv_game(self) -> VotingGame:
        """The QMV voting game over ``members`` (in that order)."""
        if self.votes is not None:
            return VotingGame(tuple(self.votes[m] for m in self.members), self.quota,
                              self.min_members)
        pop = tuple(POPULATION_2016[m] for m in self.members)
        quota = math.ceil(sum(pop) * self.quota / 100 - 1e-9)
        return VotingGame(pop, quota, self.min_members, self.blocking_min)

def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _lisbon_members(n: int) -> int:
    return max(15, math.ceil(0.55 * n - 1e-9))


ERAS: tuple[Era, ...] = (
    Era("eu15", _date("1995-01-01"), _date("2004-04-30"), EU15, VOTES_EU15, 62,
        source="Art. 148(2) EC / Art. 205(2) EC (Amsterdam numbering)"),
    Era("eu25-transition", _date("2004-05-01"), _date("2004-10-31"), EU25,
        VOTES_TRANSITION_2004, 88, source="2003 Act of Accession, Art. 26"),
    Era("eu25-nice", _date("2004-11-01"), _date("2006-12-31"), EU25,
        {m: VOTES_NICE[m] for m in EU25}, 232, 13,
        source="Treaty of Nice, Protocol on enlargement, Art. 3; 2003 Act of Accession, Art. 12"),
    Era("eu27-nice", _date("2007-01-01"), _date("2013-06-30"), EU27,
        {m: VOTES_NICE[m] for m in EU27}, 255, 14, source="2005 Act of Accession, Art. 22"),
    Era("eu28-nice", _date("2013-07-01"), _date("2014-10-31"), EU28, dict(VOTES_NICE), 260, 15,
        source="Protocol No 36, Art. 3(3); 2012 Act of Accession, Art. 20"),
    Era("eu28-lisbon", _date("2014-11-01"), _date("2020-01-31"), EU28, None, 65,
        _lisbon_members(28), 4, source="Art. 16(4) TEU; Art. 238(3) TFEU; Council Decision "
        "(EU, Euratom) 2015/2393 (population)"),
    Era("eu27-lisbon", _date("2020-02-01"), _date("2099-12-31"), EU27_2020, None, 65,
        _lisbon_members(27), 4, source="Art. 16(4) TEU; Art. 238(3) TFEU"),
)
ERA_BY_NAME = {e.name: e for e in ERAS}


def era_for_date(date: dt.date) -> Era:
    """The era in force on ``date`` (the first era for earlier dates)."""
    for era in ERAS:
        if era.start <= date <= era.end:
            return era
    return ERAS[0]


def era_for_actors(actors: set[str]) -> Era:
    """The first era whose Council includes every member state among ``actors``."""
    states = actors & set(EU28)
    for era in ERAS:
        if states <= set(era.members):
            return era
    return ERAS[-2]


def choose_era(decision_date: str | None, intro_date: str | None, actors: set[str]) -> Era:
    """The era of the decision date, else of the introduction date, else of the actors present.

    If a member state with a position was not yet a member in that era (a
    mis-coded date), the first era that includes it is taken instead.
    """
    for text in (decision_date, intro_date):
        if text:
            era = era_for_date(dt.date.fromisoformat(text))
            break
    else:
        return era_for_actors(actors)
    if not (actors & set(EU28)) <= set(era.members):
        return era_for_actors(actors)
    return era


@lru_cache(maxsize=64)
def council_shares(era_name: str, rule: str, scheme: str) -> dict[str, float]:
    """Each member's share of the Council (sums to 1) under ``scheme`` for ``rule`` (QMV/Unan)."""
    era = ERA_BY_NAME[era_name]
    n = len(era.members)
    if scheme == "equal" or rule == "unan":
        return {m: 1.0 / n for m in era.members}
    if scheme == "council-votes":
        if era.votes is not None:
            total = sum(era.votes.values())
            return {m: era.votes[m] / total for m in era.members}
        pop = {m: POPULATION_2016[m] for m in era.members}
        total_pop = sum(pop.values())
        return {m: 0.5 * pop[m] / total_pop + 0.5 / n for m in era.members}
    game = era.qmv_game()
    if scheme == "shapley-shubik":
        index = shapley_shubik(game)
    elif scheme == "banzhaf":
        index = banzhaf(game, normalised=True)
    else:
        raise ValueError(f"unknown capability scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    return {m: float(v) for m, v in zip(era.members, index, strict=True)}


def capabilities(
    actors: Sequence[str],
    *,
    scheme: str,
    era: Era,
    voting_rule: str,
    procedure: str,
    institution_weight: float = 1.0,
) -> np.ndarray:
    """Capability of each actor (DEU codes), the average Council member = 1.

    ``voting_rule``: ``QMV`` or ``Unan``; ``procedure``: ``COD`` or ``CNS``
    (anything else is treated as COD). See the module docstring.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown capability scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    if scheme == "equal":
        return np.ones(len(actors))
    rule = "unan" if voting_rule.strip().lower().startswith("unan") else "qmv"
    shares = council_shares(era.name, rule, scheme)
    n = len(era.members)
    out = []
    for a in actors:
        if a == "com":
            out.append(institution_weight)
        elif a == "ep":
            out.append(0.0 if procedure.strip().upper() == "CNS" else institution_weight)
        else:
            out.append(n * shares.get(a, 0.0))
    return np.array(out, dtype=float)


@dataclass(frozen=True)
class CouncilPower:
    """Capabilities of the actors of one EU decision under the Council rules then in force.

    A capability provider for the ensemble's Council-power members
    (``compromise@banzhaf`` etc.): :meth:`capabilities` picks the era with
    :func:`choose_era` and applies :func:`capabilities`.
    """

    decision_date: str | None
    intro_date: str | None
    voting_rule: str = "QMV"
    procedure: str = "COD"
    institution_weight: float = 1.0

    @classmethod
    def from_deu(cls, context: DeuContext, *, institution_weight: float = 1.0) -> CouncilPower:
        """The Council rules of a DEU issue (its dates, voting rule and procedure)."""
        return cls(context.decision_date, context.intro_date, context.voting_rule,
                   context.procedure, institution_weight)

    def era(self, actors: Sequence[str]) -> Era:
        return choose_era(self.decision_date, self.intro_date, set(actors))

    def capabilities(self, actors: Sequence[str], scheme: str) -> np.ndarray:
        """Each actor's capability under ``scheme`` (see :data:`SCHEMES`)."""
        return capabilities(tuple(actors), scheme=scheme, era=self.era(actors),
                            voting_rule=self.voting_rule, procedure=self.procedure,
                            institution_weight=self.institution_weight)
