"""The DEU table reader and writer."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.errors import DetenteError, FormatError
from detente.formats import detect_format, deu

HEADER = "\t".join(
    ["prnr", "isnr", "prname", "proc", "counvte", "intro", "finact"]
    + [f"p{a}" for a in ("com", "ep", "de", "fr")]
    + [f"s{a}" for a in ("com", "ep", "de", "fr")]
    + ["rp", "out"]
)


def table(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture(scope="module")
def deu_path(data_dir):
    return data_dir / "deu" / "deu_i_ii.tsv"


@pytest.fixture(scope="module")
def scenarios(deu_path):
    return detente.load_all(deu_path)


def test_reads_every_issue_of_the_file(scenarios, deu_path):
    assert len(scenarios) == 214
    assert detect_format(deu_path) == "deu"
    first = scenarios[0]
    assert first.name == "d00032i1"
    assert first.metadata["proposal"] == "d00032"
    assert first.metadata["procedure"] == "COD" and first.metadata["voting_rule"] == "QMV"
    assert first.metadata["outcome"] == 100.0
    issue = first.issues[0]
    assert issue.status_quo == 0.0 and (issue.low, issue.high) == (0, 100)
    # actors are those with a position: the 15 members of 2000 plus Commission and Parliament
    assert len(first.actors) == 17 and "bu" not in first.actor_ids
    de = first.stance("de", "d00032i1")
    assert de.position == 0.0 and de.salience == pytest.approx(0.8)
    # the mangled decision date 1930-05-01 is 30 May 2001
    assert first.metadata["decision_date"] == "2001-05-30"
    assert first.metadata["intro_date"] == "2000-01-26"


def test_issue_without_reference_point_has_no_status_quo(scenarios):
    second = scenarios[1]
    assert second.issues[0].status_quo is None
    assert second.metadata["reference_point"] is None


def test_positions_without_salience_are_kept_with_zero_weight(scenarios):
    flagged = [s for s in scenarios if s.metadata.get("missing_salience")]
    assert flagged, "the file has positions without saliences"
    sc = flagged[0]
    for a in sc.metadata["missing_salience"]:
        assert sc.stance(a, sc.issue_ids[0]).salience == 0.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("26-01-00", dt.date(2000, 1, 26)),
        ("07-02-96", dt.date(1996, 2, 7)),
        ("14-09-2016", dt.date(2016, 9, 14)),
        ("2021-09-05", dt.date(2005, 9, 21)),
        ("1931-10-08", dt.date(2008, 10, 31)),
        ("1998-03-04", dt.date(1998, 3, 4)),
        ("999", None),
        ("", None),
        ("31-02-05", None),
        ("soon", None),
    ],
)
def test_decode_date(raw, expected):
    assert deu.decode_date(raw) == expected


def test_round_trip_keeps_every_number(scenarios):
    text = deu.dumps_all(scenarios)
    again = deu.loads(text, file="again.tsv")
    assert [s.to_dict() for s in again] == [s.to_dict() for s in scenarios]


def test_single_scenario_dumps_and_file_write(tmp_path, scenarios):
    path = detente.save(scenarios[3], tmp_path / "one.tsv", format="deu")
    back, orig = detente.load(path).to_dict(), scenarios[3].to_dict()
    assert back["metadata"].pop("source_line") == 2
    orig["metadata"].pop("source_line")
    assert back == orig


def test_writer_rejects_non_deu_actors(ukraine):
    with pytest.raises(DetenteError, match="not DEU actor codes"):
        deu.dumps(ukraine)


def test_bad_cells_are_reported_with_lines():
    text = table(
        "d1\td1i1\tx\tCOD\tQMV\t01-01-00\t999\t100\t50\t0\t20\t50\t50\t80\t90\t0\t40",
        "d1\td1i2\tx\tCOD\tQMV\t01-01-00\t999\tabc\t50\t0\t20\t50\t150\t80\t90\t0\t40",
        "d1\td1i3\tx\tCOD\tQMV\t01-01-00\t999\t100\t50\t0\t20\t50\t50\t80\t90\t-5\tNA",
        "d1\td1i1\tx\tCOD\tQMV\t01-01-00\t999\t100\t50\t0\t20\t50\t50\t80\t90\t0\t40",
        "d1\td1i5\tx",
    )
    with pytest.raises(FormatError) as info:
        deu.loads(text, file="bad.tsv")
    found = {(p.line, p.field) for p in info.value.problems}
    assert (3, "pcom") in found
    assert (3, "sep") in found
    assert (4, "rp") in found
    assert (5, "isnr") in found
    assert (6, "row") in found
    assert all(p.file == "bad.tsv" for p in info.value.problems)
    assert (2, "pcom") not in found


def test_missing_columns_and_empty_files():
    with pytest.raises(FormatError, match="prnr"):
        deu.loads("isnr\tpcom\tscom\tout\nx\t1\t2\t3\n", file="h.tsv")
    with pytest.raises(FormatError):
        deu.loads("", file="e.tsv")
    with pytest.raises(FormatError, match="no issue rows"):
        deu.loads(HEADER + "\n", file="e.tsv")


def test_sniff():
    assert deu.sniff(table())
    assert not deu.sniff("name: x\nactors: []\nissues: []\n")


def test_extra_columns_are_kept():
    text = "prnr\tisnr\tpcom\tpde\tpfr\tscom\tsde\tsfr\trp\tout\tnote\n" \
           "d9\td9i1\t0\t50\t100\t50\t50\t50\t\t30\thello\n"
    sc = deu.loads(text)[0]
    assert sc.metadata["extra"] == {"note": "hello"}
    assert deu.loads(deu.dumps(sc))[0].to_dict() == sc.to_dict()


cell = st.one_of(st.sampled_from(["", "0", "50", "100", "NA", "x", "-3", "1e3", "nan", "7.5"]),
                 st.text(max_size=4))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=0, max_size=18), max_size=5))
def test_random_rows_give_clean_errors_only(rows):
    text = table(*("\t".join(r) for r in rows))
    try:
        out = deu.loads(text, file="r.tsv")
    except FormatError as exc:
        assert exc.problems and all(p.line for p in exc.problems)
    else:
        assert all(s.metadata["dataset"] == "deu" for s in out)
