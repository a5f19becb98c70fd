"""Team workspaces and uploads as history versions (issue 29, items 2 and 3), on SQLite
and PostgreSQL.

The administrator makes a team and puts users in it (``detente users team``); a user
shares one of their uploads with a team of theirs; its members see it (read only: an
edit becomes their own upload), anyone else gets the same 404 as for a missing one.
Every upload and edit is also a dated version of the history ``upload/<user>/<id>``,
shown by ``detente history log`` and seen on the web by its owner only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app as cli
from detente.store.server import ServerStore
from detente.web.app import create_app
from detente.web.jobs import JobManager

from .test_accounts import _as, _upload

BUNDLED = "ukraine-2025-11"
SECRET = "Alice team variant 51c2"


@pytest.fixture
def server(db_url: str) -> Iterator[tuple[TestClient, str, dict[str, str]]]:
    """alice, bob (in team analysts) and carol (in no team) on a server with accounts."""
    store = ServerStore(db_url)
    tokens = {name: store.add_user(name) for name in ("alice", "bob", "carol")}
    runner = CliRunner()
    for args in (["team", "create", "analysts"], ["team", "add", "analysts", "alice", "bob"]):
        res = runner.invoke(cli, ["users", *args, "--db", db_url])
        assert res.exit_code == 0, res.output
    recorder = api.open_history(db_url)
    history = api.open_history(db_url, read_only=True)
    app = create_app(server=store, accounts=True, jobs=JobManager(records=store),
                     recorder=recorder, history=history)
    with TestClient(app) as client:
        yield client, db_url, tokens
    for s in (store, recorder, history):
        s.close()


def _ids(client: TestClient, token: str) -> dict[str, dict]:
    return {e["id"]: e for e in client.get("/api/scenarios", headers=_as(token)).json()}


def test_cli_makes_teams_and_refuses_bad_input_with_words(db_url: str):
    with ServerStore(db_url) as store:
        store.add_user("dave")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        res = runner.invoke(cli, ["users", "team", *args, "--db", db_url])
        return res.exit_code, res.output

    assert run("create", "ops")[0] == 0
    code, out = run("create", "ops")
    assert code == 1 and "exists already" in out and "Traceback" not in out
    code, out = run("create", "Bad Name")
    assert code == 1 and "lower-case letter" in out
    code, out = run("add", "ops", "nobody")
    assert code == 1 and "no user 'nobody'" in out
    code, out = run("add", "nope", "dave")
    assert code == 1 and "no team 'nope'" in out and "teams: ops" in out
    assert run("add", "ops", "dave")[0] == 0
    code, out = run("list", "-f", "json")
    assert code == 0 and json.loads(out)[0]["members"] == ["dave"]
    code, out = run("remove", "ops", "eve")
    assert code == 1 and "'eve' is not in team 'ops'" in out
    assert run("remove", "ops", "dave")[0] == 0
    assert run("delete", "ops")[0] == 0
    assert "no teams" in run("list")[1]


def test_members_see_a_shared_upload_non_members_get_404(server):
    client, _db, t = server
    ref = _upload(client, t["alice"], SECRET)
    # before sharing: bob does not see it, as for a missing one
    assert ref not in _ids(client, t["bob"])
    missing = client.get("/api/scenarios/u-000000000000", headers=_as(t["bob"]))
    before = client.get(f"/api/scenarios/{ref}", headers=_as(t["bob"]))
    assert before.status_code == missing.status_code == 404 and SECRET not in before.text

    # bob cannot share alice's upload; alice cannot share with a team she is not in
    assert client.post(f"/api/scenarios/{ref}/shares", json={"team": "analysts"},
                       headers=_as(t["bob"])).status_code == 404
    res = client.post(f"/api/scenarios/{ref}/shares", json={"team": "others"},
                      headers=_as(t["alice"]))
    assert res.status_code == 404 and "your teams: analysts" in res.json()["error"]
    res = client.post(f"/api/scenarios/{ref}/shares", json={"team": ""},
                      headers=_as(t["alice"]))
    assert res.status_code == 422 and "team" in res.json()["error"]

    # the page's share form (its POST carries the page's CSRF token; another site's is 403)
    index = client.get("/", headers={**_as(t["alice"]), "accept": "text/html"})
    assert f'<form class="share" data-ref="{ref}">' in index.text
    assert '<option value="analysts">' in index.text
    cookie = {"cookie": f"detente_token={t['alice']}"}
    forged = client.post(f"/api/scenarios/{ref}/shares", json={"team": "analysts"},
                         headers={**cookie, "origin": "http://evil.example"})
    assert forged.status_code == 403
    assert client.get(f"/api/scenarios/{ref}/shares", headers=_as(t["alice"])).json()[
        "teams"] == []
    csrf = client.cookies.get("detente_csrf") or ""
    res = client.post(f"/api/scenarios/{ref}/shares", json={"team": "analysts"},
                      headers={"cookie": f"{cookie['cookie']}; detente_csrf={csrf}",
                               "origin": "http://testserver", "x-csrf-token": csrf})
    assert res.status_code == 200 and res.json()["teams"] == ["analysts"]
    assert client.get("/api/teams", headers=_as(t["bob"])).json()[0]["members"] == [
        "alice", "bob"]

    # bob, a member, sees it (list, JSON, page, a forecast); carol, not a member: 404
    seen = _ids(client, t["bob"])[ref]
    assert seen["kind"] == "shared" and seen["shared_by"] == "alice"
    assert client.get(f"/api/scenarios/{ref}", headers=_as(t["bob"])).json()["title"] == SECRET
    page = client.get(f"/s/{ref}/edit", headers={**_as(t["bob"]), "accept": "text/html"})
    assert page.status_code == 200 and SECRET in page.text
    assert client.get(f"/api/scenarios/{ref}/forecast?model=nash",
                      headers=_as(t["bob"])).status_code == 200
    for path in (f"/api/scenarios/{ref}", f"/api/scenarios/{ref}/yaml",
                 f"/api/scenarios/{ref}/forecast", f"/s/{ref}/edit"):
        res = client.get(path, headers={**_as(t["carol"]), "accept": "text/html"})
        assert res.status_code == 404 and SECRET not in res.text, path
    assert ref not in _ids(client, t["carol"])

    # read only for bob: deleting is refused with words, an edit becomes his own upload
    res = client.delete(f"/api/scenarios/{ref}", headers=_as(t["bob"]))
    assert res.status_code == 400 and "shared with you by alice" in res.json()["error"]
    edit = client.post(f"/api/scenarios/{ref}/edit", headers=_as(t["bob"]),
                       json={"edits": {"title": "Bob's copy"}})
    assert edit.status_code == 200 and edit.json()["id"] != ref
    assert client.get(f"/api/scenarios/{ref}", headers=_as(t["alice"])).json()["title"] == SECRET

    # taking bob out of the team, or unsharing, hides it again
    assert CliRunner().invoke(cli, ["users", "team", "remove", "analysts", "bob", "--db",
                                    _db]).exit_code == 0
    assert client.get(f"/api/scenarios/{ref}", headers=_as(t["bob"])).status_code == 404
    assert client.delete(f"/api/scenarios/{ref}/shares/analysts",
                         headers=_as(t["alice"])).status_code == 204
    assert client.get(f"/api/scenarios/{ref}/shares", headers=_as(t["alice"])).json()[
        "teams"] == []


def test_sharing_needs_accounts():
    client = TestClient(create_app())
    res = client.post(f"/api/scenarios/{BUNDLED}/shares", json={"team": "analysts"})
    assert res.status_code == 400 and "sharing needs accounts" in res.json()["error"]


def test_each_upload_and_edit_is_a_dated_version_seen_by_its_owner_only(server):
    client, db, t = server
    ref = _upload(client, t["alice"], SECRET)
    for n in (1, 2):
        res = client.post(f"/api/scenarios/{ref}/edit", headers=_as(t["alice"]),
                          json={"edits": {"title": f"{SECRET} edit {n}"}})
        assert res.status_code == 200, res.text
    name = f"upload/alice/{ref}"
    log = CliRunner().invoke(cli, ["history", "log", name, "--db", db, "-f", "json"])
    assert log.exit_code == 0, log.output
    versions = json.loads(log.stdout)
    rows = versions if isinstance(versions, list) else versions["versions"]
    assert len(rows) == 3
    notes = [r["note"] for r in rows]
    assert notes[0].startswith("uploaded as mine.yaml by alice")
    assert all(n.startswith("edited by alice") for n in notes[1:])
    titles = set()
    with api.open_history(db, read_only=True) as history:
        for v in history.versions(name):
            titles.add(history.scenario(v).title)
    assert titles == {SECRET, f"{SECRET} edit 1", f"{SECRET} edit 2"}

    # the owner sees the versions on the web; another user, even a team mate, does not
    mine = client.get("/api/histories", headers=_as(t["alice"])).json()
    assert [v["ref"] for v in mine[name]] and len(mine[name]) == 3
    first = mine[name][0]["ref"]
    assert client.get(f"/api/scenarios/{first}", headers=_as(t["alice"])).status_code == 200
    assert name not in client.get("/api/histories", headers=_as(t["bob"])).json()
    for path in (f"/api/scenarios/{first}", f"/api/histories/{name}/timeline",
                 f"/t/{name}"):
        res = client.get(path, headers={**_as(t["bob"]), "accept": "text/html"})
        assert res.status_code == 404 and SECRET not in res.text, path
    index = client.get("/", headers={**_as(t["bob"]), "accept": "text/html"})
    assert index.status_code == 200 and ref not in index.text and SECRET not in index.text
