"""A short slice of ``tools/fuzz.py`` (issue 17): the same Hypothesis-drawn hostile cases over
every reader and command, with the same invariants; the 10^5-case run is the script's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("detente_fuzz_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_hostile_generators_are_hostile(fuzz):
    assert fuzz.billion_laughs_xml(10).count("&lol") >= 90
    assert "*a4" in fuzz.yaml_alias_bomb(6)
    assert fuzz.deep(100, "yaml-list").count("[") == 100


@pytest.mark.slow
def test_a_slice_of_the_fuzzer_finds_nothing(fuzz):
    tally = fuzz.run(66, seed=5, timeout=20.0, batch=6)
    c = tally.counts
    assert c["cases"] == 66
    assert not any(c[k] for k in fuzz.BAD), tally.log[:3]
    assert c["ok"] + c["clean"] + c["slow_valid"] + c["killed_valid"] == 66
