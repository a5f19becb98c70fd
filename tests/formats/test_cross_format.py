"""YAML ↔ CSV ↔ decide ↔ KTAB: a scenario keeps all its numbers through every format."""

from __future__ import annotations

import pytest

import detente
from detente import formats
from detente.scenario import Scenario


def numbers(sc: Scenario) -> dict:
    return {
        "capability": {a.id: a.capability for a in sc.actors},
        "scale": {i.id: (i.low, i.high) for i in sc.issues},
        "stances": {(s.actor, s.issue): (s.position, s.salience) for s in sc.stances},
    }


def assert_same_numbers(a: Scenario, b: Scenario) -> None:
    na, nb = numbers(a), numbers(b)
    assert na["capability"].keys() == nb["capability"].keys()
    for k, v in na["capability"].items():
        assert nb["capability"][k] == pytest.approx(v, rel=1e-12, abs=1e-12)
    assert na["scale"] == nb["scale"]
    assert na["stances"].keys() == nb["stances"].keys()
    for k, (p, s) in na["stances"].items():
        assert nb["stances"][k][0] == pytest.approx(p, rel=1e-12, abs=1e-12)
        assert nb["stances"][k][1] == pytest.approx(s, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("relpath", "native"),
    [
        ("decide/copenhagen.csv", "decide"),
        ("decide/cop21.csv", "decide"),
        ("ktab/dummyData_3Dim.csv", "ktab-csv"),
        ("ktab/SOE-Policy.csv", "ktab-csv"),
        ("ktab/smpExample_fixed.xml", "ktab-xml"),
    ],
)
def test_chain_through_every_format(data_dir, tmp_path, relpath, native):
    original = detente.load(data_dir / relpath)
    current = original
    chain = ["yaml", "csv", native, "yaml", native, "csv"]
    for k, name in enumerate(chain):
        path = tmp_path / f"step{k}.{name}"
        path.write_text(formats.dumps(current, name), encoding="utf-8")
        current = detente.load(path, format=name)
        assert_same_numbers(original, current)


def test_bundled_into_decide_and_back(tmp_path, ukraine):
    text = formats.dumps(ukraine, "decide")
    (back,) = formats.format_module("decide").loads(text, file="u.csv")
    # decide holds positions, saliences and powers: those survive
    for st in ukraine.stances:
        got = back.stance(st.actor, st.issue)
        assert got is not None
        assert got.position == pytest.approx(st.position)
        assert got.salience == pytest.approx(st.salience)
