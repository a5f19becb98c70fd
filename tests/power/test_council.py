"""Council eras and capability schemes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from detente.power import council


def test_era_by_date():
    assert council.era_for_date(dt.date(2000, 6, 1)).name == "eu15"
    assert council.era_for_date(dt.date(2004, 6, 1)).name == "eu25-transition"
    assert council.era_for_date(dt.date(2005, 6, 1)).name == "eu25-nice"
    assert council.era_for_date(dt.date(2008, 6, 1)).name == "eu27-nice"
    assert council.era_for_date(dt.date(2016, 6, 1)).name == "eu28-lisbon"
    assert council.era_for_date(dt.date(2021, 6, 1)).name == "eu27-lisbon"


def test_vote_totals_and_quotas_match_the_treaties():
    totals = {e.name: sum(e.votes.values()) for e in council.ERAS if e.votes}
    assert totals == {"eu15": 87, "eu25-transition": 124, "eu25-nice": 321, "eu27-nice": 345,
                      "eu28-nice": 352}
    assert council.ERA_BY_NAME["eu28-lisbon"].min_members == 16
    assert council.ERA_BY_NAME["eu27-lisbon"].min_members == 15


def test_era_falls_back_to_the_actors_present():
    assert council.choose_era(None, None, {"com", "de", "pl"}).name == "eu25-transition"
    assert council.choose_era(None, None, {"de", "fr"}).name == "eu15"
    # a date before Bulgaria joined, but Bulgaria took a position: the date is wrong
    assert council.choose_era("2005-01-01", None, {"bu", "de"}).name == "eu27-nice"
    assert council.choose_era(None, "2009-03-01", {"de"}).name == "eu27-nice"


@pytest.mark.parametrize("scheme", ["council-votes", "shapley-shubik", "banzhaf"])
def test_shares_sum_to_one_and_follow_size(scheme):
    for era in council.ERAS:
        shares = council.council_shares(era.name, "qmv", scheme)
        assert sum(shares.values()) == pytest.approx(1.0)
        assert shares["de"] >= shares["lu"]
        assert shares["de"] > shares["lu"] or scheme != "council-votes"


def test_capabilities_by_procedure_and_rule():
    era = council.ERA_BY_NAME["eu15"]
    actors = ("com", "ep", "de", "lu")
    cod = council.capabilities(actors, scheme="council-votes", era=era, voting_rule="QMV",
                               procedure="COD")
    # average member = 1: Germany 10 of 87 votes among 15 members
    np.testing.assert_allclose(cod, [1.0, 1.0, 15 * 10 / 87, 15 * 2 / 87])
    cns = council.capabilities(actors, scheme="council-votes", era=era, voting_rule="QMV",
                               procedure="CNS")
    assert cns[1] == 0.0 and cns[0] == 1.0
    unan = council.capabilities(actors, scheme="shapley-shubik", era=era, voting_rule="Unan",
                                procedure="COD")
    np.testing.assert_allclose(unan, [1.0, 1.0, 1.0, 1.0])
    eq = council.capabilities(actors, scheme="equal", era=era, voting_rule="QMV", procedure="CNS")
    np.testing.assert_allclose(eq, 1.0)


def test_lisbon_power_tracks_population():
    ss = council.council_shares("eu28-lisbon", "qmv", "shapley-shubik")
    assert ss["de"] > ss["fr"] > ss["nl"] > ss["mt"] > 0
    votes = council.council_shares("eu28-lisbon", "qmv", "council-votes")
    assert votes["mt"] == pytest.approx(0.5 * 8 / 10001 + 0.5 / 28)
