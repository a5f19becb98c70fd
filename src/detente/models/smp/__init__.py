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

Modules, one concern each: :mod:`.primitives` (votes, utilities, coalitions,
the PCE, risk attitudes, bargains), :mod:`.challenges` (who challenges whom,
and what each expects), :mod:`.turn` (one turn: bargains, queues, elections,
ideals), :mod:`.schedule` (the order of the queues, and replaying a recorded
KTAB thread schedule), :mod:`.prng` (KTAB's random numbers), :mod:`.model`
(parameters, the run over groups and draws) and :mod:`.details` (the records
of a run). Many draws run as one array computation: :mod:`.batch_turn` (a turn
over rows), :mod:`.batch_challenges` (challenges over rows), :mod:`.batch_run`
(the turns of every row until each stops) and :mod:`.paths` (the padded paths
on the issues' scales and the two read-outs, for both the batch and the
per-draw reference).
"""

from __future__ import annotations

from detente.models.smp.details import SmpDetails, SmpTurnRow
from detente.models.smp.model import KTAB_NAMES, SpatialModelOfPolitics
from detente.models.smp.primitives import (
    big_r,
    coalitions,
    distances,
    estimated_risk,
    interpolate,
    pce,
    round4,
    scalar_pce,
    utility,
    victory_matrix,
    victory_prob,
    vote,
)
from detente.models.smp.prng import KTAB_DEFAULT_SEED, KtabPRNG
from detente.models.smp.turn import Turn

__all__ = [
    "KTAB_DEFAULT_SEED", "KTAB_NAMES", "KtabPRNG", "SmpDetails", "SmpTurnRow",
    "SpatialModelOfPolitics", "Turn", "big_r", "coalitions", "distances", "estimated_risk",
    "interpolate", "pce", "round4", "scalar_pce", "utility", "victory_matrix", "victory_prob",
    "vote",
]
