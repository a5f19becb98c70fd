"""A deal problem is a core every problem has plus optional parts (issue 30): the pressures,
stated utilities' keys and the costs of fighting each sit in one part, ``None`` where the
scenario does not declare them, and read as before through the problem."""

from __future__ import annotations

import dataclasses

import numpy as np

from detente import api
from detente.deals import DealProblem
from detente.deals.parts import PressureTerms, StatedKeys, WarCosts

CORE = ("actors", "space", "tables", "capability", "batna", "batna_provenance", "reference",
        "reference_options", "batna_dist", "utility", "weight", "acceptance", "terms", "rules")


def test_the_problem_holds_its_core_and_three_optional_parts():
    names = tuple(f.name for f in dataclasses.fields(DealProblem))
    assert names == (*CORE, "pressure", "stated", "war")


def test_the_bundled_war_has_pressures_and_costs_of_fighting(ukraine):
    problem = DealProblem.from_scenario(ukraine, shocks=(ukraine.shocks[0].id,))
    part = problem.pressure
    assert isinstance(part, PressureTerms) and problem.stated is None
    assert part.ids == tuple(p.id for p in ukraine.pressures) == problem.pressures
    assert part.shocks == (ukraine.shocks[0].id,) == problem.shocks
    assert part.effect.shape == (len(ukraine.actors), len(ukraine.pressures))
    assert problem.pressure_effect is part.effect and problem.pressure_value is part.value
    war = problem.war
    assert isinstance(war, WarCosts)
    assert problem.fighting is war.fighting and problem.reference_kept is war.kept
    assert problem.fighting_where is war.where
    assert problem.cap is None and problem.keys is None


def test_without_the_parts_their_fields_read_none_or_empty():
    problem = DealProblem.from_tables([np.array([[0.0, 1.0], [1.0, 0.0]])])
    assert (problem.pressure, problem.stated, problem.war) == (None, None, None)
    assert problem.pressure_effect is None and problem.pressure_value is None
    assert problem.pressure_dist == () and problem.pressures == () and problem.shocks == ()
    assert problem.fighting is None and problem.fighting_where is None
    assert problem.reference_kept is None and problem.borne_effect is None


def test_stated_utilities_bring_their_caps_and_keys(ukraine, tmp_path):
    from detente.genius_export import write_genius

    write_genius(ukraine, tmp_path)  # a GENIUS negotiation: stated utilities
    problem = api.deal_problem(tmp_path)
    assert isinstance(problem.stated, StatedKeys)
    assert problem.cap is problem.stated.cap and problem.keys is problem.stated.keys
    assert problem.pressure is None and problem.war is None
