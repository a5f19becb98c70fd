"""Bad model parameters and weights files give one clear error, never a traceback."""

from __future__ import annotations

import json
import re

import pytest

from detente.errors import DetenteError
from detente.models.ensemble import Ensemble
from detente.models.registry import get_model


@pytest.mark.parametrize(
    ("name", "params", "named"),
    [
        ("smp", {"min_sig_gain": "x"}, "min_sig_gain='x' (expected a number)"),
        ("smp", {"max_turns": 0, "voting_rule": "y"}, "voting_rule='y'"),
        ("smp", {"max_turns": 0}, "max_turns=0 (expected an integer >= 1)"),
        ("eum", {"rounds": 2.5}, "rounds=2.5 (expected an integer >= 0)"),
        ("exchange", {"salience_weight": None}, "salience_weight=None (expected a number)"),
    ],
)
def test_bad_parameters_name_model_and_value(name, params, named):
    with pytest.raises(DetenteError, match=f"model '{name}': bad parameter .*{re.escape(named)}"):
        get_model(name, **params)


def test_smp_accommodation_that_is_not_numbers(ukraine):
    model = get_model("smp", accommodation=[["a"] * 5] * 5)
    with pytest.raises(DetenteError, match="accommodation must be a 5×5 matrix"):
        model.forecast(ukraine)


@pytest.mark.parametrize(
    ("weights", "found"),
    [
        ({"full": {"compromise": "x"}}, "weights.full.compromise = 'x'"),
        ({"generic": [1]}, "weights.generic = [1]"),
    ],
)
def test_ensemble_weights_file_with_non_numeric_weights(tmp_path, ukraine, weights, found):
    sets = {"full": {}, "no_status_quo": {}, "no_council": {}, "generic": {}}
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"weights": {**sets, **weights}}), encoding="utf-8")
    with pytest.raises(DetenteError, match=re.escape("numeric weights; found " + found)):
        Ensemble(weights=str(path)).forecast(ukraine)


@pytest.mark.parametrize("name", ["eum", "smp", "exchange", "nash", "ensemble", "compromise"])
def test_unknown_parameter_lists_the_valid_ones(name):
    from detente.models.registry import model_class

    valid = model_class(name).parameter_names()
    with pytest.raises(DetenteError) as err:
        get_model(name, zzz=1)
    text = str(err.value)
    assert f"model '{name}': unknown parameter 'zzz'" in text
    assert "__init__" not in text
    assert ("valid parameters: " + (", ".join(valid) or "none")) in text


def test_scenario_inputs_are_not_parameters():
    from detente.models.ensemble import Ensemble
    from detente.models.smp import SpatialModelOfPolitics

    assert "ktab" not in SpatialModelOfPolitics.parameter_names()
    assert "ktab" not in get_model("smp").get_params()
    assert set(Ensemble.parameter_names()) == {"weights"}
    with pytest.raises(DetenteError, match="unknown parameter 'council'"):
        get_model("ensemble", council=None)


@pytest.mark.parametrize(
    ("name", "params", "named"),
    [
        ("eum", {"q": 2}, "q=2 (expected a number in 0..1)"),
        ("eum", {"tolerance": -1}, "tolerance=-1 (expected None or a number >= 0)"),
        ("eum", {"risk": "yes"}, "risk='yes' (expected true or false)"),
        ("eum", {"t_rule": "x"}, "t_rule='x' (expected one of median, one, zero)"),
        ("exchange", {"log": 3}, "log=3 (expected true or false)"),
        ("nash", {"iterations": -1}, "iterations=-1 (expected an integer >= 0)"),
    ],
)
def test_constraint_tables_are_checked(name, params, named):
    with pytest.raises(DetenteError, match=re.escape(named)):
        get_model(name, **params)
