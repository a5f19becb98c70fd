"""Every scenario file in ``shared/data`` loads; the two deliberately flawed ones fail by line."""

from __future__ import annotations

from pathlib import Path

import pytest

import detente
from detente.errors import ScenarioError

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FLAWED = {"decide/copenhagen_with_errors.csv", "ktab/smpExample.xml"}
NOT_SCENARIOS = {"README.md", "ktab/ktab-china-2014.json"}  # documentation, coded outcomes
# data sets that are not negotiations: the war, dispute and conflict data (detente.evidence
# reads them; tests/evidence checks that)
NOT_SCENARIO_FOLDERS = ("ktab/reference/", "war/")


def scenario_files() -> list[str]:
    out = []
    for path in sorted(SHARED_DATA.rglob("*")):
        rel = path.relative_to(SHARED_DATA).as_posix()
        if path.is_file() and rel not in NOT_SCENARIOS and not rel.startswith(NOT_SCENARIO_FOLDERS):
            out.append(rel)
    return out


FILES = scenario_files()


def test_the_data_is_there():
    assert len(FILES) >= 35, FILES


@pytest.mark.parametrize("rel", [f for f in FILES if f not in FLAWED])
def test_loads(rel):
    scenarios = detente.load_all(SHARED_DATA / rel)
    assert scenarios
    for sc in scenarios:
        assert sc.actors and sc.issues and sc.stances


@pytest.mark.parametrize("rel", sorted(FLAWED))
def test_flawed_files_fail_with_lines(rel):
    with pytest.raises(ScenarioError) as info:
        detente.load_all(SHARED_DATA / rel)
    assert info.value.problems
    for p in info.value.problems:
        assert p.line is not None and p.file and p.file.endswith(Path(rel).name)


def test_copenhagen_errors_are_all_reported():
    with pytest.raises(ScenarioError) as info:
        detente.load(SHARED_DATA / "decide/copenhagen_with_errors.csv")
    found = " ".join(p.found for p in info.value.problems)
    assert "160" in found  # position outside the scale
    assert "-0.247" in found  # negative power
    assert len({p.line for p in info.value.problems}) >= 2
