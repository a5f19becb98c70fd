"""Issue 31 items 5 and 7: markup, wording and errors a person reads; shocks by the id
``--shock`` takes, and said when applied."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.main import app

runner = CliRunner()
DEU = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "deu" / "deu_i_ii.tsv"


def invoke(*args: str, width: int = 200):
    return runner.invoke(app, list(args), env={"COLUMNS": str(width)})


def _flat(text: str) -> str:
    return " ".join(text.split())


# ---- item 5: markup and words ----------------------------------------------------------

def test_pressures_prints_no_raw_markup_and_explains():
    res = invoke("pressures", "ukraine-2025-11", "--explain")
    assert res.exit_code == 0, res.output
    assert "[dim]" not in res.output and "[/]" not in res.output
    assert "not predictions of fact" in _flat(res.output)
    assert "Terms in `detente pressures`" in res.output


def test_pressures_refuses_csv_as_usage_error():
    assert invoke("pressures", "-f", "csv").exit_code == 2


def test_forecast_legend_says_what_each_warning_means():
    res = invoke("forecast", "-m", "compromise", "--draws", "200")
    assert res.exit_code == 0, res.output
    out = _flat(res.output)
    assert "lies in a tail of its own distribution" not in out
    assert "point outside interval: the point lies outside its own central interval" in out
    assert "likeliest band differs: the point is inside it" in out


def test_backtest_says_when_exchange_is_compromise_and_why():
    res = invoke("backtest", str(DEU), "-m", "compromise", "-m", "exchange", "--limit", "20",
                 "--bootstrap", "0", "--explain")
    assert res.exit_code == 0, res.output
    out = _flat(res.output)
    assert "note: exchange forecast exactly what the compromise model does" in out
    assert "one issue per scenario" in out
    assert "Terms in `detente backtest`" in out


def test_backtest_names_no_model_that_differs():
    res = invoke("backtest", str(DEU), "-m", "compromise", "-m", "nash", "--limit", "20",
                 "--bootstrap", "0")
    assert res.exit_code == 0, res.output
    assert "forecast exactly what the compromise model does" not in _flat(res.output)


def test_an_empty_file_is_said_to_be_empty(tmp_path):
    for name in ("empty.yaml", "empty.csv", "comments.yaml"):
        path = tmp_path / name
        path.write_text("# nothing yet\n" if name.startswith("comments") else "")
        res = invoke("check", str(path))
        assert res.exit_code == 1
        assert "an empty file" in res.output and "NoneType" not in res.output, res.output
        assert str(path) in _flat(res.output)


def test_bad_indentation_is_named_with_file_and_line(tmp_path):
    path = tmp_path / "talks.yaml"
    path.write_text("name: x\nactors:\n  - id: A\n    name: bad\n   issues: []\n")
    res = invoke("check", str(path))
    assert res.exit_code == 1
    out = _flat(res.output)
    assert f"{path}:5:" in out
    assert "indentation that does not match the lines above" in out
    assert "<block" not in out


def test_a_tab_is_named(tmp_path):
    path = tmp_path / "tab.yaml"
    path.write_text("name: x\n\tactors: []\n")
    res = invoke("check", str(path))
    assert res.exit_code == 1 and f"{path}:2:" in res.output and "a tab" in res.output


# ---- item 7: shocks ---------------------------------------------------------------------

def test_pressures_lists_each_shock_by_the_id_deals_takes():
    import detente

    res = invoke("pressures", "ukraine-2025-11")
    assert res.exit_code == 0, res.output
    shocks = detente.load("ukraine-2025-11").shocks
    assert shocks
    for shock in shocks:
        assert shock.id in res.output
        assert invoke("deals", "--shock", shock.id, "--robust", "0").exit_code == 0


def test_deals_says_which_shock_it_applied():
    res = invoke("deals", "--shock", "oil-halt-confirmed", "--robust", "0")
    assert res.exit_code == 0, res.output
    assert "After shock oil-halt-confirmed" in res.output
    assert "+ shock oil-halt-confirmed" in res.output  # the BATNA source it moved
    data = json.loads(invoke("deals", "--shock", "oil-halt-confirmed", "--robust", "0",
                             "-f", "json").stdout)
    assert data["shocks"] == ["oil-halt-confirmed"]
    assert any("shock oil-halt-confirmed" in b["source"] for b in data["batna"].values())
    plain = json.loads(invoke("deals", "--robust", "0", "-f", "json").stdout)
    assert plain["shocks"] == []
    assert not any("shock" in b["source"] for b in plain["batna"].values())


def test_the_baseline_row_of_the_shocks_is_not_taken_for_an_id():
    # at 80 columns the shocks stack as "--shock id: ..."; the stated pressures' row has no
    # id, and its name ("stated pressures") read as one
    res = invoke("pressures", "ukraine-2025-11", width=80)
    assert res.exit_code == 0, res.output
    assert "--shock id: — (stated pressures: no shock)" in res.output
    assert "--shock id: stated pressures" not in res.output


def test_counts_and_draws_carry_thousands_separators():
    deals = invoke("deals", "ukraine-2025-11", "--robust", "0", width=80)
    assert deals.exit_code == 0, deals.output
    assert deals.output.startswith("62,208 deals; 169 in the ZOPA")
    plans = invoke("proposals", "ukraine-2025-11", "--draws", "2000", width=120)
    assert plans.exit_code == 0, plans.output
    assert "Plans ranked (2,000 draws)" in plans.output
    assert "Accepts in (share of 2,000 draws)" in plans.output
