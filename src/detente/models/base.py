"""The model protocol and the one result type every model returns.

A model is a frozen dataclass whose fields are its keyword parameters (with
documented defaults), in the spirit of scikit-learn estimators. Call
:meth:`Model.forecast` with a :class:`~detente.scenario.Scenario` or
:class:`~detente.arrays.ScenarioArrays`; every model returns a
:class:`Forecast`: the outcome per draw and issue, the round-by-round
trajectory, and what produced it (model, parameters, seed, scenario hash).

Subclasses implement :meth:`Model._run`, a pure function of the arrays and a
``numpy.random.Generator``. Each declares its parameters' constraints in one
table (``constraints``: parameter -> :class:`Constraint`), checked here on
construction. What a model needs from a file beyond the numbers (a KTAB
file's settings, an EU issue's Council rules) comes in through
:meth:`Model.bind` from the typed :class:`~detente.extras.ScenarioExtras`;
such inputs are fields marked with :data:`SCENARIO_INPUT`, not parameters.
"""

from __future__ import annotations

import dataclasses
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from detente.arrays import ScenarioArrays, compile_scenario
from detente.constraints import Constraint, Flag, Integer, Number, OneOf  # noqa: F401
from detente.errors import DetenteError, ModelInputError, Problem
from detente.extras import ScenarioExtras, extras_of
from detente.json_values import json_number, json_ready
from detente.scenario import Scenario

_INPUT = "scenario_input"


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


class Details:
    """Base of every model's detail record: a frozen dataclass of what produced the forecast
    (offers, exchanges, bargains, fitted weights), read by attribute.

    :meth:`to_dict` gives plain, JSON-ready data (fields in order; a record may
    override it to lay itself out as its table row); :meth:`round_records`
    the rows a table shows for each round.
    """

    def to_dict(self) -> dict[str, Any]:
        if not dataclasses.is_dataclass(self):
            return {}
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def round_records(self) -> list[list[dict[str, Any]]]:
        """Per round (from round 1), one plain row per record; none by default."""
        return []


@dataclass(frozen=True)
class NoDetails(Details):
    """The details of a model that records nothing beyond its trajectory."""


@dataclass(frozen=True, eq=False)
class ModelOutput:
    """What :meth:`Model._run` returns; :class:`Forecast` adds the provenance."""

    outcome: np.ndarray
    trajectory: Trajectory
    details: Details = field(default_factory=NoDetails)


