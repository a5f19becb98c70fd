"""Page 1 of the brief shows the reference class (the outside view) beside the outlook, each
labelled with what it is, and says so where the two disagree widely (issues 27 and 28)."""

from __future__ import annotations

import pytest

from detente import api
from detente.api._brief import _brief_outside_view
from detente.present.bottom_line import WIDE_DISAGREEMENT, outside_view_text


@pytest.fixture(scope="module")
def rates():
    return api.baserates("ukraine-2025-11")


def test_the_outside_view_says_what_it_is_and_what_it_rests_on(rates):
    text = outside_view_text(rates, None)
    assert "not a forecast of this conflict" in text
    assert f"{len(rates.episodes.cases)} UCDP conflict episodes" in text
    assert f"({rates.ending.at_risk} cases)" in text
    assert "disagree" not in text  # nothing to compare with


def test_a_wide_disagreement_with_the_outlook_is_said_and_only_then(rates, ukraine):
    found = api.outlook(ukraine, months=24, paths=200, seed=0)
    text = outside_view_text(rates, found)
    model = float(found.p_agreed_by[12])
    history = rates.ending.within(12)[0]
    assert ("disagree widely" in text) == (abs(model - history) > WIDE_DISAGREEMENT)


def test_the_brief_takes_the_outside_view_only_where_the_scenario_states_its_conflict(ukraine):
    assert ukraine.conflict is not None
    assert _brief_outside_view(ukraine) is not None
    assert _brief_outside_view(ukraine.replace(conflict=None)) is None
