"""The Python API that the CLI (and later the web app) call."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente import formats
from detente.errors import DetenteError
from detente.models.base import Model
from detente.models.registry import DEFAULT_MODELS, available_models, get_model
from detente.results import ForecastSet
from detente.scenario import Scenario
from detente.scenarios import bundled_names, bundled_path


def _resolve(path_or_name: str | os.PathLike[str]) -> Path:
    text = os.fspath(path_or_name)
    path = Path(text)
    if path.exists():
        return path
    bundled = bundled_path(text)
    if bundled is not None:
        return bundled
    raise DetenteError(
        f"{text}: no such file, and no bundled scenario of that name "
        f"(bundled: {', '.join(bundled_names()) or 'none'})"
    )


def load(path_or_name: str | os.PathLike[str], *, format: str | None = None) -> Scenario:
    """Load one scenario from a file (any supported format) or a bundled name."""
    return formats.read(_resolve(path_or_name), format=format)


def load_all(path_or_name: str | os.PathLike[str], *, format: str | None = None) -> list[Scenario]:
    """Load every scenario in a file (a DEU table holds one per issue)."""
    return formats.read_all(_resolve(path_or_name), format=format)


def save(scenario: Scenario, path: str | os.PathLike[str], *, format: str | None = None) -> Path:
    """Write a scenario (format from the extension unless given); atomic."""
    return formats.write(scenario, path, format=format)


def forecast(
    scenario: Scenario | str | os.PathLike[str],
    models: Iterable[str | Model] | None = None,
    *,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = 0,
) -> ForecastSet:
    """Run several models on one scenario.

    ``models`` are names (see :func:`detente.available_models`) or model
    instances; ``params`` maps a model name to its keyword parameters.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    params = params or {}
    chosen = [
        m if isinstance(m, Model) else get_model(m, **params.get(m, {}))
        for m in (models or DEFAULT_MODELS)
    ]
    return ForecastSet(scenario, tuple(m.forecast(scenario, seed=seed) for m in chosen))


# ---- used by the brief and the web app (issue 14) --------------------------------------

FAST_MODELS: tuple[str, ...] = ("compromise", "median", "nash", "eum")
"""Models quick enough to re-run on every slider move in the what-if view."""


def loads(text: str, *, name: str = "upload.yaml", format: str | None = None) -> Scenario:
    """Parse one scenario from text held in memory (an upload); ``name`` is only used to
    pick the format by its extension and to name the source in error messages."""
    fmt = format or formats.detect_format(Path(name), text)
    scenarios = formats.format_module(fmt).loads(text, file=name)
    if len(scenarios) != 1:
        raise DetenteError(f"{name}: holds {len(scenarios)} scenarios where one is needed")
    return scenarios[0]


def dumps(scenario: Scenario, format: str = "yaml") -> str:
    """A scenario as text in a format that can hold one (YAML by default)."""
    return formats.dumps(scenario, format)


@dataclass(frozen=True)
class StanceChange:
    """A what-if: one actor's position and/or salience on one issue set to new values."""

    actor: str
    issue: str
    position: float | None = None
    salience: float | None = None


def what_if(scenario: Scenario, changes: Iterable[StanceChange]) -> Scenario:
    """The scenario with some stances moved (re-validated; a moved stance drops the
    uncertainty range it no longer matches, since a what-if is a point forecast)."""
    data = scenario.to_dict()
    todo = {(c.actor, c.issue): c for c in changes}
    for stance in data.get("stances", []):
        change = todo.pop((stance["actor"], stance["issue"]), None)
        if change is None:
            continue
        if change.position is not None:
            stance["position"] = float(change.position)
            stance.pop("position_uncertainty", None)
        if change.salience is not None:
            stance["salience"] = float(change.salience)
            stance.pop("salience_uncertainty", None)
    if todo:
        missing = ", ".join(f"{a} on {i}" for a, i in todo)
        raise DetenteError(f"what-if: no stated stance of {missing}; only stated stances move")
    return Scenario.from_dict(data)


def simulate(scenario: Scenario, models: Iterable[str] | None = None, *, draws: int = 1000,
             seed: int = 0, **kwargs: Any) -> Any:
    """Monte Carlo over the stated uncertainty (see :func:`detente.simulate`)."""
    from detente.uncertainty.simulate import simulate as run

    return run(scenario, list(models) if models else None, draws=draws, seed=seed, **kwargs)


def analyse_deals(scenario: Scenario, *, utility: str = "linear", draws: int = 0,
                  seed: int = 0) -> Any:
    """Frontier, ZOPA and bargaining solutions (:func:`detente.deals.analyse`)."""
    from detente import deals

    if utility not in ("linear", "quadratic"):
        raise DetenteError(f"utility {utility!r}: expected linear or quadratic")
    return deals.analyse(scenario, utility=utility, draws=draws, seed=seed)  # type: ignore[arg-type]


def deal_pair(scenario: Scenario, a: str, b: str, *, utility: str = "linear") -> Any:
    """Two parties' utilities over the deal space, their frontier and ZOPA."""
    from detente.deals import DealProblem
    from detente.deals.pair import pair_view

    problem = DealProblem.from_scenario(scenario, utility=utility)  # type: ignore[arg-type]
    return pair_view(problem, a, b)


def sensitivity(scenario: Scenario, model: str = "compromise", *, method: str = "morris",
                samples: int = 8, seed: int = 0, **kwargs: Any) -> Any:
    """Which uncertain inputs move each issue (:func:`detente.sensitivity`)."""
    from detente.uncertainty.sensitivity import sensitivity as analyse

    if method not in ("sobol", "morris"):
        raise DetenteError(f"method {method!r}: expected sobol or morris")
    return analyse(scenario, get_model(model), method=method,  # type: ignore[arg-type]
                   samples=samples, seed=seed, **kwargs)


def brief(scenario: Scenario, *, models: Iterable[str] | None = None,
          simulated: Iterable[str] = FAST_MODELS, draws: int = 1000, seed: int = 0,
          sensitivity_model: str = "compromise", top_deals: int = 5) -> Any:
    """Everything the one-page brief shows, computed once: every model's forecast, the
    Monte Carlo distributions of the ``simulated`` models, what moves each issue and
    the deals every party prefers to no deal."""
    from detente.present.brief import BriefData

    chosen = list(models) if models else [m for m in available_models() if m != "ensemble"]
    result = forecast(scenario, chosen, seed=seed)
    sim = simulate(scenario, [m for m in simulated if m in chosen], draws=draws,
                   seed=seed) if draws else None
    sens = sensitivity(scenario, sensitivity_model, seed=seed)
    deals_report = analyse_deals(scenario, seed=seed)
    return BriefData(scenario=scenario, result=result, simulation=sim, sensitivity=sens,
                     deals=deals_report.to_dict(top=top_deals), seed=seed)
