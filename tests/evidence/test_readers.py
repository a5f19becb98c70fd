"""The readers: every file of shared/data/war reads into typed tables; broken or foreign
copies are rejected naming file, line and column; a later file of the same columns reads."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from detente.errors import FormatError
from detente.evidence import readers


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_every_file_is_detected_and_read(war_dir: Path) -> None:
    kinds = {p.name: readers.detect(p) for p in war_dir.glob("*.csv")}
    assert kinds == {
        "ucdp_acd_conflict_years.csv": "ucdp",
        "cow_interstate_war_dyad_years.csv": "cow-interstate",
        "cow_intrastate_war_years.csv": "cow-intrastate",
        "gml_mid_disputes.csv": "disputes",
        "gml_mid_participants.csv": "participants",
        "cow_nmc_state_years.csv": "nmc",
        "cow_states.csv": "states",
    }
    inter = readers.read_cow_interstate(war_dir / "cow_interstate_war_dyad_years.csv")
    intra = readers.read_cow_intrastate(war_dir / "cow_intrastate_war_years.csv")
    states = readers.read_states(war_dir / "cow_states.csv")
    raw_inter = _rows(war_dir / "cow_interstate_war_dyad_years.csv")
    assert len(inter.wars) == len({r["warnum"] for r in raw_inter})
    raw_intra = _rows(war_dir / "cow_intrastate_war_years.csv")
    assert len(intra.wars) == len({r["warnum"] for r in raw_intra})
    assert len(states) == len(_rows(war_dir / "cow_states.csv"))
    # a war's duration is its count of distinct years (README)
    war1 = {r["year"] for r in raw_inter if r["warnum"] == raw_inter[0]["warnum"]}
    assert int(inter.wars.iloc[0]["years"]) == len(war1)
    assert set(inter.wars["outcome"]) <= {"decisive", "compromise", "stalemate", "transformed",
                                          "ongoing", "continues below war level",
                                          "changed sides", "unknown"}
    assert intra.wars["outcome"].notna().all()


def test_ucdp_conflict_years_and_episodes(ucdp: readers.Conflicts, war_dir: Path) -> None:
    raw = _rows(war_dir / "ucdp_acd_conflict_years.csv")
    pairs = {(r["conflict_id"], r["year"]) for r in raw}
    assert len(ucdp.years) == len(pairs)  # supporter rows merged into one conflict-year
    assert ucdp.last_year == max(int(r["year"]) for r in raw)
    ends = {(r["conflict_id"], r["start_date2"]) for r in raw if r["ep_end"] == "1"}
    assert int(ucdp.episodes["ended"].sum()) == len(ends)
    ep = ucdp.episodes
    assert (ep["duration_days"] >= 0).all()
    assert (ep["censored"] == ~ep["ended"]).all()
    # a censored episode runs to the end of the file's last active year
    censored = ep[ep["censored"] & (ep["last_year"] == ucdp.last_year)]
    assert len(censored) > 0
    expected = (pd.Timestamp(f"{ucdp.last_year}-12-31") - censored["start_date2"]).dt.days
    assert (censored["duration_days"].to_numpy() == expected.to_numpy()).all()


def test_disputes_with_participants(disputes: readers.Disputes, war_dir: Path) -> None:
    raw = _rows(war_dir / "gml_mid_disputes.csv")
    assert len(disputes.disputes) == len(raw)
    assert disputes.participants is not None
    parts = _rows(war_dir / "gml_mid_participants.csv")
    first = raw[0]["dispnum"]
    row = disputes.disputes.set_index("dispnum").loc[int(first)]
    assert row["n_side_a"] == sum(1 for p in parts if p["dispnum"] == first and p["sidea"] == "1")
    assert set(disputes.disputes["settlement"]) <= {"negotiated", "imposed", "none", "unclear"}


def test_capabilities_are_typed(nmc) -> None:
    assert str(nmc["ccode"].dtype) == "Int64"
    assert nmc["cinc"].dtype.kind == "f"
    assert (nmc["cinc"].dropna() >= 0).all()


def test_bad_cell_names_file_line_and_column(war_dir: Path, tmp_path: Path) -> None:
    rows = _rows(war_dir / "ucdp_acd_conflict_years.csv")
    rows[9]["intensity_level"] = "high"
    bad = _write(tmp_path / "ucdp.csv", rows)
    with pytest.raises(FormatError) as err:
        readers.read_ucdp(bad)
    (problem,) = err.value.problems
    assert problem.file == str(bad) and problem.line == 11
    assert problem.field == "intensity_level" and "high" in problem.found


def test_undocumented_code_is_rejected(war_dir: Path, tmp_path: Path) -> None:
    rows = _rows(war_dir / "gml_mid_disputes.csv")
    rows[0]["settle"] = "7"
    bad = _write(tmp_path / "mid.csv", rows)
    with pytest.raises(FormatError, match=r"mid.csv:2: settle: found '7'; expected one of 1"):
        readers.read_disputes(bad)


def test_foreign_file_names_missing_columns(data_dir: Path, war_dir: Path) -> None:
    with pytest.raises(FormatError, match="UCDP armed conflict file with columns"):
        readers.read_ucdp(war_dir / "cow_states.csv")
    with pytest.raises(FormatError, match="expected a UCDP, COW war"):
        readers.detect(data_dir / "deu" / "deu_i_ii.tsv")


def test_ragged_and_missing_files(tmp_path: Path) -> None:
    ragged = tmp_path / "r.csv"
    ragged.write_text("ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n2,1816,1,2\n")
    with pytest.raises(FormatError, match=r"r.csv:2: row: found 4 fields"):
        readers.read_capabilities(ragged)
    with pytest.raises(FormatError, match="no such file"):
        readers.read_capabilities(tmp_path / "nothing.csv")


def test_a_later_file_of_the_same_columns_reads(war_dir: Path, tmp_path: Path) -> None:
    """Years after the file's last one (as the kept-aside releases have) read the same:
    the episode active at the old end continues and then ends; a new conflict appears."""
    rows = _rows(war_dir / "ucdp_acd_conflict_years.csv")
    last = max(int(r["year"]) for r in rows)
    open_ep = next(r for r in rows if r["year"] == str(last) and r["ep_end"] == "0")
    later = [*rows,
             {**open_ep, "year": str(last + 1), "ep_end": "0"},
             {**open_ep, "year": str(last + 2), "ep_end": "1",
              "ep_end_date": f"{last + 2}-06-30"},
             {**open_ep, "conflict_id": "999999", "year": str(last + 2),
              "start_date": f"{last + 2}-01-15", "start_date2": f"{last + 2}-01-15"}]
    data = readers.read_ucdp(_write(tmp_path / "later.csv", later))
    assert data.last_year == last + 2
    ep = data.episodes.set_index(["conflict_id", "start_date2"])
    cont = ep.loc[(int(open_ep["conflict_id"]), pd.Timestamp(open_ep["start_date2"]))]
    assert bool(cont["ended"]) and cont["last_year"] == last + 2
    assert bool(ep.loc[(999999, pd.Timestamp(f"{last + 2}-01-15"))]["censored"])
    # and an earlier cut of the file reads too (no year range is assumed)
    early = [r for r in rows if int(r["year"]) <= 1980]
    assert readers.read_ucdp(_write(tmp_path / "early.csv", early)).last_year == 1980


def test_later_disputes_with_missing_codes_read(war_dir: Path, tmp_path: Path) -> None:
    """Later disputes (after the file's last start year) with the source's -9 codes read;
    their settlement is 'missing', and the termination task leaves them out."""
    from detente.evidence import features

    rows = _rows(war_dir / "gml_mid_disputes.csv")
    last = max(int(r["styear"]) for r in rows)
    top = max(int(r["dispnum"]) for r in rows)
    later = [*rows,
             {**rows[0], "dispnum": str(top + 1), "styear": str(last + 5), "stmon": "-9",
              "settle": "-9", "outcome": "-9"},
             {**rows[1], "dispnum": str(top + 2), "styear": str(last + 6), "settle": "1"}]
    data = readers.read_disputes(_write(tmp_path / "mid_later.csv", later))
    tail = data.disputes.set_index("dispnum")
    assert tail.loc[top + 1, "settlement"] == "missing"
    assert tail.loc[top + 2, "settlement"] == "negotiated"
    task = features.dispute_onsets(data)
    assert top + 2 in set(task.table["group"]) and top + 1 not in set(task.table["group"])
