"""The top-level Python API: load, forecast, save, and the lazily imported parts."""

from __future__ import annotations

import pytest

import detente


def test_top_level_names_resolve():
    for name in detente.__all__:
        assert getattr(detente, name) is not None, name
    with pytest.raises(AttributeError):
        detente.no_such_thing  # noqa: B018


def test_simulate_and_deals_from_the_top(ukraine):
    sim = detente.simulate(ukraine, draws=500, seed=3, models=["compromise"])
    assert sim.draws == 500
    report = detente.deals.analyse(ukraine)
    assert report.frontier_size >= 1


def test_load_all_and_forecast_by_path(tmp_path, ukraine):
    path = detente.save(ukraine, tmp_path / "u.yaml")
    assert detente.load_all(path) == [ukraine]
    result = detente.forecast(path, models=["median"])
    assert result.models == ("median",)
    assert result.to_frame().shape[0] == len(ukraine.issues)


def test_tables_label_an_unregistered_model_by_its_name(ukraine):
    from rich.console import Console

    from detente.models.compromise import Compromise
    from detente.present.tables import forecast_table

    class Mine(Compromise):
        name = "mine-unregistered"

    console = Console(width=200, record=True)
    console.print(forecast_table(detente.forecast(ukraine, models=[Mine()])))
    assert "mine-unregistered" in console.export_text()
