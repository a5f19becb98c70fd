"""The outlook page of the web app."""

from __future__ import annotations

from fastapi.testclient import TestClient

from detente import api
from detente.web.app import create_app

BUNDLED = "ukraine-2025-11"


def test_outlook_page_shows_the_api_numbers():
    client = TestClient(create_app())
    res = client.get(f"/s/{BUNDLED}/outlook?months=6&paths=150&seed=3")
    assert res.status_code == 200
    assert "default-src 'self'" in res.headers["content-security-policy"]
    page = res.text
    # as on page 1 of the brief, only settlements count by default
    out = api.outlook(BUNDLED, months=6, paths=150, seed=3, drivers=False,
                      settlements_only=True).to_dict()
    share = f"{100 * out['p_agreed_by_horizon']:.0f}%"
    assert f"P(agreement by month 6): <b>{share}</b>" in page
    assert 'id="outlook-months"' in page and 'data-figure="fig-outlook-curve"' in page
    assert "not predictions of fact" in page


def test_outlook_page_refuses_out_of_range_requests():
    client = TestClient(create_app())
    for query in ("months=0", "months=61", "paths=0", "paths=5001", "seed=-1",
                  "agreement=some"):
        assert client.get(f"/s/{BUNDLED}/outlook?{query}").status_code == 422, query


def test_outlook_page_shows_the_outside_view_beside_it():
    """The reference class's P(ending by month) beside the outlook's P(agreement by month),
    each labelled, and the sentence saying they disagree widely exactly when they do."""
    import html

    from detente.present.bottom_line import WIDE_DISAGREEMENT, outside_view_text
    from detente.present.outlook import AGREEMENT_LABEL

    client = TestClient(create_app())
    page = client.get(f"/s/{BUNDLED}/outlook?months=13&paths=150&seed=3").text
    found = api.outlook(BUNDLED, months=13, paths=150, seed=3, drivers=False,
                        settlements_only=True)
    rates = api.outside_view(BUNDLED, months=13)
    assert rates is not None  # the bundled scenario states its conflict
    assert 'id="outlook-outside-view"' in page and 'data-figure="fig-outlook-outside-view"' in page
    assert AGREEMENT_LABEL in page and "P(ending by month): the reference class" in page
    assert "not a forecast of this conflict" in page
    for month in (1, 6, 12, 13):  # each shown month: the two numbers in one row
        p, low, high = rates.ending.within(month)
        row = (f'<td class="num">{month}</td><td class="num">'
               f'{100 * found.p_agreed_by[month]:.0f}%</td>\n<td class="num">{100 * p:.0f}% '
               f'[{100 * low:.0f}–{100 * high:.0f}%]</td>')
        assert row in page, month
    text = outside_view_text(rates, found)
    assert html.escape(text, quote=False) in page
    wide = abs(found.p_agreed_by[12] - rates.ending.within(12)[0]) > WIDE_DISAGREEMENT
    assert ("disagree widely at 12 months" in page) == wide


def test_outlook_page_without_a_conflict_says_there_is_no_outside_view(two_party_war):
    client = TestClient(create_app())
    sc = two_party_war()
    assert sc.conflict is None and api.outside_view(sc) is None
    text = api.dumps(sc, "yaml")
    ref = client.post("/api/scenarios", files={"file": ("war.yaml", text)}).json()["id"]
    page = client.get(f"/s/{ref}/outlook?months=3&paths=50").text
    assert 'id="outlook-months"' in page and 'id="outlook-outside-view"' not in page
    assert "No outside view: the scenario states no conflict" in page


def test_outlook_page_shows_what_each_named_guarantor_would_pledge(two_party_war):
    import html

    from detente.present.outlook import pledge_text

    from .conftest import with_guarantors

    # no-deal values of 0.85 (judged 6 months ahead) open the range only once the front has
    # moved; after agreement it recedes, so resuming the fight pays
    sc = with_guarantors(two_party_war(after=-1.0, batna=0.85), {"G": 0.5, "H": 0.3})
    client = TestClient(create_app())
    text = api.dumps(sc, "yaml")
    ref = client.post("/api/scenarios", files={"file": ("g.yaml", text)}).json()["id"]
    page = client.get(f"/s/{ref}/outlook?months=12&paths=60&seed=1").text
    out = api.outlook(sc, months=12, paths=60, seed=1, drivers=False,
                      settlements_only=True).to_dict()
    plans = out["packages"][0]["plans"]
    assert plans and plans[0]["by_guarantor"]  # the shift makes a guarantee necessary
    for plan in plans:
        assert html.escape(pledge_text(plan), quote=False) in page
    assert "G 50%, H 30%" in page


def test_outlook_page_counts_any_package_on_request():
    client = TestClient(create_app())
    page = client.get(f"/s/{BUNDLED}/outlook?months=2&paths=40&seed=2&agreement=any").text
    out = api.outlook(BUNDLED, months=2, paths=40, seed=2, drivers=False).to_dict()
    assert f"P(agreement by month 2): <b>{100 * out['p_agreed_by_horizon']:.0f}%</b>" in page
    assert "An agreement counts as any package acceptable" in page
