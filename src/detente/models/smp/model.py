"""The SMP model: its parameters (KTAB's names and defaults), the run over issue groups and
draws, and the read-out (the most probable final position, or the weighted mean)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from detente.arrays import ScenarioArrays
from detente.errors import DetenteError
from detente.extras import KtabSettings, ScenarioExtras
from detente.models.base import (
    SCENARIO_INPUT,
    Constraint,
    Flag,
    Integer,
    Model,
    ModelOutput,
    Number,
    OneOf,
    Trajectory,
)
from detente.models.compromise import weighted_mean
from detente.models.smp.blas import one_blas_thread
from detente.models.smp.details import SmpDetails, turn_rows
from detente.models.smp.paths import (
    Scale,
    SmpPaths,
    batched_outcome,
    batched_paths,
    reference_paths,
)
from detente.models.smp.primitives import state_distance
from detente.models.smp.prng import KTAB_DEFAULT_SEED, KtabPRNG
from detente.models.smp.schedule import check_schedule
from detente.models.smp.turn import Turn, assess, step

VICTORY_PROB_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")
STATE_TRANSITIONS = ("Deterministic", "Stochastic")
VOTING_RULES = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")
BIG_R_ADJUST = ("None", "OneThird", "Half", "TwoThirds", "Full")
BIG_R_RANGE = ("Min", "Mid", "Max")
THIRD_PARTY_COMMIT = ("NoCommit", "SemiCommit", "FullCommit")
INTER_VEC_BRGN = ("S1P1", "S2P2", "S2PMax")
BARGN_MODELS = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")
READOUTS = ("most_probable", "weighted_mean")

KTAB_NAMES = {  # KTAB's XML parameter names -> our keyword arguments
    "VictoryProbModel": "victory_prob_model",
    "PCEModel": "pce_model",
    "StateTransitions": "state_transitions",
    "VotingRule": "voting_rule",
    "BigRAdjust": "big_r_adjust",
    "BigRRange": "big_r_range",
    "ThirdPartyCommit": "third_party_commit",
    "InterVecBrgn": "inter_vec_brgn",
    "BargnModel": "bargn_model",
}


@dataclass(frozen=True, kw_only=True)
class SpatialModelOfPolitics(Model):
    """KTAB's spatial model of politics (SMP), turn by turn.

    Each turn every actor challenges the rival with the highest expected gain
    ``Δ = (1 − s_j) 2u_ii + s_j (P 2u_ii + (1 − P) 2u_ij) − (u_ii + u_ij)``, the
    two strike the bargain ``b_i = round4(((w_i + ε) x_i + w_j x_j) / (w_i + ε + w_j))``
    (``w = s² P²``), each actor picks among its bargains by a probabilistic
    Condorcet election, and ideals move by ``ideal ← M x + (1 − Σ_j M_ij) ideal``;
    utilities are ``u = (1 − d)(1 + d R)`` of salience-weighted distances ``d``.
    The package docstring gives every formula. Many draws of a deterministic run
    are one array computation (:attr:`batched`), with the numbers of one
    :meth:`simulate` per draw bit for bit.

    Parameters with KTAB's names and defaults (``docs/models/smp.md`` maps them):
    ``victory_prob_model`` (default ``"Linear"``), ``pce_model``
    (``"Conditional"``), ``state_transitions`` (``"Deterministic"``),
    ``voting_rule`` (``"Prop"``), ``big_r_adjust`` (``"OneThird"``),
    ``big_r_range`` (``"Mid"``), ``third_party_commit`` (``"SemiCommit"``),
    ``inter_vec_brgn`` (``"S2P2"``), ``bargn_model`` (``"InitOnlyInterp"``),
    ``position_tolerance`` (1e-3: positions closer than this are one),
    ``max_turns`` (100), ``min_turns`` (2), ``min_delta_ratio`` (0.02) and
    ``min_sig_delta`` (1e-4) of the stop rule, ``min_sig_gain`` (1e-5: the least
    expected gain worth a challenge).

    Ours:

    - ``groups`` (default ``None``: all issues of the scenario in one space, as
      KTAB does): ``"separate"`` (each issue alone) or a list of lists of issue
      ids (issues left out run alone).
    - ``accommodation`` (default ``None``: the KTAB file's own accommodation
      pairs, given through :meth:`from_ktab`, else the identity):
      the ideal-adjustment matrix (actors × actors, values in [0, 1]).
    - ``readout`` (default ``"most_probable"``: the most probable final
      position) or ``"weighted_mean"`` (the capability × salience weighted mean
      of final positions); both are always in ``details``.
    - ``scenario_parameters`` (default True): when the model is bound to a
      KTAB scenario (:meth:`bind`), the file's ``<ModelParameters>`` replace
      the nine KTAB parameters above.
    - ``prng`` (default ``"numpy"``: Stochastic draws from the passed
      generator) or ``"ktab"`` (KTAB's own generator, to reproduce a KTAB run).
    - ``ktab_seed`` (default ``None``: the KTAB file's ``<prngSeed>``, else
      KTAB's default seed): the seed of ``prng="ktab"``.
    - ``ktab_schedule`` (default ``None``: KTAB's loops as written): a recorded
      KTAB thread schedule, one ``(draw_order, events)`` per turn (see
      :func:`~detente.models.smp.schedule.check_schedule`).
    """

    name = "smp"
    label = "Spatial model of politics (KTAB)"

    victory_prob_model: str = "Linear"
    pce_model: str = "Conditional"
    state_transitions: str = "Deterministic"
    voting_rule: str = "Prop"
    big_r_adjust: str = "OneThird"
    big_r_range: str = "Mid"
    third_party_commit: str = "SemiCommit"
    inter_vec_brgn: str = "S2P2"
    bargn_model: str = "InitOnlyInterp"
    position_tolerance: float = 1e-3
    max_turns: int = 100
    min_turns: int = 2
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4
    min_sig_gain: float = 1e-5
    groups: Any = None
    accommodation: Any = None
    readout: str = "most_probable"
    scenario_parameters: bool = True
    prng: str = "numpy"
    ktab_seed: int | None = None
    ktab_schedule: Any = None
    ktab: KtabSettings | None = field(default=None, repr=False, compare=False,
                                      metadata=SCENARIO_INPUT)

    constraints: ClassVar[Mapping[str, Constraint]] = {
        "victory_prob_model": OneOf(VICTORY_PROB_MODELS),
        "pce_model": OneOf(PCE_MODELS),
        "state_transitions": OneOf(STATE_TRANSITIONS),
        "voting_rule": OneOf(VOTING_RULES),
        "big_r_adjust": OneOf(BIG_R_ADJUST),
        "big_r_range": OneOf(BIG_R_RANGE),
        "third_party_commit": OneOf(THIRD_PARTY_COMMIT),
        "inter_vec_brgn": OneOf(INTER_VEC_BRGN),
        "bargn_model": OneOf(BARGN_MODELS),
        "position_tolerance": Number(),
        "max_turns": Integer(1),
        "min_turns": Integer(1),
        "min_delta_ratio": Number(),
        "min_sig_delta": Number(),
        "min_sig_gain": Number(),
        "readout": OneOf(READOUTS),
        "scenario_parameters": Flag(),
        "prng": OneOf(("numpy", "ktab")),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.ktab_schedule is not None:
            check_schedule(self.ktab_schedule)

    @classmethod
    def from_ktab(cls, settings: KtabSettings | Mapping[str, str],
                  **overrides: Any) -> SpatialModelOfPolitics:
        """A model run as a KTAB file says: its ``<ModelParameters>`` (KTAB's names), its
        seed and accommodation pairs (used where ``ktab_seed`` and ``accommodation`` are
        left at ``None``). ``settings`` may also be the bare parameter mapping;
        ``overrides`` win."""
        if not isinstance(settings, KtabSettings):
            settings = KtabSettings(parameters=dict(settings))
        kwargs: dict[str, Any] = {KTAB_NAMES[k]: v for k, v in settings.parameters.items()
                                  if k in KTAB_NAMES}
        kwargs["ktab"] = settings
        kwargs.update(overrides)
        return cls(**kwargs)

    # ---- entry point ------------------------------------------------------------------
    def _inputs(self, arrays: ScenarioArrays) -> tuple[
            list[list[int]], np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, Scale]:
        """Groups, positions on [0, 1], saliences (0 where unstated), capabilities, the
        accommodation matrix and the issues' scales."""
        groups = self._groups(arrays)
        span = arrays.high - arrays.low
        pos01 = (fill_missing(arrays) - arrays.low) / span
        sal = np.where(arrays.mask[None], arrays.salience, 0.0)
        cap = np.asarray(arrays.capability, dtype=float)
        scale = Scale(low=arrays.low, span=span, weight=cap[:, :, None] * sal)
        return groups, pos01, sal, cap, self._accommodation(arrays), scale

    def outcomes(self, arrays: ScenarioArrays, rng: np.random.Generator) -> np.ndarray:
        """The outcomes alone (:meth:`Model.outcomes`): a batched run reads out each draw's
        last state without building the padded paths."""
        if not self.batched:
            return super().outcomes(arrays, rng)
        self.check(arrays)
        groups, pos01, sal, cap, acc, scale = self._inputs(arrays)
        return batched_outcome(self, pos01, sal, cap, groups, acc, scale)

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        groups, pos01, sal, cap, acc, scale = self._inputs(arrays)
        if self.batched:
            paths = batched_paths(self, pos01, sal, cap, groups, acc, scale)
        else:
            paths = reference_paths(self._simulate_draws(pos01, sal, cap, groups, acc, rng),
                                    groups, scale)
        outcome_path = paths.likely if self.readout == "most_probable" else paths.wmean
        return ModelOutput(
            outcome=outcome_path[:, -1].copy(),
            trajectory=Trajectory(outcome=outcome_path, position=paths.position),
            details=self._details(arrays, groups, paths),
        )

    @property
    def batched(self) -> bool:
        """Whether a batch of draws runs as one array computation (:mod:`.batch_run`):
        every deterministic run without a replayed KTAB schedule. Stochastic runs draw
        their random numbers one draw after the other from one stream, so they run
        draw by draw (:meth:`simulate`), as do runs replaying ``ktab_schedule``."""
        return self.state_transitions == "Deterministic" and self.ktab_schedule is None

    def _simulate_draws(
        self, pos01: np.ndarray, sal: np.ndarray, cap: np.ndarray, groups: list[list[int]],
        acc: np.ndarray | None, rng: np.random.Generator,
    ) -> list[list[list[Turn]]]:
        """One :meth:`simulate` per draw and group (the reference path): ``[D][G]`` turns."""
        seed = self.ktab_seed
        if seed is None and self.ktab is not None and self.ktab.seed is not None:
            seed = self.ktab.seed
        return [
            [self.simulate(pos01[d][:, g], sal[d][:, g], cap[d], acc, rng, seed) for g in groups]
            for d in range(pos01.shape[0])
        ]

    def _details(self, arrays: ScenarioArrays, groups: list[list[int]], paths: SmpPaths
                 ) -> SmpDetails:
        """The first draw's records."""
        actors, issues = arrays.actors, arrays.issues
        n_rounds = paths.prob.shape[0]
        return SmpDetails(
            parameters={f: getattr(self, f) for f in KTAB_NAMES.values()},
            groups=[[issues[k] for k in g] for g in groups],
            turns=[len(t) - 1 for t in paths.first],
            readout=self.readout,
            most_probable={iid: float(paths.likely[0, -1, k]) for k, iid in enumerate(issues)},
            weighted_mean={iid: float(paths.wmean[0, -1, k]) for k, iid in enumerate(issues)},
            ideal=paths.ideal.tolist(),
            probability=[  # group by group, turn by turn
                {actors[a]: float(paths.prob[r, gi, a]) for a in range(len(actors))}
                for gi in range(len(groups)) for r in range(n_rounds)
            ],
            risk=[[float(x) for x in t.risk] for t in paths.first[0]],
            rounds=turn_rows(actors, issues, groups, paths.first, paths.position[0], paths.prob),
        )

    def bind(self, extras: ScenarioExtras) -> SpatialModelOfPolitics:
        """This model with a KTAB file's settings (see :meth:`from_ktab`); itself if none."""
        if extras.ktab is None:
            return self
        if not self.scenario_parameters:
            return dataclasses.replace(self, ktab=extras.ktab)
        keep = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in KTAB_NAMES.values()}
        keep["ktab"] = extras.ktab
        return SpatialModelOfPolitics.from_ktab(extras.ktab, **keep)

    # ---- one run ----------------------------------------------------------------------
    def simulate(
        self,
        pos: np.ndarray,
        sal: np.ndarray,
        cap: np.ndarray,
        accommodation: np.ndarray | None = None,
        rng: np.random.Generator | None = None,
        ktab_seed: int | None = None,
    ) -> list[Turn]:
        """Run the SMP on ``pos[A, K]`` (on [0, 1]), ``sal[A, K]``, ``cap[A]``.

        Returns one :class:`~detente.models.smp.turn.Turn` per state: turn 0 (the input)
        to the last.
        Stochastic transitions draw from ``rng``, or with ``prng="ktab"`` from
        KTAB's own generator seeded with ``ktab_seed`` (default: KTAB's).
        """
        with one_blas_thread():
            return self._simulate(pos, sal, cap, accommodation, rng, ktab_seed)

    def _simulate(
        self, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray,
        accommodation: np.ndarray | None, rng: np.random.Generator | None,
        ktab_seed: int | None,
    ) -> list[Turn]:
        draw_uniform = self._uniform_source(rng, ktab_seed)
        pos = np.array(pos, dtype=float)
        n = pos.shape[0]
        acc = np.eye(n) if accommodation is None else np.asarray(accommodation, dtype=float)
        history = [Turn(pos=pos, ideal=pos.copy())]
        assess(self, history[0], sal, cap)
        d01 = 0.0
        it = 0
        while True:
            it += 1
            nxt = step(self, history[-1], sal, cap, acc, draw_uniform, self._plan(it, n))
            history.append(nxt)
            assess(self, nxt, sal, cap)
            if it == 1:
                d01 = state_distance(history[0].pos, history[1].pos)
            dxy = state_distance(history[-2].pos, history[-1].pos)
            quiet = dxy / (d01 + self.min_sig_delta) < self.min_delta_ratio
            if it >= self.max_turns or (it >= self.min_turns and quiet):
                break
        return history

    def _uniform_source(self, rng: np.random.Generator | None,
                        ktab_seed: int | None) -> Callable[[], float]:
        """Where Stochastic transitions draw from: KTAB's generator (``prng="ktab"``, seeded
        with ``ktab_seed``, default KTAB's) or ``rng``."""
        if self.prng == "ktab":
            return KtabPRNG(KTAB_DEFAULT_SEED if ktab_seed is None else ktab_seed).uniform
        gen = np.random.default_rng(0) if rng is None else rng
        return lambda: float(gen.random())

    def _plan(self, turn: int, n: int) -> Any:
        """The recorded thread schedule of ``turn`` (from 1), if any."""
        if self.ktab_schedule is None or turn - 1 >= len(self.ktab_schedule):
            return None
        plan = self.ktab_schedule[turn - 1]
        if len(plan[0]) != n:
            raise DetenteError(
                f"smp: ktab_schedule turn {turn} names {len(plan[0])} actors; the run has {n}"
            )
        return plan

    # ---- set-up -----------------------------------------------------------------------
    def _groups(self, arrays: ScenarioArrays) -> list[list[int]]:
        n_iss = arrays.n_issues
        if self.groups is None:
            return [list(range(n_iss))]
        if self.groups == "separate":
            return [[k] for k in range(n_iss)]
        if isinstance(self.groups, str) or not isinstance(self.groups, Sequence):
            raise DetenteError(
                "smp: groups must be None (all issues together), 'separate', "
                "or a list of lists of issue ids"
            )
        index = {iid: k for k, iid in enumerate(arrays.issues)}
        out: list[list[int]] = []
        seen: set[int] = set()
        for g in self.groups:
            ks = []
            for iid in [g] if isinstance(g, str) else g:
                if iid not in index:
                    raise DetenteError(f"smp: groups names unknown issue {iid!r}")
                if index[iid] in seen:
                    raise DetenteError(f"smp: issue {iid!r} is in more than one group")
                seen.add(index[iid])
                ks.append(index[iid])
            if ks:
                out.append(ks)
        out.extend([k] for k in range(n_iss) if k not in seen)
        return out

    def _accommodation(self, arrays: ScenarioArrays) -> np.ndarray | None:
        n = arrays.n_actors
        acc = self.accommodation
        if acc is None and self.ktab is not None:
            if self.ktab.accommodation:
                m = np.eye(n)
                index = {a: k for k, a in enumerate(arrays.actors)}
                for pair in self.ktab.accommodation:
                    if pair.actor in index and pair.reference in index:
                        m[index[pair.actor], index[pair.reference]] = pair.adjust
                return m
            return None
        if acc is None:
            return None
        try:
            m = np.asarray(acc, dtype=float)
        except (TypeError, ValueError):
            m = np.full((0, 0), np.nan)  # not numbers: reported below
        if m.shape != (n, n) or not np.all((m >= 0) & (m <= 1)):
            raise DetenteError(
                f"smp: accommodation must be a {n}×{n} matrix of values in [0, 1]"
            )
        return m


def fill_missing(arrays: ScenarioArrays) -> np.ndarray:
    """Positions with missing stances filled by the weighted mean of the others' (or midpoint)."""
    pos = np.asarray(arrays.position, dtype=float)
    mean = weighted_mean(pos, arrays.weight)[:, None, :]  # NaN where nobody has weight
    fill = np.where(np.isnan(mean), (arrays.low + arrays.high) / 2, mean)
    return np.where(arrays.mask[None], pos, fill)
