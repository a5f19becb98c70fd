"""Intervals on every surface: CSV columns, the brief, the web forecast page (issues 12, 16)."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.present.brief import render_html
from detente.present.intervals import forecast_grid, interval_basis, interval_rows
from detente.present.text import forecast_csv
from detente.scenario import Scenario
from detente.web.app import create_app

runner = CliRunner()
BUNDLED = "ukraine-2025-11"


@pytest.fixture(scope="module")
def plain(ukraine_plain) -> Scenario:
    """The bundled scenario with every stated uncertainty removed."""
    return ukraine_plain


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_appends_interval_columns_after_the_old_ones(ukraine):
    models = ["compromise", "median"]
    points = forecast_csv(api.forecast(ukraine, models))
    result = api.forecast(ukraine, models, draws=60, interval=0.5)
    text = forecast_csv(result)
    old_header = points.splitlines()[0].split(",")
    header = text.splitlines()[0].split(",")
    assert header[: len(old_header)] == old_header
    added = [c for c in header[len(old_header):] if not c.endswith("_break_shares")]
    assert added == [
        "compromise_median", "compromise_low", "compromise_high",
        "median_median", "median_low", "median_high", "interval_level", "interval_source"]
    # the shares of draws breaking each rule come last (a scenario with rules)
    assert header[-2:] == ["compromise_break_shares", "median_break_shares"]
    for old, new in zip(_rows(points), _rows(text), strict=True):
        assert {k: new[k] for k in old} == old  # the old columns' values unchanged
    for row in _rows(text):
        assert row["interval_level"] == "0.5" and row["interval_source"] == "simulation"
        for m in models:
            d = result.distribution(m, row["issue"])
            # CSV numbers carry 12 significant digits (present/text.py: CSV_DIGITS)
            assert float(row[f"{m}_low"]) == pytest.approx(d.low, rel=1e-11)
            assert float(row[f"{m}_high"]) == pytest.approx(d.high, rel=1e-11)
            assert float(row[f"{m}_median"]) == pytest.approx(d.median, rel=1e-11)
            assert d.low <= d.median <= d.high


def test_cli_csv_with_and_without_draws():
    res = runner.invoke(app, ["forecast", "-f", "csv", "-m", "median", "-n", "40"])
    assert res.exit_code == 0, res.output
    # the bundled scenario has red lines, linkages and sole control: the rules the point
    # breaks, and (with draws) the shares of draws breaking them, come with the forecast
    assert res.output.splitlines()[0] == ("issue,name,status_quo,median,median_anchor,"
                                          "median_breaks,median_median,median_low,"
                                          "median_high,interval_level,interval_source,"
                                          "median_break_shares")
    res = runner.invoke(app, ["forecast", "-f", "csv", "-m", "median", "-n", "0"])
    assert res.output.splitlines()[0] == ("issue,name,status_quo,median,median_anchor,"
                                          "median_breaks")


def test_csv_of_a_scenario_without_uncertainty_says_residual(plain):
    result = api.forecast(plain, ["compromise"], draws=100)
    rows = _rows(forecast_csv(result))
    assert {r["interval_source"] for r in rows} == {"residual"}
    for r in rows:
        assert float(r["compromise_median"]) == float(r["compromise"])  # the point itself
        assert float(r["compromise_low"]) <= float(r["compromise"]) <= float(
            r["compromise_high"])


def test_a_model_without_an_interval_gets_empty_cells(plain):
    # procedural has no record of errors on EU decisions (residual_calibration.json)
    result = api.forecast(plain, ["compromise", "procedural"], draws=10)
    assert result.without_interval == ("procedural",)
    rows = interval_rows(result)
    assert all(r["procedural_low"] is None and r["compromise_low"] is not None for r in rows)
    assert "None for procedural" in interval_basis(result)
    cells = forecast_grid(result)[0]["models"]
    assert [c["has_interval"] for c in cells] == [True, False]


def test_grid_and_basis_say_where_intervals_come_from(ukraine, plain):
    sim = api.forecast(ukraine, ["eum"], draws=40)
    assert "40 Monte Carlo draws" in interval_basis(sim, seed=3) and "(seed 3)" in \
        interval_basis(sim, seed=3)
    cell = forecast_grid(sim)[0]["models"][0]
    assert cell["has_interval"] and cell["source_label"].startswith("simulation, 40 draws")
    d = sim.distribution("eum", "donetsk")
    assert cell["flag"] == ("point outside its central interval" if d.point_outside else
                            "likeliest band differs from the point's" if d.band_differs
                            else None)
    res = api.forecast(plain, ["compromise"], draws=10)
    basis = interval_basis(res)
    assert "errors on" in basis and "EU decisions" in basis and "not from stated" in basis
    cell = forecast_grid(res)[0]["models"][0]
    assert cell["interval_source"] == "residual" and "DEU" in cell["source_label"]
    points = api.forecast(ukraine, ["compromise"])
    assert interval_basis(points) == ""
    assert not forecast_grid(points)[0]["models"][0]["has_interval"]


def test_brief_shows_each_models_interval_and_its_source(ukraine):
    data = api.brief(ukraine, models=["compromise", "eum"], draws=0, interval_draws=30,
                     sensitivity_samples=2, top_deals=1)
    page = render_html(data)
    assert "central 80% interval" in page and "30 Monte Carlo draws" in page
    for m in ("compromise", "eum"):
        assert f"model output ({m}); interval: simulation, 30 draws" in page
        d = data.result.distribution(m, "donetsk")
        assert f"{d.low:.1f}–{d.high:.1f}" in page
    assert "⚠ marks a point" in page  # eum's Donetsk point lies in a tail
    bare = render_html(api.brief(ukraine, models=["compromise"], draws=0, interval_draws=0,
                                 sensitivity_samples=2, top_deals=1))
    assert "central 80% interval" not in bare and "); interval: " not in bare


def test_brief_of_a_scenario_without_uncertainty_names_the_residual_source(plain):
    page = render_html(api.brief(plain, models=["compromise"], draws=0, interval_draws=10,
                                 sensitivity_samples=2, top_deals=1))
    assert "interval: model&#39;s errors on EU decisions (DEU I/II)" in page
    assert "not from stated uncertainty" in page
    assert "no stated range to vary" in page  # no sensitivity without ranges, no traceback


def test_brief_refuses_negative_interval_draws(ukraine):
    from detente.errors import DetenteError

    with pytest.raises(DetenteError, match="0 or more"):
        api.brief(ukraine, interval_draws=-1)


def test_web_forecast_page_shows_intervals_with_a_draws_parameter():
    client = TestClient(create_app())
    page = client.get(f"/s/{BUNDLED}?draws=30").text
    assert 'id="interval-basis"' in page and "30 Monte Carlo draws" in page
    assert "[simulation, 30 draws of the stated uncertainty]" in page
    result = api.forecast(api.load(BUNDLED), ["compromise", "median", "nash", "eum"], draws=30)
    d = result.distribution("nash", "donetsk")
    assert f"median {d.median:.1f} [{d.low:.1f}–{d.high:.1f}]" in page
    bare = client.get(f"/s/{BUNDLED}?draws=0").text
    assert "interval-basis" not in bare and "Monte Carlo" not in bare
    assert client.get(f"/s/{BUNDLED}?draws=-1").status_code == 422


def test_web_default_draws_is_the_briefs():
    import inspect

    from detente.web.routes_pages import scenario_page

    default = inspect.signature(scenario_page).parameters["draws"].default
    assert default == api.BRIEF_DRAWS == inspect.signature(api.brief).parameters[
        "interval_draws"].default
