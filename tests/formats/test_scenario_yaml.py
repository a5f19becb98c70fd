"""The YAML form: round trip and line-numbered errors."""

from __future__ import annotations

import pytest

import detente
from detente.errors import DetenteError, ScenarioError
from detente.formats import scenario_yaml

GOOD = """\
name: t
actors:
  - id: A
    capability: 1
  - id: B
issues:
  - id: x
    scale: [0, 10]
    anchors: {0: low, 10: high}
    status_quo: 5
stances:
  - actor: A
    issue: x
    position: 2
    salience: 0.5
  - actor: B
    issue: x
    position: 8
    salience: 0.5
"""


def test_reads_shorthand_scale():
    (sc,) = scenario_yaml.loads(GOOD, file="t.yaml")
    assert sc.issue("x").high == 10


def test_errors_carry_lines():
    bad = GOOD.replace("position: 8", "position: 80").replace("salience: 0.5\n  - actor: B",
                                                              "salience: 2\n  - actor: B")
    with pytest.raises(ScenarioError) as info:
        scenario_yaml.loads(bad, file="t.yaml")
    lines = {p.field: p.line for p in info.value.problems}
    assert lines["stances[1].position"] == 18
    assert lines["stances[0].salience"] == 15
    assert all(p.file == "t.yaml" for p in info.value.problems)
    assert "t.yaml:18" in str(info.value)


def test_syntax_error_has_line():
    with pytest.raises(ScenarioError) as info:
        scenario_yaml.loads("name: t\nactors: [\n  - oops: {\n", file="b.yaml")
    assert info.value.problems[0].line is not None
    assert "invalid YAML" in info.value.problems[0].found


@pytest.mark.parametrize("stamp", ["2025-13-01", "2025-02-30", "2025-01-01 25:00:00"])
def test_an_impossible_date_is_an_error_at_its_line(stamp):
    with pytest.raises(ScenarioError) as info:
        scenario_yaml.loads(GOOD.replace("name: t\n", f"name: t\nas_of: {stamp}\n"), file="d.yaml")
    (problem,) = info.value.problems
    assert problem.line == 2 and problem.file == "d.yaml"
    assert stamp in problem.found


def test_an_unprintable_character_is_an_error():
    with pytest.raises(ScenarioError, match="invalid YAML"):
        scenario_yaml.loads(GOOD.replace("name: t", "name: t\x07"), file="bell.yaml")


def test_absurd_nesting_is_an_error_not_a_crash():
    deep = GOOD + "metadata: " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(ScenarioError, match="nested too deeply"):
        scenario_yaml.loads(deep, file="deep.yaml")


def test_brackets_inside_strings_are_not_nesting():
    """The depth guard reads the parser's events: 200 unclosed '[' in a quoted title (terminal
    escape sequences, Rich markup) are text, not 200 levels of lists."""
    text = GOOD.replace("name: t", 'name: "' + "\\x1b[31m" * 200 + '"')
    (sc,) = scenario_yaml.loads(text, file="escapes.yaml")
    assert sc.name.count("[") == 200


def test_merge_keys_read_as_with_safe_load():
    text = GOOD.replace("  - id: B\n", "  - &b {id: B, capability: 2}\n  - {<<: *b, id: C}\n")
    (sc,) = scenario_yaml.loads(text, file="m.yaml")
    assert sc.actor("C").capability == 2


def test_no_python_objects():
    with pytest.raises(ScenarioError):
        scenario_yaml.loads("!!python/object/apply:os.system ['echo hi']\n", file="evil.yaml")


def test_bundled_round_trip(tmp_path, ukraine):
    path = detente.save(ukraine, tmp_path / "u.yaml")
    assert detente.load(path) == ukraine


def test_bundled_scenario_content(ukraine):
    assert {"RUS", "UKR", "USA", "EU", "GBR"} <= set(ukraine.actor_ids)
    assert {"donetsk", "tomahawks", "drones", "sequencing", "tunnel"} <= set(ukraine.issue_ids)
    for issue in ukraine.issues:
        assert (issue.low, issue.high) == (0, 100)
        assert len(issue.anchors) >= 3
        assert issue.status_quo is not None
    # every stance is sourced: to the article, or -- where the article reports no view
    # (guarantees for Kyiv and Moscow, sanctions relief except Washington's) -- stated as
    # an assumption; the stances on the issues the article reports all cite it
    reported = {"donetsk", "tomahawks", "drones", "sequencing", "tunnel", "ceasefire"}
    for st in ukraine.stances:
        assert st.sources and set(st.sources) <= {"article-2025-11-05", "assumption"}
        if st.issue in reported:
            assert "article-2025-11-05" in st.sources, (st.actor, st.issue)
        else:
            assert "article-2025-11-05" in st.sources or st.sources == ("assumption",)
        assert st.evidence
        assert st.position_uncertainty is not None and st.salience_uncertainty is not None
    assert ukraine.stance("RUS", "drones") is None  # the article says Russia did not address it


def test_missing_file_and_unknown_name():
    with pytest.raises(DetenteError, match="no such file"):
        detente.load("does-not-exist.yaml")


def _every_path(node, path=()):
    """Every (path, node) of a composed tree: mapping keys by name, list items by index."""
    import yaml

    yield path, node
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _every_path(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for k, item in enumerate(node.value):
            yield from _every_path(item, (*path, k))


def test_a_well_formed_scenario_is_read_by_libyaml_alone(monkeypatch):
    """The bundled scenario is composed once, by libyaml: the pure-Python loader (7 times
    slower, ~0.08 s of CPU per `detente forecast`) is left for documents libyaml refuses."""
    import yaml

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")

    def refuse(*args, **kwargs):
        raise AssertionError("the pure-Python loader read a well-formed scenario")

    monkeypatch.setattr(scenario_yaml, "_Loader", refuse)
    assert detente.load("ukraine-2025-11").issue_ids


def test_libyaml_gives_the_pure_python_loaders_data_and_lines():
    from detente.scenarios import bundled_path

    text = bundled_path("ukraine-2025-11").read_text(encoding="utf-8")
    trees = []
    for cls in (scenario_yaml._FastLoader, scenario_yaml._Loader):
        loader = cls(text)
        root = loader.get_single_node()
        trees.append((root, loader.construct_document(root)))
        loader.dispose()
    (fast_root, fast_data), (slow_root, slow_data) = trees
    assert fast_data == slow_data
    fast = {path: node.start_mark.line for path, node in _every_path(fast_root)}
    slow = {path: node.start_mark.line for path, node in _every_path(slow_root)}
    assert len(fast) > 1000 and fast == slow


@pytest.mark.parametrize("text", [GOOD.replace("  - id: B", "   - id: B"),
                                  GOOD + "\tbad: 1\n", GOOD + "x: *nope\n"])
def test_a_document_libyaml_refuses_keeps_the_pure_python_message(text):
    import yaml

    with pytest.raises(DetenteError) as got:
        scenario_yaml.loads(text, file="t.yaml")
    try:
        yaml.load(text, Loader=scenario_yaml._Loader)
    except yaml.YAMLError as exc:
        found, _ = scenario_yaml.plain_yaml_error(exc.problem or str(exc))
        line = exc.problem_mark.line + 1
    assert f"t.yaml:{line}: (scenario): found {found};" in str(got.value)
