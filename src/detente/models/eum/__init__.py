"""Bueno de Mesquita's expected utility model, as formalised by Scholz, Calbert & Smith (2011).

One issue at a time (every issue of a scenario is run side by side, each on
its own), vectorised over draws, issues and actor pairs. Per round, with
positions ``x``, capabilities ``c``, saliences ``s``, weights ``w = c·s`` and
``R`` the normalising range (``range_rule``):

1. **Median voter** ``μ``: the Condorcet winner among the current positions.
   With votes ``v^{jk} = Σ_i w_i (|x_i − x_k| − |x_i − x_j|)/R`` the winner
   minimises ``Σ_i w_i |x_i − x_j|``, i.e. it is the (lower) weighted median
   of the positions; that is how it is computed.
2. **Probability that i prevails over j**, with ``a_k = |x_k − x_j| − |x_k − x_i|``::

       P_ij = Σ_{k: a_k > 0} w_k a_k / Σ_k w_k |a_k|      (P_ji = 1 − P_ij)

   computed in O(A² log A) rather than O(A³): on the sorted positions,
   ``Σ_k w_k max(a_k, 0) = W·max(x_j − x_i, 0) + 2(G(m) − G(x_i))`` with ``m``
   the midpoint of x_i and x_j, ``W = Σ w`` and ``G(t) = Σ w_k max(x_k − t, 0)``
   (piecewise linear between the positions), and
   ``Σ_k w_k a_k = D(x_j) − D(x_i)`` with ``D(t) = Σ_k w_k |x_k − t|``.
3. **Basic utilities** of i towards j, ``δ = |x_i − x_j|/R``, ``δμ = |x_i − μ|/R``,
   ``r_i`` the evaluator's risk exponent::

       U_s = 2 − 4(½ − ½δ)^r     U_f = 2 − 4(½ + ½δ)^r     U_sq = 2 − 4(½)^r
       U_b = 2 − 4(½ − ¼(δμ + δ))^r     U_w = 2 − 4(½ + ¼(δμ + δ))^r

4. **Expected utility of i challenging j**::

       E^i(U_ij) = s_j [P_ij U_s + (1 − P_ij) U_f] + (1 − s_j) U_s
                   − Q U_sq − (1 − Q)[T U_b + (1 − T) U_w]

   with ``T = 1`` when ``|x_i − μ| < |x_i − x_j|`` (``t_rule="median"``).
5. **Risk exponents** (``risk=True``): all ``E`` with ``r = 1``; security
   ``Sec_i = Σ_{j≠i} E^j(U_ji)``; ``R_i = (2 Sec_i − max Sec − min Sec)/(max Sec − min Sec)``
   (0 when all ``Sec`` are equal); ``r_i = (1 − R_i/3)/(1 + R_i/3)`` ∈ [½, 2];
   then every ``E`` again with these ``r`` (each evaluator its own).
6. **Offers.** For the pair (j, l) with ``a = E^j(U_jl)`` (the sender's) and
   ``b = E^l(U_lj)`` (the receiver's), j makes l an offer when ``a > 0`` and:
   ``b > 0`` and ``a > b`` (*conflict*: l moves to ``x_j``); ``b ≤ 0`` and
   ``|b| < a`` (*compromise*: l moves to ``x_l + (x_j − x_l)|b/a|``);
   ``b ≤ 0`` and ``|b| ≥ a`` (*capitulation*: l moves to ``x_j``). A tie
   ``a = b > 0`` moves no one; ``a, b < 0`` is a stalemate. Actors on the
   same spot make each other no offers (with ``Q < 1`` the formula would
   give them a positive ``E`` for a move of zero).
7. **Offer selection** (``offer_rule``): each actor takes one offer. ``"scholz"``:
   the first kind present in the order conflict → compromise → capitulation,
   then the least move; ``"max_eu"`` (dmasad's code): the challenge with the
   highest sender ``a`` among all challenges received (``a > 0``), the
   nearest sender on a tie, and the receiver moves only if it loses that
   challenge; ``"least_move"``: the least move of all offers. Ties (equal up
   to rounding, e.g. the same step to the left or to the right) go to the
   offer whose sender expects most from it (the most enforceable), then to
   the sender first in the canonical order (lowest position, capability,
   salience). Everyone moves at once.
8. **Stopping**: ``rounds`` rounds, or with ``tolerance`` set, until no
   position moves by more than ``tolerance × (high − low)`` (``rounds`` is
   then the cap). A converged draw and issue stays put while others go on.
9. **Read-out** (``readout``): the median voter position ``μ`` or the
   capability × salience weighted mean of the final positions.

Switches for where the implementations disagree (``probability``,
``perspective``, ``offer_rule="scholz_code"``) and the presets
``"scholz-code"`` and ``"dmasad"`` are described on :class:`ExpectedUtility`.

Every step is a pure function of the arrays; the model draws no random
numbers (the same input gives the same numbers, bit for bit). Actors are put
in a canonical order (position, capability, salience) each round, so the
result does not depend on the order they are listed in. Pairs are held as
``[batch, A, A]`` arrays and the batch (draws × issues) is cut into chunks
of at most ``chunk_elements`` pair cells, so memory stays bounded.

Actors without a stance on an issue take no part in it; an issue nobody
takes a stance on gets NaN. When every weight on an issue is 0 the median
and mean are taken unweighted.

Source: J. B. Scholz, G. J. Calbert, G. A. Smith, "Unravelling Bueno de
Mesquita's group decision model", J. Theoretical Politics 23(4) 2011, and
ICAART 2011 pp. 18–30. See ``docs/models/eum.md`` for the reproduction.

Modules: :mod:`.probability` (step 2), :mod:`.utility` (steps 3 to 5),
:mod:`.round` (one round as named steps: canonical order, probabilities,
expected utilities, offers, moves), :mod:`.simulate` (the rounds and
read-outs), :mod:`.model` (parameters and presets) and :mod:`.details`
(the records of a run).
"""

from detente.models.eum.details import EumDetails, EumOffer
from detente.models.eum.model import PRESETS, ExpectedUtility
from detente.models.eum.probability import triples_probability, win_probability
from detente.models.eum.round import KINDS, play_round
from detente.models.eum.simulate import simulate
from detente.models.eum.utility import expected_utility, risk_exponents

__all__ = ["KINDS", "PRESETS", "EumDetails", "EumOffer", "ExpectedUtility", "expected_utility",
           "play_round", "risk_exponents", "simulate", "triples_probability", "win_probability"]
