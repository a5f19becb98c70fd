"""Issue 12 part 1: every forecast with its distribution (median, interval, likeliest band)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.errors import DetenteError
from detente.results import ForecastSet
from detente.uncertainty.distribution import (
    HEAVY_DRAWS,
    LIGHT_DRAWS,
    default_draws,
    interval_quantiles,
)

runner = CliRunner()


def test_eum_donetsk_point_is_flagged_as_a_tail(ukraine):
    result = api.forecast(ukraine, ["eum"], draws=None)
    d = result.distribution("eum", "donetsk")
    assert d is not None and d.draws == HEAVY_DRAWS
    assert d.point == pytest.approx(float(result["eum"].point["donetsk"]))
    # the point (25) lies below its own 80% interval, and most draws land in another band
    assert d.point < d.low < d.median < d.high
    assert d.point_outside and d.band_differs and d.flagged
    assert d.likeliest_p is not None and d.point_band_p is not None
    assert d.likeliest_p > d.point_band_p


def test_default_draws_rule_and_interval_width(ukraine):
    assert default_draws("eum") == default_draws("smp") == HEAVY_DRAWS
    assert default_draws("compromise") == LIGHT_DRAWS
    narrow = api.forecast(ukraine, ["compromise"], draws=400, interval=0.5)
    wide = api.forecast(ukraine, ["compromise"], draws=400, interval=0.9)
    for issue in ukraine.issue_ids:
        n, w = narrow.distribution("compromise", issue), wide.distribution("compromise", issue)
        assert w.low <= n.low <= n.median <= n.high <= w.high
        assert n.median == w.median and n.draws == 400
    with pytest.raises(DetenteError, match="strictly between"):
        interval_quantiles(1.0)


def test_distributions_identical_across_chunk_sizes(ukraine):
    a = api.forecast(ukraine, ["compromise", "eum"], draws=300, seed=4, chunk_size=64)
    b = api.forecast(ukraine, ["compromise", "eum"], draws=300, seed=4, chunk_size=10_000)
    assert a.to_json() == b.to_json()
    assert len(a.distributions) == 2 * len(ukraine.issues)


def test_draws_zero_is_todays_json_byte_for_byte(ukraine):
    points = ForecastSet(ukraine, tuple(api.resolve_models(None)[k].forecast(ukraine, seed=0)
                                        for k in range(3)))
    res = runner.invoke(app, ["forecast", "--draws", "0", "-f", "json"], env={"COLUMNS": "240"})
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == json.loads(points.to_json())
    assert api.forecast(ukraine, draws=0).to_json() == points.to_json()
    assert "distributions" not in json.loads(res.output)


def test_cli_table_and_json_carry_the_distribution():
    res = runner.invoke(app, ["forecast", "-m", "eum", "-f", "json"], env={"COLUMNS": "240"})
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    donetsk = next(d for d in data["distributions"] if d["issue"] == "donetsk")
    assert donetsk["point_outside"] and donetsk["band_differs"] and data["interval"] == 0.8
    res = runner.invoke(app, ["forecast", "-m", "eum", "--interval", "0.9"],
                        env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "⚠ point outside" in res.output and "med 5" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80


def test_scenario_without_uncertainty_gets_residual_intervals_not_draws(ukraine_plain):
    from detente.uncertainty.sampling import input_space

    plain = ukraine_plain
    assert input_space(plain).size == 0
    dists = api.forecast(plain, ["compromise"], draws=100).distributions
    assert len(dists) == len(plain.issues)
    assert {d.source for d in dists} == {"residual"} and {d.draws for d in dists} == {0}
