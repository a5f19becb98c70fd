"""Accounts and workspaces (issue 29): users kept in the database (SQLite and
PostgreSQL) with hashed tokens; two users cannot see or touch each other's uploads,
edits or jobs on any route that reads data, page or JSON; sign-in and log-out; the
single-user local default needs no account.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from detente.store.server import ServerStore, token_hash
from detente.web.app import create_app
from detente.web.jobs import JobManager

BUNDLED = "ukraine-2025-11"
SECRET = "Alice private variant 7f3a"


@pytest.fixture
def team(db_url: str) -> Iterator[tuple[TestClient, ServerStore, str, str]]:
    server = ServerStore(db_url)
    alice, bob = server.add_user("alice"), server.add_user("bob")
    app = create_app(server=server, accounts=True, jobs=JobManager(records=server))
    with TestClient(app) as client:
        yield client, server, alice, bob
    server.close()


def _as(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def retitle(text: str, title: str) -> str:
    """The scenario YAML ``text`` with its title replaced, every line of a folded one."""
    return re.sub(r"(?m)^title:.*(?:\n[ \t]+\S.*)*$", f"title: {title}", text, count=1)


def _upload(client: TestClient, token: str, title: str) -> str:
    text = retitle(client.get(f"/api/scenarios/{BUNDLED}/yaml", headers=_as(token)).text, title)
    res = client.post("/api/scenarios/text", json={"text": text, "filename": "mine.yaml"},
                      headers=_as(token))
    assert res.status_code == 201, res.text
    return str(res.json()["id"])


def test_tokens_are_kept_hashed_and_shown_once(db_url: str):
    with ServerStore(db_url) as server:
        token = server.add_user("carol")
        assert len(token) >= 40 and server.user_for(token) == "carol"
        assert server.user_for(token + "x") is None and server.user_for("") is None
        with server._session() as s:
            from detente.store.schema import UserRow

            row = s.query(UserRow).one()
            assert row.token_hash == token_hash(token) and token not in row.token_hash
        with pytest.raises(Exception, match="exists already"):
            server.add_user("carol")
        with pytest.raises(Exception, match="lower-case letter"):
            server.add_user("Robert'); DROP TABLE users;--")
        assert [u.name for u in server.users()] == ["carol"]
        server.remove_user("carol")
        assert server.user_for(token) is None and server.users() == []


def test_two_users_cannot_see_each_others_work(team: tuple[TestClient, ServerStore, str, str]):
    client, _server, alice, bob = team
    # nobody signed in: the API says 401, a page sends to the login form
    assert client.get("/api/scenarios").status_code == 401
    res = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/login")

    ref = _upload(client, alice, SECRET)
    edited = client.post(f"/api/scenarios/{ref}/edit", headers=_as(alice),
                         json={"edits": {"title": f"{SECRET} (edited)"}})
    assert edited.status_code == 200 and edited.json()["id"] == ref
    done = client.get(f"/api/scenarios/{ref}/simulate?draws=60&model=median&seed=5&wait=120",
                      headers=_as(alice))
    assert done.status_code == 200, done.text
    jobs = client.get("/api/jobs", headers=_as(alice)).json()
    assert len(jobs) == 1 and jobs[0]["state"] == "done"
    job = jobs[0]["id"]

    # alice sees her work, on the routes bob is refused below
    for url in (f"/api/scenarios/{ref}", f"/api/scenarios/{ref}/yaml", f"/s/{ref}/edit",
                f"/s/{ref}/whatif", f"/s/{ref}/deals", f"/api/jobs/{job}",
                f"/api/jobs/{job}/result", f"/api/scenarios/{ref}/figures/scales"):
        assert client.get(url, headers=_as(alice)).status_code == 200, url
    assert ref in {s["id"] for s in client.get("/api/scenarios", headers=_as(alice)).json()}
    assert SECRET in client.get("/", headers=_as(alice)).text

    # bob sees none of it: lists, the index page, and every route that takes a scenario
    # or a job, page or JSON, answers as for something that does not exist
    assert ref not in {s["id"] for s in client.get("/api/scenarios", headers=_as(bob)).json()}
    index = client.get("/", headers=_as(bob)).text
    assert ref not in index and SECRET not in index
    assert client.get("/api/jobs", headers=_as(bob)).json() == []
    tried = _every_route_as(client, bob, ref, job)
    assert len(tried) >= 20 and {p for _, p in tried} >= {
        "/s/{ref}", "/s/{ref}/edit", "/api/scenarios/{ref}/brief", "/api/jobs/{job_id}/events"}
    # the same content uploaded by bob is his own, and his job is not alice's
    theirs = _upload(client, bob, SECRET)
    assert theirs != ref
    again = client.get(f"/api/scenarios/{theirs}/simulate?draws=60&model=median&seed=5&wait=0",
                       headers=_as(bob)).json()
    assert again["id"] != job
    assert {j["id"] for j in client.get("/api/jobs", headers=_as(alice)).json()} == {job}

    # alice's work is untouched by bob's attempts; she deletes her own
    assert client.get(f"/api/scenarios/{ref}", headers=_as(alice)).status_code == 200
    assert client.get(f"/api/jobs/{job}", headers=_as(alice)).json()["state"] == "done"
    assert client.delete(f"/api/scenarios/{ref}", headers=_as(alice)).status_code == 204
    assert client.get(f"/api/scenarios/{ref}", headers=_as(alice)).status_code == 404


def _every_route_as(client: TestClient, token: str, ref: str, job: str) -> set[tuple[str, str]]:
    """Call every route with a scenario or job in its path, as ``token``'s user, on
    another user's scenario ``ref`` and job ``job``; each must be a 404 that names
    neither. Returns the (method, path) pairs called."""
    bodies: dict[str, Any] = {"/api/scenarios/{ref}/edit": {"edits": {}},
                              "/api/scenarios/{ref}/whatif": {"changes": []},
                              "/api/scenarios/{ref}/shares": {"team": "analysts"}}
    tried = set()
    for path, methods in _routes(client.app):  # type: ignore[arg-type]
        if "{ref}" not in path and "{job_id}" not in path:
            continue
        url = path.replace("{ref}", ref).replace("{job_id}", job).replace("{kind}", "scales")
        url = url.replace("{team}", "analysts")
        for method in methods:
            res = client.request(method, url, headers={**_as(token), "accept": "text/html"
                                                       if not url.startswith("/api") else
                                                       "application/json"},
                                 json=bodies.get(path))
            assert res.status_code == 404, (method, url, res.status_code, res.text[:200])
            assert SECRET not in res.text
            tried.add((method, path))
    return tried


def _routes(app: FastAPI) -> list[tuple[str, set[str]]]:
    """Every route of the app: (path template, methods), through included routers."""
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            out.append((route.path, set(route.methods)))
        for context in getattr(route, "effective_route_contexts", lambda: ())():
            out.append((context.path, set(context.methods or ())))
    assert len(out) > 30, "the app's routes were not found"
    return out


def test_login_form_sets_a_cookie_and_logout_clears_it(
        team: tuple[TestClient, ServerStore, str, str]):
    client, server, alice, _bob = team
    assert client.get("/login").status_code == 200
    wrong = client.post("/login", data={"token": "nope" * 10, "next": "/"})
    assert wrong.status_code == 401 and "signs in no one" in wrong.text
    res = client.post("/login", data={"token": alice, "next": "//evil.example/"},
                      follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/"
    cookie = res.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")  # the cookie signs in
    assert page.status_code == 200 and "alice" in page.text and "Log out" in page.text
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
    client.cookies.clear()
    assert client.get("/api/scenarios").status_code == 401
    # a removed user's token stops working within the second a server process trusts a
    # token it looked up (TokenGuard.remember)
    server.remove_user("alice")
    time.sleep(1.1)
    assert client.get("/api/scenarios", headers=_as(alice)).status_code == 401


def test_a_login_posted_from_another_site_is_refused(
        team: tuple[TestClient, ServerStore, str, str]):
    client, _server, alice, _bob = team
    res = client.post("/login", data={"token": alice}, follow_redirects=False,
                      headers={"origin": "http://attacker.example"})
    assert res.status_code == 403
    res = client.post("/login", data={"token": alice}, follow_redirects=False,
                      headers={"sec-fetch-site": "cross-site"})
    assert res.status_code == 403


def test_the_local_default_needs_no_account():
    with TestClient(create_app()) as client:
        assert client.get("/api/scenarios").status_code == 200
        assert "Log out" not in client.get("/").text
        assert "needs no sign-in" in client.get("/login").text


def test_users_cli_adds_lists_and_removes(tmp_path):
    from typer.testing import CliRunner

    from detente.cli.main import app as cli

    db = str(tmp_path / "team.sqlite")
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "alice", "--db", db])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert "shown this once" in added.stderr and len(token) >= 40
    listed = runner.invoke(cli, ["users", "list", "--db", db, "-f", "json"])
    assert [u["name"] for u in json.loads(listed.stdout)] == ["alice"]
    assert token not in listed.stdout
    with ServerStore(db) as server:
        assert server.user_for(token) == "alice"
    again = runner.invoke(cli, ["users", "add", "alice", "--db", db])
    assert again.exit_code == 1 and "exists already" in again.output
    bad = runner.invoke(cli, ["users", "add", "Al ice", "--db", db])
    assert bad.exit_code == 1 and "lower-case" in bad.output and "Traceback" not in bad.output
    assert runner.invoke(cli, ["users", "remove", "alice", "--db", db]).exit_code == 0
    gone = runner.invoke(cli, ["users", "remove", "alice", "--db", db])
    assert gone.exit_code == 1 and "no user 'alice'" in gone.output
    # serving with --accounts and no users says how to add one
    served = runner.invoke(cli, ["serve", "--db", db, "--accounts", "--port", "0"])
    assert served.exit_code == 1 and "detente users add" in served.output
    assert runner.invoke(cli, ["serve", "--workers", "2"]).exit_code != 0
