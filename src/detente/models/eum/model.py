"""The expected utility model's parameters, presets, and its run over draws and issues
(each issue a game of its own, rows cut into chunks of bounded memory)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

from detente.arrays import ScenarioArrays
from detente.errors import DetenteError
from detente.models.base import (
    Constraint,
    Flag,
    Integer,
    Model,
    ModelOutput,
    Number,
    OneOf,
    Trajectory,
)
from detente.models.eum.details import EumDetails, eum_details
from detente.models.eum.simulate import Run, merge_records, pad, simulate

PRESETS: dict[str, dict[str, Any]] = {
    # the formulas as the paper writes them (the defaults)
    "paper": {},
    # the choices jmckib's port reports from Scholz's own code; they reproduce
    # the paper's Table 2 (see docs/models/eum.md)
    "scholz-code": {"probability": "triples", "perspective": "receiver",
                    "offer_rule": "scholz_code"},
    # dmasad/BDM_DecisionModel_Replication (Q = 1, T = 1)
    "dmasad": {"probability": "net", "offer_rule": "max_eu", "t_rule": "one"},
}


TRule = Literal["median", "one", "zero"]
OfferRule = Literal["scholz", "scholz_code", "max_eu", "least_move"]
RangeRule = Literal["initial", "current", "scale"]
Readout = Literal["median", "mean"]
ProbabilityRule = Literal["scholz", "net", "triples"]
Perspective = Literal["own", "receiver"]


@dataclass(frozen=True, kw_only=True)
class ExpectedUtility(Model):
    """Bueno de Mesquita's expected utility model (Scholz, Calbert & Smith 2011).

    Each round every actor i weighs challenging every j,
    ``E^i(U_ij) = s_j [P_ij U_s + (1 − P_ij) U_f] + (1 − s_j) U_s − Q U_sq
    − (1 − Q)[T U_b + (1 − T) U_w]``, with the win probability
    ``P_ij = Σ_{k: a_k > 0} w_k a_k / Σ_k w_k |a_k|``; offers move the positions,
    and the forecast is the median voter (or weighted mean) of the last round.
    The module docstring gives every step.

    Parameters (Scholz's choices are the defaults):

    - ``rounds`` (default 8, the length of Scholz's Table 2): rounds to run (the
      cap when ``tolerance`` is set).
    - ``tolerance`` (default ``None``: fixed rounds): a fraction of the issue's
      scale; stop once no position moves more than that.
    - ``q`` (default 1.0, Scholz's): probability that the status quo holds if i
      does not challenge (0.5 brings in the median-drift terms ``U_b``, ``U_w``).
    - ``t_rule`` (default ``"median"``: T = 1 when j's drift to the median helps
      i, ``|x_i − μ| < |x_i − x_j|``), ``"one"`` (dmasad) or ``"zero"``.
    - ``risk`` (default True): compute the risk exponents each round, or keep r = 1.
    - ``offer_rule`` (default ``"scholz"``: kind order conflict, compromise,
      capitulation, then the least move); ``"scholz_code"``: as ``"scholz"``, but
      among compromises the one whose |EU|-weighted point
      ``(|b| x_l + |a| x_j)/(|a| + |b|)`` is lowest (Scholz's code as ported by
      jmckib); ``"max_eu"`` (dmasad); ``"least_move"``.
    - ``range_rule`` (default ``"initial"``: the range of the stated positions,
      Scholz and dmasad): the ``R`` that distances are divided by; ``"current"``
      (recomputed each round, minimalgeek) or ``"scale"`` (the issue's scale).
    - ``readout`` (default ``"median"``: the median voter) or ``"mean"`` (the
      weighted mean).
    - ``probability`` (default ``"scholz"``: eq. 30/31, supporters' weighted
      margins over all margins), ``"net"`` (dmasad: the clipped net margin over
      all margins) or ``"triples"`` (Scholz's code as ported by jmckib:
      risk-powered votes over the sum of all voters' votes on all pairs; O(A³)
      per round).
    - ``perspective`` (default ``"own"``: the sender's exponent evaluates the
      sender's expected utility in an offer) or ``"receiver"`` (the receiver
      judges both sides with its own exponent, Scholz's code).
    - ``record`` (default True): keep each round's offers and risk exponents
      (first draw) in ``details``.
    - ``chunk_elements`` (default 2¹⁶): pair cells (batch × A × A) per chunk.
    - ``preset`` (default ``None``): ``"paper"``, ``"scholz-code"`` or ``"dmasad"``
      sets the switches of ``PRESETS`` that are left at their defaults
      (``-p eum.preset=scholz-code``). ``ExpectedUtility.from_preset(name,
      **overrides)`` does the same with explicit overrides.
    """

    name: ClassVar[str] = "eum"
    label: ClassVar[str] = "Expected utility (BDM)"

    rounds: int = 8
    tolerance: float | None = None
    q: float = 1.0
    t_rule: TRule = "median"
    risk: bool = True
    offer_rule: OfferRule = "scholz"
    range_rule: RangeRule = "initial"
    readout: Readout = "median"
    probability: ProbabilityRule = "scholz"
    perspective: Perspective = "own"
    record: bool = True
    chunk_elements: int = 1 << 16
    preset: str | None = None

    constraints: ClassVar[Mapping[str, Constraint]] = {
        "rounds": Integer(0),
        "tolerance": Number(low=0, optional=True),
        "q": Number(0, 1),
        "t_rule": OneOf.literal(TRule),
        "risk": Flag(),
        "offer_rule": OneOf.literal(OfferRule),
        "range_rule": OneOf.literal(RangeRule),
        "readout": OneOf.literal(Readout),
        "probability": OneOf.literal(ProbabilityRule),
        "perspective": OneOf.literal(Perspective),
        "record": Flag(),
        "chunk_elements": Integer(1),
    }

    def __post_init__(self) -> None:
        if self.preset is not None:
            if self.preset not in PRESETS:
                raise DetenteError(
                    f"model 'eum': no preset {self.preset!r}; presets: {', '.join(PRESETS)}"
                )
            defaults = {f.name: f.default for f in dataclasses.fields(self)}
            for key, value in PRESETS[self.preset].items():
                if getattr(self, key) == defaults[key]:  # explicit values win
                    object.__setattr__(self, key, value)
        super().__post_init__()

    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> ExpectedUtility:
        """A named set of switches (see ``PRESETS``), with keyword overrides."""
        if name not in PRESETS:
            raise DetenteError(f"no eum preset {name!r}; presets: {', '.join(PRESETS)}")
        model = cls(**{**PRESETS[name], **overrides})
        object.__setattr__(model, "preset", name)  # recorded; the overrides stand
        return model

    def _chunks(self, arrays: ScenarioArrays) -> Iterator[tuple[int, Run]]:
        """Each chunk of batch rows (row b = draw · I + issue, actors on the last axis)
        run: its first row and its :class:`Run` (draw 0's rows recorded when ``record``).
        A chunk's rows are laid out from its own draws only (not the whole batch's rows
        first: ~1.4 kB a draw, 23 MB for a 16,384-draw block)."""
        n_draws, n_actors, n_issues = arrays.position.shape
        n_rows = n_draws * n_issues
        per_chunk = max(1, self.chunk_elements // max(1, n_actors * n_actors))
        for start in range(0, n_rows, per_chunk):
            stop = min(n_rows, start + per_chunk)
            first, last = start // n_issues, -(-stop // n_issues)  # the chunk's draws
            rows = slice(start - first * n_issues, stop - first * n_issues)
            pos, sal, cap, active, low, high = _rows(arrays, first, last)
            record_rows = (
                list(range(start, min(stop, n_issues))) if self.record and start < n_issues else []
            )
            yield start, simulate(
                pos[rows], cap[rows], sal[rows], active[rows], low[rows], high[rows],
                rounds=self.rounds, tolerance=self.tolerance, cfg=self,
                record_rows=[r - start for r in record_rows],
            )

    def outcomes(self, arrays: ScenarioArrays, rng: np.random.Generator) -> np.ndarray:
        """The outcomes alone (:meth:`Model.outcomes`), :meth:`forecast`'s bit for bit: each
        row's last round (the trajectories' padding repeats it), chunk by chunk, without
        holding every chunk's trajectories (about 110 MB for 16,384 draws of the bundled
        scenario's five actors and eight issues)."""
        self.check(arrays)
        n_draws, _, n_issues = arrays.position.shape
        last = [(run.median if self.readout == "median" else run.mean)[:, -1]
                for _, run in self._chunks(arrays)]
        return np.concatenate(last).reshape(n_draws, n_issues)

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        n_draws, n_actors, n_issues = arrays.position.shape
        chunks = list(self._chunks(arrays))
        starts = [start for start, _ in chunks]
        runs = [run for _, run in chunks]
        n_run = max(run.positions.shape[1] for run in runs)
        positions = np.concatenate([pad(run.positions, n_run) for run in runs])
        median = np.concatenate([pad(run.median, n_run) for run in runs])
        mean = np.concatenate([pad(run.mean, n_run) for run in runs])
        read = median if self.readout == "median" else mean
        outcome_traj = read.reshape(n_draws, n_issues, n_run).transpose(0, 2, 1)
        position_traj = positions.reshape(n_draws, n_issues, n_run, n_actors).transpose(0, 2, 3, 1)
        details = (
            eum_details(merge_records(runs, starts), arrays, n_run, median, mean)
            if self.record else EumDetails(rounds_run=n_run - 1)
        )
        return ModelOutput(
            outcome=outcome_traj[:, -1, :].copy(),
            trajectory=Trajectory(outcome=outcome_traj, position=position_traj),
            details=details,
        )


def _rows(arrays: ScenarioArrays, first: int, last: int) -> tuple[np.ndarray, ...]:
    """Draws ``first … last − 1`` as batch rows (row = draw · I + issue, actors on the
    last axis): positions, saliences, capabilities, who takes part, each row's scale."""
    _, n_actors, n_issues = arrays.position.shape
    n = last - first
    pos = np.moveaxis(arrays.position[first:last], 2, 1).reshape(-1, n_actors)
    sal = np.moveaxis(arrays.salience[first:last], 2, 1).reshape(-1, n_actors)
    cap = np.repeat(arrays.capability[first:last], n_issues, axis=0)
    active = np.broadcast_to(arrays.mask.T[None], (n, n_issues, n_actors)).reshape(-1, n_actors)
    return pos, sal, cap, active, np.tile(arrays.low, n), np.tile(arrays.high, n)


# --------------------------------------------------------------------------------------
# the simulation over a batch of independent one-issue games: arrays [B, A]
