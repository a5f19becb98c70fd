"""The model protocol and the one result type every model returns.

A model is a frozen dataclass whose fields are its keyword parameters (with
documented defaults), in the spirit of scikit-learn estimators. Call
:meth:`Model.forecast` with a :class:`~detente.scenario.Scenario` or
:class:`~detente.arrays.ScenarioArrays`; every model returns a
:class:`Forecast`: the outcome per draw and issue, the round-by-round
trajectory, and what produced it (model, parameters, seed, scenario hash).

Subclasses implement :meth:`Model._run`, a pure function of the arrays and a
``numpy.random.Generator``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import numbers
import typing
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from detente.arrays import ScenarioArrays, compile_scenario
from detente.errors import DetenteError, ModelInputError, Problem
from detente.json_values import json_number, json_ready
from detente.scenario import Scenario


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Round by round: ``outcome[D, R, I]`` and (optionally) ``position[D, R, A, I]``.

    Round 0 holds the stated positions and the model's reading of them; the
    last round is the forecast.
    """

    outcome: np.ndarray
    position: np.ndarray | None = None

    @property
    def n_rounds(self) -> int:
        return self.outcome.shape[1]


@dataclass(frozen=True, eq=False)
class ModelOutput:
    """What :meth:`Model._run` returns; :class:`Forecast` adds the provenance."""

    outcome: np.ndarray
    trajectory: Trajectory
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Forecast:
    """A model's forecast on a scenario (one or many draws).

    ``outcome[D, I]`` is the forecast per draw and issue on each issue's own
    scale. ``details`` holds model-specific records (offers, exchange logs),
    always plain data.
    """

    model: str
    params: Mapping[str, Any]
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    outcome: np.ndarray
    trajectory: Trajectory
    seed: int | None
    scenario_hash: str
    details: Mapping[str, Any] = field(default_factory=dict)
    scenario: Scenario | None = field(default=None, repr=False)

    @property
    def n_draws(self) -> int:
        return self.outcome.shape[0]

    @property
    def point(self) -> dict[str, float]:
        """Issue -> forecast of the first draw (the point forecast for one draw)."""
        return {i: float(v) for i, v in zip(self.issues, self.outcome[0], strict=True)}

    def to_dict(self, *, trajectory: bool = False) -> dict[str, Any]:
        """Plain, JSON-ready data. NaN becomes ``None``."""
        out: dict[str, Any] = {
            "model": self.model,
            "params": json_ready(dict(self.params)),
            "seed": self.seed,
            "scenario_hash": self.scenario_hash,
            "actors": list(self.actors),
            "issues": list(self.issues),
            "draws": self.n_draws,
            "outcome": {i: json_number(v)
                        for i, v in zip(self.issues, self.outcome[0], strict=True)},
        }
        if self.n_draws > 1:
            out["outcome_draws"] = json_ready(self.outcome)
        if trajectory:
            out["trajectory"] = {
                "outcome": json_ready(self.trajectory.outcome[0]),
                "position": None
                if self.trajectory.position is None
                else json_ready(self.trajectory.position[0]),
            }
            out["details"] = json_ready(self.details)
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(**kwargs), indent=2)

    def to_frame(self) -> Any:
        """A pandas DataFrame: one row per issue (first draw), with status quo and anchor."""
        import pandas as pd

        rows = []
        for k, issue_id in enumerate(self.issues):
            row: dict[str, Any] = {"issue": issue_id, "forecast": float(self.outcome[0, k])}
            if self.scenario is not None:
                issue = self.scenario.issue(issue_id)
                row["status_quo"] = issue.status_quo
                anchor = issue.nearest_anchor(row["forecast"])
                row["nearest_anchor"] = anchor.label if anchor else None
            rows.append(row)
        return pd.DataFrame(rows).set_index("issue")

    def trajectory_frame(self) -> Any:
        """A pandas DataFrame of the outcome per round (rows) and issue (columns)."""
        import pandas as pd

        return pd.DataFrame(self.trajectory.outcome[0], columns=list(self.issues)).rename_axis(
            "round"
        )

    def _repr_html_(self) -> str:
        head = f"<p><b>{self.model}</b> forecast (scenario {self.scenario_hash})</p>"
        return head + self.to_frame()._repr_html_()


