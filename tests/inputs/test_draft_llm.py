"""The optional LLM extractor, against a local fake endpoint replaying a stored response.

No test here (or anywhere) reaches the network: the fake server listens on 127.0.0.1,
and the default (rules) path is checked to open no connection at all.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

import detente
from detente.errors import DetenteError

from .conftest import DATA

RESPONSE = DATA / "llm-response-ukraine.json"


class _Fake(BaseHTTPRequestHandler):
    body = RESPONSE.read_bytes()
    status = 200
    seen: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        type(self).seen.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                "body": json.loads(self.rfile.read(length))})
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint():
    _Fake.seen = []
    server = HTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_llm_output_goes_through_the_same_checks(endpoint, article):
    result = detente.draft_article(article, into="ukraine-2025-11", extractor="llm",
                                   llm_url=endpoint, llm_key="sk-test", llm_model="test-model")
    [request] = _Fake.seen
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test"
    assert request["body"]["model"] == "test-model"
    assert "Known issues: donetsk = Donetsk territory" in request["body"]["messages"][1]["content"]
    review = result.review
    assert review.extractor == "llm:test-model"
    assert result.dropped_quotes == 1  # the invented quote is not in the article
    text = article.read_text(encoding="utf-8")
    stances = {(s.actor, s.issue): s for s in review.stances}
    rus = stances[("RUS", "donetsk")]  # "Kremlin" resolved through the gazetteer
    q = rus.quotes[0]
    assert text[q.start:q.end] == q.text and rus.cues == ["demands"]
    ukr = stances[("UKR", "tomahawks")].quotes[0]  # white space differed: found anyway
    assert text[ukr.start:ukr.end] == ukr.text and "   " not in ukr.text
    assert ("USA", "tomahawks") in stances  # issue given by name, matched to the scenario
    assert ("UKR", "donetsk") not in stances
    boring = next(a for a in review.actors if a.id == "BORING_COMPANY")
    assert not boring.known and not boring.in_scenario
    assert stances[("RUS", "donetsk")].position == 100  # numbers unchanged


def test_env_variables_and_server_errors(endpoint, article, monkeypatch):
    monkeypatch.setenv("DETENTE_LLM_URL", endpoint)
    monkeypatch.setenv("DETENTE_LLM_MODEL", "m")
    monkeypatch.setattr(_Fake, "status", 500)
    with pytest.raises(DetenteError, match="HTTP 500"):
        detente.draft_article(article, extractor="llm")
    monkeypatch.setattr(_Fake, "status", 200)
    monkeypatch.setattr(_Fake, "body", b'{"choices": [{"message": {"content": "no json"}}]}')
    with pytest.raises(DetenteError, match="does not fit the schema"):
        detente.draft_article(article, extractor="llm")
    monkeypatch.setattr(_Fake, "body", b'{"choices": [{"message": {"content": '
                        b'"{\\"stances\\": [{\\"actor\\": \\"Russia\\"}]}"}}]}')
    with pytest.raises(DetenteError, match=r"stances\.0\.issue"):
        detente.draft_article(article, extractor="llm")
    monkeypatch.setattr(_Fake, "body", b"<html>")
    with pytest.raises(DetenteError, match="not a chat-completions response"):
        detente.draft_article(article, extractor="llm")


def test_unreachable_endpoint(article):
    with pytest.raises(DetenteError, match="cannot reach"):
        detente.draft_article(article, extractor="llm", llm_url="http://127.0.0.1:9/v1",
                              llm_model="m")


def test_default_path_opens_no_connection(article, monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rules extractor must not open a connection")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr("socket.socket.connect", refuse)
    assert detente.draft_article(article).review.extractor == "rules"


def test_transport_stub_replays_the_stored_response(article):
    """The same extractor with urllib's opener replaced: no socket at all."""
    import io

    from detente.inputs.draft import draft

    sent = []

    def opener(request, timeout):
        sent.append(json.loads(request.data))
        return io.BytesIO(RESPONSE.read_bytes())

    result = draft(article, extractor="llm", llm_url="http://example.invalid/v1",
                   llm_model="stub", opener=opener)
    assert sent[0]["model"] == "stub" and "Known actors" not in sent[0]["messages"][1]["content"]
    assert result.dropped_quotes == 1
    assert {(s.actor, s.issue) for s in result.review.stances} >= {("RUS", "donetsk")}
