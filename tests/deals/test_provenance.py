"""Where each no-deal value comes from is data (origin, pressured, shocks), not words: the
deal tools decide on the fields, and the words are made once, for display."""

from __future__ import annotations

import numpy as np
import pytest

from detente.deals import DealProblem
from detente.deals.provenance import BatnaOrigin, BatnaProvenance, batna_label
from detente.scenario import Scenario


def _scenario() -> Scenario:
    """Four actors: A derived from the status quo, B stated (0.3), both moved by pressures
    p and r; C stated with a range and no pressure; D neither. Shocks k (on p), j (on r)."""
    stance = [{"actor": a, "issue": "x", "position": pos, "salience": 1}
              for a, pos in zip("ABCD", (0, 100, 40, 60), strict=True)]
    return Scenario.from_dict({
        "name": "provenance",
        "actors": [{"id": "A", "batna_pressure": {"p": 0.01}},
                   {"id": "B", "batna": 0.3, "batna_pressure": {"r": -0.02}},
                   {"id": "C", "batna": 0.2, "batna_uncertainty": [0.1, 0.3]},
                   {"id": "D"}],
        "issues": [{"id": "x", "scale": [0, 100], "status_quo": 50}],
        "stances": stance,
        "pressures": [{"id": "p", "value": 1}, {"id": "r", "value": 2}],
        "shocks": [{"id": "k", "changes": {"p": 2}}, {"id": "j", "changes": {"r": 1}}],
    })


def test_the_origin_and_flags_follow_the_inputs() -> None:
    p = DealProblem.from_scenario(_scenario(), shocks=("j", "k"))
    assert p.batna_provenance == (
        BatnaProvenance(BatnaOrigin.STATUS_QUO, pressured=True, shocks=("k",)),
        BatnaProvenance(BatnaOrigin.SCENARIO, pressured=True, shocks=("j",)),
        BatnaProvenance(BatnaOrigin.SCENARIO),
        BatnaProvenance(BatnaOrigin.STATUS_QUO),
    )
    assert p.pressured.tolist() == [True, True, False, False]


def test_a_given_batna_carries_no_pressure_and_is_not_drawn() -> None:
    p = DealProblem.from_scenario(_scenario(), batna={"A": 0.25, "C": 0.15}, shocks=("k",))
    assert p.batna_provenance[0] == BatnaProvenance(BatnaOrigin.GIVEN)
    assert p.batna_provenance[2].given
    assert p.pressured.tolist() == [False, True, False, False]
    drawn = p.sample_stated_batna(np.random.default_rng(0), 50)
    assert np.all(drawn[:, 0] == 0.25)
    assert np.all(drawn[:, 2] == 0.15)  # its stated range is not drawn for a given value


def test_the_words_are_made_from_the_fields() -> None:
    assert batna_label(BatnaProvenance(BatnaOrigin.STATUS_QUO)) == "status quo"
    assert batna_label(BatnaProvenance(BatnaOrigin.GIVEN)) == "given"
    assert batna_label(BatnaProvenance(BatnaOrigin.RESERVATION)) == "reservation value"
    assert batna_label(BatnaProvenance(BatnaOrigin.SCENARIO, pressured=True,
                                       shocks=("k", "j"))) == \
        "scenario + pressures + shock k + shock j"


def test_a_shock_without_pressures_is_refused() -> None:
    with pytest.raises(ValueError, match="pressures"):
        BatnaProvenance(BatnaOrigin.STATUS_QUO, shocks=("k",))


def test_a_shock_named_like_the_words_changes_nothing() -> None:
    """A shock whose id reads like a provenance ('given', '+ pressures') was a hazard when
    the tools parsed the label; with the fields it is only a name."""
    data = _scenario().to_dict()
    data["shocks"][0]["id"] = "given + pressures"
    p = DealProblem.from_scenario(Scenario.from_dict(data), shocks=("given + pressures",))
    assert p.batna_provenance[0].origin is BatnaOrigin.STATUS_QUO
    assert not p.batna_provenance[0].given
    assert p.pressured.tolist() == [True, True, False, False]
