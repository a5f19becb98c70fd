"""The bundled talks: three dated versions, each change sourced to the article."""

from __future__ import annotations

import yaml

import detente
from detente.store.diff import compare
from detente.store.portable import bundled_history


def test_three_dated_versions_ending_with_the_bundled_scenario(talks):
    assert [str(e.as_of) for e in talks] == ["2025-10-28", "2025-10-31", "2025-11-05"]
    assert {e.history for e in talks} == {"ukraine-2025-11"}
    assert talks[-1].scenario.hash == detente.load("ukraine-2025-11").hash
    for e in talks:
        assert e.scenario.as_of == e.as_of
        assert e.note


def test_every_change_is_sourced_and_is_what_the_diff_shows(talks):
    manifest = yaml.safe_load(bundled_history("ukraine-2025-11").read_text())
    article = "article-2025-11-05"
    for n, item in enumerate(manifest["versions"][:-1]):
        changes = item["derive"]["changes"]
        for change in changes:
            assert change["source"] == article
            assert len(change["because"]) > 40
        expected = {c.get("stance") or c.get("issue") for c in changes if "proposal" not in c}
        later = next(e for e in talks if str(e.as_of) == str(item["derive"]["from"]))
        found = {c.key for c, _ in compare(talks[n].scenario.to_dict(), later.scenario.to_dict())
                 if c.moves_forecasts}
        assert found == expected
        # every stance a change sets cites the article and says what it rests on
        for change in changes:
            if "stance" in change and "set" in change:
                actor, issue = change["stance"].split("/")
                stance = talks[n].scenario.stance(actor, issue)
                assert article in stance.sources and stance.evidence == \
                    " ".join(change["set"]["evidence"].split())


def test_no_version_holds_a_plan_made_after_its_date(talks):
    """Issue 25: the 28 October version held Moscow's demand and London's plan, both made
    later; each version now holds only the plans dated on or before its own date."""
    assert talks[0].scenario.proposals == ()
    for entry in talks:
        for plan in entry.scenario.proposals:
            assert plan.date is not None and plan.date <= entry.as_of, (entry.as_of, plan.id)
    dated = {str(e.as_of): {p.id for p in e.scenario.proposals} for e in talks}
    assert "london-phased" not in dated["2025-10-31"]
    assert "moscow-demand" in dated["2025-10-31"]
