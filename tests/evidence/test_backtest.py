"""The termination backtest: every candidate scored on later years, with intervals."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.errors import DetenteError
from detente.evidence import backtest, datasets, features, readers


@pytest.fixture(scope="module")
def early_ucdp(war_dir: Path, tmp_path_factory) -> Path:
    """The UCDP file cut at 1975: a small, quick backtest (split 1965)."""
    with (war_dir / "ucdp_acd_conflict_years.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if int(r["year"]) <= 1975]
    path = tmp_path_factory.mktemp("ucdp") / "ucdp_early.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_every_candidate_is_scored_on_later_years(early_ucdp: Path) -> None:
    task = features.conflict_years(readers.read_ucdp(early_ucdp))
    result = backtest.run(task, split_year=1965, bootstrap=200, rng=np.random.default_rng(0))
    names = [m.name for m in result.models]
    assert names == ["base rate", "reference-class base rate", "class × duration",
                     "logistic regression", "gradient boosting"]
    held = task.table[task.table["year"] > 1965]
    assert result.n_test == len(held) and result.test_years == (1966, 1975)
    assert result.n_train == int((task.table["year"] <= 1965).sum())
    for m in result.models:
        assert m.n == len(held)
        assert m.brier_interval[0] <= m.brier <= m.brier_interval[1]
        assert m.log_score_interval[0] <= m.log_score <= m.log_score_interval[1] <= 0
        assert sum(r["n"] for r in m.calibration) == len(held)
    assert sum(m.selected for m in result.models) == 1
    assert not result.selected.baseline
    base = result.base
    assert base.brier_vs_base == 0 and base.brier_vs_base_interval == (0.0, 0.0)
    rate = task.table.loc[task.table["year"] <= 1965, "y"].mean()
    plain = next(m for m in result.models if m.name == "base rate")
    assert plain.brier == pytest.approx(float(((rate - held["y"]) ** 2).mean()))
    assert "reference-class base rate" in result.verdict()


def test_split_outside_the_years_is_a_clear_error(early_ucdp: Path) -> None:
    with pytest.raises(DetenteError, match="no conflict-years after it"):
        api.evidence_backtest(early_ucdp, split_year=1975)
    with pytest.raises(DetenteError, match="too few"):
        api.evidence_backtest(early_ucdp, split_year=1900)
    with pytest.raises(DetenteError, match="expected a UCDP armed conflict file"):
        api.evidence_backtest(datasets.data_file(datasets.STATES), split_year=1965)


def test_cli_json_lists_each_model(early_ucdp: Path) -> None:
    res = CliRunner().invoke(app, ["evidence", "backtest", str(early_ucdp), "--split-year",
                                   "1965", "--bootstrap", "50", "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data["models"]) == 5
    for m in data["models"]:
        assert {"name", "brier", "log_score", "n"} <= set(m)
    assert data["benchmark"] == "reference-class base rate"


@pytest.mark.slow
def test_disputes_split_1980(war_dir: Path) -> None:
    result = api.evidence_backtest(war_dir / "gml_mid_disputes.csv", split_year=1980,
                                   bootstrap=200)
    assert result.task == "mid-negotiated-settlement"
    assert result.test_years[0] == 1981
    assert all(m.n == result.n_test for m in result.models)


@pytest.mark.slow
def test_ucdp_split_2004(war_dir: Path) -> None:
    result = api.evidence_backtest(war_dir / "ucdp_acd_conflict_years.csv", split_year=2004,
                                   bootstrap=200)
    assert result.test_years[0] == 2005 and result.n_test > 100
