"""The classic expected-utility CSV: every reference file reads, bad rows name their line."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente import formats
from detente.errors import DetenteError, FormatError, ScenarioError
from detente.formats import eum_csv


def _files(data_dir):
    files = sorted((data_dir / "eum").glob("*.csv"))
    assert len(files) >= 16
    return files


def test_every_reference_file_loads_as_eum_csv(data_dir):
    for path in _files(data_dir):
        assert formats.detect_format(path) == "eum-csv", path.name
        (scenario,) = formats.read_all(path)
        issue = scenario.issues[0]
        n_rows = sum(1 for line in path.read_text().splitlines()[1:] if line.strip())
        assert len(scenario.actors) == n_rows == len(scenario.stances)
        for stance in scenario.stances:
            assert 0 <= stance.salience <= 1
            assert issue.low <= stance.position <= issue.high


def test_emission_case_numbers_and_salience_rule(data_dir):
    percent = formats.read(data_dir / "eum" / "dmasad__ExampleActors.csv")
    unit = formats.read(data_dir / "eum" / "jmckib__ExampleActors.csv")
    assert percent.metadata["salience_scale"] == "percent"
    assert unit.metadata["salience_scale"] == "unit"
    # the two files hold the same case: 0-100 and 0-1 saliences must read alike
    assert [s.salience for s in percent.stances] == [s.salience for s in unit.stances]
    assert percent.stance("UK", "issue").salience == 0.9
    assert percent.stance("Denmark", "issue").position == 4
    assert percent.actor("Germany").capability == 0.16
    assert (percent.issues[0].low, percent.issues[0].high) == (4, 10)


def test_other_header_words(data_dir):
    china = formats.read(data_dir / "eum" / "dmasad__ChinaData.csv")
    assert china.actor("Cheyun").capability == 100
    assert china.stance("Cheyun", "issue").salience == 0.85


def test_duplicate_names_get_distinct_ids(data_dir):
    s = formats.read(data_dir / "eum" / "minimalgeek__Litigation_Case_Study.csv")
    attorneys = [a for a in s.actors if a.name == "Attorney"]
    assert [a.id for a in attorneys] == ["Attorney", "Attorney (2)", "Attorney (3)"]
    assert len(set(s.actor_ids)) == len(s.actors) == 46


def test_round_trip_keeps_all_numbers(data_dir):
    for path in _files(data_dir):
        first = formats.read(path)
        text = eum_csv.dumps(first)
        (again,) = eum_csv.loads(text, file="again.csv")
        assert again.actor_ids == first.actor_ids
        for a, b in zip(first.actors, again.actors, strict=True):
            assert a.capability == b.capability
        for a, b in zip(first.stances, again.stances, strict=True):
            assert (a.actor, a.position, a.salience) == (b.actor, b.position, b.salience)
        assert (first.issues[0].low, first.issues[0].high) == (
            again.issues[0].low, again.issues[0].high)


def test_overrides():
    text = "name,capability,position,salience\nA,1,2,1\nB,1,8,0\n"
    (auto,) = eum_csv.loads(text)
    assert [s.salience for s in auto.stances] == [1.0, 0.0]
    (pct,) = eum_csv.loads(text, salience_scale="percent", scale=(0, 10))
    assert [s.salience for s in pct.stances] == [0.01, 0.0]
    assert (pct.issues[0].low, pct.issues[0].high) == (0, 10)
    with pytest.raises(FormatError) as err:
        eum_csv.loads(text, scale=(0, 5), file="x.csv")
    assert [(p.line, p.field) for p in err.value.problems] == [(3, "stances[1].position")]


def test_single_position_gets_a_valid_scale():
    (s,) = eum_csv.loads("Actor;Capability;Position;Salience\nA;1;5;50\n")
    assert (s.issues[0].low, s.issues[0].high) == (4, 6)
    assert s.stances[0].salience == 0.5


def test_bad_rows_give_line_numbered_problems():
    text = ("Actor,Capability,Position,Salience\n"
            "A,x,4,80\n"
            "B,0.1,5\n"
            "\n"
            "C,-1,5,50\n"
            ",1,2,3\n"
            "D,1,nan,300\n"
            "E,1,7,90\n")
    with pytest.raises(FormatError) as err:
        eum_csv.loads(text, file="bad.csv")
    got = [(p.line, p.field) for p in err.value.problems]
    assert got == [
        (2, "actors[0].capability"),
        (3, "actors[1]"),
        (5, "actors[2].capability"),
        (6, "actors[3].name"),
        (7, "stances[4].position"),
    ]
    assert all(p.file == "bad.csv" for p in err.value.problems)


def test_unreadable_csv_names_the_line_it_is_on():
    text = "name,capability,position,salience\nA,1,5,0.5\n\"" + "x" * 200_000 + "\",1,5,0.5\n"
    with pytest.raises(FormatError, match="field limit") as err:
        eum_csv.loads(text, file="big.csv")
    (problem,) = err.value.problems
    assert (problem.file, problem.line) == ("big.csv", 3)


def test_cells_are_read_without_surrounding_spaces():
    (sc,) = eum_csv.loads(" name , capability ,position,salience\n A ,1, 5 ,0.5 \n B,2,7,0.25\n",
                          file="sp.csv")
    assert sc.actor_ids == ("A", "B")
    assert sc.stance("A", "issue").position == 5 and sc.stance("B", "issue").salience == 0.25


def test_bad_header_and_empty_file():
    with pytest.raises(FormatError) as err:
        eum_csv.loads("Actor,Capability,Place,Salience\nA,1,2,3\n", file="h.csv")
    assert err.value.problems[0].line == 1
    assert "Place" in str(err.value)
    with pytest.raises(FormatError):
        eum_csv.loads("   \n", file="e.csv")
    with pytest.raises(FormatError):
        eum_csv.loads("name,capability,position,salience\n", file="e.csv")


def test_sniff_only_accepts_the_four_column_header():
    assert eum_csv.sniff("\nStakeholder,Resources,Position,Salience\nA,1,2,3\n")
    assert eum_csv.sniff("name;capability;position;salience;\n")
    assert not eum_csv.sniff("#actors\nid,name,capability\n")
    assert not eum_csv.sniff("actor,issue,position,salience\n")
    assert not eum_csv.sniff("")


def test_dumps_needs_one_issue(ukraine):
    with pytest.raises(DetenteError, match="one issue"):
        eum_csv.dumps(ukraine)
    issue = ukraine.issues[0].id
    (one,) = eum_csv.loads(eum_csv.dumps(ukraine, issue=issue))
    have = [a.id for a in ukraine.actors if ukraine.stance(a.id, issue) is not None]
    assert list(one.actor_ids) == have


_cell = st.text(alphabet=st.sampled_from(list("ab1.-,;\"e\n 9")), max_size=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_cell, min_size=0, max_size=6), max_size=6))
def test_random_rows_give_clean_errors(rows):
    text = "name,capability,position,salience\n" + "\n".join(",".join(r) for r in rows)
    try:
        (s,) = eum_csv.loads(text, file="r.csv")
    except ScenarioError as exc:
        assert exc.problems
        assert all(p.file == "r.csv" for p in exc.problems)
    else:
        for stance in s.stances:
            assert math.isfinite(stance.position) and 0 <= stance.salience <= 1


def test_line_endings_and_quotes():
    for text in ("name,capability,position,salience\r\nA,1,2,0.5\r\n",
                 "name,capability,position,salience\rA,1,2,0.5\r",
                 'name,capability,position,salience\n"A, Jr.",1,2,0.5\n'):
        (s,) = eum_csv.loads(text)
        assert len(s.actors) == 1 and s.stances[0].salience == 0.5
    with pytest.raises(FormatError):
        eum_csv.loads("\r0", file="x.csv")
