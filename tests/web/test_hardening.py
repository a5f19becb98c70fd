"""The web app under hostile or careless input (issue 29): no 500s, the connection
survives, the Host allowlist, CSRF, the token leaving the address bar, uploads never
dropped silently and ``--db`` really read only.

The live tests start ``detente serve`` itself (a subprocess on a free loopback port) and
talk HTTP/1.1 keep-alive to it, as a browser or a script would.
"""

from __future__ import annotations

import http.client
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import detente
from detente.web.app import create_app

BUNDLED = "ukraine-2025-11"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "h.sqlite"
    with detente.api.open_history(path) as history:
        history.add(detente.load(BUNDLED), note="as reported")
    return path


def _rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as con:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live(store_file: Path) -> Iterator[tuple[int, Path]]:
    """``detente serve --db STORE`` on a free loopback port: (port, stderr log file)."""
    port = _free_port()
    log = store_file.parent / "serve.log"
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "DETENTE_TOKEN": ""}
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "detente", "serve", "--port", str(port),
                                 "--db", str(store_file)], stderr=err, stdout=err, env=env)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.2)
        else:
            pytest.fail("detente serve did not start: " + log.read_text())
        yield port, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _ask(conn: http.client.HTTPConnection, method: str, path: str,
         body: str | bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    conn.request(method, path, body=body, headers=headers or {})
    res = conn.getresponse()
    return res.status, res.getheader("content-type") or "", res.read().decode()


FINDINGS = [  # (method, path, JSON body): each was a 500 on main at 86d6306
    ("GET", f"/api/scenarios/{BUNDLED}/forecast?seed=-1", None),
    ("POST", f"/api/scenarios/{BUNDLED}/whatif", '{"seed": -1}'),
    ("GET", "/api/scenarios/v-99999999999999999999", None),
    ("GET", "/api/scenarios/v-%C2%B2", None),
]


def test_findings_are_4xx_on_one_keep_alive_connection(live: tuple[int, Path]):
    port, log = live
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        for method, path, body in FINDINGS:
            headers = {"content-type": "application/json"} if body else {}
            status, kind, text = _ask(conn, method, path, body, headers)
            assert 400 <= status < 500, (path, status, text)
            assert kind.startswith("application/json") and '"error"' in text, text
        sock = conn.sock
        # the same connection still answers, and was never closed and reopened
        status, _, text = _ask(conn, "GET", "/api/models")
        assert status == 200 and "compromise" in text
        assert conn.sock is sock
        status, kind, text = _ask(conn, "GET", "/t/nope", headers={"accept": "text/html"})
        assert status == 404 and kind.startswith("text/html") and "Error 404" in text
        assert "no history named" in text
    finally:
        conn.close()
    assert "Traceback" not in log.read_text()


def test_seed_messages_name_the_field(tmp_path: Path):
    client = TestClient(create_app())
    res = client.get(f"/api/scenarios/{BUNDLED}/forecast?seed=-1")
    assert res.status_code == 422
    assert res.json()["problems"][0]["field"] == "query.seed"
    res = client.post(f"/api/scenarios/{BUNDLED}/whatif", json={"seed": -1})
    assert res.status_code == 422 and res.json()["problems"][0]["field"] == "body.seed"
    res = client.get(f"/s/{BUNDLED}?seed=-1", headers={"accept": "text/html"})
    assert res.status_code == 422 and "text/html" in res.headers["content-type"]
    assert "query.seed" in res.text


def test_stored_version_refs_never_500(store_file: Path):
    with detente.api.open_history(store_file, read_only=True) as history:
        client = TestClient(create_app(history=history), raise_server_exceptions=False)
        for ref in ("v-99999999999999999999", "v-%C2%B2", "v-0", "v-", "v-1e3", "v--1"):
            res = client.get(f"/api/scenarios/{ref}")
            assert res.status_code == 404, (ref, res.text)
        assert client.get("/api/scenarios/v-1").json()["kind"] == "stored"
        page = client.get("/s/v-99999999999999999999", headers={"accept": "text/html"})
        assert page.status_code == 404 and "Error 404" in page.text


def test_an_unexpected_error_is_one_logged_500_and_a_page_for_pages(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch):
    app = create_app()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(detente.api, "what_if", broken)
    client = TestClient(app, raise_server_exceptions=True)  # the boundary must not re-raise
    with caplog.at_level(logging.ERROR):
        res = client.post(f"/api/scenarios/{BUNDLED}/whatif", json={})
    assert res.status_code == 500 and res.json() == {
        "error": "internal error (logged on the server)"}
    assert "a bug" not in res.text
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1 and "whatif" in logged[0].getMessage()
    monkeypatch.setattr(detente.api, "forecast", broken)
    page = client.get(f"/s/{BUNDLED}/whatif", headers={"accept": "text/html"})
    assert page.status_code == 500 and "Error 500" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_host_allowlist_of_the_real_server(live: tuple[int, Path]):
    port, _ = live
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.nip.io"):
            status, _, text = _ask(conn, "GET", "/api/models", headers={"host": host})
            assert status == 400 and "--allow-host" in text, host
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "[::1]"):
            assert _ask(conn, "GET", "/api/models", headers={"host": host})[0] == 200, host
    finally:
        conn.close()


