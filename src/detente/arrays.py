"""Scenario -> labelled arrays with a leading draw axis.

Every model is a pure function over these arrays, so one code path serves a
single forecast (one draw) and a Monte Carlo run (many draws), and a
distributed run is the same function mapped over chunks of draws.

Shapes (D draws, A actors, I issues):

- ``position[D, A, I]``: NaN where the actor takes no stance;
- ``salience[D, A, I]``: 0 where the actor takes no stance;
- ``capability[D, A]``;
- ``mask[A, I]``: True where the actor takes a stance;
- ``low[I]``, ``high[I]``: the issue's scale; ``status_quo[I]`` (NaN if none).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from detente.scenario import Scenario


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """The numbers of a scenario, labelled, with a leading draw axis."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    mask: np.ndarray
    low: np.ndarray
    high: np.ndarray
    status_quo: np.ndarray
    scenario_hash: str = ""
    issue_capability: np.ndarray | None = None
    """``f[A, I]``: each actor's capability on each issue over its overall capability
    (``Actor.capability_by_issue``; ``None``: one capability for every issue)."""

    def __post_init__(self) -> None:
        d, a, i = self.position.shape
        if self.salience.shape != (d, a, i):
            raise ValueError(f"salience shape {self.salience.shape} != position {(d, a, i)}")
        if self.capability.shape != (d, a):
            raise ValueError(f"capability shape {self.capability.shape} != {(d, a)}")
        if self.mask.shape != (a, i):
            raise ValueError(f"mask shape {self.mask.shape} != {(a, i)}")
        if len(self.actors) != a or len(self.issues) != i:
            raise ValueError("labels do not match the array shapes")

    @property
    def n_draws(self) -> int:
        return self.position.shape[0]

    @property
    def n_actors(self) -> int:
        return self.position.shape[1]

    @property
    def n_issues(self) -> int:
        return self.position.shape[2]

    @cached_property
    def weight(self) -> np.ndarray:
        """``capability × salience`` per draw, actor and issue (0 where no stance), the
        capability scaled per issue where the scenario states it (``issue_capability``).

        Computed once per arrays object (the models of a Monte Carlo block all read it:
        three times ~4 ms a 16,384-draw block before): the arrays are never changed in
        place once built; a changed copy is a new object (:meth:`take`,
        :meth:`with_values`, ``dataclasses.replace``) with its own weight, and the
        weight itself is read-only."""
        w = self.capability[:, :, None] * self.salience
        if self.issue_capability is not None:
            w = w * self.issue_capability[None]
        w = np.where(self.mask[None], w, 0.0)
        w.flags.writeable = False  # shared by every reader: a write would reach them all
        return w

    def take(self, draws: slice | np.ndarray) -> ScenarioArrays:
        """A subset of draws (for chunked engines)."""
        return replace(
            self,
            position=self.position[draws],
            salience=self.salience[draws],
            capability=self.capability[draws],
        )

    def select_issues(self, issues: list[int] | np.ndarray) -> ScenarioArrays:
        idx = np.asarray(issues, dtype=int)
        return replace(
            self,
            issues=tuple(self.issues[k] for k in idx),
            position=self.position[:, :, idx],
            salience=self.salience[:, :, idx],
            mask=self.mask[:, idx],
            low=self.low[idx],
            high=self.high[idx],
            status_quo=self.status_quo[idx],
            issue_capability=(None if self.issue_capability is None
                              else self.issue_capability[:, idx]),
        )

    def with_values(
        self,
        *,
        position: np.ndarray | None = None,
        salience: np.ndarray | None = None,
        capability: np.ndarray | None = None,
    ) -> ScenarioArrays:
        """The same labels with new numbers (e.g. sampled draws)."""
        return replace(
            self,
            position=self.position if position is None else position,
            salience=self.salience if salience is None else salience,
            capability=self.capability if capability is None else capability,
        )


def compile_scenario(scenario: Scenario, draws: int = 1) -> ScenarioArrays:
    """The point values of ``scenario`` repeated over ``draws`` draws.

    The draw axis is a broadcast view (no copy); models never write to inputs.
    Sampling of uncertain inputs lives in :mod:`detente.uncertainty`.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    actors = scenario.actor_ids
    issues = scenario.issue_ids
    a_index = {a: k for k, a in enumerate(actors)}
    i_index = {i: k for k, i in enumerate(issues)}
    pos = np.full((len(actors), len(issues)), np.nan)
    sal = np.zeros((len(actors), len(issues)))
    for st in scenario.stances:
        pos[a_index[st.actor], i_index[st.issue]] = st.position
        sal[a_index[st.actor], i_index[st.issue]] = st.salience
    cap = np.array([a.capability for a in scenario.actors], dtype=float)
    by_issue = None
    if any(a.capability_by_issue for a in scenario.actors):
        by_issue = np.ones((len(actors), len(issues)))
        for k, actor in enumerate(scenario.actors):
            for issue_id, value in actor.capability_by_issue.items():
                by_issue[k, i_index[issue_id]] = (value / actor.capability
                                                  if actor.capability > 0 else 0.0)
    sq = np.array(
        [np.nan if i.status_quo is None else i.status_quo for i in scenario.issues], dtype=float
    )
    return ScenarioArrays(
        actors=actors,
        issues=issues,
        position=np.broadcast_to(pos, (draws, *pos.shape)),
        salience=np.broadcast_to(sal, (draws, *sal.shape)),
        capability=np.broadcast_to(cap, (draws, *cap.shape)),
        mask=~np.isnan(pos),
        low=np.array([i.low for i in scenario.issues], dtype=float),
        high=np.array([i.high for i in scenario.issues], dtype=float),
        status_quo=sq,
        scenario_hash=scenario.hash,
        issue_capability=by_issue,
    )
