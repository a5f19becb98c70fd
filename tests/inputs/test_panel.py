"""Combining analysts' estimates: aggregators, ranges, provenance, compact CSV, bad files."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import detente
from detente.cli.main import app
from detente.errors import DetenteError, ScenarioError
from detente.inputs.analysts import AnalystEstimates
from detente.inputs.panel import aggregate, combine
from detente.uncertainty.sampling import input_space

from .conftest import analyst_file

runner = CliRunner()


def test_aggregators_by_hand():
    assert aggregate([70, 100, 90]) == 90
    assert aggregate([70, 100, 90, 80]) == 85
    # trimmed mean: floor(0.2 * 5) = 1 value cut from each end
    assert aggregate([0, 50, 60, 70, 100], aggregator="trimmed-mean") == 60
    # with fewer than five analysts nothing is cut: the plain mean
    assert aggregate([70, 100, 90], aggregator="trimmed-mean") == pytest.approx(260 / 3)
    with pytest.raises(DetenteError, match="trim"):
        aggregate([1, 2], aggregator="trimmed-mean", trim=0.5)
    with pytest.raises(DetenteError, match="unknown aggregator"):
        aggregate([1, 2], aggregator="mode")  # type: ignore[arg-type]


def test_combine_median_spread_and_provenance(panel_files):
    result = detente.panel_combine(panel_files)
    sc = result.scenario
    rus = sc.stance("RUS", "donetsk")
    assert rus.position == 90  # median of 100, 70, 90
    dist = rus.position_uncertainty
    assert (dist.kind, dist.low, dist.mode, dist.high) == ("triangular", 70, 90, 100)
    assert rus.salience_uncertainty is None or rus.salience_uncertainty.low == 0.85  # agreed
    usa = sc.stance("USA", "donetsk")
    assert usa.salience == 0.55 and usa.position_uncertainty.low == 40  # agreed: own range
    assert (usa.salience_uncertainty.low, usa.salience_uncertainty.high) == (0.35, 0.75)
    assert {"analyst-alice", "analyst-bob", "analyst-carol"} <= set(rus.sources)
    assert "alice 100, bob 70, carol 90; spread 30" in rus.evidence
    prov = {(p.actor, p.issue): p for p in result.provenance}
    p = prov[("RUS", "donetsk")]
    assert p.position.values == (("alice", 100.0), ("bob", 70.0), ("carol", 90.0))
    assert p.position.spread == 30 and p.position_share == pytest.approx(0.3)
    # the spread is an input that simulate and sensitivity draw from
    names = input_space(sc).names
    assert "position[RUS, donetsk]" in names and "salience[USA, donetsk]" in names


def test_envelope_and_trimmed_mean(panel_files):
    env = detente.panel_combine(panel_files, ranges="envelope").scenario
    d = env.stance("RUS", "donetsk").position_uncertainty
    assert (d.low, d.high) == (70, 100)  # alice's own range is 85..100
    tm = detente.panel_combine(panel_files, aggregator="trimmed-mean").scenario
    assert tm.stance("RUS", "donetsk").position == pytest.approx(260 / 3)


def test_min_share_drops_a_minority_stance(tmp_path):
    files = [analyst_file(tmp_path, "a", {}),
             analyst_file(tmp_path, "b", {("RUS", "tunnel"): None}),
             analyst_file(tmp_path, "c", {("RUS", "tunnel"): None})]
    result = detente.panel_combine(files)
    assert result.scenario.stance("RUS", "tunnel") is None
    p = next(p for p in result.provenance if (p.actor, p.issue) == ("RUS", "tunnel"))
    assert not p.kept and p.without == ("b", "c")
    kept = detente.panel_combine(files, min_share=0.3).scenario
    assert kept.stance("RUS", "tunnel") is not None


def test_compact_csv_applies_to_the_base(tmp_path, panel_files):
    csv = tmp_path / "dave.csv"
    csv.write_text("actor,issue,position,salience,position_low,position_high,evidence\n"
                   "RUS,donetsk,60,0.9,50,80,a weaker demand\n", encoding="utf-8")
    result = detente.panel_combine([*panel_files, csv])
    p = next(p for p in result.provenance if (p.actor, p.issue) == ("RUS", "donetsk"))
    assert dict(p.position.values)["dave"] == 60
    assert result.scenario.stance("RUS", "donetsk").position == 80  # median of 100,70,90,60
    # a stance dave does not give is one he does not take
    assert "dave" in next(p for p in result.provenance
                          if (p.actor, p.issue) == ("UKR", "tunnel")).without
    bad = tmp_path / "erin.csv"
    bad.write_text("actor,issue,position,salience\nRUS,donetsk,160,0.9\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        detente.panel_combine([*panel_files, bad])
    assert "erin.csv:2" in str(exc.value) and "position" in str(exc.value)


def test_only_stances_may_differ(tmp_path, panel_files):
    sc = detente.load("ukraine-2025-11").to_dict()
    sc["actors"][0]["capability"] = 10
    other = tmp_path / "zed.yaml"
    detente.save(detente.Scenario.from_dict(sc), other)
    with pytest.raises(ScenarioError) as exc:
        detente.panel_combine([*panel_files, other])
    text = str(exc.value)
    assert "zed.yaml" in text and "actors[0].capability" in text and "only in their stances" in text


def test_too_few_and_duplicate_names(tmp_path, panel_files):
    with pytest.raises(DetenteError, match="at least two"):
        detente.panel_combine(panel_files[:1])
    sub = tmp_path / "sub"
    sub.mkdir()
    twin = analyst_file(sub, "alice", {})
    with pytest.raises(DetenteError, match="alice appears more than once"):
        detente.panel_combine([panel_files[0], twin])
    only_csv = tmp_path / "x.csv"
    only_csv.write_text("actor,issue,position,salience\n", encoding="utf-8")
    only_csv.with_name("y.csv").write_text("actor,issue,position,salience\n", encoding="utf-8")
    with pytest.raises(DetenteError, match=r"apply to \(base\)"):
        detente.panel_combine([only_csv, only_csv.with_name("y.csv")])


def test_cli_combine_writes_and_refuses_to_overwrite(tmp_path, panel_files):
    out = tmp_path / "combined.yaml"
    prov = tmp_path / "prov.yaml"
    res = runner.invoke(app, ["panel", "combine", *map(str, panel_files), "-o", str(out),
                              "--provenance", str(prov)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "Panel of 3" in res.output and "[70–100]" in res.output
    combined = detente.load(out)
    assert combined.stance("RUS", "donetsk").position == 90
    assert "aggregator: median" in prov.read_text()
    before = out.read_text()
    res = runner.invoke(app, ["panel", "combine", *map(str, panel_files), "-o", str(out)])
    assert res.exit_code == 1 and "exists" in res.output and out.read_text() == before
    sim = detente.simulate(combined, draws=200, seed=1, models=["compromise"])
    row = next(r for r in sim.summary_rows() if r["issue"] == "donetsk")
    assert np.isfinite(row["mean"]) and row["sd"] > 0  # the panel's spread is drawn


def test_cli_bad_file_is_a_message(tmp_path, panel_files):
    missing = Path(tmp_path / "nobody.yaml")
    res = runner.invoke(app, ["panel", "combine", str(panel_files[0]), str(missing), "-o",
                              str(tmp_path / "o.yaml")])
    assert res.exit_code == 1 and "no such file" in res.output and "Traceback" not in res.output


BASE = detente.load("ukraine-2025-11").to_dict()


def _estimates(name: str, position: float, salience: float) -> AnalystEstimates:
    data = copy.deepcopy(BASE)
    for stance in data["stances"]:
        if (stance["actor"], stance["issue"]) == ("RUS", "donetsk"):
            stance.update(position=position, salience=salience)
            stance.pop("position_uncertainty", None)
            stance.pop("salience_uncertainty", None)
    return AnalystEstimates(name, detente.Scenario.from_dict(data), f"{name}.yaml")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(values=st.lists(st.tuples(st.floats(0, 100), st.floats(0, 1)), min_size=2, max_size=6),
       aggregator=st.sampled_from(["median", "trimmed-mean"]),
       ranges=st.sampled_from(["spread", "envelope"]))
def test_combined_values_lie_within_the_analysts(values, aggregator, ranges):
    estimates = [_estimates(f"a{k}", p, s) for k, (p, s) in enumerate(values)]
    result = combine(estimates, aggregator=aggregator, ranges=ranges)
    st_ = result.scenario.stance("RUS", "donetsk")  # validated, so ranges hold the values
    ps, ss = [p for p, _ in values], [s for _, s in values]
    assert min(ps) - 1e-9 <= st_.position <= max(ps) + 1e-9
    assert min(ss) - 1e-9 <= st_.salience <= max(ss) + 1e-9
    if max(ps) > min(ps):
        assert st_.position_uncertainty.low <= min(ps)
        assert st_.position_uncertainty.high >= max(ps)


def test_trimmed_mean_of_equal_values_stays_within_them() -> None:
    """A float mean of equal values can come out one ulp above them; the panel clips it."""
    from detente.inputs.panel import aggregate

    value = 0.8153710540368968
    for n in range(1, 12):
        got = aggregate([value] * n, aggregator="trimmed-mean")
        assert got == value
