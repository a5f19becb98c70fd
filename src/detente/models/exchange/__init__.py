"""The Stokman–Van Oosten exchange model (vote trading / issue linkage), as decide computes it.

Positions are rescaled to 0..100 per issue (x' = (x − low)·100/(high − low)); w = c·s.

1. Expected outcome per issue: O_d = Σ_k w_kd x_kd / Σ_k w_kd.
2. Candidates, for every issue pair (p, q) in scenario order: actors on
   opposite sides of O on both issues (x ≤ O counts as "left"): group A
   (right on both) × D (left on both), then B (left on p only) × C. The actor
   with the larger s_p/s_q is *i*: it demands p and supplies (moves on) q;
   its partner *j* supplies p and demands q.
3. Equal gain: ΔO_q = k·ΔO_p with k = (s_ip + s_jp)/(s_iq + s_jq); first j
   moves all the way to i's position on p (ΔO_p = |x_ip − x_jp| w_jp / W_p) and
   i moves ΔO_q W_q / w_iq; if that passes j's position, i moves all the way
   and j's move follows from k. Gain (both sides) = |ΔO_p s_ip − ΔO_q s_iq|.
4. A candidate is admissible when the gain ≥ 1e-10, both moves are in
   (1e-10, 100], both voting positions stay in [0, 100] and neither actor's
   moves in this candidate change direction. If the forecast on a supply issue
   would pass the partner's position, the move is cut so that it lands there
   and the other move is re-solved with the same k.
5. A round executes the admissible candidate with the highest gain (ties: the
   earliest created), then recomputes every candidate that shares an actor's
   supply issue or an actor's demand issue with it, drops those no longer
   admissible, and repeats until none is left. Voting forecast = O over the
   voting positions. Next round's position on a supplied issue:
   x ← x + (0.1 + 0.4 (1 − s)) (y − x). Exactly ``rounds`` rounds are run.

``rule="decide"`` (default) reproduces decide-exchange-model 2022.1.28 (with
its deterministic tie rule): demand positions stay at the round's start, and
the forecast used for the overshoot test counts only the moves of partners who
traded with the same demanding actor on that issue. ``rule="paper"`` uses the
current positions and the full current forecast, and keeps voting positions
for the next round. ``variant="random-rate"`` draws k per candidate and round
uniformly between the two rates at which one side gains nothing (from the
passed generator), ordering candidates by the smaller of the two gains.
See ``docs/models/exchange.md``.

Modules: :mod:`.pairing` (the candidates of a round), :mod:`.round` (solving,
checking and executing them in decide's bookkeeping), :mod:`.model` (the
parameters and the run over rounds) and :mod:`.details` (the exchange log).
"""

from detente.models.exchange.details import (
    CandidateExchange,
    CandidateSide,
    ExchangeDetails,
    ExchangeSide,
    ExecutedExchange,
    Externalities,
)
from detente.models.exchange.model import Exchange, candidates, run_exchange

__all__ = ["CandidateExchange", "CandidateSide", "Exchange", "ExchangeDetails", "ExchangeSide",
           "ExecutedExchange", "Externalities", "candidates", "run_exchange"]
