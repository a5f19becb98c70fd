"""Random and broken input to every reader: only clean, named errors come out.

The readers are taken from the format registry, so every format that is added
is fuzzed too. Seeds for the mutations are the bundled scenario in each
writable format and every file in ``shared/data``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente import formats
from detente.errors import DetenteError
from detente.scenario import Scenario

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def seed_texts() -> list[str]:
    texts = []
    sc = detente.load("ukraine-2025-11")
    for name in formats.format_names():
        with contextlib.suppress(DetenteError):  # read-only, or cannot hold this scenario
            texts.append(formats.dumps(sc, name))
    for path in sorted(SHARED_DATA.rglob("*")):
        if path.is_file() and path.suffix in {".csv", ".txt", ".tsv", ".xml", ".yaml"}:
            texts.append(path.read_text(encoding="utf-8", errors="replace")[:20000])
    return texts


SEEDS = seed_texts()


def read_or_fail_cleanly(name: str, text: str) -> None:
    module = formats.format_module(name)
    try:
        result = module.loads(text, file="fuzz.txt")
    except DetenteError as exc:
        assert str(exc)  # a message, never empty
        for p in getattr(exc, "problems", ()):
            assert p.expected and p.found is not None
        return
    assert isinstance(result, list)
    assert all(isinstance(s, Scenario) for s in result)


@pytest.mark.parametrize("name", formats.format_names())
@FUZZ
@given(text=st.text(max_size=400))
def test_random_text(name: str, text: str) -> None:
    read_or_fail_cleanly(name, text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        k = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "garble", "cut", "swap"]))
        if op == "drop":
            del lines[k]
        elif op == "dup":
            lines.insert(k, lines[k])
        elif op == "garble":
            pos = draw(st.integers(0, max(0, len(lines[k]) - 1)))
            junk = draw(st.text(alphabet="-,;\t\"'#:[]{}<>/=0123456789.eE x", max_size=6))
            lines[k] = lines[k][:pos] + junk + lines[k][pos + 1 :]
        elif op == "cut":
            lines[k] = lines[k][: draw(st.integers(0, len(lines[k])))]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
    return "".join(lines)


@pytest.mark.parametrize("name", formats.format_names())
@FUZZ
@given(text=mutated())
def test_broken_files(name: str, text: str) -> None:
    read_or_fail_cleanly(name, text)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "name": json_like,
            "actors": st.lists(st.dictionaries(
                st.sampled_from(["id", "name", "capability", "bloc", "extra"]), json_like,
                max_size=4), max_size=3),
            "issues": st.lists(st.dictionaries(
                st.sampled_from(["id", "low", "high", "status_quo", "anchors", "options",
                                 "scale"]), json_like, max_size=5), max_size=3),
            "stances": st.lists(st.dictionaries(
                st.sampled_from(["actor", "issue", "position", "salience", "uncertainty",
                                 "sources"]), json_like, max_size=6), max_size=4),
            "as_of": json_like,
        },
    )
)
def test_random_structures(data: dict) -> None:
    try:
        Scenario.from_dict(data)
    except DetenteError as exc:
        assert exc.problems  # type: ignore[attr-defined]


finite = st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 6))


@st.composite
def valid_scenarios(draw: st.DrawFn) -> Scenario:
    n_actors = draw(st.integers(1, 5))
    n_issues = draw(st.integers(1, 4))
    actors = [{"id": f"a{k}", "capability": draw(finite)} for k in range(n_actors)]
    issues = [{"id": f"i{k}", "status_quo": draw(finite),
               "anchors": {0: "zero", 100: "hundred"}} for k in range(n_issues)]
    stances = []
    for a in actors:
        for i in issues:
            if draw(st.booleans()):
                stances.append({"actor": a["id"], "issue": i["id"], "position": draw(finite),
                                "salience": round(draw(st.floats(0, 1)), 6)})
    return Scenario.from_dict({"name": "r", "actors": actors, "issues": issues,
                               "stances": stances})


@FUZZ
@given(sc=valid_scenarios())
def test_random_valid_scenarios_round_trip_yaml_and_csv(sc: Scenario) -> None:
    for name in ("yaml", "csv"):
        (back,) = formats.format_module(name).loads(formats.dumps(sc, name), file="x")
        assert back == sc
