"""The exchange model's parameters and its run over rounds: each round executes the
admissible exchanges (:mod:`.round`), then suppliers start the next round part of the way
toward their voting positions; the forecast is the weighted mean of voting positions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

from detente.arrays import ScenarioArrays
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
from detente.models.compromise import weighted_mean
from detente.models.exchange.details import (
    CandidateExchange,
    CandidateSide,
    ExchangeDetails,
    ExchangeLog,
    RoundLog,
    log_entries,
)
from detente.models.exchange.pairing import issue_pairs
from detente.models.exchange.round import RoundState

Variant = Literal["equal-gain", "random-rate"]
Rule = Literal["decide", "paper"]


#: draws a slice of :meth:`Exchange.outcomes` (the equal-gain variant)
OUTCOME_DRAWS = 2048

@dataclass(frozen=True, kw_only=True)
class Exchange(Model):
    """Stokman–Van Oosten exchange model (equal gain by default), decide-compatible.

    Pairs of actors trade a move on the issue each cares less about for one on
    the issue it cares more about, at the rate ``k = (s_ip + s_jp)/(s_iq + s_jq)``
    that gives both the same gain; the forecast is ``O_d = Σ_k w_kd x_kd / Σ_k w_kd``
    over the voting positions (the package docstring gives every step).

    Parameters:

    - ``rounds`` (default 10): rounds to run, an integer >= 1.
    - ``variant`` (default ``"equal-gain"``): or ``"random-rate"`` (k drawn per
      candidate and round between the two rates at which one side gains nothing).
    - ``rule`` (default ``"decide"``): decide's bookkeeping, or ``"paper"``.
    - ``fixed_weight`` (default 0.1) and ``salience_weight`` (default 0.4): between
      rounds (``rule="decide"``) a supplier starts the next round at
      ``x + (fixed_weight + salience_weight (1 − s)) (y − x)``, from its start
      ``x`` toward its voting position ``y``.
    - ``log`` (default True): keep the exchange log in ``details.exchanges``.
    """

    name = "exchange"
    label = "Exchange (Stokman–Van Oosten)"

    rounds: int = 10
    variant: Variant = "equal-gain"
    rule: Rule = "decide"
    fixed_weight: float = 0.1
    salience_weight: float = 0.4
    log: bool = True

    constraints: ClassVar[Mapping[str, Constraint]] = {
        "rounds": Integer(1),
        "variant": OneOf.literal(Variant),
        "rule": OneOf.literal(Rule),
        "fixed_weight": Number(),
        "salience_weight": Number(),
        "log": Flag(),
    }

    def outcomes(self, arrays: ScenarioArrays, rng: np.random.Generator) -> np.ndarray:
        """The outcomes alone (:meth:`Model.outcomes`). The equal-gain variant draws no
        random numbers and each draw's run is its own (a batch gives the numbers of one run
        per draw), so it runs :data:`OUTCOME_DRAWS` draws at a time: a round's candidate
        arrays (about 17 kB a draw on the bundled scenario) then stay near 35 MB instead of
        growing with the block (270 MB for 16,384 draws). 2,048 rather than 4,096: the
        seven-model 10^5-draw run's peak is exchange's slice beside SMP's block, and the
        halved slice costs about 2% more CPU (docs/uncertainty.md, "Memory")."""
        if self.variant != "equal-gain":
            return super().outcomes(arrays, rng)
        quiet = dataclasses.replace(self, log=False)  # the log of draw 0 is not kept
        return np.concatenate([
            quiet.forecast(arrays.take(slice(lo, lo + OUTCOME_DRAWS)), rng=rng).outcome
            for lo in range(0, arrays.n_draws, OUTCOME_DRAWS)])

    def _run(self, arrays: ScenarioArrays, rng: np.random.Generator) -> ModelOutput:
        x, sal, w, ok = normalised(arrays)
        return run_exchange(x, sal, w, ok, arrays, self, rng)


def normalised(
    arrays: ScenarioArrays,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The model's inputs ``x, s, w, ok`` (each ``[D, A, I]``) from the scenario's arrays.

    ``x = (position − low)·100/(high − low)`` and ``w = c·s`` where the actor takes
    part (``ok``: a stance with weight > 0); elsewhere x = 0, w = 0 and s = 1 (so
    that ratios of saliences stay finite).
    """
    span = arrays.high - arrays.low
    pos = np.where(arrays.mask[None], arrays.position, arrays.low)
    x = (pos - arrays.low) * (100.0 / span)
    sal = np.where(arrays.mask[None], arrays.salience, 0.0)
    w = np.where(arrays.mask[None], arrays.capability[:, :, None] * sal, 0.0)
    ok = arrays.mask[None] & (w > 0)
    return np.where(ok, x, 0.0), np.where(ok, sal, 1.0), np.where(ok, w, 0.0), ok


