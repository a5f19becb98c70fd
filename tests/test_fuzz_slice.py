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


def test_slow_and_stopped_cases_are_told_apart(fuzz, tmp_path):
    """A case over the CPU budget counts as slow, one stopped at the hard limit as killed,
    each split by whether its input is a valid scenario (a performance finding) or not."""
    tally = fuzz.Tally()
    valid = next(t for t in fuzz.SEEDS["yaml"] if "ukraine" in t)
    broken = valid.replace("\nissues:", "\nissuez:", 1)  # read in full, then refused
    runner = fuzz.Runner(tmp_path, timeout=0.0, tally=tally, hard_limit=60.0)
    runner.run(fuzz.Case("reader:yaml", valid))
    runner.run(fuzz.Case("reader:yaml", broken))
    assert (tally.counts["slow_valid"], tally.counts["slow_rejected"]) == (1, 1)
    runner.hard_limit = 1e-3
    runner.run(fuzz.Case("cmd:simulate", valid, (".yaml", "simulate", "-n", "20000")))
    assert tally.counts["killed_valid"] == 1
    assert [r["outcome"] for r in tally.log] == ["slow_valid", "slow_rejected", "killed_valid"]


def test_commands_get_valid_seeds_under_their_own_extension(fuzz):
    from detente import formats

    pairs = fuzz.command_seeds()
    assert any("ukraine-2025-11" in text for text, _ in pairs)  # the bundled scenario
    assert {ext for _, ext in pairs} >= {".yaml", ".csv", ".xml", ".tsv"}
    big = fuzz.command_seeds(max_cells=10**6, min_cells=fuzz.MAX_COMMAND_CELLS + 1)
    assert big and not set(big) & set(pairs)
    for text, ext in big:
        assert ext in formats.extensions(formats.detect_format(
            __import__("pathlib").Path("x" + ext), text))


def test_command_json_outside_its_scales_is_a_wrong_answer(fuzz, tmp_path):
    import detente

    path = tmp_path / "s.yaml"
    path.write_text(detente.api.dumps(detente.load("ukraine-2025-11"), "yaml"), encoding="utf-8")
    issue = detente.load("ukraine-2025-11").issues[0]
    inside = {"forecasts": [{"model": "m", "outcome": {issue.id: issue.low}}]}
    outside = {"forecasts": [{"model": "m", "outcome": {issue.id: issue.high + 1}}]}
    assert fuzz.numbers_within_scales("forecast", inside, path) == ""
    assert "outside" in fuzz.numbers_within_scales("forecast", outside, path)
    mixed = {"summary": [{"issue": issue.id, "model": "m", "point": issue.low,
                          "q05": issue.low + 2, "q50": issue.low + 1}]}
    assert "out of order" in fuzz.numbers_within_scales("simulate", mixed, path)


def test_a_case_that_hangs_in_c_is_stopped_and_counted(fuzz, tmp_path):
    """Loading a damaged .nc once looped inside HDF5, beyond any signal: such cases run in
    a forked child, killed after 4 x the hard limit."""
    import time

    runner = fuzz.Runner(tmp_path, timeout=5.0, tally=fuzz.Tally(), hard_limit=0.05)
    with pytest.raises(fuzz.CaseTimeout):
        runner._in_child(lambda: time.sleep(30))
    assert runner._in_child(lambda: None) == ("ok", "")
    outcome, detail = runner._in_child(lambda: 1 / 0)
    assert outcome == "traceback" and "ZeroDivisionError" in detail


def test_nc_cases_judge_the_netcdf_bytes(fuzz, tmp_path):
    """A cut inside the checksum line leaves the saved netCDF whole (it loads, as saved: not
    a wrong answer, as the 10^5 run's one violation first said); damaged netCDF bytes
    under a checksum are refused."""
    import random

    runner = fuzz.Runner(tmp_path, timeout=5.0, tally=fuzz.Tally())
    n = len(runner.nc_bytes)
    inside = next(s for s in range(10**6) if n - 82 <= random.Random(s).randrange(n) < n)
    assert runner._nc(inside, "cut") == ("ok", "")
    assert runner._nc(1, "flip")[0] == "clean"
