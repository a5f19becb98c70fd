"""Applying an edited review: a new validated scenario version, atomic, nothing half-written."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

import detente
from detente.cli.main import app
from detente.errors import ScenarioError

runner = CliRunner()


@pytest.fixture
def review_file(tmp_path, article):
    path = tmp_path / "review.yaml"
    res = runner.invoke(app, ["draft", str(article), "--into", "ukraine-2025-11", "-o",
                              str(path)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "Donetsk" in res.output and "detente draft apply" in res.output
    return path


def _edit(path, fn):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _blank(p: dict) -> bool:
    """An accepted proposal of a new actor or stance that still lacks its numbers."""
    return bool(p.get("accept")) and not p.get("in_scenario", True) and (
        (p["kind"] == "actor" and p.get("capability") is None)
        or (p["kind"] == "stance" and p.get("position") is None))


def _new_and_blank(path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [p for p in data["proposed"] if _blank(p)]


def _decline_blank(d) -> None:
    for p in d["proposed"]:
        if _blank(p):
            p["accept"] = False


def test_unedited_review_names_the_missing_numbers(review_file, tmp_path):
    out = tmp_path / "new.yaml"
    blank = _new_and_blank(review_file)
    res = runner.invoke(app, ["draft", "apply", str(review_file), "-o", str(out)])
    if not blank:
        # nothing new is accepted without numbers: the unedited review changes nothing
        assert res.exit_code == 0, res.output
        assert detente.load(out).hash == detente.load("ukraine-2025-11").hash
        return
    # the draft accepts a new actor or stance (India, halting Russian oil imports: a
    # stance on sanctions relief) whose numbers the analyst must give: each is named with
    # the review's line, and nothing is written
    assert res.exit_code == 1 and not out.exists()
    text = " ".join(res.output.split())
    for p in blank:
        who = p["id"] if p["kind"] == "actor" else f"{p['actor']} on {p['issue']}"
        assert who in text, who
    assert "review.yaml:" in text


def test_declining_the_new_proposals_changes_nothing(review_file, tmp_path):
    _edit(review_file, _decline_blank)
    out = tmp_path / "new.yaml"
    res = runner.invoke(app, ["draft", "apply", str(review_file), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert detente.load(out).hash == detente.load("ukraine-2025-11").hash


def test_accepting_a_blank_stance_is_a_problem_at_its_line(review_file, tmp_path):
    text = review_file.read_text(encoding="utf-8")
    _edit(review_file, lambda d: [p.update(accept=True) for p in d["proposed"]
                                  if p["kind"] == "stance" and not p["in_scenario"]])
    res = runner.invoke(app, ["draft", "apply", str(review_file), "-o",
                              str(tmp_path / "new.yaml")])
    assert res.exit_code == 1
    assert "position of new stance RUS on drones" in res.output
    assert "review.yaml:" in res.output and not (tmp_path / "new.yaml").exists()
    assert review_file.read_text(encoding="utf-8") != text  # (edited above), still there


def test_edits_become_a_new_version(review_file, tmp_path):
    def edit(d):
        _decline_blank(d)
        d["as_of"] = "2025-11-06"
        for p in d["proposed"]:
            if p["kind"] == "stance" and (p["actor"], p["issue"]) == ("RUS", "drones"):
                p.update(accept=True, position=10, salience=0.1, evidence="Said nothing.")
            if p["kind"] == "stance" and (p["actor"], p["issue"]) == ("USA", "tomahawks"):
                p.update(position=40, position_range=[20, 60])

    _edit(review_file, edit)
    applied = detente.apply_draft(review_file, output=tmp_path / "new.yaml")
    new = detente.load(tmp_path / "new.yaml")
    assert applied.quotes_checked and new.as_of.isoformat() == "2025-11-06"
    assert new.stance("RUS", "drones").position == 10
    assert new.stance("RUS", "drones").evidence == "Said nothing."
    usa = new.stance("USA", "tomahawks")
    assert usa.position == 40 and (usa.position_uncertainty.low,
                                   usa.position_uncertainty.high) == (20, 60)
    assert new.stance("UKR", "donetsk") == detente.load("ukraine-2025-11").stance("UKR",
                                                                                  "donetsk")
    res = runner.invoke(app, ["draft", "apply", str(review_file), "-o",
                              str(tmp_path / "new.yaml")])
    assert res.exit_code == 1 and "exists" in res.output


def test_a_position_outside_its_range_is_reported(review_file, tmp_path):
    def edit(d):
        _decline_blank(d)
        for p in d["proposed"]:
            if p["kind"] == "stance" and p["actor"] == "RUS" and p["issue"] == "donetsk":
                p["position"] = 0

    _edit(review_file, edit)
    with pytest.raises(ScenarioError) as exc:
        detente.apply_draft(review_file)
    assert "excludes the position 0" in str(exc.value)


def test_edited_quotes_and_a_changed_scenario_are_caught(tmp_path, article):
    sc = tmp_path / "mine.yaml"
    detente.save(detente.load("ukraine-2025-11"), sc)
    review = tmp_path / "r.yaml"
    detente.save_review(detente.draft_article(article, into=sc).review, review)

    def tamper(d):
        stance = next(p for p in d["proposed"] if p["kind"] == "stance")
        stance["quotes"][0]["text"] = "Putin gave up."

    _edit(review, tamper)
    with pytest.raises(ScenarioError) as exc:
        detente.apply_draft(review)
    assert "an exact quote" in str(exc.value)
    data = detente.load(sc).to_dict()
    data["actors"][0]["capability"] = 81
    detente.save(detente.Scenario.from_dict(data), sc)
    with pytest.raises(ScenarioError) as exc:
        detente.apply_draft(review)
    assert "has changed since the draft" in str(exc.value)


def test_from_scratch_needs_capabilities(tmp_path, article):
    review = tmp_path / "r.yaml"
    detente.save_review(detente.draft_article(article).review, review)

    def fill(d):
        for p in d["proposed"]:
            if p["kind"] == "actor" and p["accept"]:
                p["capability"] = 50
            if p["kind"] == "stance" and p["accept"]:
                p.update(position=50, salience=0.5)

    with pytest.raises(ScenarioError, match="capability"):
        detente.apply_draft(review)
    _edit(review, fill)
    new = detente.apply_draft(review, output=tmp_path / "new.yaml").scenario
    assert {"RUS", "UKR", "USA", "EU", "GBR"} <= set(new.actor_ids)
    assert "donetsk-territory" in new.issue_ids and new.as_of.isoformat() == "2025-11-05"
    assert new.stance("RUS", "donetsk-territory").evidence.startswith("Quoted: “")
