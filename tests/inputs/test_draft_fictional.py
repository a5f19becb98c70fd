"""An invented article (a water-sharing negotiation between invented states) checks that
nothing in the draft is hard-wired to the Russia–Ukraine article."""

from __future__ import annotations

import detente
from detente.inputs.draft import scoring

from .conftest import DATA

ARTICLE = DATA / "fictional-selka-water-talks.txt"
GAZETTEER = DATA / "fictional-gazetteer.yaml"
SCENARIO = DATA / "fictional-selka.yaml"


def test_without_help_the_table_still_names_the_parties():
    review = detente.draft_article(ARTICLE).review
    actors = {a.id: a for a in review.actors}
    # the invented states are unknown to the gazetteer: the table's header proposes them
    assert {"VARESH", "OLTANIA", "MORVATH"} <= set(actors)
    assert not actors["VARESH"].known and actors["WB"].known  # the World Bank is known
    assert [i.name for i in review.issues] == ["Dry-season flow share", "Dam filling schedule",
                                               "Gauge data sharing"]
    cell = next(s for s in review.stances
                if (s.actor, s.issue) == ("OLTANIA", "dam-filling-schedule"))
    assert cell.quotes[0].text == "Insists on three years" and cell.cues == ["demands"]
    assert [d.date.isoformat() for d in review.dates] == ["2043-03-03", "2043-04-14"]
    assert review.article.title == "Selka River Talks Stall Over Dry-Season Flow as Dam " \
                                   "Deadline Nears"


def test_extra_gazetteer_resolves_leaders_and_adjectives():
    review = detente.draft_article(ARTICLE, gazetteer=[GAZETTEER]).review
    names = {a.id: a.names for a in review.actors}
    assert "Idra Sallow" in names["VAR"] and "Oltanian" in names["OLT"]
    assert "Calderon" in names["MOR"]
    var = next(s for s in review.stances if (s.actor, s.issue) == ("VAR", "dam-filling-schedule"))
    assert any("Sallow" in q.text and "rejects" in q.cues for q in var.quotes)


def test_into_a_scenario_maps_quotes_to_its_stances_and_applies(tmp_path):
    reference = detente.load(SCENARIO)
    review = detente.draft_article(ARTICLE, into=SCENARIO).review
    assert scoring.actor_recall(review, reference).share == 1.0
    assert scoring.issue_recall(review, reference).share == 1.0
    cells = scoring.row_recall(review, scoring.expected_pairs(
        ("VAR", "OLT", "MOR"), ("flow", "filling", "gauge")))
    assert cells.share == 1.0, cells.missed
    assert scoring.quote_precision(review, reference).share >= 0.6
    # accept the new stances with numbers an analyst chose, drop the World Bank's
    from detente.inputs.draft.review_file import write_review

    for p in review.proposed:
        if p.kind == "stance" and not p.in_scenario:
            if p.actor == "WB":
                p.accept = False
            else:
                p.position, p.salience = 50.0, 0.4
        if p.kind == "actor" and p.id == "WB":
            p.accept = False
    path = write_review(review, tmp_path / "review.yaml")
    applied = detente.apply_draft(path, output=tmp_path / "selka-v2.yaml")
    new = detente.load(tmp_path / "selka-v2.yaml")
    assert new.as_of.isoformat() == "2043-03-03" and applied.quotes_checked
    assert new.stance("MOR", "gauge").position == 50
    assert new.stance("VAR", "flow").position == 90  # unchanged
    assert "article-2043-03-03" in new.stance("VAR", "flow").sources
    assert "WB" not in new.actor_ids
