"""The ensemble forecaster, its fitting protocol and the shipped weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

import detente
from detente.backtest.deu import load_cases
from detente.backtest.ensemble_fit import (
    SHIPPED_MEMBERS,
    evaluate,
    fit_lad,
    member_table,
)
from detente.backtest.splits import grouped_folds
from detente.extras import extras_of
from detente.models.ensemble import WEIGHTS_FILE, Ensemble, load_spec, member_forecasts
from detente.models.registry import available_models


@pytest.fixture(scope="module")
def deu_path(data_dir):
    return data_dir / "deu" / "deu_i_ii.tsv"


def test_registered_and_runs_on_any_scenario(ukraine):
    assert "ensemble" in available_models()
    result = detente.forecast(ukraine, models=["ensemble", "compromise"])
    ens, comp = result["ensemble"].outcome, result["compromise"].outcome
    # no EU metadata: the generic member set, fitted to the compromise model alone
    spec = load_spec()
    if spec["weights"]["generic"] == {"compromise": 1.0}:
        np.testing.assert_allclose(ens, comp)
    assert np.isfinite(ens).all()


def test_combination_on_a_deu_issue_follows_the_shipped_weights(deu_path):
    case = load_cases(deu_path)[0]
    forecast = Ensemble().bind(extras_of(case.scenario)).forecast(case.scenario)
    spec = load_spec()
    which = "full" if case.reference_point is not None else "no_status_quo"
    weights = spec["weights"][which]
    members = member_forecasts(detente.compile_scenario(case.scenario), list(weights),
                               np.random.default_rng(0), council=case.council)
    expected = sum(w * members[m][0, 0] for m, w in weights.items()) / sum(weights.values())
    assert forecast.outcome[0, 0] == pytest.approx(expected)
    assert forecast.details.member_set[case.issue] == which
    # given the scenario, the ensemble binds its extras itself: the same forecast
    assert Ensemble().forecast(case.scenario).outcome[0, 0] == forecast.outcome[0, 0]
    # on bare arrays there is no Council provider: the Council-power members drop out
    alone = Ensemble().forecast(detente.compile_scenario(case.scenario))
    assert alone.details.member_set[case.issue] in ("no_council", "generic")


def test_fallback_renormalises_over_members_that_can_run(tmp_path, ukraine):
    spec = {"weights": {
        "full": {}, "no_status_quo": {}, "no_council": {},
        "generic": {"compromise": 0.5, "no-such-model": 0.3, "median": 0.2},
    }}
    path = tmp_path / "w.json"
    path.write_text(json.dumps(spec))
    no_sq = ukraine.replace(issues=[i.model_copy(update={"status_quo": None, "no_agreement": None})
                                    for i in ukraine.issues])
    ens = Ensemble(weights=str(path)).forecast(no_sq).outcome
    comp = detente.get_model("compromise").forecast(no_sq).outcome
    med = detente.get_model("median").forecast(no_sq).outcome
    np.testing.assert_allclose(ens, (0.5 * comp + 0.2 * med) / 0.7)


def test_bad_weights_file_is_a_clean_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(detente.DetenteError, match="not valid JSON"):
        load_spec(str(bad))
    with pytest.raises(detente.DetenteError, match="member sets"):
        bad.write_text('{"weights": {}}')
        load_spec(str(bad) + "")  # a different cache key than above is not needed: new content


def test_fit_lad_recovers_an_exact_combination():
    rng = np.random.default_rng(0)
    F = rng.uniform(0, 100, (60, 3))
    y = F @ np.array([0.3, 0.0, 0.7])
    w = fit_lad(F, y, 0.0, np.array([1.0, 0.0, 0.0]))
    np.testing.assert_allclose(w, [0.3, 0.0, 0.7], atol=1e-6)
    # a strong pull keeps the prior
    np.testing.assert_allclose(fit_lad(F, y, 100.0, np.array([1.0, 0.0, 0.0])), [1, 0, 0])


def test_grouped_folds_keep_proposals_whole():
    groups = np.array(["a", "a", "b", "c", "c", "c", "d", "e"])
    folds = grouped_folds(groups, 3, np.random.default_rng(1))
    for g in np.unique(groups):
        assert len(set(folds[groups == g])) == 1
    assert set(folds) <= {0, 1, 2}


def test_shipped_weights_have_provenance():
    doc = json.loads(WEIGHTS_FILE.read_text())
    prov = doc["provenance"]
    assert prov["fitted_on"] == "deu_i_ii.tsv" and len(prov["sha256"]) == 64
    assert not set(prov["training_proposals"]) & set(prov["held_out_proposals"])
    assert prov["held_out"]["issues"] > 0
    assert prov["cv"]["ensemble_mae"] < prov["cv"]["compromise_mae"]
    for weights in doc["weights"].values():
        assert sum(weights.values()) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.slow
def test_cross_validated_mae_below_the_compromise_model_on_the_same_folds(deu_path):
    cases = load_cases(deu_path)
    table = member_table(cases, SHIPPED_MEMBERS)
    report = evaluate(table, seed=0)
    cv = report["cv"]
    assert cv["issues"] + report["held_out"]["issues"] == 203
    assert cv["ensemble_mae"] < cv["compromise_mae"]
    held = report["held_out"]
    assert held["ensemble_mae"] is not None and held["issues"] > 20
    # the held-out proposals were never used: their issues have no CV prediction
    held_rows = np.isin(table.groups, held["proposals"])
    assert np.isnan(report["cv_predictions"][held_rows]).all()
    assert not np.isnan(report["held_out_predictions"][held_rows]).any()


def test_a_failing_member_is_an_error_not_a_silent_nan(monkeypatch, ukraine):
    """Only a member's stated refusal (a DetenteError) drops it; a bug propagates."""
    from detente.models.compromise import Compromise

    def broken(self, arrays, rng):
        raise ZeroDivisionError("a bug in a member")

    monkeypatch.setattr(Compromise, "_run", broken)
    with pytest.raises(ZeroDivisionError, match="a bug in a member"):
        Ensemble().forecast(ukraine)