def _denorm(values: np.ndarray, arrays: ScenarioArrays) -> np.ndarray:
    return values * ((arrays.high - arrays.low) / 100.0) + arrays.low


def _forecast(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``O[D, I] = Σ_a w x / Σ_a w`` over the actors of ``x[D, A, I]`` (NaN where Σ w = 0)."""
    return weighted_mean(x, w)


def run_exchange(
    x_start: np.ndarray,
    sal: np.ndarray,
    w: np.ndarray,
    ok: np.ndarray,
    arrays: ScenarioArrays,
    model: Exchange,
    rng: np.random.Generator,
) -> ModelOutput:
    """Run ``model.rounds`` rounds on normalised positions ``x_start[D, A, I]``."""
    d_, a_, i_ = x_start.shape
    pairs = issue_pairs(i_)
    wsum = w.sum(axis=1)  # [D, I]
    x0 = x_start.copy()
    outcome_traj = [_forecast(x0, w)]
    positions = np.empty((d_, model.rounds + 1, a_, i_))  # [D, R+1, A, I], filled in place
    positions[:, 0] = x0
    log: list[RoundLog] = []
    counts = np.zeros((model.rounds, d_), dtype=np.int64)
    for r in range(model.rounds):
        o_start = _forecast(x0, w)
        state = RoundState(x0, sal, w, ok, wsum, o_start, pairs, model, rng)
        steps = state.run(record_first=model.log)
        voting = state.position
        outcome_traj.append(_forecast(voting, w))
        positions[:, r + 1] = voting
        counts[r] = state.executed_per_draw
        if model.log:
            log.append(log_entries(state, steps, arrays, r + 1))
        if model.rule == "decide":
            moved = state.supplied
            weight = model.fixed_weight + model.salience_weight * (1.0 - sal)
            x0 = np.where(moved, x0 + weight * (voting - x0), x0)
        else:
            x0 = voting.copy()
        del state, steps, voting  # free this round's candidates before the next round's
    outcome = np.stack(outcome_traj, axis=1)  # [D, R+1, I]
    # on the issues' scales, in place (the same numbers as _denorm; the largest array)
    np.multiply(positions, (arrays.high - arrays.low) / 100.0, out=positions)
    np.add(positions, arrays.low, out=positions)
    positions[:, :, ~arrays.mask] = np.nan
    traj = Trajectory(outcome=_denorm(outcome, arrays), position=positions)
    details = ExchangeDetails(
        rounds=model.rounds,
        exchanges_per_round=counts[:, 0].tolist(),
        exchanges=ExchangeLog(log) if model.log else None,
    )
    return ModelOutput(outcome=traj.outcome[:, -1], trajectory=traj, details=details)


def candidates(data: Any, model: Exchange | None = None) -> list[CandidateExchange]:
    """The first round's candidate exchanges of draw 0, as computed before any is executed.

    Each: the two actors with what each supplies and demands, the moves and
    voting positions (issue scale), the gain of each side and whether it is
    admissible. Sorted by gain, highest first (the order of execution if no
    exchange disturbed another).
    """
    from detente.arrays import compile_scenario
    from detente.scenario import Scenario

    model = model or Exchange()
    arrays = compile_scenario(data) if isinstance(data, Scenario) else data.take(slice(0, 1))
    x, sal, w, ok = normalised(arrays)
    state = RoundState(x, sal, w, ok, w.sum(axis=1), _forecast(x, w), issue_pairs(x.shape[2]),
                        model, np.random.default_rng(0))
    if state.n_candidates == 0:
        return []
    c = state.cands
    scale, low = (arrays.high - arrays.low) / 100.0, arrays.low
    out: list[CandidateExchange] = []
    for n in np.flatnonzero(c.demander >= 0):
        a, b, p, q = int(c.demander[n]), int(c.supplier[n]), int(c.demanded[n]), int(c.offered[n])
        out.append(CandidateExchange(
            i=CandidateSide(arrays.actors[a], arrays.issues[q], arrays.issues[p],
                            float(x[0, a, q] * scale[q] + low[q]),
                            float(state.voting[0, n] * scale[q] + low[q]),
                            float(state.side_gain[0, n])),
            j=CandidateSide(arrays.actors[b], arrays.issues[p], arrays.issues[q],
                            float(x[0, b, p] * scale[p] + low[p]),
                            float(state.voting[1, n] * scale[p] + low[p]),
                            float(state.side_gain[1, n])),
            gain=float(state.gain[n]),
            admissible=bool(state.valid[n]),
        ))
    out.sort(key=lambda e: -e.gain if e.admissible else np.inf)
    return out
