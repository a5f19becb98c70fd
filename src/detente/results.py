"""Several models' forecasts of one scenario, side by side."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.json_values import json_ready
from detente.models.base import Forecast
from detente.notes import NEUTRAL_NOTE
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.backtest.run import BacktestResult
    from detente.backtest.scoring import Score
    from detente.deals.logrolls import Logroll
    from detente.deals.robust import Survival
    from detente.diagnostics import IssueNote
    from detente.uncertainty.distribution import OutcomeDistribution
    from detente.violations import Violation


@dataclass(frozen=True)
class Skipped:
    """A model that could not run on the scenario, and why (one line)."""

    model: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"model": self.model, "reason": self.reason}


@dataclass(frozen=True)
class Gap:
    """A forecast without a value on one issue, and why (one line)."""

    model: str
    issue: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"model": self.model, "issue": self.issue, "reason": self.reason}


@dataclass(frozen=True, eq=False)
class ForecastSet:
    """The forecasts of several models on one scenario, keyed by model name; ``skipped``
    names the models that could not run on it, each with its reason.

    ``distributions`` (empty unless asked for, see :func:`detente.api.forecast`) holds
    each model's Monte Carlo distribution per issue, with the central ``interval``; for a
    scenario that states no uncertainty, each model's *residual* interval from its errors
    on real outcomes instead (:mod:`detente.uncertainty.residual`), and
    ``without_interval`` names the models that have no such calibration.
    """

    scenario: Scenario
    forecasts: tuple[Forecast, ...]
    skipped: tuple[Skipped, ...] = ()
    distributions: tuple[OutcomeDistribution, ...] = ()
    interval: float | None = None
    without_interval: tuple[str, ...] = ()
    rule_shares: Mapping[str, tuple[Any, int]] = dataclass_field(default_factory=dict)
    """Per model, the share of its Monte Carlo draws breaking each of the scenario's rules
    and the number of draws (:mod:`detente.violations`; empty without draws)."""

    def violations(self) -> list[Violation]:
        """Each red line crossed, linkage broken and issue moved against its sole controller
        by each model's forecast, with the share of draws where there are draws."""
        from detente.violations import forecast_rules, violations

        rules = forecast_rules(self.scenario)
        if not len(rules):
            return []
        points = {f.model: f.outcome[0] for f in self.forecasts}
        return violations(rules, points, self.rule_shares or None)

    @property
    def interval_source(self) -> str | None:
        """"simulation" or "residual" (see the class), None without distributions."""
        return self.distributions[0].source if self.distributions else None

    @property
    def interval_note(self) -> str | None:
        """Where residual intervals come from (None for simulated ones or none)."""
        return self.distributions[0].basis if self.distributions else None

    def distribution(self, model: str, issue: str) -> OutcomeDistribution | None:
        """The distribution of ``model``'s forecast on ``issue`` (None if not computed)."""
        for d in self.distributions:
            if d.model == model and d.issue == issue:
                return d
        return None

    def gaps(self) -> list[Gap]:
        """Every (model, issue) without a value, with the reason: the issue's degenerate
        inputs (:mod:`detente.diagnostics`) where it has them."""
        from detente.diagnostics import issue_notes

        notes = {n.issue: n.reason for n in issue_notes(self.scenario)}
        out = []
        for f in self.forecasts:
            for k, issue in enumerate(self.scenario.issues):
                if math.isnan(float(f.outcome[0, k])):
                    out.append(Gap(f.model, issue.id, notes.get(
                        issue.id, "the model reached no value on this issue")))
        return out

    def __iter__(self) -> Iterator[Forecast]:
        return iter(self.forecasts)

    def __len__(self) -> int:
        return len(self.forecasts)

    def __getitem__(self, model: str) -> Forecast:
        for f in self.forecasts:
            if f.model == model:
                return f
        raise KeyError(f"no forecast of model {model!r}; have {', '.join(self.models)}")

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(f.model for f in self.forecasts)

    def rows(self) -> list[dict[str, Any]]:
        """One row per issue: status quo, each model's forecast and nearest anchor."""
        rows = []
        for k, issue in enumerate(self.scenario.issues):
            row: dict[str, Any] = {
                "issue": issue.id,
                "name": issue.name,
                "status_quo": issue.status_quo,
            }
            for f in self.forecasts:
                value = float(f.outcome[0, k])
                anchor = issue.nearest_anchor(value)
                row[f.model] = value
                row[f"{f.model}_anchor"] = anchor.label if anchor else None
            rows.append(row)
        return rows

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.rows()).set_index("issue")

    def to_dict(self, *, trajectory: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "scenario_hash": self.scenario.hash,
            "as_of": self.scenario.as_of.isoformat() if self.scenario.as_of else None,
            "note": NEUTRAL_NOTE,
            "forecasts": [f.to_dict(trajectory=trajectory) for f in self.forecasts],
            "skipped": [s.to_dict() for s in self.skipped],
            "gaps": [g.to_dict() for g in self.gaps()],
        }
        from detente.violations import forecast_rules

        if len(forecast_rules(self.scenario)):  # only a scenario with rules to break
            out["violations"] = [v.to_dict() for v in self.violations()]
        if self.distributions or self.without_interval:  # only when asked for
            out["interval"] = self.interval
            out["interval_source"] = self.interval_source
            out["interval_note"] = self.interval_note
            out["without_interval"] = list(self.without_interval)
            out["distributions"] = [d.to_dict() for d in self.distributions]
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(**kwargs), indent=2)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        cols = [c for c in frame.columns if c != "name"]
        import html  # only for Jupyter's display (0.02 s of every command's imports)

        title = html.escape(self.scenario.title or self.scenario.name)
        return (f"<p><b>{title}</b>: "
                f"{NEUTRAL_NOTE}</p>" + frame[cols]._repr_html_())


