"""Issue 17, the rest: logrolls that fail their own test marked, unchanged issues of a
phased deal listed, the Nash status-quo error located, ``--explain``, ``--top`` on every
list, estimate guards before long runs, one reader of user files."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from detente import api, formats
from detente.cli.common import cli_words
from detente.cli.main import app
from detente.errors import DetenteError
from detente.inputs import files
from detente.present import legends

from ..conftest import huge_scenario_dict

runner = CliRunner()


def invoke(*args: str, columns: int = 80):
    return runner.invoke(app, list(args), env={"COLUMNS": str(columns)})


def _template(tmp_path: Path) -> dict:
    api.new_scenario("demo", tmp_path / "t.yaml", force=True)
    return yaml.safe_load((tmp_path / "t.yaml").read_text())


def _write(tmp_path: Path, data: dict, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


# ---- one reader of user files ------------------------------------------------------------


def test_scenario_files_and_articles_share_one_reader(tmp_path):
    """A folder where a file should be reads the same for a scenario and an article."""
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(DetenteError) as scen:
        formats.read(folder)
    with pytest.raises(DetenteError) as text:
        files.read_text(folder)
    assert str(scen.value) == f"{folder}: is a folder, expected a scenario file"
    assert str(text.value) == f"{folder}: is a folder, expected a file"
    for missing in (formats.read, files.read_text):
        with pytest.raises(DetenteError, match="no such file"):
            missing(tmp_path / "nope.yaml")


# ---- logrolls that fail the salience test are marked -------------------------------------


def _two_issue(tmp_path: Path, *, sq_j: float | None = 50) -> str:
    """A and B trade: A gets ``i`` and gives on ``j``; both net gains are positive, but
    with equal saliences the ratios (1.00 vs 1.00) do not favour the trade."""
    issue = {"scale": [0, 100], "options": {"low": 0, "mid": 50, "high": 100}}
    data = {
        "name": "trade", "as_of": "2025-01-01",
        "sources": [{"id": "s", "title": "t", "note": "n"}],
        "actors": [{"id": "A", "capability": 50}, {"id": "B", "capability": 50}],
        "issues": [{"id": "i", "status_quo": 0, **issue},
                   {"id": "j", **({} if sq_j is None else {"status_quo": sq_j}), **issue}],
        "stances": [{"actor": a, "issue": i, "position": p, "salience": 0.5, "sources": ["s"]}
                    for a, i, p in (("A", "i", 100), ("A", "j", 40), ("B", "i", 30),
                                    ("B", "j", 0))],
    }
    return _write(tmp_path, data)


def test_logrolls_mark_trades_the_salience_ratios_do_not_favour(tmp_path):
    path = _two_issue(tmp_path)
    data = json.loads(invoke("logrolls", path, "--robust", "0", "-f", "json").stdout)
    assert data["logrolls"] and not data["logrolls"][0]["salience_supports"]
    res = invoke("logrolls", path, "--robust", "0")
    assert res.exit_code == 0, res.output
    assert "1.00 vs 1.00 ⚠" in res.stdout
    text = " ".join(res.stdout.split())
    assert "⚠: the ratios do not favour the trade" in text
    # the bundled scenario's trade is favoured by its ratios: no mark, no legend of it
    plain = invoke("logrolls", "--robust", "0")
    assert "⚠" not in plain.stdout and "vs" in plain.stdout


# ---- phase lists the issues it leaves as they are ----------------------------------------


def test_phase_lists_issues_left_at_the_status_quo():
    data = json.loads(invoke("phase", "--robust", "0", "-f", "json").stdout)
    phased = {i for p in data["plans"] for ph in p["phases"] for i in ph}
    assert data["unchanged"] and set(data["unchanged"]) | phased == set(data["deal"])
    assert not set(data["unchanged"]) & phased
    text = " ".join(invoke("phase", "--robust", "0").stdout.split())
    assert f"unchanged: {', '.join(data['unchanged'])}" in text


# ---- a model's unmet needs name the file and line ----------------------------------------


def _line_of(path: str, text: str) -> int:
    return next(n for n, line in enumerate(Path(path).read_text().splitlines(), 1)
                if line.lstrip("- ").startswith(text))


def test_a_missing_status_quo_names_file_line_and_field(tmp_path):
    path = _two_issue(tmp_path, sq_j=None)
    where = f"{path}:{_line_of(path, 'id: j')}: issues[1].status_quo"
    alone = invoke("forecast", path, "-m", "nash", "-p", "nash.disagreement=status-quo",
                   "-n", "0")
    assert alone.exit_code == 1 and where in " ".join(alone.output.split())
    checked = invoke("check", path, "-m", "procedural")
    assert checked.exit_code == 1 and where in " ".join(checked.output.split())
    skipped = invoke("forecast", path, "-m", "procedural", "-m", "median", "-n", "0",
                     columns=200)
    assert skipped.exit_code == 0 and f"skipped procedural: {where}" in skipped.stdout
    # the same from the CSV form of the scenario: the issue's row
    csv_path = str(tmp_path / "s.csv")
    api.convert(path, csv_path)
    res = invoke("check", csv_path, "-m", "procedural")
    assert f"{csv_path}:{_line_of(csv_path, 'j,')}: issues[1].status_quo" in " ".join(
        res.output.split())


# ---- --top on every list -------------------------------------------------------------------

LISTS = [("deals",), ("logrolls",), ("phase",), ("levers",), ("sensitivity",), ("proposals",),
         ("exchanges",), ("history", "log"), ("panel", "disagreement")]


@pytest.mark.parametrize("argv", LISTS, ids=" ".join)
def test_every_list_offers_the_shared_top(argv):
    import typer.main

    from detente.cli.options import TopOpt

    cmd = typer.main.get_command(app)
    for name in argv:
        cmd = cmd.commands[name]
    top = next(p for p in cmd.params if p.name == "top")
    assert top.opts == ["--top"] and top.help == TopOpt.__metadata__[0].help


@pytest.mark.parametrize("argv", [
    ("deals", "--robust", "0"), ("phase", "--robust", "0"), ("proposals",), ("exchanges",),
    ("sensitivity", "-n", "16", "-i", "donetsk"),
], ids=lambda a: a[0])
def test_top_cuts_the_list_and_counts_the_rest(argv):
    res = invoke(*argv, "--top", "1")
    assert res.exit_code == 0, res.output
    assert re.search(r"… [\d,]+ more \(use --top\)", res.stdout)
    assert max(len(line) for line in res.stdout.splitlines()) <= 80


def test_logrolls_top_counts_the_rest(tmp_path):
    data = yaml.safe_load(Path(_two_issue(tmp_path)).read_text())
    data["actors"].append({"id": "C", "capability": 50})
    data["stances"] += [{"actor": "C", "issue": i, "position": p, "salience": 0.5,
                         "sources": ["s"]} for i, p in (("i", 20), ("j", 10))]
    res = invoke("logrolls", _write(tmp_path, data), "--robust", "0", "--top", "1")
    total = json.loads(invoke("logrolls", _write(tmp_path, data), "--robust", "0", "-f",
                              "json").stdout)["total"]
    assert total > 1 and f"… {total - 1} more (use --top)" in res.stdout


# ---- estimate guards before long deal runs -------------------------------------------------


def _huge(tmp_path: Path) -> str:
    return _write(tmp_path, huge_scenario_dict(), "huge.yaml")


@pytest.mark.parametrize("argv", [("deals",), ("phase",), ("report", "-n", "0")],
                         ids=lambda a: a[0])
def test_a_huge_deal_space_is_refused_at_once_on_its_size(tmp_path, argv):
    path = _huge(tmp_path)
    extra = ("-o", str(tmp_path / "b.html")) if argv[0] == "report" else ()
    start = time.perf_counter()
    res = runner.invoke(app, [argv[0], path, *argv[1:], *extra], env={"COLUMNS": "80"})
    assert time.perf_counter() - start < 60  # refused before any pass over the space
    assert res.exit_code == 1
    assert "95,367,431,640,625 deals × 6 actors × 1 pass" in res.stderr
    assert "not started" in res.stderr and "--yes" in res.stderr
    assert not (tmp_path / "b.html").exists()


def test_phase_of_a_given_deal_needs_no_pass_over_the_space(tmp_path):
    res = invoke("phase", _huge(tmp_path), "--deal", "i0=0,i1=100", "--robust", "0")
    assert "estimate" not in res.stderr and res.exit_code == 0, res.output


def test_proposals_with_runaway_draws_are_refused():
    res = invoke("proposals", "--draws", "1000000000000")
    assert res.exit_code == 1 and "packages ×" in res.stderr and "not started" in res.stderr


def test_ordinary_deal_runs_print_no_estimate():
    res = invoke("deals", "--robust", "0")
    assert res.exit_code == 0 and "estimate" not in res.stderr


# ---- --explain: one source of legend text ---------------------------------------------------


@pytest.mark.parametrize("command", list(legends.LEGENDS))
def test_every_long_legend_has_explain(command):
    import typer.main

    cmd = typer.main.get_command(app).commands[command]
    assert any(p.opts == ["--explain"] for p in cmd.params)


@pytest.mark.parametrize("argv", [("logrolls", "--robust", "0"), ("deals", "--robust", "0"),
                                  ("phase", "--robust", "0"), ("proposals",),
                                  ("exchanges", "--top", "3"), ("forecast", "-n", "0")],
                         ids=lambda a: a[0])
def test_explain_prints_every_term_within_80_columns(argv):
    res = invoke(*argv, "--explain")
    assert res.exit_code == 0, res.output
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    text = " ".join(res.stdout.split())
    assert f"Terms in `detente {argv[0]}`" in text
    for term in legends.terms(argv[0], cli_words):
        assert " ".join(term.meaning.split()) in text
    assert "Terms in" not in invoke(*argv).stdout  # only when asked


def test_short_legends_and_docs_come_from_the_same_text():
    from detente.present.uncertainty import SIMULATION_LEGEND

    assert legends.meaning("simulate", "differs") in SIMULATION_LEGEND
    doc = (Path(__file__).resolve().parents[2] / "docs" / "output-terms.md").read_text()
    assert doc == legends.markdown(spell=cli_words), (
        "regenerate docs/output-terms.md from present/legends.py")


def test_the_pareto_frontier_of_many_actors_is_found_not_a_traceback():
    """Past 16 actors the grid pre-filter (2 cells per axis) would need 2^A cells: numpy
    raised "maximum supported dimension ... 64" on the 200-actor KTAB file."""
    import numpy as np

    from detente.deals.pareto import pareto_mask

    rng = np.random.default_rng(0)
    pts = rng.random((600, 70))
    pts[0] = 2.0  # dominates every other point
    assert pareto_mask(pts).tolist() == [True] + [False] * 599


@pytest.mark.parametrize("argv", [("deals", "--robust", "10000000"),
                                  ("phase", "--robust", "10000000"),
                                  ("proposals", "--draws", "9000000")],
                         ids=lambda a: a[0])
def test_deal_commands_estimate_from_their_cost_model_and_refuse(argv):
    # issue 31 item 2: the estimate is the fitted cost (the part done once + per draw),
    # not a lower bound on the utilities (which said 0.0003 s for the bundled deals)
    start = time.perf_counter()
    res = invoke(*argv)
    assert time.perf_counter() - start < 120  # the pilots, not the run
    assert res.exit_code == 1, res.output
    err = " ".join(res.stderr.split())
    found = re.search(r"estimate: (.+?) take about ([\d,.]+) (s|min|h|days) here", err)
    assert found, res.stderr
    assert f"{int(argv[2]):,} draws" in found.group(1)
    assert "not started" in res.stderr and "--yes" in res.stderr


def test_the_report_guard_estimates_the_whole_brief(tmp_path, monkeypatch):
    """``report`` guards on :func:`api.report_cost` (the brief's Monte Carlo, its plans
    over the draws and the rest once), not on the Monte Carlo alone; ``--yes`` skips it."""
    from detente.estimate import CostModel

    asked = []

    def cost(sc, **options):
        asked.append(options)
        return CostModel(100.0, 0.001)  # 100 s once + 1 ms a draw

    monkeypatch.setattr(api, "report_cost", cost)
    monkeypatch.setattr(api, "estimate_simulation", lambda *a, **k: pytest.fail("old guard"))
    out = tmp_path / "b.html"
    res = invoke("report", "-o", str(out), "-n", "60000", "-m", "median")
    assert res.exit_code == 1 and not out.exists()
    assert asked == [{"models": ["median"], "draws": 60_000,
                      "interval_draws": api.BRIEF_DRAWS}]
    flat = " ".join(res.stderr.split())
    assert "estimate: 60,000 draws of the brief take about 2.7 min here" in flat
    assert "not started" in flat and "--yes" in flat
    monkeypatch.setattr(api, "brief", lambda *a, **k: pytest.fail("ran"))
    with pytest.raises(pytest.fail.Exception, match="ran"):  # --yes: no estimate, the run
        runner.invoke(app, ["report", "-o", str(out), "-n", "60000", "--yes"],
                      catch_exceptions=False)
    assert len(asked) == 1


def test_the_outlook_guard_estimates_from_its_cost_past_its_threshold(monkeypatch):
    """``outlook`` over more than ``OUTLOOK_ESTIMATE_FROM`` paths is timed on pilots
    (:func:`api.outlook_cost`, with the request the run gets) and refused past 120 s
    without ``--yes``; fewer paths are not timed."""
    from detente.cli.outlook import OUTLOOK_ESTIMATE_FROM
    from detente.estimate import CostModel

    asked = []

    def cost(sc, *, request):
        asked.append(request)
        return CostModel(1.0, 0.01)  # 10 ms a path

    monkeypatch.setattr(api, "outlook_cost", cost)
    many = OUTLOOK_ESTIMATE_FROM + 1
    res = invoke("outlook", "-n", str(many), "--driver-paths", "7", "--months", "6")
    assert res.exit_code == 1 and len(asked) == 1
    assert (asked[0].paths, asked[0].driver_paths, asked[0].months) == (many, 7, 6)
    flat = " ".join(res.stderr.split())
    assert f"the outlook over {many:,} paths take about" in flat and "--yes" in flat
    assert "fewer --paths, --driver-paths or --months" in flat
    monkeypatch.setattr(api, "outlook", lambda *a, **k: pytest.fail("ran"))
    with pytest.raises(pytest.fail.Exception, match="ran"):
        runner.invoke(app, ["outlook", "-n", str(many), "--yes"], catch_exceptions=False)
    with pytest.raises(pytest.fail.Exception, match="ran"):
        runner.invoke(app, ["outlook", "-n", "100"], catch_exceptions=False)
    assert len(asked) == 1