class Model(ABC):
    """Base of every model. Subclasses are ``@dataclass(frozen=True, kw_only=True)``.

    Class attributes: ``name`` (registry key), ``label`` (for tables),
    ``needs_status_quo``.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    needs_status_quo: ClassVar[bool] = False

    def get_params(self) -> dict[str, Any]:
        """The model's keyword parameters and their values."""
        if dataclasses.is_dataclass(self):
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {}

    def forecast(
        self,
        data: Scenario | ScenarioArrays,
        *,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> Forecast:
        """Run the model on a scenario (or its arrays) and return a :class:`Forecast`.

        ``seed`` makes a run reproducible; pass ``rng`` instead to share one
        generator across calls (the seed is then recorded as ``None``).
        """
        arrays = compile_scenario(data) if isinstance(data, Scenario) else data
        self.check(arrays)
        if rng is None:
            rng = np.random.default_rng(seed)
        out = self._run(arrays, rng)
        return Forecast(
            model=self.name,
            params=self.get_params(),
            actors=arrays.actors,
            issues=arrays.issues,
            outcome=out.outcome,
            trajectory=out.trajectory,
            seed=seed,
            scenario_hash=arrays.scenario_hash,
            details=out.details,
            scenario=arrays.scenario,
        )

    def check(self, arrays: ScenarioArrays) -> None:
        """Raise :class:`ModelInputError` if the model cannot run on these arrays."""
        if self.needs_status_quo:
            self._require_status_quo(arrays)

    def _require_status_quo(self, arrays: ScenarioArrays) -> None:
        """Raise :class:`ModelInputError` naming every issue without a status quo."""
        missing = np.isnan(arrays.status_quo)
        if missing.any():
            raise ModelInputError(
                [
                    Problem(("issues", int(k), "status_quo"), "no status quo",
                            f"a status quo on issue {arrays.issues[k]!r} "
                            f"(model {self.name!r} needs one)")
                    for k in np.flatnonzero(missing)
                ]
            )

    def _reject(self, bad: Sequence[str]) -> None:
        """Raise one :class:`DetenteError` naming every bad parameter (``key=value (why)``)."""
        if bad:
            raise DetenteError(f"model {self.name!r}: bad parameter " + "; ".join(bad))

    def _bad_integers(self, minimum: Mapping[str, int]) -> list[str]:
        """``key=value (expected an integer >= m)`` for each parameter that is not one."""
        bad = []
        for key, least in minimum.items():
            value = getattr(self, key)
            if not _is_a(value, numbers.Integral) or value < least:
                bad.append(f"{key}={value!r} (expected an integer >= {least})")
        return bad

    def _bad_numbers(self, names: Sequence[str]) -> list[str]:
        """``key=value (expected a number)`` for each parameter that is not a real number."""
        return [
            f"{key}={getattr(self, key)!r} (expected a number)"
            for key in names
            if not _is_a(getattr(self, key), numbers.Real)
        ]

    def _bad_choices(self, choices: Mapping[str, Sequence[Any]] | None = None) -> list[str]:
        """``key=value (expected one of ...)`` for each parameter not among its choices:
        ``choices``, or else the values of the fields annotated ``Literal[...]``."""
        if choices is None:
            choices = _literal_choices(type(self))
        return [
            f"{key}={getattr(self, key)!r} (expected one of {', '.join(map(str, allowed))})"
            for key, allowed in choices.items()
            if getattr(self, key) not in allowed
        ]

    @abstractmethod
    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        """Compute the forecast: a pure function of the arrays and ``rng``."""


def _is_a(value: Any, kind: type) -> bool:
    """``value`` is an instance of the numeric ``kind`` (numpy's too), and not a bool."""
    return isinstance(value, kind) and not isinstance(value, bool | np.bool_)


@functools.cache
def _literal_choices(cls: type) -> dict[str, tuple[Any, ...]]:
    """Field -> allowed values, for the fields of dataclass ``cls`` annotated ``Literal[...]``."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: typing.get_args(hints[f.name])
        for f in dataclasses.fields(cls)
        if typing.get_origin(hints[f.name]) is typing.Literal
    }


def single_round(arrays: ScenarioArrays, outcome: np.ndarray) -> ModelOutput:
    """Output of a one-shot model: round 0 holds the stated positions and the outcome."""
    return ModelOutput(
        outcome=outcome,
        trajectory=Trajectory(outcome=outcome[:, None, :], position=arrays.position[:, None]),
    )