@dataclass(frozen=True, eq=False)
class Forecast:
    """A model's forecast on a scenario (one or many draws).

    ``outcome[D, I]`` is the forecast per draw and issue on each issue's own
    scale. ``details`` is the model's own :class:`Details` record (offers,
    exchange logs), a frozen dataclass.
    """

    model: str
    params: Mapping[str, Any]
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    outcome: np.ndarray
    trajectory: Trajectory
    seed: int | None
    scenario_hash: str
    details: Details = field(default_factory=NoDetails)
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
            out["details"] = json_ready(self.details.to_dict())
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

    def to_xarray(self) -> Any:
        """The forecast as an ``xarray.Dataset`` with named dimensions, like a Simulation's.

        Variables: ``outcome(draw, issue)``, ``trajectory(draw, round, issue)`` and,
        where the model keeps positions, ``position(draw, round, actor, issue)``;
        coordinates are the draw and round numbers and the actor and issue ids;
        the model, seed and scenario hash are attributes.
        """
        import xarray as xr

        draws = np.arange(self.n_draws)
        rounds = np.arange(self.trajectory.n_rounds)
        data: dict[str, Any] = {
            "outcome": (("draw", "issue"), np.asarray(self.outcome)),
            "trajectory": (("draw", "round", "issue"), np.asarray(self.trajectory.outcome)),
        }
        if self.trajectory.position is not None:
            data["position"] = (("draw", "round", "actor", "issue"),
                                np.asarray(self.trajectory.position))
        attrs = {"model": self.model, "scenario_hash": self.scenario_hash,
                 "seed": -1 if self.seed is None else int(self.seed)}
        coords = {"draw": draws, "round": rounds, "actor": list(self.actors),
                  "issue": list(self.issues)}
        return xr.Dataset(data, coords=coords, attrs=attrs)

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
    #: parameter -> what it must be; checked on construction by :meth:`check_parameters`
    constraints: ClassVar[Mapping[str, Constraint]] = {}

    def __post_init__(self) -> None:
        self.check_parameters()

    @classmethod
    def parameter_names(cls) -> tuple[str, ...]:
        """The keyword parameters (scenario inputs excluded), in declaration order."""
        if not dataclasses.is_dataclass(cls):
            return ()
        return tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get(_INPUT))

    def get_params(self) -> dict[str, Any]:
        """The model's keyword parameters and their values."""
        return {name: getattr(self, name) for name in self.parameter_names()}

    def check_parameters(self) -> None:
        """Raise one :class:`DetenteError` naming every parameter that breaks ``constraints``."""
        bad = []
        for key, rule in self.constraints.items():
            value = getattr(self, key)
            if not rule.accepts(value):
                bad.append(f"{key}={value!r} (expected {rule.expected})")
        self._reject(bad)

    def bind(self, extras: ScenarioExtras) -> Model:
        """This model with what it takes from a scenario's typed extras (default: itself).

        The SMP takes a KTAB file's settings, the ensemble the Council rules of
        an EU issue; every caller that runs a model on a loaded scenario binds
        it first. :meth:`forecast` does so itself when given a scenario, so only a caller
        that compiles the arrays on its own (a Monte Carlo run) binds by hand:
        ``model.bind(extras_of(scenario))``. Binding twice is binding once.
        """
        return self

    def forecast(
        self,
        data: Scenario | ScenarioArrays,
        *,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> Forecast:
        """Run the model on a scenario (or its arrays) and return a :class:`Forecast`.

        ``seed`` makes a run reproducible; pass ``rng`` instead to share one
        generator across calls (the seed is then recorded as ``None``). Given a
        scenario, the model first takes what it needs from the scenario's extras
        (:meth:`bind`); given arrays, it runs as it is.
        """
        model = self.bind(extras_of(data)) if isinstance(data, Scenario) else self
        arrays = compile_scenario(data) if isinstance(data, Scenario) else data
        model.check(arrays)
        if rng is None:
            rng = np.random.default_rng(seed)
        out = model._run(arrays, rng)
        return Forecast(
            model=model.name,
            params=model.get_params(),
            actors=arrays.actors,
            issues=arrays.issues,
            outcome=out.outcome,
            trajectory=out.trajectory,
            seed=seed,
            scenario_hash=arrays.scenario_hash,
            details=out.details,
            scenario=data if isinstance(data, Scenario) else None,
        )

    def outcomes(self, arrays: ScenarioArrays, rng: np.random.Generator) -> np.ndarray:
        """The outcomes ``[D, I]`` alone, those of :meth:`forecast` bit for bit: what a
        Monte Carlo run keeps of each draw. A model whose trajectories are large computes
        them without (the SMP: its padded paths are 330 MB for 16,384 draws that run up to
        100 turns); the default runs :meth:`forecast`."""
        return self.forecast(arrays, rng=rng).outcome

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

    @abstractmethod
    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        """Compute the forecast: a pure function of the arrays and ``rng``."""


#: field metadata of a model field that holds an input from the scenario (see
#: :meth:`Model.bind`), not a parameter: ``field(default=None, repr=False,
#: compare=False, metadata=SCENARIO_INPUT)``; it is left out of ``params``
SCENARIO_INPUT: Mapping[str, bool] = {_INPUT: True}



def single_round(arrays: ScenarioArrays, outcome: np.ndarray) -> ModelOutput:
    """Output of a one-shot model: round 0 holds the stated positions and the outcome."""
    return ModelOutput(
        outcome=outcome,
        trajectory=Trajectory(outcome=outcome[:, None, :], position=arrays.position[:, None]),
    )


def _plain(value: Any) -> Any:
    """A detail field as plain data: records by their :meth:`Details.to_dict`, containers
    item by item, the rest as :func:`~detente.json_values.json_ready` gives it."""
    if isinstance(value, Details):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return json_ready(value)
