"""Evidence from real wars: capabilities, base rates, termination backtests.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from detente.api._scenarios import ScenarioLike, _located, _scenario
from detente.errors import ModelInputError

if TYPE_CHECKING:  # the inputs layer is imported on first use
    pass


def capabilities(scenario: ScenarioLike = None, *, year: int, measure: str = "cinc",
                 non_state: str = "keep", scale: str = "total",
                 data: str | os.PathLike[str] | None = None,
                 format: str | None = None) -> Any:
    """State actors' capabilities from the COW NMC data (CINC or one of its six components)
    in ``year``; non-state actors kept or summed over ``cow_members`` (``non_state``);
    ``scale`` "total" keeps the replaced actors' sum, "share" writes raw shares. Returns a
    :class:`detente.evidence.capabilities.CapabilityReport` (its ``scenario`` is the new one).
    """
    from detente.evidence import ops

    try:
        return ops.capabilities(_scenario(scenario, format), year=year, measure=measure,
                                rule=non_state, scale=scale, data=data)
    except ModelInputError as exc:
        raise _located(exc, scenario, format=format) from None


def baserates(scenario: ScenarioLike = None, *, type: str | None = None,
              incompatibility: str | None = None, intensity: int | None = None,
              months_fought: float | None = None, major_power: bool | None = None,
              capability_ratio: float | None = None, min_cases: int = 10,
              min_at_risk: int = 5, months: int = 24,
              data: str | os.PathLike[str] | None = None, format: str | None = None) -> Any:
    """The outside view: historical cases like this conflict (UCDP episodes, COW wars, GML
    disputes), their Kaplan–Meier durations, how they ended, and P(ending within 6/12/24
    months | lasted so far). The conflict is the scenario's ``conflict:`` block (default:
    the bundled scenario's) with any fact given here replacing it; with facts given and no
    scenario, the facts alone. Returns :class:`detente.evidence.reference.BaseRates`."""
    from detente.evidence import ops

    facts = {"type": type, "incompatibility": incompatibility, "intensity": intensity,
             "months_fought": months_fought, "major_power": major_power,
             "capability_ratio": capability_ratio}
    use_scenario = scenario is not None or all(v is None for v in facts.values())
    try:
        desc = ops.describe(_scenario(scenario, format) if use_scenario else None, facts,
                            data=data)
    except ModelInputError as exc:
        raise _located(exc, scenario, format=format) from None
    return ops.baserates(desc, min_cases=min_cases, min_at_risk=min_at_risk, months=months,
                         data=data)


def outside_view(scenario: ScenarioLike = None, *, months: int = 24,
                 format: str | None = None) -> Any:
    """The reference class of the scenario's own conflict (``conflict:``), to show beside a
    model (page 1 of the brief, the web app's outlook page), with P(ending by month) for
    ``months`` months; ``None`` where the scenario states no conflict or the war data are
    not at hand (:func:`detente.evidence.ops.outside_view`)."""
    from detente.evidence import ops

    return ops.outside_view(_scenario(scenario, format), months=months)


def ending_by_month(scenario: ScenarioLike = None, *, months: int = 24, **facts: Any) -> Any:
    """P(the conflict ends within t months | lasted so far), t = 1..``months``, with its
    95% band, from the reference class of :func:`baserates` (same arguments). Returns a
    :class:`detente.evidence.survival.EndingCurve` (``months``, ``probability``, ``low``,
    ``high``, ``at_risk``): the outside view, to show beside a model's P(agreement by month).
    """
    return baserates(scenario, months=months, **facts).ending


def evidence_backtest(file: str | os.PathLike[str], *, split_year: int, bootstrap: int = 1000,
                      seed: int = 0, participants: str | os.PathLike[str] | None = None,
                      data: str | os.PathLike[str] | None = None) -> Any:
    """Termination models fitted on years <= ``split_year`` of a UCDP conflict-year file
    (P(episode ends this year)) or a GML dispute file (P(negotiated settlement) at onset),
    scored on the later years against the reference-class base rate: Brier, log score,
    calibration, n, with conflict-clustered bootstrap intervals. Returns
    :class:`detente.evidence.backtest.EvidenceBacktest`."""
    from detente.evidence import ops

    return ops.evidence_backtest(file, split_year=split_year, bootstrap=bootstrap, seed=seed,
                                 participants=participants, data=data)
