"""decide-exchange-model's CSV: every shared file reads; errors come by line, all at once."""

from __future__ import annotations

import pytest

from detente import formats
from detente.errors import ScenarioError
from detente.formats import decide_csv

GOOD = ["cop21.csv", "copenhagen.csv", "dutch_election_2012.csv", "sample_data.txt"]


@pytest.mark.parametrize("name", GOOD)
def test_reads_every_shared_file(data_dir, name):
    path = data_dir / "decide" / name
    assert formats.detect_format(path) == "decide"
    scenario = formats.read(path)
    assert scenario.stances
    sizes = {"cop21.csv": (15, 13), "copenhagen.csv": (11, 7),
             "dutch_election_2012.csv": (11, 11), "sample_data.txt": (10, 6)}[name]
    assert (len(scenario.actors), len(scenario.issues)) == sizes


def test_values_and_scales(data_dir):
    s = formats.read(data_dir / "decide" / "sample_data.txt")
    tol = s.issue("tol-hoogte")
    assert (tol.low, tol.high) == (0.5, 7.0)
    st = s.stance("Willems", "tol-hoogte")
    assert (st.position, st.salience) == (3.0, 0.7)
    c = formats.read(data_dir / "decide" / "copenhagen.csv")
    assert c.actor("USA").capability == pytest.approx(0.26)
    assert c.stance("EU (incl Norway)", "Newtreaty").position == 50.0
    dutch = formats.read(data_dir / "decide" / "dutch_election_2012.csv")  # ';', unquoted
    assert dutch.stance("SP", "bezuinig").position == pytest.approx(70.94594595)


def test_broken_file_reports_each_error_by_line(data_dir):
    path = data_dir / "decide" / "copenhagen_with_errors.csv"
    with pytest.raises(ScenarioError) as info:
        formats.read(path)
    problems = info.value.problems
    assert all(p.file == str(path) for p in problems)
    by_line = sorted((p.line, p.field) for p in problems)
    # Russia's position 160 on a 0..100 issue; China India's negative power, which
    # also differs from its power on every other row
    assert by_line == [(86, "stances[59].position"), (87, "actors[6].capability"),
                       (87, "stances[60].power")]
    text = str(info.value)
    assert "160" in text and "-0.247" in text and "China India" in text


def test_inconsistent_power_names_the_lines():
    text = "#A;a;A\n#A;b;B\n#P;p;P\n#P;q;Q\n#D;a;p;10;0.5;1\n#D;a;q;20;0.5;2\n#D;b;p;30;0.5;1\n"
    with pytest.raises(ScenarioError) as info:
        decide_csv.loads(text, file="x.csv")
    [problem] = info.value.problems
    assert problem.line == 6 and "line 6: 2" in problem.found and "lines 5" in problem.found


def test_bad_rows_all_reported():
    text = ("#A\ta\n#X\tzzz\n#P\tp\n#M\tp\tlow\n#D\ta\tp\tten\t0.5\t1\n#D\ta\tq\t1\t0.5\t1\n"
            "#D\tghost\tp\t1\t2\t1\n")
    with pytest.raises(ScenarioError) as info:
        decide_csv.loads(text, file="bad.txt")
    lines = sorted(p.line for p in info.value.problems)
    assert lines == [2, 4, 5, 6, 7, 7]


def test_round_trip_keeps_all_numbers(data_dir):
    for name in GOOD:
        original = formats.read(data_dir / "decide" / name)
        text = decide_csv.dumps(original)
        assert decide_csv.sniff(text)
        [again] = decide_csv.loads(text, file=name)
        assert again.actors == original.actors
        assert again.issues == original.issues
        assert again.stances == original.stances
        assert decide_csv.dumps(again) == text


def test_writes_a_yaml_scenario_and_reads_it_back(ukraine):
    text = decide_csv.dumps(ukraine)
    [back] = decide_csv.loads(text, file="u.csv")
    for st in ukraine.stances:
        other = back.stance(st.actor, st.issue)
        assert (other.position, other.salience) == (st.position, st.salience)
    for a in ukraine.actors:
        assert back.actor(a.id).capability == a.capability
    for i in ukraine.issues:
        assert (back.issue(i.id).low, back.issue(i.id).high) == (i.low, i.high)
        assert back.issue(i.id).anchors == i.anchors


def test_quoted_fields_with_delimiters_round_trip():
    text = '#A;"a;b";"Name, with ""quotes"""\n#P;p;P\n#D;"a;b";p;50;0.5;1\n'
    [s] = decide_csv.loads(text, file="q.csv")
    assert s.actors[0].id == "a;b" and s.actors[0].name == 'Name, with "quotes"'
    [again] = decide_csv.loads(decide_csv.dumps(s), file="q.csv")
    assert again.actors == s.actors


def test_sniff():
    assert decide_csv.sniff("'#A'\t'x'\t'x'\n")
    assert decide_csv.sniff("#/;ID\n#D;a;p;1;1;1\n")
    assert not decide_csv.sniff("name: x\nactors: []\n")
    assert not decide_csv.sniff("actor,issue,position\n")