# The two places that read a forecast's model-specific details.


def exchange_log(forecast: Forecast) -> Sequence[Mapping[str, Any]] | None:
    """The exchange model's log of executed exchanges as plain rows; ``None`` for a model
    that keeps none."""
    from detente.models.exchange import ExchangeDetails

    details = forecast.details
    if isinstance(details, ExchangeDetails) and details.exchanges is not None:
        return [e.to_dict() for e in details.exchanges]
    return None


def round_records(forecast: Forecast) -> list[Sequence[Mapping[str, Any]]]:
    """Each round's records (offers, exchanges, bargains) as plain rows, where the model
    keeps them (:meth:`~detente.models.base.Details.round_records`)."""
    return list(forecast.details.round_records())


@dataclass(frozen=True)
class ModelInfo:
    """One registered model: its name, its label and whether it needs a status quo."""

    name: str
    label: str
    needs_status_quo: bool


@dataclass(frozen=True)
class CheckReport:
    """The scenarios of a file that passed every check, and the models checked against."""

    scenarios: tuple[Scenario, ...]
    models: tuple[str, ...] = ()

    def warnings(self) -> list[tuple[str, IssueNote]]:
        """(scenario name, note) for every degenerate issue: valid input on which models
        have little or nothing to work with (:func:`detente.diagnostics.issue_notes`)."""
        from detente.diagnostics import issue_notes

        return [(sc.name, note) for sc in self.scenarios for note in issue_notes(sc)]


@dataclass(frozen=True, eq=False)
class ExchangeRun:
    """One run of the exchange model with its log of executed exchanges.

    ``candidates`` (when asked for) are round 1's candidate exchanges before any
    is executed, best first.
    """

    scenario: Scenario
    forecast: Forecast
    rounds: int
    seed: int
    candidates: tuple[Mapping[str, Any], ...] | None = None
    controlled: bool = False
    """Keep only exchanges in which both sides control what they give (a log filter)."""

    @property
    def log(self) -> Sequence[Mapping[str, Any]]:
        """Every executed exchange, in order: both sides' supply issue, shift and gain;
        where the scenario declares control, each side's ``controls`` (see
        :mod:`detente.exchange_control`)."""
        from detente.exchange_control import controlled_only, mark_control

        log = mark_control(exchange_log(self.forecast) or [], self.scenario)
        return controlled_only(log) if self.controlled else log

    def to_dict(self) -> dict[str, Any]:
        fc = self.forecast
        data: dict[str, Any] = {
            "scenario": self.scenario.name, "model": fc.model,
            "params": fc.to_dict()["params"], "seed": self.seed,
            "outcome": fc.point,
            "outcome_per_round": {
                issue: fc.trajectory.outcome[0, :, k].tolist()
                for k, issue in enumerate(fc.issues)
            },
            "exchanges": self.log,
        }
        if self.candidates is not None:
            data["candidates"] = list(self.candidates)
        return data