def test_allowed_hosts():
    from detente.web.security import allowed_hosts, host_name

    assert allowed_hosts("127.0.0.1") == ("127.0.0.1", "localhost", "::1")
    assert allowed_hosts("0.0.0.0", ["Detente.Example.org"]) == (
        "127.0.0.1", "localhost", "::1", "detente.example.org")
    assert "10.0.0.5" in allowed_hosts("10.0.0.5")
    assert host_name("[::1]:8000") == "::1" and host_name("Example.org:80") == "example.org"
    client = TestClient(create_app(allowed_hosts=allowed_hosts("0.0.0.0", ["team.example"])),
                        base_url="http://team.example")
    assert client.get("/api/models").status_code == 200


def test_a_form_posted_from_another_origin_stores_nothing(live: tuple[int, Path]):
    port, _ = live
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    boundary = "xyzzy"
    form = (f"--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; "
            f"filename=\"evil.yaml\"\r\ncontent-type: text/yaml\r\n\r\n"
            + detente.api.dumps(detente.load(BUNDLED)) + f"\r\n--{boundary}--\r\n").encode()
    try:
        before = _ask(conn, "GET", "/api/scenarios")[2]
        for extra in ({"origin": "http://127.0.0.1:8743"}, {"origin": "null"},
                      {"sec-fetch-site": "cross-site"}):
            status, _, text = _ask(conn, "POST", "/api/scenarios", form, {
                "content-type": f"multipart/form-data; boundary={boundary}", **extra})
            assert status == 403, (extra, status, text)
        assert _ask(conn, "GET", "/api/scenarios")[2] == before
    finally:
        conn.close()


def test_csrf_token_from_the_page_lets_the_page_post():
    client = TestClient(create_app(), base_url="http://127.0.0.1:8000")
    page = client.get("/").text
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    assert len(token) >= 32 and client.cookies.get("detente_csrf") == token
    same = {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"}
    body = {"text": detente.api.dumps(detente.load(BUNDLED)), "filename": "a.yaml"}
    refused = client.post("/api/scenarios/text", json=body, headers=same)
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    wrong = client.post("/api/scenarios/text", json=body,
                        headers={**same, "x-csrf-token": "x" * 43})
    assert wrong.status_code == 403
    ok = client.post("/api/scenarios/text", json=body, headers={**same, "x-csrf-token": token})
    assert ok.status_code == 201
    # a script without a browser's headers, and a bearer token, pass as before
    assert TestClient(create_app()).post("/api/scenarios/text", json=body).status_code == 201
    token_app = TestClient(create_app(token="a-test-token-0123456789"))
    res = token_app.post("/api/scenarios/text", json=body, headers={
        "authorization": "Bearer a-test-token-0123456789", "origin": "http://elsewhere"})
    assert res.status_code == 201


def test_the_token_leaves_the_address_bar_with_a_secure_cookie_over_https():
    token = "a-test-token-0123456789"
    client = TestClient(create_app(token=token), base_url="https://testserver")
    res = client.get(f"/api/models?token={token}", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/api/models"
    cookie = res.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert client.get("/api/models").status_code == 200
    # the cookie stands in for the token; a wrong one in the query is ignored then
    assert client.get("/api/models?token=wrong", follow_redirects=False).status_code == 200
    bare = TestClient(create_app(token=token), base_url="https://testserver")
    assert bare.get("/api/models?token=wrong", follow_redirects=False).status_code == 401


def test_uploads_are_refused_when_full_never_dropped():
    client = TestClient(create_app(capacity=3))
    text = detente.api.dumps(detente.load(BUNDLED))
    refs = [client.post("/api/scenarios/text", json={"text": text}).json()["id"]
            for _ in range(3)]
    full = client.post("/api/scenarios/text", json={"text": text})
    assert full.status_code == 429 and "--max-uploads" in full.json()["error"]
    listed = {s["id"] for s in client.get("/api/scenarios").json()}
    assert set(refs) <= listed
    assert client.delete(f"/api/scenarios/{refs[0]}").status_code == 204
    assert client.get(f"/api/scenarios/{refs[0]}").status_code == 404
    assert client.delete(f"/api/scenarios/{BUNDLED}").status_code == 400
    assert client.post("/api/scenarios/text", json={"text": text}).status_code == 201


def test_db_is_read_only(live: tuple[int, Path], store_file: Path):
    port, _ = live
    before = {t: _rows(store_file, t) for t in ("versions", "forecasts", "simulations")}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        for path in ("/", f"/t/{BUNDLED}", "/s/v-1?draws=0",
                     f"/api/histories/{BUNDLED}/timeline"):
            status, _, text = _ask(conn, "GET", path)
            assert status == 200, (path, text[:300])
    finally:
        conn.close()
    assert {t: _rows(store_file, t) for t in before} == before
    with detente.api.open_history(store_file, read_only=True) as history, \
            pytest.raises(detente.DetenteError, match="read only"):
        history.add(detente.load(BUNDLED), history="other")


def test_a_500_keeps_the_connection_and_logs_one_traceback(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch):
    """Against uvicorn itself: after an unexpected error the same keep-alive connection
    answers the next request, and the traceback is logged once (uvicorn logs none)."""
    import threading

    import uvicorn

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(detente.api, "what_if", broken)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    with caplog.at_level(logging.ERROR):
        thread.start()
        deadline = time.monotonic() + 30
        while not srv.started and time.monotonic() < deadline:
            time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for _ in range(3):
                status, _, text = _ask(conn, "POST", f"/api/scenarios/{BUNDLED}/whatif", "{}",
                                       {"content-type": "application/json"})
                assert status == 500 and "a bug" not in text
                sock = conn.sock
                assert _ask(conn, "GET", "/api/models")[0] == 200
                assert conn.sock is sock
        finally:
            conn.close()
            srv.should_exit = True
            thread.join(timeout=10)
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 3, [r.name for r in tracebacks]
