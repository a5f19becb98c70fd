"""Where analysts disagree (through the sensitivity machinery) and Delphi rounds as files."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

import detente
from detente.cli.main import app
from detente.inputs.disagreement import disagreement_scenario
from detente.models.registry import get_model
from detente.uncertainty.sensitivity import sensitivity

from .conftest import analyst_file

runner = CliRunner()


def test_disagreements_ranked_and_tested(panel_files):
    report = detente.panel_disagreement(panel_files, model="compromise", samples=64)
    rows = [(d.actor, d.issue, d.kind) for d in report.items]
    # widest first: RUS position spread 30/100, USA salience spread 0.4/1
    assert rows == [("USA", "donetsk", "salience"), ("RUS", "donetsk", "position")]
    rus = report.items[1]
    assert rus.spread == 30 and rus.share == pytest.approx(0.3)
    # the verdict comes from the sensitivity tornado over the panel's spread
    panel = detente.panel_combine(panel_files)
    sens = sensitivity(disagreement_scenario(panel), get_model("compromise"), samples=64)
    bar = sens.tornado.set_index(["issue", "input"]).loc[("donetsk", "position[RUS, donetsk]")]
    assert rus.swing == pytest.approx(float(bar["swing"]))
    assert (rus.outcome_low, rus.outcome_high) == (bar["outcome_low"], bar["outcome_high"])
    assert rus.moves == (rus.swing >= 5 or rus.anchor_low != rus.anchor_high)
    # an absurdly high threshold and the anchors alone decide
    strict = detente.panel_disagreement(panel_files, samples=64, threshold=1.0)
    assert all(d.moves == (d.anchor_low != d.anchor_high) for d in strict.items)


def test_disagreement_space_holds_only_the_spread(panel_files):
    panel = detente.panel_combine(panel_files)
    sc = disagreement_scenario(panel)
    assert all(a.capability_uncertainty is None for a in sc.actors)
    uncertain = [(s.actor, s.issue) for s in sc.stances
                 if s.position_uncertainty or s.salience_uncertainty]
    assert uncertain == [("RUS", "donetsk"), ("USA", "donetsk")]


def test_full_agreement_has_nothing_to_test(tmp_path):
    files = [analyst_file(tmp_path, n, {}) for n in ("a", "b")]
    report = detente.panel_disagreement(files)
    assert report.items == () and report.point == {}


def test_cli_disagreement(panel_files):
    res = runner.invoke(app, ["panel", "disagreement", *map(str, panel_files), "-n", "64",
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {d["actor"] for d in data["disagreements"]} == {"RUS", "USA"}
    res = runner.invoke(app, ["panel", "disagreement", *map(str, panel_files), "-n", "64"],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "moves" in res.output


def test_delphi_rounds_are_anonymous_and_converge(tmp_path, panel_files):
    folder = tmp_path / "delphi"
    first = detente.delphi_round(folder, panel_files)
    assert first.round == 1 and first.analysts == 3
    summary_text = (folder / "round-1" / "summary.yaml").read_text()
    handed = folder / "round-2" / "bob.yaml"
    for text in (summary_text, handed.read_text()):
        for name in ("alice", "carol"):
            assert name not in text  # nobody else is named
    assert "position median 90, middle half 80–95, range 70–100" in handed.read_text()
    assert "yours 70 / 0.95" in handed.read_text()
    # bob revises towards the panel; the others keep their estimates
    text = handed.read_text().replace("position: 70.0", "position: 88.0", 1)
    handed.write_text(text)
    assert detente.load(handed).stance("RUS", "donetsk").position == 88
    second = detente.delphi_round(folder)
    assert second.round == 2 and second.previous_iqr_share == first.iqr_share
    assert second.iqr_share < first.iqr_share
    rus = next(s for s in second.stances if (s.actor, s.issue) == ("RUS", "donetsk"))
    assert (rus.position.low, rus.position.median) == (88, 90)
    assert (folder / "round-3" / "alice.yaml").is_file()
    history = detente.delphi_history(folder)
    assert [h["round"] for h in history] == [1, 2]
    assert yaml.safe_load(summary_text)["stances"][0]["given_by"] == 3


def test_delphi_misuse_is_a_message(tmp_path, panel_files):
    res = runner.invoke(app, ["panel", "delphi", str(tmp_path / "none")])
    assert res.exit_code == 1 and "holds no Delphi rounds" in res.output
    folder = tmp_path / "d"
    assert runner.invoke(app, ["panel", "delphi", str(folder), *map(str, panel_files)]
                         ).exit_code == 0
    res = runner.invoke(app, ["panel", "delphi", str(folder), *map(str, panel_files)])
    assert res.exit_code == 1 and "already holds" in res.output
    res = runner.invoke(app, ["panel", "delphi", str(folder), "--history", "-f", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)[0]["round"] == 1


def test_delphi_rounds_are_kept_in_the_history_store(tmp_path, panel_files, _own_store):
    folder = tmp_path / "talks"
    first = detente.delphi_round(folder, panel_files)
    assert first.stored_as == "talks:panel"
    handed = folder / "round-2" / "bob.yaml"
    handed.write_text(handed.read_text().replace("position: 70.0", "position: 88.0", 1))
    detente.delphi_round(folder)
    with detente.open_history(_own_store) as store:
        panel = store.versions("talks:panel")
        assert [v.note for v in panel] == ["Delphi round 1: panel median of 3 analysts",
                                           "Delphi round 2: panel median of 3 analysts"]
        assert store.scenario(panel[0]).stance("RUS", "donetsk").position == 90
        assert store.scenario(panel[1]).stance("RUS", "donetsk").position == 90  # 100, 88, 90
        bob = store.versions("talks:bob")
        assert [store.scenario(v).stance("RUS", "donetsk").position for v in bob] == [70, 88]
        # alice did not revise: the same version stands for both rounds
        assert len(store.versions("talks:alice")) == 1
    res = runner.invoke(app, ["history", "log", "talks:bob"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "Delphi round 2" in res.output


def test_delphi_without_the_store(tmp_path, panel_files, _own_store):
    res = runner.invoke(app, ["panel", "delphi", str(tmp_path / "x"), *map(str, panel_files),
                              "--no-store"])
    assert res.exit_code == 0, res.output
    assert not _own_store.exists()