@dataclass(frozen=True, eq=False)
class LogrollSet:
    """Logrolls found, best first."""

    logrolls: tuple[Logroll, ...]
    survival: Survival | None = None
    """Per logroll, the share of draws of the stated uncertainty in which it still passes
    the finder's tests, if computed; the logrolls are then ranked by it."""

    def __len__(self) -> int:
        return len(self.logrolls)

    @property
    def ranked_by(self) -> str:
        """How the logrolls are ordered."""
        point = "the smaller of the two net gains at the point estimate"
        if self.survival is None:
            return point
        return f"survival probability, ties by {point}"

    def to_dict(self, *, top: int | None = None) -> dict[str, Any]:
        shown = self.logrolls if top is None else self.logrolls[:top]
        # a salience ratio is infinite where one side gives nothing: JSON says null
        rows = [json_ready(r.to_dict()) for r in shown]
        out: dict[str, Any] = {"logrolls": rows, "total": len(self.logrolls),
                               "ranked_by": self.ranked_by}
        if self.survival is not None:
            for row, p in zip(rows, self.survival.probability, strict=False):
                row["survival"] = float(p)
            out["robust"] = self.survival.to_dict()
        return out


@dataclass(frozen=True, eq=False)
class BacktestReport:
    """A backtest: per-issue forecasts of every model and their scores."""

    result: BacktestResult
    scores: tuple[Score, ...]
    dataset: str
    bootstrap: int

    def rows(self) -> list[dict[str, Any]]:
        """Per issue and model: forecast, outcome and error."""
        return self.result.rows()

    @property
    def failures(self) -> Mapping[str, int]:
        """Issues on which each model failed (an exception), by model."""
        return self.result.failures

    @property
    def failure_messages(self) -> Mapping[str, str]:
        return self.result.failure_messages


@dataclass(frozen=True, eq=False)
class EnsembleFit:
    """Ensemble weights fitted on a backtest's cases and where they were written."""

    report: Mapping[str, Any]
    members: tuple[str, ...]
    path: Path
    unused: tuple[str, ...] = ()


@dataclass(frozen=True)
class DealWork:
    """How much work a pass over a deal space is (``api.estimate_deals``): every deal's
    utility for every actor, once plus once per BATNA draw, and the seconds that takes
    here by a timed pilot (a lower bound: the frontier search on top of it grows faster
    than linearly with the number of actors)."""

    deals: int
    actors: int
    passes: int
    seconds: float
    packages: int = 0
    """Packages judged in every draw of the stated uncertainty (proposals)."""
    package_draws: int = 0

    @property
    def evaluations(self) -> int:
        """``actors × (deals × passes + packages × package_draws)``: utilities computed."""
        return self.actors * (self.deals * self.passes + self.packages * self.package_draws)

    def describe(self) -> str:
        """``390,625 deals × 4 actors × 1 pass``: what the evaluations count."""
        parts = []
        if self.deals:
            parts.append(f"{self.deals:,} deals × {self.actors} actors × {self.passes} "
                         f"pass{'es' if self.passes != 1 else ''}")
        if self.packages and self.package_draws:
            parts.append(f"{self.packages} packages × {self.actors} actors × "
                         f"{self.package_draws:,} draws")
        return " + ".join(parts) or "nothing to evaluate"

    def to_dict(self) -> dict[str, Any]:
        return {"deals": self.deals, "actors": self.actors, "passes": self.passes,
                "packages": self.packages, "package_draws": self.package_draws,
                "evaluations": self.evaluations, "seconds": self.seconds}


@dataclass(frozen=True, eq=False)
class BriefData:
    """What the brief shows, computed by :func:`detente.api.brief` and laid out by
    :func:`detente.present.brief.render_html` (a result, so that the facade returns no
    presenter type)."""

    scenario: Scenario
    result: ForecastSet
    simulation: Any  # detente.uncertainty.simulate.Simulation | None
    sensitivity: Any  # detente.uncertainty.sensitivity.Sensitivity | None (no ranges stated)
    deals: dict[str, Any]
    seed: int = 0
    proposals: Any = None  # detente.deals.proposal_report.ProposalsReport | None
    synthesis: Any = ()  # list[detente.uncertainty.synthesis.IssueSynthesis | None]
    turning: Any = ()  # the inputs that could change the answer (turning_inputs)
    outside_view: Any = None  # reference-class P(ending by month), where available
    outlook: Any = None  # P(agreement by month) of the outlook, where available
