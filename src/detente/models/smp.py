"""The spatial model of politics (SMP) as KTAB implements it, vectorised.

Actors hold positions ``x_a`` in a multi-dimensional space (every issue scaled
to [0, 1]), saliences ``s_ak`` and a capability ``c_a``; each also has an
*ideal* point (starting at its position) from which it judges positions.
Every turn, each actor picks the most advantageous rival to challenge, the two
interpolate a bargain, each actor chooses among the bargains that involve it
by a probabilistic Condorcet election (PCE), and the ideals move toward the
new positions through an accommodation matrix. The run stops when the moves
become small compared to the first one.

Formulas (KTAB's, see ``docs/models/smp.md`` for the sources and every place
where KTAB's code and the prose specification differ):

- distance from ``a``'s ideal to ``b``'s position, with ``a``'s saliences:
  ``d_ab = sqrt( Σ_k (s_ak (ideal_ak − x_bk))² / Σ_k s_ak² )``;
- utility ``u = (1 − d)(1 + d R)`` for ``d <= 1``, else ``(1 − d)(1 + R)``;
- risk attitudes: risk-neutral utilities ``1 − d``; coalitions
  ``C_ij = 1e-8 + Σ_k max(0, v_k(i, j))`` with ``v_k = vote(c_k, u_ki − u_kj)``;
  position probabilities ``p`` by the PCE; ``R_i = (3 p_i − (p_max + 2 p_min))
  / (2 (p_max − p_min))`` ("Mid"); actor h's estimate of i's attitude
  ``R_hi = (2 R_h + R_i) / 3`` ("OneThird");
- a challenge ``i → j`` seen by ``h`` and valued for ``k``: the principals'
  own votes ``vote(s_i c_i, u_ii − u_ij)`` and ``vote(s_j c_j, u_ji − u_jj)``
  start the coalitions ``A`` (for i) and ``B`` (for j); each third party ``n``
  first estimates ``π_n = (A + max(0, v)) / (A + B + |v|)`` with
  ``v = vote(s_n c_n, u_ni − u_nj)``, then votes
  ``vote(s_n c_n, π_n (2u_ni + u_nn) + (1 − π_n) 3u_nj − [π_n 3u_ni + (1 − π_n)(2u_nj + u_nn)])``
  ("SemiCommit"); ``P = C_ij / (C_ij + C_ji)``;
  ``Δ = (1 − s_j) 2u_ki + s_j (P 2u_ki + (1 − P) 2u_kj) − (u_ki + u_kj)``;
- bargain per dimension ("S2P2", weights ``w = s² P²``):
  ``b_i = round4(((w_i + 1e-6) x_i + w_j x_j) / (w_i + 1e-6 + w_j))``;
- each actor's choice among its bargains: value of a bargain to ``a`` is the
  mean over all actors of ``a``'s utility of their positions after it; PCE
  with capability weights; Deterministic takes the most probable (first on a
  tie), Stochastic draws one;
- ideals: ``ideal ← M x + (1 − Σ_j M_ij) ideal``;
- stop after turn ``t >= 2`` when ``D(t−1, t) / (D(0, 1) + 1e-4) < 0.02``
  with ``D = Σ_a ‖x_a(t) − x_a(t−1)‖``, or at turn 100.

Vectorisation: KTAB evaluates every challenge from every perspective, an
O(n⁴) loop per turn; but the run only *uses* each challenger's own view of
its n − 1 possible challenges (h = k = i), plus the target's view of the one
chosen (for the bargaining models that need it). The other perspectives are
computed by KTAB only to be logged in its database. Evaluating just the used
ones is O(n³) per turn, done here as array algebra over (challenger, target,
third party); the numbers are the same (see ``tests/models/test_smp_reference.py``).
"""

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

_KTAB_NAMES = {  # KTAB's XML parameter names -> our keyword arguments
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

_MIN_COALITION = 1e-8  # KTAB Model::coalitions
_MIN_CHALLENGE_COALITION = 1e-10  # KTAB SMPState::probEduChlg
_MIN_BARGAIN_WEIGHT = 1e-6  # KTAB interpBrgnSnPm / interpBrgnS2PMax


# ---------------------------------------------------------------------------------------
# elementary pieces (all elementwise / broadcasting)
# ---------------------------------------------------------------------------------------


def vote(rule: str, weight: np.ndarray | float, du: np.ndarray) -> np.ndarray:
    """An actor's vote for option 1 over option 2 given ``du = u1 − u2``.

    ``Prop``: ``w du``; ``Binary``: ``w clip(du / 1e-8, −1, 1)``; ``PropBin``:
    ``w (0.8 du + 0.2 bin)``; ``Cubic``: ``w du³``; ``PropCbc``:
    ``w (du + du³) / 2``; ``ASymProsp``: ``w du`` for losses, ``2/3 w du`` for gains.
    """
    du = np.asarray(du, dtype=float)
    if rule == "Prop":
        r = du
    elif rule == "Binary":
        r = np.clip(du / 1e-8, -1.0, 1.0)
    elif rule == "PropBin":
        r = 0.8 * du + 0.2 * np.clip(du / 1e-8, -1.0, 1.0)
    elif rule == "PropCbc":
        r = 0.5 * du + 0.5 * (du * du * du)
    elif rule == "Cubic":
        r = du * du * du
    elif rule == "ASymProsp":
        return np.where(du > 0, (2.0 * weight * du) / 3.0, weight * du)
    else:  # pragma: no cover - parameters are checked on construction
        raise ValueError(rule)
    return weight * r


def utility(d: np.ndarray, risk: np.ndarray | float) -> np.ndarray:
    """KTAB's scalar utility of a normalised distance: ``(1 − d)(1 + d R)``, d ≤ 1."""
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * risk), (1.0 - d) * (1.0 + risk))


