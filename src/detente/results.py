"""Several models' forecasts of one scenario, side by side."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from detente.models.base import Forecast
from detente.scenario import Scenario


@dataclass(frozen=True, eq=False)
class ForecastSet:
    """The forecasts of several models on one scenario, keyed by model name."""

    scenario: Scenario
    forecasts: tuple[Forecast, ...]

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
        return {
            "scenario": self.scenario.name,
            "scenario_hash": self.scenario.hash,
            "as_of": self.scenario.as_of.isoformat() if self.scenario.as_of else None,
            "note": NEUTRAL_NOTE,
            "forecasts": [f.to_dict(trajectory=trajectory) for f in self.forecasts],
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(**kwargs), indent=2)

    def plot(self, simulation: Any = None) -> Any:
        """A Plotly figure: each issue's scale with the actors, status quo and every
        model's forecast (with intervals from ``simulation`` when given)."""
        from detente.present.figures import issue_scales

        return issue_scales(self.scenario, self, simulation)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        cols = [c for c in frame.columns if c != "name"]
        title = html.escape(self.scenario.title or self.scenario.name)
        return (f"<p><b>{title}</b>: "
                f"{NEUTRAL_NOTE}</p>" + frame[cols]._repr_html_())


NEUTRAL_NOTE = (
    "Model outputs derived from the scenario's stated, sourced assumptions; "
    "not predictions of fact."
)
