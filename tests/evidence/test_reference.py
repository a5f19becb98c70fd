"""Reference classes: the bundled war's class with its case list, widening, outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.errors import ScenarioError


@pytest.fixture(scope="module")
def russia_ukraine():
    return api.baserates()


def test_bundled_scenario_is_described_from_its_conflict_block(russia_ukraine) -> None:
    d = russia_ukraine.description
    assert (d.type, d.incompatibility, d.intensity) == ("interstate", "territory", 2)
    assert d.major_power is True  # Russia is a COW major power
    assert 3 < d.capability_ratio < 10  # Russia's CINC over Ukraine's, 2022
    assert 40 < d.months_fought < 50  # 2022-02-24 to the scenario's as_of


def test_case_list_and_how_the_match_widened(russia_ukraine) -> None:
    ep = russia_ukraine.episodes
    steps = ep.steps
    assert [s["cases"] for s in steps] == sorted(s["cases"] for s in steps)
    assert steps[-1]["cases"] == len(ep.cases)
    assert "type = interstate" in ep.used  # the type is never dropped
    assert (ep.cases["type"] == "interstate").all()
    assert len(ep.dropped) == len(steps) - 1
    lasted = int((ep.cases["duration_months"] > russia_ukraine.description.months_fought).sum())
    assert russia_ukraine.ending.at_risk == lasted
    if not ep.enough:
        assert any("rests on few cases" in n for n in russia_ukraine.notes)
    km = russia_ukraine.survival
    assert km.n == len(ep.cases) and km.n - km.n_events == int((~ep.cases["ended"]).sum())


def test_outcomes_and_settlements_count_the_matched_cases(russia_ukraine) -> None:
    assert sum(russia_ukraine.war_outcomes.values()) == len(russia_ukraine.wars.cases)
    assert russia_ukraine.wars.cases["major_power"].all()
    assert sum(russia_ukraine.settlements.values()) == len(russia_ukraine.disputes.cases)
    assert (russia_ukraine.disputes.cases["hostlev"] == 5).all()


def test_facts_by_option_without_a_scenario() -> None:
    rates = api.baserates(type="intrastate", incompatibility="government", months_fought=24)
    assert rates.description.described_by == "options"
    p = [rates.within()[h][0] for h in (6, 12, 24)]
    assert p == sorted(p) and 0 < p[0] < 1
    assert (rates.episodes.cases["type"] == "intrastate").all()
    assert rates.disputes is None and "intra-state" in rates.wars.population
    curve = api.ending_by_month(type="intrastate", incompatibility="government",
                                months_fought=24, months=36)
    assert curve.months.tolist() == list(range(1, 37))
    assert curve.within(12)[0] == pytest.approx(p[1])


def test_widening_stops_at_the_type() -> None:
    rates = api.baserates(type="interstate", incompatibility="government", intensity=2,
                          months_fought=600)
    assert rates.episodes.used == ("type = interstate",)
    assert rates.episodes.enough is False
    assert np.isnan(rates.within()[6][0])


def test_cli_table_and_json() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["baserates", "--limit", "5"], env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    assert "how the match was made" in res.output and "Iran vs Iraq" in res.output
    assert "not a forecast of this conflict" in res.output
    res = runner.invoke(app, ["baserates", "--type", "intrastate", "--years-fought", "2",
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data["ending_within"]) == {"6", "12", "24"}
    assert data["description"]["months_fought"] == 24
    assert data["episodes"]["n"] == len(data["episodes"]["cases"])


def test_conflict_block_errors_name_the_field(tmp_path: Path, ukraine) -> None:
    data = ukraine.to_dict()
    data["conflict"]["side_a"] = ["RUS", "XXX"]
    data["conflict"]["type"] = "skirmish"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(ScenarioError) as err:
        api.load(path)
    fields = {p.field for p in err.value.problems}
    assert "conflict.type" in fields
    assert all(p.line for p in err.value.problems)
    data["conflict"]["type"] = "interstate"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(ScenarioError, match=r"conflict.side_a\[1\]"):
        api.load(path)