def victory_prob(model: str, c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
    """P[1 beats 2] from coalition strengths: ``c1^e / (c1^e + c2^e)`` (e = 1, 2, 4, 8).

    ``Binary``: certain above a 10 % advantage, linear in between.
    """
    if model == "Linear":
        x1, x2 = c1, c2
    elif model == "Square":
        x1, x2 = c1 * c1, c2 * c2
    elif model == "Quartic":
        x1, x2 = (c1 * c1) ** 2, (c2 * c2) ** 2
    elif model == "Octic":
        x1, x2 = ((c1 * c1) ** 2) ** 2, ((c2 * c2) ** 2) ** 2
    elif model == "Binary":
        thresh = 1.10
        r12 = c1 / (c1 + c2)
        p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(c1 >= thresh * c2, 1.0, np.where(c2 >= thresh * c1, 1e-6, p12))
        x2 = np.where(c1 >= thresh * c2, 1e-6, np.where(c2 >= thresh * c1, 1.0, 1.0 - p12))
    else:  # pragma: no cover
        raise ValueError(model)
    return x1 / (x1 + x2)


def coalitions(rule: str, weight: np.ndarray, util: np.ndarray) -> np.ndarray:
    """``C[..., i, j]``: strength of the coalition for option i against option j.

    ``util[..., k, o]`` is actor k's utility of option o, ``weight[k]`` its
    voting weight. As in KTAB, votes are cast on the lower triangle (i > j):
    the positive part goes to ``C_ij``, the negative part to ``C_ji``; the
    diagonal is ``1e-8``.
    """
    du = util[..., :, :, None] - util[..., :, None, :]  # [..., k, i, j]
    v = vote(rule, weight[..., :, None, None], du)
    n = util.shape[-1]
    idx = np.arange(n)
    if rule != "ASymProsp":
        # every other rule is exactly antisymmetric (v_k(j, i) = −v_k(i, j) bit for bit),
        # so the negative parts of the lower triangle are the positive parts of the upper
        c = np.maximum(v, 0.0, out=v).sum(axis=-3) + _MIN_COALITION
    else:
        pos = np.maximum(v, 0.0).sum(axis=-3)
        neg = np.maximum(-v, 0.0).sum(axis=-3)
        lower = np.tril(np.ones((n, n), dtype=bool), -1)
        c = np.where(lower, pos, np.swapaxes(neg, -1, -2)) + _MIN_COALITION
    c[..., idx, idx] = _MIN_COALITION
    return c


def victory_matrix(vpm: str, c: np.ndarray) -> np.ndarray:
    """``P[i > j]`` from the coalition matrix; 1/2 on the diagonal."""
    p = victory_prob(vpm, c, np.swapaxes(c, -1, -2))
    n = c.shape[-1]
    idx = np.arange(n)
    p = np.array(p, dtype=float)
    p[..., idx, idx] = 0.5
    return p


def pce(pce_model: str, vpm: str, c: np.ndarray) -> np.ndarray:
    """Option probabilities from a coalition matrix ``c[O, O]`` (one election).

    - ``Conditional``: ``p_i ∝ Π_j P[i > j]`` (the product includes P[i > i] = 1/2);
    - ``MarkovUniform``: iterate ``q_i = Σ_j P[i > j](p_i + p_j) / n``, ``p ← (p + q)/2``
      until the largest change is below 1e-6;
    - ``MarkovIncentive``: challenge probabilities proportional to
      ``C_ij P[i > j]`` (plus 1e-10 on the diagonal), iterate
      ``q_i = Σ_j P[i > j](p_i T_ji + p_j T_ij)``, ``p ← (p + q)/2`` until below 1e-8.
    """
    vp = victory_matrix(vpm, c)
    n = c.shape[-1]
    if pce_model == "Conditional":  # batched over any leading axes
        prod = np.prod(vp, axis=-1)
        total = prod.sum(axis=-1, keepdims=True)
        if np.all((total > 0) & np.isfinite(total)):
            return prod / total
        logp = np.log(vp).sum(axis=-1)  # the product underflowed: same ratio, in logs
        e = np.exp(logp - logp.max(axis=-1, keepdims=True))
        return np.where(total > 0, prod / np.where(total > 0, total, 1.0),
                        e / e.sum(axis=-1, keepdims=True))
    if c.ndim > 2:
        return np.stack([pce(pce_model, vpm, cc) for cc in c])
    p = np.full(n, 1.0 / n)
    if pce_model == "MarkovUniform":
        for _ in range(1000):
            q = (vp * (p[:, None] + p[None, :])).sum(axis=-1) / n
            change = np.abs(q - p).max()
            p = (p + q) / 2.0
            if change <= 1e-6:
                return p
        raise DetenteError("SMP: the MarkovUniform PCE did not converge in 1000 iterations")
    if pce_model == "MarkovIncentive":
        inc = c * vp
        inc[np.arange(n), np.arange(n)] += 1e-10
        chlg = inc / inc.sum(axis=0, keepdims=True)  # T[i, j] = P[i challenges j]
        for _ in range(1000):
            ct = p[:, None] * chlg.T  # ct[i, j] = p_i T[j, i]
            q = (vp * (ct + ct.T)).sum(axis=-1)
            change = np.abs(q - p).max()
            p = (p + q) / 2.0
            if change <= 1e-8:
                return p
        raise DetenteError("SMP: the MarkovIncentive PCE did not converge in 1000 iterations")
    raise ValueError(pce_model)  # pragma: no cover


def scalar_pce(
    weight: np.ndarray, util: np.ndarray, rule: str, vpm: str, pce_model: str
) -> np.ndarray:
    """Probabilities of options ``util[A, O]`` under a vote weighted by ``weight[A]``."""
    return pce(pce_model, vpm, coalitions(rule, weight, util))


def big_r(p: np.ndarray, big_r_range: str) -> np.ndarray:
    """Risk attitudes from position probabilities.

    ``Min``: ``(p − p_min)/(p_max − p_min)`` in [0, 1]; ``Mid``:
    ``(3p − (p_max + 2 p_min)) / (2 (p_max − p_min))`` in [−1/2, 1]; ``Max``:
    ``(2p − (p_max + p_min)) / (p_max − p_min)`` in [−1, 1]. All zero when
    every probability is equal (KTAB divides by zero there).
    """
    pmin, pmax = p.min(), p.max()
    span = pmax - pmin
    if not span > 0:
        return np.zeros_like(p)
    if big_r_range == "Min":
        return (p - pmin) / span
    if big_r_range == "Mid":
        return (3 * p - (pmax + 2 * pmin)) / (2 * span)
    return (2 * p - (pmax + pmin)) / span


def estimated_risk(r: np.ndarray, adjust: str) -> np.ndarray:
    """``R[h, i]``: h's estimate of i's risk attitude (anchored on its own, ``R_h``)."""
    rh, ri = r[:, None], r[None, :]
    if adjust == "Full":
        return np.broadcast_to(ri, (r.size, r.size))
    if adjust == "TwoThirds":
        return (rh + 2.0 * ri) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "OneThird":
        return (2.0 * rh + ri) / 3.0
    return np.broadcast_to(rh, (r.size, r.size))


def distances(ideal: np.ndarray, pos: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """``d[a, b] = sqrt(Σ_k (s_ak (ideal_ak − x_bk))² / Σ_k s_ak²)`` (0 if ``Σ s² = 0``)."""
    diff = (ideal[:, None, :] - pos[None, :, :]) * sal[:, None, :]
    ss = (sal * sal).sum(axis=1)
    num = (diff * diff).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ss[:, None] > 0, np.sqrt(num / np.where(ss > 0, ss, 1.0)[:, None]), 0.0)


def round4(x: np.ndarray) -> np.ndarray:
    """KTAB's rounding of bargains: ``int(0.5 + 10⁴ x) / 10⁴`` (truncation toward 0)."""
    return np.trunc(0.5 + x * 10000.0) / 10000.0


def interpolate(
    scheme: str,
    t_i: np.ndarray,
    s_i: np.ndarray,
    p_i: np.ndarray,
    t_j: np.ndarray,
    s_j: np.ndarray,
    p_j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The bargain two actors strike per dimension: (what i adopts, what j adopts).

    ``S1P1``/``S2P2``: ``w = s^n P^m``; ``b_i = round4(((w_i + ε) t_i + w_j t_j) /
    (w_i + ε + w_j))``, ``b_j = round4((w_i t_i + (ε + w_j) t_j) / (w_i + ε + w_j))``
    with ``ε = 1e-6``. ``S2PMax``: each moves toward the other by
    ``δ s_other² / (δ s_other² + ε + (1 − δ) s_own²)`` with ``δ`` the other's
    probability advantage (no rounding).
    """
    if scheme in ("S1P1", "S2P2"):
        e = 1 if scheme == "S1P1" else 2
        wi = s_i**e * p_i**e
        wj = s_j**e * p_j**e
        den = wi + _MIN_BARGAIN_WEIGHT + wj
        bi = round4(((wi + _MIN_BARGAIN_WEIGHT) * t_i + wj * t_j) / den)
        bj = round4((wi * t_i + (_MIN_BARGAIN_WEIGHT + wj) * t_j) / den)
        return bi, bj
    di = np.maximum(p_j - p_i, 0.0)
    dj = np.maximum(p_i - p_j, 0.0)
    si2, sj2 = s_i * s_i, s_j * s_j
    dik = (di * sj2) / ((di * sj2) + _MIN_BARGAIN_WEIGHT + ((1 - di) * si2))
    djk = (dj * si2) / ((dj * si2) + _MIN_BARGAIN_WEIGHT + ((1 - dj) * sj2))
    return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)


# ---------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------


@dataclass
class _Turn:
    """Everything one state of the run knows (positions on [0, 1])."""

    pos: np.ndarray
    ideal: np.ndarray
    dist: np.ndarray | None = None
    risk: np.ndarray | None = None
    util: np.ndarray | None = None  # util[a, b]: a's utility of b's position (a's own R)
    risk_est: np.ndarray | None = None
    prob: np.ndarray | None = None
    records: list[dict[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class SpatialModelOfPolitics(Model):
    """KTAB's spatial model of politics (SMP), turn by turn.

    Each turn every actor challenges the rival with the highest expected gain
    ``Δ = (1 − s_j) 2u_ii + s_j (P 2u_ii + (1 − P) 2u_ij) − (u_ii + u_ij)``, the
    two strike the bargain ``b_i = round4(((w_i + ε) x_i + w_j x_j) / (w_i + ε + w_j))``
    (``w = s² P²``), each actor picks among its bargains by a probabilistic
    Condorcet election, and ideals move by ``ideal ← M x + (1 − Σ_j M_ij) ideal``;
    utilities are ``u = (1 − d)(1 + d R)`` of salience-weighted distances ``d``.
    The module docstring gives every formula.

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
      :func:`_check_schedule`).
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
            _check_schedule(self.ktab_schedule)

    @classmethod
    def from_ktab(cls, settings: KtabSettings | Mapping[str, str],
                  **overrides: Any) -> SpatialModelOfPolitics:
        """A model run as a KTAB file says: its ``<ModelParameters>`` (KTAB's names), its
        seed and accommodation pairs (used where ``ktab_seed`` and ``accommodation`` are
        left at ``None``). ``settings`` may also be the bare parameter mapping;
        ``overrides`` win."""
        if not isinstance(settings, KtabSettings):
            settings = KtabSettings(parameters=dict(settings))
        kwargs: dict[str, Any] = {_KTAB_NAMES[k]: v for k, v in settings.parameters.items()
                                  if k in _KTAB_NAMES}
        kwargs["ktab"] = settings
        kwargs.update(overrides)
        return cls(**kwargs)

    # ---- entry point ------------------------------------------------------------------
    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        seed = self.ktab_seed
        if seed is None and self.ktab is not None and self.ktab.seed is not None:
            seed = self.ktab.seed
        groups = self._groups(arrays)
        acc = self._accommodation(arrays)
        n_draws, n_act, n_iss = arrays.position.shape
        span = arrays.high - arrays.low
        pos01 = (_fill_missing(arrays) - arrays.low) / span
        sal = np.where(arrays.mask[None], arrays.salience, 0.0)
        cap = np.asarray(arrays.capability, dtype=float)

        runs: list[list[list[_Turn]]] = []  # [draw][group] -> turns
        for d in range(n_draws):
            per_group = []
            for g in groups:
                per_group.append(
                    self.simulate(pos01[d][:, g], sal[d][:, g], cap[d], acc, rng, seed)
                )
            runs.append(per_group)

        n_rounds = max(len(t) for per in runs for t in per)
        position = np.empty((n_draws, n_rounds, n_act, n_iss))
        ideal = np.empty_like(position)
        prob = np.full((n_draws, n_rounds, len(groups), n_act), np.nan)
        for d, per_group in enumerate(runs):
            for gi, (g, turns) in enumerate(zip(groups, per_group, strict=True)):
                for r in range(n_rounds):
                    t = turns[min(r, len(turns) - 1)]
                    position[d, r][:, g] = t.pos
                    ideal[d, r][:, g] = t.ideal
                    prob[d, r, gi] = t.prob
        position = position * span + arrays.low
        ideal = ideal * span + arrays.low

        wmean = weighted_mean(position, (cap[:, :, None] * sal)[:, None])  # [D, R, I]
        likely = np.empty((n_draws, n_rounds, n_iss))
        for gi, g in enumerate(groups):
            best = np.argmax(prob[:, :, gi], axis=-1)  # first actor holding the likeliest
            take = np.take_along_axis(position[..., g], best[:, :, None, None], axis=2)
            likely[..., g] = take[:, :, 0, :]
        outcome_path = likely if self.readout == "most_probable" else wmean

        details = self._details(arrays, groups, runs[0], position[0], ideal[0], prob[0],
                                likely, wmean)
        return ModelOutput(
            outcome=outcome_path[:, -1].copy(),
            trajectory=Trajectory(outcome=outcome_path, position=position),
            details=details,
        )

    def bind(self, extras: ScenarioExtras) -> SpatialModelOfPolitics:
        """This model with a KTAB file's settings (see :meth:`from_ktab`); itself if none."""
        if extras.ktab is None:
            return self
        if not self.scenario_parameters:
            return dataclasses.replace(self, ktab=extras.ktab)
        keep = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in _KTAB_NAMES.values()}
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
    ) -> list[_Turn]:
        """Run the SMP on ``pos[A, K]`` (on [0, 1]), ``sal[A, K]``, ``cap[A]``.

        Returns one :class:`_Turn` per state: turn 0 (the input) to the last.
        Stochastic transitions draw from ``rng``, or with ``prng="ktab"`` from
        KTAB's own generator seeded with ``ktab_seed`` (default: KTAB's).
        """
        if self.prng == "ktab":
            gen = KtabPRNG(KTAB_DEFAULT_SEED if ktab_seed is None else ktab_seed)
            draw_uniform = gen.uniform
        else:
            if rng is None:
                rng = np.random.default_rng(0)
            gen_np = rng

            def draw_uniform() -> float:
                return float(gen_np.random())
        pos = np.array(pos, dtype=float)
        n = pos.shape[0]
        acc = np.eye(n) if accommodation is None else np.asarray(accommodation, dtype=float)
        history = [_Turn(pos=pos, ideal=pos.copy())]
        self._assess(history[0], sal, cap)
        d01 = 0.0
        it = 0
        while True:
            it += 1
            plan = None
            if self.ktab_schedule is not None and it - 1 < len(self.ktab_schedule):
                plan = self.ktab_schedule[it - 1]
                if len(plan[0]) != n:
                    raise DetenteError(
                        f"smp: ktab_schedule turn {it} names {len(plan[0])} actors; the run has {n}"
                    )
            nxt = self._step(history[-1], sal, cap, acc, draw_uniform, plan)
            history.append(nxt)
            self._assess(nxt, sal, cap)
            if it == 1:
                d01 = _state_dist(history[0].pos, history[1].pos)
            dxy = _state_dist(history[-2].pos, history[-1].pos)
            quiet = dxy / (d01 + self.min_sig_delta) < self.min_delta_ratio
            if it >= self.max_turns or (it >= self.min_turns and quiet):
                break
        return history

    def _assess(self, st: _Turn, sal: np.ndarray, cap: np.ndarray) -> None:
        """Distances, risk attitudes, each actor's estimates, position probabilities."""
        d = distances(st.ideal, st.pos, sal)
        rn = 1.0 - d  # risk-neutral utilities
        p = scalar_pce(cap, rn, self.voting_rule, self.victory_prob_model, self.pce_model)
        r = big_r(p, self.big_r_range)
        st.dist, st.risk = d, r
        st.risk_est = np.ascontiguousarray(estimated_risk(r, self.big_r_adjust))
        # probability of each actor's position, each actor judging from its own ideal
        st.util = own = utility(d, r[:, None])
        uniq, rep = _unique_positions(st.pos, self.position_tolerance)
        pu = scalar_pce(cap, own[:, uniq], "Prop", self.victory_prob_model, self.pce_model)
        st.prob = pu[rep]

    def _challenges(
        self, st: _Turn, sal: np.ndarray, cap: np.ndarray,
        h: np.ndarray, k: np.ndarray, i: np.ndarray, j: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """h's estimate of P[i beats j] and of the gain to k of i challenging j (batched)."""
        d, rest = st.dist, st.risk_est
        ssum = sal.sum(axis=1)
        w = ssum * cap
        rule = self.voting_rule

        def u(hh: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return utility(d[a, b], rest[hh, a])

        uii, uij, uji, ujj = u(h, i, i), u(h, i, j), u(h, j, i), u(h, j, j)
        ci = vote(rule, w[i], uii - uij)
        cj = vote(rule, w[j], uji - ujj)
        a0 = _MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
        b0 = _MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)

        # third parties n (all actors, principals masked out): [B, A]
        rh = rest[h]  # h's estimates of every actor's risk attitude
        uni = utility(d[:, i].T, rh)
        unj = utility(d[:, j].T, rh)
        unn = utility(np.diag(d)[None, :], rh)
        wn = w[None, :]
        v0 = vote(rule, wn, uni - unj)
        cni = a0[:, None] + np.maximum(v0, 0.0)
        cnj = b0[:, None] + np.maximum(-v0, 0.0)
        pin = cni / (cni + cnj)
        pjn = 1.0 - pin
        tpc = self.third_party_commit
        if tpc == "SemiCommit":
            u_ik_j = pin * (uni + uni + unn) + pjn * (unj + unj + unj)
            u_i_jk = pin * (uni + uni + uni) + pjn * (unj + unj + unn)
        elif tpc == "FullCommit":
            u_ik_j = pin * (uni + uni + uni) + pjn * (unj + unj + unj)
            u_i_jk = u_ik_j
        else:
            u_ik_j = pin * (uni + uni + unn) + pjn * (unj + unj + unn)
            u_i_jk = u_ik_j
        vn = vote(rule, wn, u_ik_j - u_i_jk)
        n_idx = np.arange(d.shape[0])[None, :]
        third = (n_idx != i[:, None]) & (n_idx != j[:, None])
        chij = a0 + np.where(third, np.maximum(vn, 0.0), 0.0).sum(axis=1)
        chji = b0 + np.where(third, np.maximum(-vn, 0.0), 0.0).sum(axis=1)
        phij = chij / (chij + chji)

        uki, ukj = u(h, k, i), u(h, k, j)
        eu_sq = uki + ukj
        eu_vict = uki + uki
        eu_cntst = phij * eu_vict + (1.0 - phij) * (ukj + ukj)
        sj = ssum[j]
        return phij, (1.0 - sj) * eu_vict + sj * eu_cntst - eu_sq

    def _own_challenges(
        self, st: _Turn, sal: np.ndarray, cap: np.ndarray, ii: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``_challenges(h=i, k=i, i, j)`` for challengers ``ii`` and every target j.

        The same formulas as :meth:`_challenges`, arranged for speed: with h = i,
        a third party's utilities of i's position and of its own (u_ni, u_nn)
        do not depend on j, and under SemiCommit its vote reduces to
        ``vote(w_n, π_n (u_nn − u_ni) + (1 − π_n)(u_nj − u_nn))``.
        Returns ``P[i beats j]`` and the gain, both ``[len(ii), A]``.
        """
        d, rest = st.dist, st.risk_est
        n = d.shape[0]
        ssum = sal.sum(axis=1)
        w = ssum * cap
        rule = self.voting_rule
        m = ii.size
        rows = np.arange(m)
        r_in = rest[ii]  # [m, n]: i's estimate of n's risk attitude
        # u[i, a, b] = utility(d[a, b], r_in[i, a]) for the principals
        uij = utility(d[ii], r_in[rows, ii][:, None])  # [m, j]: i's own utility of j
        uii = uij[rows, ii]
        uji = utility(d[:, ii].T, r_in)  # [m, j]: j's utility of i (as i sees it)
        ujj = utility(np.diag(d)[None, :], r_in)  # [m, j]
        ci = vote(rule, w[ii][:, None], uii[:, None] - uij)
        cj = vote(rule, w[None, :], uji - ujj)
        a0 = _MIN_CHALLENGE_COALITION + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
        b0 = _MIN_CHALLENGE_COALITION + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)

        uni = uji[:, None, :]  # [m, 1, n]: n's utility of i's position
        unn = ujj[:, None, :]  # [m, 1, n]
        # unj[i, j, n] = utility(d[n, j], r_in[i, n])
        dj = d.T[None, :, :]  # [1, j, n]
        unj = (1.0 - dj) * (1.0 + dj * r_in[:, None, :])
        v0 = vote(rule, w[None, None, :], uni - unj)
        cni = a0[:, :, None] + np.maximum(v0, 0.0)
        tot = cni + (b0[:, :, None] + np.maximum(-v0, 0.0))
        pin = np.divide(cni, tot, out=cni)
        tpc = self.third_party_commit
        if tpc == "SemiCommit":
            diff = pin * (unn - uni) + (1.0 - pin) * (unj - unn)
        else:  # FullCommit and NoCommit value both sides alike: no third-party vote
            diff = np.zeros_like(unj)
        vn = vote(rule, w[None, None, :], diff)
        vn[rows, :, ii] = 0.0  # principals are not third parties
        jj = np.arange(n)
        vn[:, jj, jj] = 0.0
        chij = a0 + np.maximum(vn, 0.0).sum(axis=2)
        chji = b0 + np.maximum(-vn, 0.0).sum(axis=2)
        phij = chij / (chij + chji)
        sj = ssum[None, :]
        eu_vict = uii[:, None] + uii[:, None]
        eu_sq = uii[:, None] + uij
        eu_cntst = phij * eu_vict + (1.0 - phij) * (uij + uij)
        return phij, (1.0 - sj) * eu_vict + sj * eu_cntst - eu_sq

    def _best_challenges(
        self, st: _Turn, sal: np.ndarray, cap: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each actor's target (−1 for none), its P[win] and its expected gain."""
        n = st.pos.shape[0]
        target = np.full(n, -1)
        pwin = np.zeros(n)
        gain = np.zeros(n)
        chunk = max(1, 1_000_000 // max(n * n, 1))  # challengers per batch (bounded memory)
        for lo in range(0, n, chunk):
            ii = np.arange(lo, min(n, lo + chunk))
            p, du = self._own_challenges(st, sal, cap, ii)
            du[np.arange(ii.size), ii] = -np.inf
            best = np.argmax(du, axis=1)
            bdu = du[np.arange(ii.size), best]
            ok = bdu > self.min_sig_gain
            target[ii] = np.where(ok, best, -1)
            pwin[ii] = np.where(ok, p[np.arange(ii.size), best], 0.0)
            gain[ii] = np.where(ok, bdu, 0.0)
        return target, pwin, gain

    def _step(
        self, st: _Turn, sal: np.ndarray, cap: np.ndarray, acc: np.ndarray,
        draw_uniform: Callable[[], float],
        plan: Any = None,
    ) -> _Turn:
        """One turn. ``plan`` (from ``ktab_schedule``): ``(draw_order, events)`` fixing the
        order in which actors draw and in which bargains enter the queues (see
        :func:`_check_schedule`); ``None``: status quo first, then bargains in challenger
        order, draws in actor order (KTAB's loops as written)."""
        n = st.pos.shape[0]
        target, pwin, gain = self._best_challenges(st, sal, cap)
        chal = np.flatnonzero(target >= 0)
        tgt = target[chal]
        pos = st.pos
        ivb = self.inter_vec_brgn

        def bargain(p_i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return interpolate(ivb, pos[chal], sal[chal], p_i[:, None],
                               pos[tgt], sal[tgt], 1.0 - p_i[:, None])

        # bargains: (initiator, receiver, what the initiator adopts, what the receiver adopts)
        b_init: list[int] = []
        b_rcvr: list[int] = []
        b_pi: list[np.ndarray] = []
        b_pr: list[np.ndarray] = []
        own_i, own_j = bargain(pwin[chal])
        if self.bargn_model != "InitOnlyInterp" and chal.size:
            # the target's view; KTAB passes the target's expected gain here where its comment
            # says "probability" (kept, as KTAB's code decides; see docs/models/smp.md)
            _, gj = self._challenges(st, sal, cap, tgt, chal, chal, tgt)
            oth_i, oth_j = bargain(gj)
        queues: list[list[int]] = [[] for _ in range(n)]
        made_by: dict[int, list[int]] = {}
        for m, (a, b) in enumerate(zip(chal.tolist(), tgt.tolist(), strict=True)):
            if self.bargn_model == "PWCompInterp":
                # KTAB weights: initiator c_i s_i, target c_i s_j (its code reads the
                # initiator's capability for both)
                wi = cap[a] * sal[a].sum()
                wj = cap[a] * sal[b].sum()
                made = [((wi * own_i[m] + wj * oth_i[m]) / (wi + wj),
                         (wi * own_j[m] + wj * oth_j[m]) / (wi + wj))]
            elif self.bargn_model == "InitRcvrInterp":
                made = [(own_i[m], own_j[m]), (oth_i[m], oth_j[m])]
            else:
                made = [(own_i[m], own_j[m])]
            first = len(b_init)
            for bi, bj in made:
                b_init.append(a)
                b_rcvr.append(b)
                b_pi.append(bi)
                b_pr.append(bj)
            ids = list(range(first, len(b_init)))
            made_by[a] = ids
            queues[a].extend(ids)
            queues[b].extend(ids)
        if plan is not None:
            # replay a recorded thread schedule: an actor's first appearance in ``events``
            # puts its status quo (-1) on its queue, the second its bargains on both queues
            queues = [[] for _ in range(n)]
            seen: set[int] = set()
            for a in (int(ch) for ch in plan[1]):
                if a not in seen:
                    seen.add(a)
                    queues[a].append(-1)
                    continue
                for bid in made_by.get(a, []):
                    queues[a].append(bid)
                    queues[b_rcvr[bid]].append(bid)
        else:
            queues = [[-1] + q for q in queues]

        new_pos = pos.copy()
        records: list[dict[str, Any]] = []
        chosen = np.full(n, -1)
        n_brg = len(b_init)
        if n_brg:
            bu = self._bargain_values(st, sal, np.array(b_init), np.array(b_rcvr),
                                      np.array(b_pi), np.array(b_pr))
        sq = st.util.sum(axis=1) / n
        stochastic = self.state_transitions == "Stochastic"
        # KTAB draws one number per actor and turn, in actor order, even for a lone status quo
        draws: list[float] | None = None
        if stochastic:
            draws = [0.0] * n
            for a in (plan[0] if plan is not None else range(n)):
                draws[a] = draw_uniform()
        by_len: dict[int, list[int]] = {}
        for k in range(n):
            if len(queues[k]) > 1:  # a lone status quo is no choice (its draw is still used up)
                by_len.setdefault(len(queues[k]), []).append(k)
        if by_len:
            values = np.concatenate([sq[:, None], bu], axis=1)  # column 0: the status quo
        for ks in by_len.values():
            # every actor with a queue of this length: one batched election each
            cols = np.array([queues[k] for k in ks]) + 1  # [G, L]
            u_im = np.moveaxis(values[:, cols], 0, 1)  # [G, A, L]
            probs = pce(self.pce_model, self.victory_prob_model,
                        coalitions(self.voting_rule, cap, u_im))
            for g, k in enumerate(ks):
                p = probs[g]
                m = _select(p, draws[k]) if draws is not None else int(np.argmax(p))
                b = queues[k][m]
                if b < 0:
                    continue
                chosen[k] = b
                new_pos[k] = b_pi[b] if b_init[b] == k else b_pr[b]

        # ideals: ideal <- M x + (1 - Σ_j M_ij) ideal
        lag = 1.0 - np.minimum(acc.sum(axis=1), 1.0)
        new_ideal = acc @ new_pos + lag[:, None] * st.ideal
        for a in range(n):
            rec: dict[str, Any] = {"actor": a}
            if target[a] >= 0:
                rec.update(target=int(target[a]), p_win=float(pwin[a]), gain=float(gain[a]))
            if chosen[a] >= 0:
                b = chosen[a]
                rec["took"] = (int(b_init[b]), int(b_rcvr[b]))
            records.append(rec)
        out = _Turn(pos=new_pos, ideal=new_ideal)
        out.records = records
        return out

    def _bargain_values(
        self, st: _Turn, sal: np.ndarray, init: np.ndarray, rcvr: np.ndarray,
        p_init: np.ndarray, p_rcvr: np.ndarray,
    ) -> np.ndarray:
        """``U[a, b]``: a's mean utility over all positions once bargain b is struck.

        Every position, the two new ones included, is judged from ``a``'s ideal
        (KTAB's ``posUtil``; early KTAB versions used the current position there,
        which the reference runs rule out).
        """
        n = st.pos.shape[0]
        keep = (np.arange(n)[None, :] != init[:, None]) & (np.arange(n)[None, :] != rcvr[:, None])
        rest = st.util @ keep.T.astype(float)  # [a, b]: Σ over unchanged positions
        ui = utility(distances(st.ideal, p_init, sal), st.risk[:, None])
        ur = utility(distances(st.ideal, p_rcvr, sal), st.risk[:, None])
        return (ui + ur + rest) / n

    # ---- set-up and read-out ----------------------------------------------------------
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

    def _details(
        self, arrays: ScenarioArrays, groups: list[list[int]], runs: list[list[_Turn]],
        position: np.ndarray, ideal: np.ndarray, prob: np.ndarray,
        likely: np.ndarray, wmean: np.ndarray,
    ) -> dict[str, Any]:
        actors, issues = arrays.actors, arrays.issues
        n_rounds = position.shape[0]
        rounds: list[list[dict[str, Any]]] = []
        for r in range(1, n_rounds):
            recs: list[dict[str, Any]] = []
            for gi, (g, turns) in enumerate(zip(groups, runs, strict=True)):
                if r >= len(turns):
                    continue
                for rec in turns[r].records or []:
                    a = rec["actor"]
                    row: dict[str, Any] = {"actor": actors[a]}
                    if len(groups) > 1:
                        row["issues"] = ", ".join(issues[k] for k in g)
                    row["target"] = actors[rec["target"]] if "target" in rec else None
                    row["p_win"] = rec.get("p_win")
                    row["gain"] = rec.get("gain")
                    took = rec.get("took")
                    row["bargain"] = f"{actors[took[0]]}:{actors[took[1]]}" if took else None
                    for k in g:  # the position the actor holds after this turn
                        row[issues[k]] = float(position[r, a, k])
                    row["p_position"] = float(prob[r, gi, a])
                    recs.append(row)
            rounds.append(recs)
        return {
            "parameters": {f: getattr(self, f) for f in _KTAB_NAMES.values()},
            "groups": [[issues[k] for k in g] for g in groups],
            "turns": [len(t) - 1 for t in runs],
            "readout": self.readout,
            "most_probable": {iid: float(likely[0, -1, k]) for k, iid in enumerate(issues)},
            "weighted_mean": {iid: float(wmean[0, -1, k]) for k, iid in enumerate(issues)},
            "ideal": ideal.tolist(),
            "probability": [  # group by group, turn by turn
                {actors[a]: float(prob[r, gi, a]) for a in range(len(actors))}
                for gi in range(len(groups)) for r in range(n_rounds)
            ],
            "risk": [[float(x) for x in t.risk] for t in runs[0]],
            "rounds": rounds,
        }


KTAB_DEFAULT_SEED = 0xD67CC16FE69C185C
_M64 = (1 << 64) - 1


class KtabPRNG:
    """KTAB's random numbers: 64-bit Mersenne Twister (``std::mt19937_64``), each
    output ``n`` scrambled as ``(n + 0xE08C1D668B756F83)(2n + 3) mod 2⁶⁴`` and
    divided by ``2⁶⁴ − 1``. Only for reproducing KTAB's Stochastic runs.
    """

    def __init__(self, seed: int):
        mt = [int(seed) & _M64]
        for i in range(1, 312):
            prev = mt[-1]
            mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & _M64)
        self._mt = mt
        self._idx = 312

    def _twist(self) -> None:
        mt = self._mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[i] = mt[(i + 156) % 312] ^ xa
        self._idx = 0

    def raw(self) -> int:
        """The next ``mt19937_64`` output."""
        if self._idx >= 312:
            self._twist()
        y = self._mt[self._idx]
        self._idx += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & _M64

    def uniform(self) -> float:
        """A number in [0, 1], as KTAB's ``PRNG::uniform(0, 1)``."""
        n = self.raw()
        q = ((n + 0xE08C1D668B756F83) * (2 * n + 3)) & _M64
        return float(q) / float(_M64)


def _select(p: np.ndarray, u: float) -> int:
    """The first index whose cumulative probability reaches ``u`` (KTAB's ``probSel``)."""
    total = 0.0
    for m, pm in enumerate(p.tolist()):
        total = total + pm
        if u <= total:
            return m
    return len(p) - 1


def _state_dist(a: np.ndarray, b: np.ndarray) -> float:
    """``Σ_actors ‖a − b‖`` (Euclidean over dimensions)."""
    return float(np.sqrt(((a - b) ** 2).sum(axis=1)).sum())


def _unique_positions(pos: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's unique positions (first of each kind) and, per actor, its unique's index.

    An actor is matched to the *last* unique position within ``tol`` (KTAB's
    ``posProb`` scans them all and keeps the last match).
    """
    n = pos.shape[0]
    close = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2)) < tol
    uniq: list[int] = []
    for a in range(n):
        if not any(close[a, u] for u in uniq):
            uniq.append(a)
    u_arr = np.array(uniq)
    match = close[:, u_arr]
    last = match.shape[1] - 1 - np.argmax(match[:, ::-1], axis=1)
    return u_arr, last


def _fill_missing(arrays: ScenarioArrays) -> np.ndarray:
    """Positions with missing stances filled by the weighted mean of the others' (or midpoint)."""
    pos = np.asarray(arrays.position, dtype=float)
    mean = weighted_mean(pos, arrays.weight)[:, None, :]  # NaN where nobody has weight
    fill = np.where(np.isnan(mean), (arrays.low + arrays.high) / 2, mean)
    return np.where(arrays.mask[None], pos, fill)


def _check_schedule(schedule: Any) -> None:
    """Validate ``ktab_schedule``: one ``(draw_order, events)`` per turn.

    ``draw_order``: every actor index once, in the order the actors drew their
    random number (KTAB resolves the queues in threads behind a mutex).
    ``events``: a string of actor indices (0-9, so up to ten actors) in which
    every actor appears twice: its first appearance is its thread putting the
    status quo on its queue, the second its thread putting its bargain on its
    own and its target's queue. ``"0123401234"`` is every thread starting
    before any finishes, finishing in actor order.
    """
    if isinstance(schedule, str) or not isinstance(schedule, Sequence):
        raise DetenteError("smp: ktab_schedule must be a list of (draw_order, events) per turn")
    for t, plan in enumerate(schedule, start=1):
        ok = isinstance(plan, Sequence) and not isinstance(plan, str) and len(plan) == 2
        if ok:
            order, events = plan
            n = len(order)
            ok = (sorted(int(a) for a in order) == list(range(n)) and isinstance(events, str)
                  and n <= 10 and sorted(events) == sorted("".join(str(a) * 2 for a in range(n))))
        if not ok:
            raise DetenteError(
                f"smp: ktab_schedule turn {t}: expected (draw order: every actor once, "
                "events: a string naming every actor twice)"
            )
