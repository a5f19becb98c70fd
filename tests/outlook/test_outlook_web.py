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
    out = api.outlook(BUNDLED, months=6, paths=150, seed=3, drivers=False).to_dict()
    share = f"{100 * out['p_agreed_by_horizon']:.0f}%"
    assert f"P(agreement by month 6): <b>{share}</b>" in page
    assert 'id="outlook-months"' in page and 'data-figure="fig-outlook-curve"' in page
    assert "not predictions of fact" in page


def test_outlook_page_refuses_out_of_range_requests():
    client = TestClient(create_app())
    for query in ("months=0", "months=61", "paths=0", "paths=5001", "seed=-1"):
        assert client.get(f"/s/{BUNDLED}/outlook?{query}").status_code == 422, query
