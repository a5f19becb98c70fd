"""Run models on backtest cases and collect per-issue forecasts and errors.

Every model in the registry can be run (``available_models()``; a model added
to the registry joins the backtest with no change here), plus two baselines
that are not models of bargaining:

- ``reference-point``: the issue's reference point (status quo), the "nothing
  changes" forecast; scored on the issues that have one;
- ``median-position``: the plain median of the positions of the actors with a
  position and a salience (the literature's "median position" benchmark; the
  registry's ``median`` model is the capability × salience *weighted* median).

Models listed in :data:`detente.backtest.procedure.CASE_RULES` (the
procedural model) get their parameters and capabilities from each case's
procedure, voting rule and era; parameters given by the caller override them.

Models that need a status quo are scored on the issues that have one. A
model that fails on an issue (any exception) gets no forecast there; the
failure is counted and the first message kept, so one bad model cannot stop
a long run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.backtest.deu import Case, actors_with_salience
from detente.backtest.procedure import CASE_RULES
from detente.backtest.scoring import Score, score
from detente.errors import ModelInputError
from detente.json_values import json_number
from detente.models.base import Model
from detente.models.registry import available_models, get_model

BASELINES: tuple[str, ...] = ("reference-point", "median-position")
REFERENCE_MODEL = "compromise"

Progress = Callable[[str, int, int], None]


def baseline_forecast(name: str, case: Case) -> float:
    """The forecast of a baseline (see the module docstring) on one case."""
    if name == "reference-point":
        return float("nan") if case.reference_point is None else float(case.reference_point)
    if name == "median-position":
        keep = set(actors_with_salience(case.scenario, case.context))
        pos = [s.position for s in case.scenario.stances if s.actor in keep]
        return float(np.median(pos)) if pos else float("nan")
    raise KeyError(name)


def default_models() -> tuple[str, ...]:
    """Every registered model, then the baselines."""
    return (*available_models(), *BASELINES)


@dataclass
class BacktestResult:
    """Per-issue forecasts of several models on the same cases."""

    cases: list[Case]
    forecasts: dict[str, np.ndarray]
    failures: dict[str, int] = field(default_factory=dict)
    failure_messages: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    capability: str = "equal"

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(self.forecasts)

    @property
    def outcome(self) -> np.ndarray:
        return np.array([np.nan if c.outcome is None else c.outcome for c in self.cases])

    @property
    def groups(self) -> np.ndarray:
        return np.array([c.proposal for c in self.cases])

    def scores(self, *, n_boot: int = 1000, seed: int = 0,
               baseline: str = REFERENCE_MODEL) -> list[Score]:
        """Every model's :class:`Score`; the win rate is paired against ``baseline``."""
        rng = np.random.default_rng(seed)
        base = self.forecasts.get(baseline)
        return [
            score(m, f, self.outcome, self.groups,
                  baseline=None if (base is None or m == baseline) else base,
                  n_boot=n_boot, rng=rng)
            for m, f in self.forecasts.items()
        ]

    def identical_to(self, baseline: str = REFERENCE_MODEL) -> tuple[str, ...]:
        """The models whose forecast equals ``baseline``'s on every issue both scored
        (to 1e-9): e.g. the exchange model on one-issue cases, where it has nothing to
        trade and keeps the compromise outcome."""
        base = self.forecasts.get(baseline)
        if base is None:
            return ()
        same = []
        for m, f in self.forecasts.items():
            both = ~(np.isnan(f) | np.isnan(base))
            if m != baseline and both.any() and np.allclose(f[both], base[both], rtol=0,
                                                              atol=1e-9):
                same.append(m)
        return tuple(same)

    def rows(self) -> list[dict[str, Any]]:
        """One plain row per issue: case facts, each model's forecast and absolute error."""
        rows = []
        for k, c in enumerate(self.cases):
            row: dict[str, Any] = {
                "issue": c.issue, "proposal": c.proposal, "era": c.era,
                "voting_rule": c.voting_rule, "procedure": c.procedure,
                "n_actors": c.n_actors, "reference_point": c.reference_point,
                "outcome": c.outcome,
            }
            for m, f in self.forecasts.items():
                v = float(f[k])
                row[m] = json_number(v)
                row[f"{m}_error"] = (None if np.isnan(v) or c.outcome is None
                                     else abs(v - c.outcome))
            rows.append(row)
        return rows

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.rows())


def run_backtest(
    cases: Sequence[Case],
    models: Sequence[str | Model] | None = None,
    *,
    seed: int = 0,
    params: dict[str, dict[str, Any]] | None = None,
    progress: Progress | None = None,
    capability: str = "equal",
) -> BacktestResult:
    """Forecast every case with every model (default: the registry and the baselines)."""
    params = params or {}
    chosen = list(models) if models is not None else list(default_models())
    cases = list(cases)
    forecasts: dict[str, np.ndarray] = {}
    failures: dict[str, int] = {}
    messages: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for entry in chosen:
        name = entry.name if isinstance(entry, Model) else entry
        out = np.full(len(cases), np.nan)
        start = time.perf_counter()
        if name in BASELINES:
            out[:] = [baseline_forecast(name, c) for c in cases]
        else:
            given = params.get(name, {})
            model = entry if isinstance(entry, Model) else get_model(name, **given)
            rules = None if isinstance(entry, Model) else CASE_RULES.get(name)
            for k, case in enumerate(cases):
                try:
                    scenario = case.scenario
                    bound = model
                    if rules is not None:  # the case's procedure sets the model's rules
                        scenario, rule_params = rules(case)
                        bound = get_model(name, **{**rule_params, **given})
                    bound = bound.bind(case.extras)
                    out[k] = bound.forecast(scenario, seed=seed).outcome[0, 0]
                except ModelInputError:
                    pass  # e.g. needs a status quo the issue lacks (Model.check): not scored
                except Exception as exc:  # a failing model must not stop the run
                    failures[name] = failures.get(name, 0) + 1
                    messages.setdefault(name, f"{case.issue}: {type(exc).__name__}: {exc}")
                if progress is not None:
                    progress(name, k + 1, len(cases))
        seconds[name] = time.perf_counter() - start
        forecasts[name] = out
    return BacktestResult(list(cases), forecasts, failures, messages, seconds, capability)
