"""The web app's JSON API and pages through FastAPI's test client."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import detente
from detente.cli.main import app as cli
from detente.web.app import create_app
from detente.web.security import check_bind, is_loopback

BUNDLED = "ukraine-2025-11"
TOKEN = "a-test-token-0123456789"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def cli_json(*args: str) -> dict:
    res = CliRunner().invoke(cli, list(args))
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_forecast_json_is_the_cli_json(client: TestClient):
    res = client.get(f"/api/scenarios/{BUNDLED}/forecast", params={"model": ["nash", "eum"]})
    assert res.status_code == 200
    assert res.json() == cli_json("forecast", BUNDLED, "-m", "nash", "-m", "eum", "-f", "json")
    rounds = client.get(f"/api/scenarios/{BUNDLED}/forecast?model=eum&rounds=true").json()
    assert rounds == cli_json("forecast", BUNDLED, "-m", "eum", "--rounds", "-f", "json")


def test_deals_simulate_sensitivity_are_the_cli_json(client: TestClient):
    # heavy routes run as jobs; wait=120 asks for the answer itself even on a busy machine
    assert client.get(f"/api/scenarios/{BUNDLED}/deals?top=3&wait=120").json() == cli_json(
        "deals", BUNDLED, "--top", "3", "-f", "json")
    sim = client.get(f"/api/scenarios/{BUNDLED}/simulate?draws=300&model=median&wait=120").json()
    assert sim == cli_json("simulate", BUNDLED, "-n", "300", "-m", "median", "-f", "json")
    sens = client.get(f"/api/scenarios/{BUNDLED}/sensitivity?samples=4&wait=120").json()
    assert sens == cli_json("sensitivity", BUNDLED, "--method", "morris", "-n", "4", "-f", "json")


def test_pages_load(client: TestClient):
    for path in ("/", f"/s/{BUNDLED}", f"/s/{BUNDLED}/whatif", f"/s/{BUNDLED}/deals?a=1&b=2",
                 f"/s/{BUNDLED}/simulate?draws=200", f"/s/{BUNDLED}/edit", "/api-docs"):
        res = client.get(path)
        assert res.status_code == 200, path
        assert "text/html" in res.headers["content-type"]
        assert "default-src 'self'" in res.headers["content-security-policy"]
    page = client.get(f"/s/{BUNDLED}").text
    assert "Donetsk territory" in page and "all of Donetsk ceded to Russia" in page
    assert "not predictions of fact" in page


def test_whatif_moves_the_forecast(client: TestClient, ukraine):
    base = client.post(f"/api/scenarios/{BUNDLED}/whatif", json={"changes": []}).json()
    assert [f["model"] for f in base["forecasts"]] == list(detente.api.FAST_MODELS)
    moved = client.post(f"/api/scenarios/{BUNDLED}/whatif", json={
        "changes": [{"actor": "RUS", "issue": "donetsk", "position": 0, "salience": 1}],
        "models": ["compromise"]}).json()
    before = base["forecasts"][0]["outcome"]["donetsk"]
    after = moved["forecasts"][0]["outcome"]["donetsk"]
    assert after < before
    expected = detente.api.forecast(detente.api.what_if(ukraine, [detente.api.StanceChange(
        "RUS", "donetsk", 0, 1)]), ["compromise"]).to_dict()
    assert moved == expected
    bad = client.post(f"/api/scenarios/{BUNDLED}/whatif",
                      json={"changes": [{"actor": "RUS", "issue": "drones", "position": 5}]})
    assert bad.status_code == 400 and "no stated stance of RUS on drones" in bad.json()["error"]
    out = client.post(f"/api/scenarios/{BUNDLED}/whatif",
                      json={"changes": [{"actor": "RUS", "issue": "donetsk", "salience": 3}]})
    assert out.status_code == 400
    assert any(p["field"] == "stances[0].salience" for p in out.json()["problems"])


def test_upload_edit_and_errors(client: TestClient, ukraine):
    canonical = json.loads(json.dumps(ukraine.to_dict()))
    text = detente.api.dumps(ukraine).encode()
    res = client.post("/api/scenarios", files={"file": ("../../etc/talks.yaml", text)})
    assert res.status_code == 201
    ref = res.json()["id"]
    assert ref.startswith("u-")
    assert ref in [s["id"] for s in client.get("/api/scenarios").json()]
    assert client.get(f"/api/scenarios/{ref}").json()["scenario"] == canonical
    # editing: a bad value is a problem at its field, nothing is saved
    bad = client.post(f"/api/scenarios/{ref}/edit",
                      json={"edits": {"actors[0].capability": "lots", "stances[2].salience": 2}})
    assert bad.status_code == 400
    fields = {p["field"] for p in bad.json()["problems"]}
    assert {"actors[0].capability", "stances[2].salience"} <= fields
    assert client.get(f"/api/scenarios/{ref}").json()["scenario"] == canonical
    good = client.post(f"/api/scenarios/{ref}/edit", json={"edits": {"title": "Edited"}})
    assert good.status_code == 200 and good.json()["id"] == ref
    assert client.get(f"/api/scenarios/{ref}").json()["title"] == "Edited"
    # a bundled scenario edited becomes a new upload
    copy = client.post(f"/api/scenarios/{BUNDLED}/edit", json={"edits": {"title": "Mine"}})
    assert copy.json()["id"].startswith("u-") and copy.json()["kind"] == "uploaded"
    # a bad upload: the CLI's message, its line and field, a 400
    bad = client.post("/api/scenarios", files={"file": ("m.yaml", b"name: x\nactors: [\n")})
    assert bad.status_code == 400
    assert bad.json()["problems"][0]["line"] and "invalid YAML" in bad.json()["error"]


def test_errors_are_json_4xx_never_a_traceback(client: TestClient):
    cases = [
        ("get", "/api/scenarios/..%2F..%2Fetc%2Fpasswd", 404),
        ("get", "/api/scenarios/%2Fetc%2Fpasswd/forecast", 404),
        ("get", f"/api/scenarios/{BUNDLED}/forecast?model=nope", 400),
        ("get", f"/api/scenarios/{BUNDLED}/simulate?draws=999999999", 422),
        ("get", f"/api/scenarios/{BUNDLED}/figures/nope", 400),
        ("get", f"/api/scenarios/{BUNDLED}/figures/pareto?a=RUS&b=RUS", 400),
        ("get", "/static/..%2F..%2Fpyproject.toml", 404),
        ("post", "/api/scenarios/text", 422),
        ("post", f"/api/scenarios/{BUNDLED}/edit", 422),
        ("get", "/nowhere", 404),
    ]
    for method, path, status in cases:
        res = getattr(client, method)(path)
        assert res.status_code == status, (path, res.text)
        assert "error" in res.json()
        assert "Traceback" not in res.text and 'File "' not in res.text
    msg = client.get(f"/api/scenarios/{BUNDLED}/forecast?model=nope").json()["error"]
    cli_out = CliRunner().invoke(cli, ["forecast", "-m", "nope"]).output
    assert msg.split(";")[0] in " ".join(cli_out.split())


def test_body_limit():
    small = TestClient(create_app(max_body=4096))
    res = small.post("/api/scenarios/text", json={"text": "x" * 10_000})
    assert res.status_code == 413 and "larger than" in res.json()["error"]
    files = {"file": ("big.yaml", b"#" * 10_000)}
    assert small.post("/api/scenarios", files=files).status_code == 413


def test_token_required_when_set():
    guarded = TestClient(create_app(token=TOKEN))
    assert guarded.get("/api/scenarios").status_code == 401
    assert guarded.get("/api/scenarios", headers={"Authorization": "Bearer wrong"}
                       ).status_code == 401
    ok = guarded.get("/api/scenarios", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    # the token leaves the address bar: a redirect to the same page, and a session cookie
    first = guarded.get(f"/s/{BUNDLED}?draws=0&token={TOKEN}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"/s/{BUNDLED}?draws=0"
    cookie = first.headers["set-cookie"]
    assert "detente_token" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see test_security for HTTPS
    assert guarded.get("/api/scenarios").status_code == 200  # the cookie now carries it


def test_binding_rules():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    check_bind("127.0.0.1", None)
    with pytest.raises(detente.DetenteError, match="needs a token"):
        check_bind("0.0.0.0", None)
    with pytest.raises(detente.DetenteError, match="at least 16"):
        check_bind("0.0.0.0", "short")
    with pytest.raises(detente.DetenteError, match="at least 16"):
        check_bind("0.0.0.0", "ü" * 20)
    check_bind("0.0.0.0", TOKEN)
    res = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"], env={"DETENTE_TOKEN": ""})
    assert res.exit_code == 1 and "needs a token" in res.output


def test_openapi_and_static(client: TestClient):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/scenarios", "/api/scenarios/{ref}/forecast", "/api/scenarios/{ref}/whatif",
              "/api/scenarios/{ref}/deals", "/api/scenarios/{ref}/simulate",
              "/api/scenarios/{ref}/edit", "/api/validate"):
        assert p in paths
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and b"plotly" in js.content[:2000].lower()
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/nope.js").status_code == 404


def test_figures_and_brief(client: TestClient):
    for kind in ("scales", "trajectories?model=eum", "histograms?draws=100",
                 "pareto?a=RUS&b=UKR", "tornado?issue=donetsk"):
        sep = "&" if "?" in kind else "?"
        res = client.get(f"/api/scenarios/{BUNDLED}/figures/{kind}{sep}wait=120")
        assert res.status_code == 200, kind
        assert res.json()["data"]
    brief = client.get(f"/api/scenarios/{BUNDLED}/brief?draws=100&wait=120")
    assert brief.status_code == 200 and "What would move it?" in brief.text


def test_stored_versions_and_their_timeline(tmp_path, ukraine):
    history = detente.api.open_history(tmp_path / "h.sqlite")
    try:
        first = history.add(ukraine, note="first")
        later = ukraine.replace(as_of="2025-11-20")
        second = history.add(later, note="second")
        client = TestClient(create_app(history=history))
        listed = client.get("/api/histories").json()
        assert [v["ref"] for v in listed[ukraine.name]] == [f"v-{first.id}", f"v-{second.id}"]
        stored = client.get(f"/api/scenarios/v-{second.id}").json()
        assert stored["kind"] == "stored" and stored["as_of"] == "2025-11-20"
        assert client.get("/api/scenarios/v-999").status_code == 404
        timeline = client.get(f"/api/histories/{ukraine.name}/timeline").json()
        assert timeline == history.timeline(ukraine.name).to_dict()
        assert client.get(f"/t/{ukraine.name}").status_code == 200
        assert f"/s/v-{first.id}" in client.get("/").text
        no_store = TestClient(create_app())
        assert no_store.get(f"/api/histories/{ukraine.name}/timeline").status_code == 404
    finally:
        history.close()


def test_proposals_are_the_cli_json_and_have_a_figure(client: TestClient):
    got = client.get(f"/api/scenarios/{BUNDLED}/proposals?draws=200&seed=1&wait=120").json()
    assert got == cli_json("proposals", BUNDLED, "--draws", "200", "--seed", "1", "-f", "json")
    fig = client.get(f"/api/scenarios/{BUNDLED}/figures/plans?draws=100&wait=120")
    assert fig.status_code == 200 and fig.json()["data"][0]["type"] == "heatmap"


def test_plans_page_shows_the_cli_rows_and_links_from_the_scenario(client: TestClient):
    from detente.present.proposals import grid_rows, plan_lines, ranking_rows
    page = client.get(f"/s/{BUNDLED}/plans?draws=150&seed=2")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    text = page.text
    data = detente.api.proposals(BUNDLED, draws=150, seed=2).to_dict()  # the CLI's report
    for row in ranking_rows(data):  # the ranking, best first, as the CLI lists it
        assert f"<b>{row['id']}</b>" in text and row["blockers"] in text
    order = [text.index(f"<b>{r['id']}</b>") for r in ranking_rows(data)]
    assert order == sorted(order)
    for _, cells in grid_rows(data)[2] + grid_rows(data, probability=True)[2]:
        assert all(f'<td class="num">{c}</td>' in text for c in cells)
    from markupsafe import escape
    for p in data["proposals"]:  # every detail line, amendments and phases included
        assert all(str(escape(line)) in text for line in plan_lines(p))
    assert 'id="fig-plans"' in text and 'data-figure="fig-plans"' in text
    assert "not predictions of fact" in text and "Under these assumptions" in text
    assert f'href="/s/{BUNDLED}/plans"' in client.get(f"/s/{BUNDLED}").text


def test_plans_page_without_plans_and_with_a_bad_rule(client: TestClient, ukraine):
    text = detente.api.dumps(ukraine.replace(proposals=()))
    ref = client.post("/api/scenarios", files={"file": ("plain.yaml", text)}).json()["id"]
    page = client.get(f"/s/{ref}/plans")
    assert page.status_code == 200 and "states no plans" in page.text
    assert 'id="plans-link"' not in client.get(f"/s/{ref}").text
    bad = client.get(f"/s/{BUNDLED}/plans?amend=biggest&draws=0",
                     headers={"accept": "text/html"})
    assert bad.status_code == 400 and "amendment rule" in bad.text


def test_plans_page_escapes_plan_text(client: TestClient, ukraine):
    from ..conftest import HOSTILE
    first = ukraine.proposals[0].model_copy(update={"title": HOSTILE})
    text = detente.api.dumps(ukraine.replace(proposals=(first, *ukraine.proposals[1:])))
    ref = client.post("/api/scenarios", files={"file": ("plans.yaml", text)}).json()["id"]
    page = client.get(f"/s/{ref}/plans?draws=0").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "\\x1b[31mRED" in page
