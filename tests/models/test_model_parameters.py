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
