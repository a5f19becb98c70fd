"""Typed extras a reader leaves beside a scenario: what some models need beyond the numbers.

A scenario's ``metadata`` is where a reader keeps what its format holds and
detente's schema does not (so that a write gives the file back). Two kinds of
it matter to models and backtests, and this module is the one place that reads
them, into typed, validated records:

- :class:`KtabSettings`: a KTAB scenario's ``<ModelParameters>``, its PRNG seed
  and its ideal-accommodation pairs (``metadata["ktab"]``); the SMP model takes
  them through ``SpatialModelOfPolitics.from_ktab(settings)``;
- :class:`DeuContext`: an EU legislative issue of the DEU data set
  (``metadata["dataset"] == "deu"``): its proposal, dates, voting rule and
  procedure, the realised outcome, and the actors whose salience DEU does not
  record; backtests and the Council-power members of the ensemble use it.

:func:`extras_of` gives both for any scenario (``None`` where absent), so a
scenario saved as YAML and loaded again keeps them. Models never look at
``metadata`` themselves: whoever runs them passes the extras in
(:meth:`detente.models.base.Model.bind`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from detente.errors import Problem, ScenarioError, short
from detente.scenario import Scenario


@dataclass(frozen=True)
class Accommodation:
    """One KTAB ``<iaPair>``: ``actor`` moves its ideal toward ``reference``'s position at rate
    ``adjust`` (in [0, 1])."""

    actor: str
    reference: str
    adjust: float


@dataclass(frozen=True)
class KtabSettings:
    """What a KTAB file says about how to run its SMP.

    ``parameters``: KTAB's ``<ModelParameters>`` by KTAB's names (e.g.
    ``{"VictoryProbModel": "Linear"}``), as written; ``seed``: ``<prngSeed>``
    (``None`` if absent); ``accommodation``: the ideal-accommodation pairs.
    """

    parameters: Mapping[str, str]
    seed: int | None = None
    accommodation: tuple[Accommodation, ...] = ()


@dataclass(frozen=True)
class DeuContext:
    """An EU legislative issue from the DEU data set (dates as ISO text, ``None`` if unknown)."""

    proposal: str
    decision_date: str | None
    intro_date: str | None
    voting_rule: str
    procedure: str
    outcome: float | None
    missing_salience: frozenset[str] = frozenset()
    proposal_name: str = ""


@dataclass(frozen=True)
class ScenarioExtras:
    """The typed extras of one scenario (each ``None`` where the scenario has none)."""

    ktab: KtabSettings | None = None
    deu: DeuContext | None = None


NONE = ScenarioExtras()


def extras_of(scenario: Scenario) -> ScenarioExtras:
    """The typed extras kept in ``scenario.metadata`` (see the module docstring).

    Raises :class:`~detente.errors.ScenarioError` naming the metadata field when
    a value is not of the expected kind (e.g. a hand-edited YAML file).
    """
    meta = scenario.metadata
    if not meta:
        return NONE
    problems: list[Problem] = []
    ktab = _ktab(meta.get("ktab"), problems)
    deu = _deu(scenario, meta, problems) if meta.get("dataset") == "deu" else None
    if problems:
        raise ScenarioError(problems)
    return ScenarioExtras(ktab=ktab, deu=deu)


def _ktab(raw: Any, problems: list[Problem]) -> KtabSettings | None:
    if not raw:
        return None
    if not isinstance(raw, Mapping):
        problems.append(Problem(("metadata", "ktab"), short(raw), "a mapping of KTAB settings"))
        return None
    params = raw.get("parameters") or {}
    if not isinstance(params, Mapping):
        problems.append(Problem(("metadata", "ktab", "parameters"), short(params),
                                "a mapping of KTAB parameter names to values"))
        params = {}
    seed: int | None = None
    text = raw.get("seed")
    if text:
        try:
            seed = int(text)
        except (TypeError, ValueError):
            problems.append(Problem(("metadata", "ktab", "seed"), short(text),
                                    "an unsigned 64-bit integer"))
    pairs: list[Accommodation] = []
    for k, item in enumerate(raw.get("accommodation") or ()):
        try:
            pairs.append(Accommodation(str(item["actor"]), str(item["reference"]),
                                       float(item["adjust"])))
        except (TypeError, KeyError, ValueError):
            problems.append(Problem(("metadata", "ktab", "accommodation", k), short(item),
                                    "a mapping with actor, reference and adjust"))
    return KtabSettings(parameters={str(k): str(v) for k, v in params.items()},
                        seed=seed, accommodation=tuple(pairs))


def _deu(scenario: Scenario, meta: Mapping[str, Any], problems: list[Problem]) -> DeuContext:
    outcome = meta.get("outcome")
    value: float | None = None
    if outcome is not None:
        try:
            value = float(outcome)
        except (TypeError, ValueError):
            problems.append(Problem(("metadata", "outcome"), short(outcome), "a number"))
    missing = meta.get("missing_salience") or ()
    return DeuContext(
        proposal=str(meta.get("proposal") or scenario.name),
        decision_date=meta.get("decision_date") or None,
        intro_date=meta.get("intro_date") or None,
        voting_rule=str(meta.get("voting_rule") or "QMV"),
        procedure=str(meta.get("procedure") or "COD"),
        outcome=value,
        missing_salience=frozenset(str(a) for a in missing),
        proposal_name=str(meta.get("proposal_name") or ""),
    )
