"""Voting power: a priori indices of weighted voting games (:mod:`.indices`) and the EU
Council's rules by era (:mod:`.council`). Used by models (the ensemble's Council-power
members) and backtests alike; it depends on neither."""

from detente.power.council import CouncilPower, capabilities, choose_era
from detente.power.indices import VotingGame, banzhaf, shapley_shubik

__all__ = ["CouncilPower", "VotingGame", "banzhaf", "capabilities", "choose_era",
           "shapley_shubik"]
