"""Capabilities from the COW NMC data: values equal the file's, matching, rules, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.errors import DetenteError, ModelInputError


def _nmc(war_dir: Path) -> dict[tuple[int, int], dict[str, str]]:
    with (war_dir / "cow_nmc_state_years.csv").open(newline="") as handle:
        return {(int(r["ccode"]), int(r["year"])): r for r in csv.DictReader(handle)}


@pytest.mark.parametrize("year", [2014, 2022])
def test_cinc_of_russia_ukraine_usa_equal_the_file(war_dir: Path, year: int) -> None:
    file = _nmc(war_dir)
    report = api.capabilities("ukraine-2025-11", year=year, scale="share")
    rows = {r.actor: r for r in report.rows}
    for actor, code in (("RUS", 365), ("UKR", 369), ("USA", 2)):
        expected = float(file[(code, year)]["cinc"])
        assert rows[actor].ccode == code
        assert rows[actor].cinc == expected
        assert report.scenario.actor(actor).capability == expected
        assert report.scenario.actor(actor).capability_source == f"cow-nmc-{year}"
    source = {s.id: s for s in report.scenario.sources}[f"cow-nmc-{year}"]
    assert str(year) in source.title


def test_component_share_and_scaling(war_dir: Path) -> None:
    file = _nmc(war_dir)
    total = sum(float(r["milex"]) for (c, y), r in file.items()
                if y == 2022 and r["milex"] not in ("", "-9"))
    report = api.capabilities(year=2022, measure="milex", scale="share")
    usa = {r.actor: r for r in report.rows}["USA"]
    assert usa.new == pytest.approx(float(file[(2, 2022)]["milex"]) / total)
    scaled = api.capabilities(year=2022)  # default: the replaced actors' total is kept
    replaced = [r for r in scaled.rows if r.kind == "state"]
    assert sum(r.new for r in replaced) == pytest.approx(sum(r.old for r in replaced))
    ratio = scaled.scenario.actor("RUS").capability / scaled.scenario.actor("UKR").capability
    cinc = {c: float(file[(c, 2022)]["cinc"]) for c in (365, 369)}
    assert ratio == pytest.approx(cinc[365] / cinc[369])
    eu = {r.actor: r for r in scaled.rows}["EU"]
    assert eu.kind == "kept" and eu.new == eu.old
    assert any("European Union" in n for n in scaled.notes)


def _variant(tmp_path: Path, ukraine, edit) -> Path:
    data = ukraine.to_dict()
    edit({a["id"]: a for a in data["actors"]})
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def test_members_rule_sums_member_states(tmp_path: Path, ukraine, war_dir: Path) -> None:
    file = _nmc(war_dir)
    path = _variant(tmp_path, ukraine, lambda a: a["EU"].update(cow_members=[220, 255]))
    report = api.capabilities(path, year=2022, non_state="members", scale="share")
    eu = {r.actor: r for r in report.rows}["EU"]
    assert eu.kind == "members"
    cinc = {c: float(file[(c, 2022)]["cinc"]) for c in (220, 255)}
    assert eu.new == pytest.approx(cinc[220] + cinc[255])


def test_problems_name_file_line_and_field(tmp_path: Path, ukraine) -> None:
    with pytest.raises(ModelInputError) as err:
        api.capabilities(_variant(tmp_path, ukraine, lambda a: None), year=2022,
                         non_state="members")
    (problem,) = err.value.problems
    assert problem.field == "actors[3].cow_members" and problem.line and problem.file
    path = _variant(tmp_path, ukraine, lambda a: a["GBR"].update(cow_code=998))
    with pytest.raises(ModelInputError, match=r"variant.yaml:\d+: actors\[4\].cow_code"):
        api.capabilities(path, year=2022)
    with pytest.raises(DetenteError, match="has the years 1816"):
        api.capabilities(year=1700)


def test_cow_code_overrides_name(tmp_path: Path, ukraine) -> None:
    path = _variant(tmp_path, ukraine, lambda a: a["GBR"].update(cow_code=220))
    report = api.capabilities(path, year=2014)
    gbr = {r.actor: r for r in report.rows}["GBR"]
    assert (gbr.ccode, gbr.matched_by) == (220, "cow_code")


def test_cli_writes_the_new_scenario(tmp_path: Path) -> None:
    out = tmp_path / "cinc.yaml"
    runner = CliRunner()
    res = runner.invoke(app, ["capabilities", "--cinc", "2022", "-o", str(out), "-f", "json"],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {a["actor"]: a["kind"] for a in data["actors"]}["EU"] == "kept"
    loaded = api.load(out)
    assert loaded.actor("RUS").capability_source == "cow-nmc-2022"
    assert loaded.actor("RUS").cow_code == 365
    again = runner.invoke(app, ["capabilities", "--cinc", "2022", "-o", str(out)])
    assert again.exit_code == 1 and "exists" in again.output


def test_the_table_names_a_cow_state_and_its_code_apart(tmp_path: Path) -> None:
    """Issue 31 (fresh-clone pass): the COW state column read "United States of America 2",
    the code looking like part of the name."""
    res = CliRunner().invoke(app, ["capabilities", "--cinc", "2022"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "Russia (COW 365)" in res.stdout and "Russia 365" not in res.stdout
