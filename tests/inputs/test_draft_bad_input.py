"""Bad input to `detente draft` and `draft apply`: a clear message and exit code 1."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from detente.cli.main import app

runner = CliRunner()


def run(*args: str):
    res = runner.invoke(app, ["draft", *args], env={"COLUMNS": "200"})
    assert "Traceback" not in res.output
    return res


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"   \n\n\t ", "is empty"),
    (b"\x00\x01\x02binary\x00" * 100, "binary"),
    ("Владимир Путин потребовал от Украины уступить Донецк в ходе телефонного разговора "
     "с Дональдом Трампом, сообщают крупные издания; переговоры продолжаются уже три года "
     "и обе стороны готовятся к новому раунду.".encode(), "does not read as English"),
    (b"The weather was mild on Tuesday and the markets were quiet. A local bakery won a prize "
     b"for its bread, and the council discussed parking rules for the town centre.",
     "mentions no actor"),
])
def test_bad_articles(tmp_path, content, message):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    res = run(str(path))
    assert res.exit_code == 1 and message in res.output, res.output


def test_ten_megabytes_of_text(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("Putin demanded Donetsk. " * (10 * 1024 * 1024 // 24), encoding="utf-8")
    res = run(str(path))
    assert res.exit_code == 1 and "more than the 1,000,000 characters" in res.output


def test_missing_article_and_folder(tmp_path):
    assert "no such file" in run(str(tmp_path / "nope.txt")).output
    assert "is a folder" in run(str(tmp_path)).output


def test_usage_mistakes(tmp_path):
    res = run("apply")
    assert res.exit_code == 1 and "give the review file" in res.output
    res = run("a.txt", "b.txt")
    assert res.exit_code == 1 and "draft takes one article" in res.output


def test_bad_review_files(tmp_path):
    bad = tmp_path / "r.yaml"
    bad.write_text("proposed: [\n", encoding="utf-8")
    res = run("apply", str(bad), "-o", str(tmp_path / "o.yaml"))
    assert res.exit_code == 1 and "invalid YAML" in res.output
    bad.write_text("just: a mapping\n", encoding="utf-8")
    res = run("apply", str(bad), "-o", str(tmp_path / "o.yaml"))
    assert res.exit_code == 1 and "a review file written by `detente draft`" in res.output
    bad.write_text("article: {file: x, sha256: '0'}\nproposed:\n  - kind: stance\n"
                   "    actor: RUS\n    issue: donetsk\n    salience: 7\n    quotes: []\n",
                   encoding="utf-8")
    res = run("apply", str(bad), "-o", str(tmp_path / "o.yaml"))
    assert res.exit_code == 1 and "r.yaml:6" in res.output and "salience" in res.output
    assert not (tmp_path / "o.yaml").exists()


def test_llm_without_endpoint_is_a_message(tmp_path, article, monkeypatch):
    for var in ("DETENTE_LLM_URL", "DETENTE_LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    res = run(str(article), "--extractor", "llm")
    assert res.exit_code == 1 and "--llm-url" in res.output


def test_windows_line_ends_and_code_page(tmp_path, article):
    import detente

    raw = article.read_bytes()
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(raw.replace(b"\n", b"\r\n"))
    review = detente.draft_article(crlf, into="ukraine-2025-11").review
    text = crlf.read_bytes().decode("utf-8")
    assert len(review.stances) == len(detente.draft_article(
        article, into="ukraine-2025-11").review.stances)
    assert all(text[q.start:q.end] == q.text for s in review.stances for q in s.quotes)
    cp = tmp_path / "cp1252.txt"
    cp.write_bytes("Putin demanded that Kyiv cede Donetsk – Zelensky rejected it.".encode(
        "cp1252"))
    review = detente.draft_article(cp, into="ukraine-2025-11").review
    assert {(s.actor, s.issue) for s in review.stances} >= {("RUS", "donetsk")}


def test_bad_gazetteer_file(tmp_path, article):
    bad = tmp_path / "g.yaml"
    bad.write_text("states:\n  - {name: Nowhere}\n", encoding="utf-8")
    res = run(str(article), "--gazetteer", str(bad))
    assert res.exit_code == 1 and "states[0].id: expected non-empty text" in res.output
    bad.write_text("- just a list\n", encoding="utf-8")
    res = run(str(article), "--gazetteer", str(bad))
    assert res.exit_code == 1 and "expected a mapping" in res.output
