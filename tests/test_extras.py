"""Typed extras: what readers leave beside a scenario, read in one place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import detente
from detente.errors import ScenarioError
from detente.extras import Accommodation, extras_of
from detente.formats import read
from detente.models.smp import SpatialModelOfPolitics


def test_ktab_xml_settings_are_typed(data_dir: Path) -> None:
    sc = read(data_dir / "ktab" / "smpExample_fixed.xml")
    ex = extras_of(sc)
    assert ex.deu is None and ex.ktab is not None
    assert ex.ktab.parameters["PCEModel"] == "MarkovIncentive"
    assert ex.ktab.seed == int(sc.metadata["ktab"]["seed"])
    assert Accommodation("Bob", "Alice", 0.07) in ex.ktab.accommodation


def test_deu_context_is_typed(data_dir: Path) -> None:
    scenarios = detente.load_all(data_dir / "deu" / "deu_i_ii.tsv")
    ctx = extras_of(scenarios[0]).deu
    assert ctx is not None and ctx.proposal == "d00032"
    assert ctx.voting_rule == "QMV" and ctx.procedure == "COD" and ctx.outcome == 100.0
    flagged = next(s for s in scenarios if s.metadata.get("missing_salience"))
    assert extras_of(flagged).deu.missing_salience == set(flagged.metadata["missing_salience"])


def test_no_extras_for_a_plain_scenario(ukraine) -> None:
    ex = extras_of(ukraine)
    assert ex.ktab is None and ex.deu is None
    model = SpatialModelOfPolitics()
    assert model.bind(ex) is model


def test_bad_ktab_metadata_names_the_field(ukraine) -> None:
    sc = ukraine.replace(metadata={"ktab": {"seed": "abc", "accommodation": [{"actor": 1}]}})
    with pytest.raises(ScenarioError) as err:
        extras_of(sc)
    text = str(err.value)
    assert "metadata.ktab.seed" in text and "metadata.ktab.accommodation[0]" in text


def test_from_ktab_and_bind_agree_and_apply_the_file(data_dir: Path) -> None:
    sc = read(data_dir / "ktab" / "smpExample_fixed.xml")
    settings = extras_of(sc).ktab
    assert settings is not None
    a = SpatialModelOfPolitics.from_ktab(settings).forecast(sc, seed=0)
    b = SpatialModelOfPolitics().bind(extras_of(sc)).forecast(sc, seed=0)
    # on bare arrays nothing binds: the defaults run (given the scenario, forecast binds)
    plain = SpatialModelOfPolitics().forecast(detente.compile_scenario(sc), seed=0)
    np.testing.assert_array_equal(a.trajectory.position, b.trajectory.position)
    assert a.params == b.params and a.params["pce_model"] == "MarkovIncentive"
    assert plain.params["pce_model"] == "Conditional"
    # the facade binds: the CLI and the API give the file's run
    via_api = detente.forecast(sc, ["smp"], seed=0)["smp"]
    np.testing.assert_array_equal(via_api.outcome, b.outcome)
