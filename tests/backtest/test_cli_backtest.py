"""``detente backtest`` end to end on a few issues."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from detente.cli.main import app

runner = CliRunner()


def test_backtest_table_and_csv(data_dir, tmp_path):
    out = tmp_path / "issues.csv"
    res = runner.invoke(app, ["backtest", str(data_dir / "deu" / "deu_i_ii.tsv"), "--limit", "12",
                              "-m", "compromise", "-m", "median-position", "--bootstrap", "50",
                              "--capability", "banzhaf", "--csv", str(out)])
    assert res.exit_code == 0, res.output
    assert "compromise" in res.output and "MAE" in res.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 12 and "compromise_error" in rows[0]


@pytest.mark.slow
def test_fit_ensemble_writes_weights(data_dir, tmp_path):
    out = tmp_path / "w.json"
    res = runner.invoke(app, ["backtest", str(data_dir / "deu" / "deu_i_ii.tsv"), "--limit", "30",
                              "-m", "compromise", "--bootstrap", "0", "--fit-ensemble", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file() and "held out" in res.output


def test_bad_input_exits_1(data_dir, tmp_path):
    path = str(data_dir / "deu" / "deu_i_ii.tsv")
    assert runner.invoke(app, ["backtest", path, "-m", "nope"]).exit_code == 1
    assert runner.invoke(app, ["backtest", str(tmp_path / "missing.tsv")]).exit_code == 1
    assert runner.invoke(app, ["backtest", path, "--capability", "bogus"]).exit_code == 2
