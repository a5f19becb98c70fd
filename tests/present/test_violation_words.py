"""One story on red lines (issue 31, words): a rule a forecast breaks says by how much and
relative to what, the same on every surface.

Main at b57f0e2 showed Nash's Donetsk point as "52.2 ≈ freeze on the current front line"
and, under the table, "crosses UKR red line donetsk >50 at 52.2; 49%": both true (the label
names the nearest anchor; Kyiv's line is "nothing above 50"), but read together a point
named a freeze seemed to cross a line that a freeze keeps. The line now says the point is
2.2 above Kyiv's line, that the line sits at the freeze itself, and what the 49% counts;
the terminal, the brief, the web page and JSON take it from one presenter.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.present import violations as words
from detente.scenario import Scenario
from detente.violations import forecast_rules, gap, violations

from ..structure.test_war_language import rules_scenario

runner = CliRunner()
FREEZE = "freeze on the current front line, status left open"
NASH_LINE = (f"donetsk 52.2 is 2.2 above UKR's red line (nothing above 50 = {FREEZE}): "
             "crossed at the point and in")


def _unwrap(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def nash() -> api.ForecastSet:
    return api.forecast(None, models=["nash"], draws=1000)


def test_nash_s_donetsk_line_says_by_how_much_and_against_what(nash):
    (v,) = [v for v in nash.violations() if v.rule.id == "red_line:UKR:donetsk:0"]
    assert v.at_point and v.bound == 50 and v.beyond == pytest.approx(2.2, abs=0.05)
    text = words.describe(v, nash.scenario)
    assert text.startswith(NASH_LINE), text
    # the share is of the draws, said so in the heading above the list
    assert re.search(r"in \d+% of draws$", text)
    assert "1,000 Monte Carlo draws of the declared uncertainty" in words.heading([v])
    # Moscow's floor: the point keeps it by 2.2, the drawn floor is crossed in most draws
    (r,) = [v for v in nash.violations() if v.rule.id == "red_line:RUS:donetsk:0"]
    assert not r.at_point and r.beyond == pytest.approx(-2.2, abs=0.05)
    assert words.describe(r, nash.scenario).startswith(
        f"donetsk 52.2 keeps RUS's red line (nothing below 50 = {FREEZE}; drawn in 50..100) "
        "by 2.2: crossed in ")


def test_the_cli_at_80_columns_prints_it_whole_and_json_carries_the_numbers():
    res = runner.invoke(app, ["forecast", "-m", "nash"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert all(len(ln) <= 80 for ln in lines)
    start = next(k for k, ln in enumerate(lines) if ln.startswith("  nash "))
    listing = lines[start:]
    # each rule starts a row at the model's name; its continuation lines are indented
    # under the text, never at the left edge
    assert all(ln.startswith("  nash ") or ln.startswith(" " * 7) for ln in listing)
    rows = _unwrap("\n".join(listing)).split("nash ")[1:]
    assert any(r.strip().startswith(NASH_LINE) for r in rows), rows
    data = json.loads(runner.invoke(app, ["forecast", "-m", "nash", "-f", "json"]).stdout)
    (v,) = [v for v in data["violations"] if v["rule"] == "red_line:UKR:donetsk:0"]
    assert v["bound"] == 50 and round(v["beyond"], 1) == 2.2 and v["at_point"]


def test_the_web_page_shows_the_presenter_s_lines(nash):
    from fastapi.testclient import TestClient

    from detente.web.app import create_app

    page = TestClient(create_app()).get("/s/ukraine-2025-11").text
    items = re.findall(r'<ul id="violations">(.*?)</ul>', page, flags=re.S)
    assert items, "no violations list on the scenario page"
    found = [_unwrap(re.sub(r"<[^>]+>", "", li)).replace("&#39;", "'").replace("&#34;", '"')
             for li in re.findall(r"<li>(.*?)</li>", items[0], flags=re.S)]
    assert any(t.startswith(f"nash: {NASH_LINE}") for t in found), found
    note = re.search(r'<p class="dim" id="violations-note">(.*?)</p>', page, flags=re.S)
    assert note and "Monte Carlo draws of the declared uncertainty" in note.group(1)


def test_every_kind_of_rule_says_how_far_and_from_what():
    sc = rules_scenario()
    rules = forecast_rules(sc)
    x = np.array([30.0, 10.0])
    found = violations(rules, {"m": x}, {"m": (np.array([0.001, 0.999, 1.0]), 1000)})
    red, link, control = (words.describe(v, sc) for v in found)
    assert red == ("x 30.0 is 10.0 below B's red line (nothing below 40 = forty): crossed at "
                   "the point and in <1% of draws")
    assert link == ("y 10.0 with x 30.0, x 40.0 short of B's linked offer (y above 0 only if "
                    "x at least 70): broken at the point and in >99% of draws")
    assert control == ("x 30.0 is 20.0 farther from A's position (50) than the status quo "
                       "(50), and only A delivers it: broken at the point and in 100% of "
                       "draws")
    # the distance is the domain's, one formula per kind (detente.violations.gap)
    assert [gap(sc, v.rule, v.point) for v in found] == [(40, 10.0), (70, 40.0), (50, 20.0)]
    # a red line on named options names the option the point reads as
    opt = Scenario.from_dict({
        "name": "opt", "actors": [{"id": "A"}, {"id": "B"}],
        "issues": [{"id": "x", "status_quo": 0, "options": [
            {"name": "none", "value": 0}, {"name": "half", "value": 50},
            {"name": "all", "value": 100}]}],
        "stances": [{"actor": "A", "issue": "x", "position": 0, "salience": 1},
                    {"actor": "B", "issue": "x", "position": 100, "salience": 1,
                     "red_line": {"options": ["all"]}}]})
    (o,) = violations(forecast_rules(opt), {"m": np.array([90.0])})
    assert o.beyond is None
    assert words.describe(o, opt) == ("x 90.0 ≈ all, ruled out by B's red line (not all): "
                                      "crossed at the point")
    # without draws: at the point only
    (v, *_) = violations(rules, {"m": x})
    assert words.describe(v, sc).endswith(": crossed at the point")


@pytest.mark.parametrize(("share", "text"), [(0.001, "<1%"), (0.005, "<1%"), (0.006, "1%"),
                                             (0.5, "50%"), (0.995, ">99%"), (0.996, ">99%"),
                                             (1.0, "100%"), (0.0, "0%")])
def test_a_share_never_reads_0_or_100_percent_when_it_is_not(share, text):
    from detente.present.wording import share_text

    assert share_text(share) == text


def test_the_worked_example_quotes_the_line_the_code_prints(nash):
    """docs/ukraine-2025-11.md quotes Nash's Donetsk line: it is what the presenter says."""
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "ukraine-2025-11.md"
    (v,) = [v for v in nash.violations() if v.rule.id == "red_line:UKR:donetsk:0"]
    assert f'"{words.describe(v, nash.scenario)}"' in _unwrap(doc.read_text(encoding="utf-8"))


def test_simulate_lists_the_same_rules_in_the_same_words():
    """``simulate`` counted the rules its draws break but never said so; it now prints the
    forecast's listing, with the share of its own draws."""
    res = runner.invoke(app, ["simulate", "--draws", "400", "-m", "nash"],
                        env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert all(len(ln) <= 80 for ln in res.stdout.splitlines())
    text = _unwrap(res.stdout)
    assert "share of the 400 Monte Carlo draws of the declared uncertainty" in text
    assert f"nash {NASH_LINE}" in text, text[-2000:]
