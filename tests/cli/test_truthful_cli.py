"""Issue 17: every command tells the truth (options offered work, exit codes 0/1/2), reads at
80 columns, guards against runaway input, and names degenerate inputs."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import detente
from detente import api, formats
from detente.cli.main import app
from detente.errors import DetenteError

runner = CliRunner()


def invoke(*args: str, columns: int = 80):
    return runner.invoke(app, list(args), env={"COLUMNS": str(columns)})


def _template(tmp_path: Path) -> dict:
    api.new_scenario("demo", tmp_path / "t.yaml", force=True)
    data = yaml.safe_load((tmp_path / "t.yaml").read_text())
    data.pop("proposals", None)  # these tests edit issues and stances a plan may name
    return data


def _write(tmp_path: Path, data: dict, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


# ---- every command, every offered option ------------------------------------------------


def _commands(group=None, prefix=()):
    """(argv prefix, click command) for every command and sub-command."""
    import typer.main

    group = group or typer.main.get_command(app)
    ctx_cls = type(group).context_class
    ctx = ctx_cls(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield (*prefix, name), cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))


COMMANDS = list(_commands())


def test_every_command_is_walked():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"forecast", "exchanges", "deals", "simulate", "history add", "panel combine"} <= names


@pytest.mark.parametrize("argv", [p for p, _ in COMMANDS], ids=" ".join)
def test_help_usage_and_formats(argv, tmp_path):
    res = invoke(*argv, "--help")
    assert res.exit_code == 0, res.output
    assert "<bool>" not in res.output  # a flag is shown as --force, not --force <bool>
    # a usage error is exit code 2 everywhere
    assert invoke(*argv, "--no-such-option").exit_code == 2
    offered = re.search(r"--format\s+-f\s+<([a-z|]+)>", res.output)
    if offered is None:
        return
    values = offered.group(1).split("|")
    assert "table" in values and "json" in values
    cmd = dict(COMMANDS)[argv]
    option = next(p for p in cmd.params if "--format" in getattr(p, "opts", ()))
    ctx = type(cmd).context_class(cmd)
    for value in ("table", "json", "csv"):
        # an offered value is accepted; csv where it is not offered is a usage error
        if value in values:
            assert str(option.process_value(ctx, value)) == value
        else:
            with pytest.raises(Exception) as info:
                option.process_value(ctx, value)
            assert getattr(info.value, "exit_code", None) == 2, (argv, value)


@pytest.mark.slow
@pytest.mark.parametrize("argv", [("forecast",), ("exchanges",), ("deals",), ("logrolls",),
                                  ("phase",), ("simulate", "-n", "64"),
                                  ("table",)])
def test_offered_formats_run_and_bad_input_is_exit_1(argv, tmp_path):
    res = invoke(*argv, "--help")
    offered = re.search(r"--format\s+-f\s+<([a-z|]+)>", res.output)
    values = offered.group(1).split("|") if offered else []
    for value in values:
        out = invoke(*argv, "-f", value)
        assert out.exit_code == 0, (argv, value, out.output)
        if value == "json":
            json.loads(out.stdout)
        if value == "csv":
            assert "," in out.stdout.splitlines()[0]
    missing = str(tmp_path / "missing.yaml")
    assert invoke(argv[0], missing, *argv[1:]).exit_code == 1


def test_csv_is_neither_offered_nor_accepted_where_not_written():
    for cmd in ("deals", "logrolls", "phase", "simulate", "sensitivity", "levers", "exchanges"):
        assert "csv" not in re.search(r"--format.*", invoke(cmd, "--help").output).group(0)
        res = invoke(cmd, "-f", "csv")
        assert res.exit_code == 2, (cmd, res.output)
        assert "table or json" in res.output


def test_version():
    res = invoke("--version")
    assert res.exit_code == 0
    assert res.output.strip() == f"detente {detente.__version__}"


def test_one_issue_is_singular(tmp_path):
    res = invoke("check", str(tmp_path / "t.yaml")) if _template(tmp_path) else None
    assert res.exit_code == 0, res.output
    assert "2 actors, 1 issue, 2 stances" in res.output


# ---- degenerate scenarios: a reason, never a silent blank -----------------------------


def _zero(tmp_path: Path, field: str) -> str:
    data = _template(tmp_path)
    if field == "capability":
        for a in data["actors"]:
            a["capability"] = 0
            a.pop("capability_uncertainty", None)
    else:
        for s in data["stances"]:
            s["salience"] = 0
            s.pop("uncertainty", None)
    return _write(tmp_path, data)


@pytest.mark.parametrize("field", ["capability", "salience"])
def test_zero_weight_is_explained(tmp_path, field):
    path = _zero(tmp_path, field)
    res = invoke("forecast", path)
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    assert "—" in text
    assert f"zero total weight (every actor's {field} is 0)" in text
    data = json.loads(invoke("forecast", path, "-f", "json").stdout)
    gaps = {(g["model"], g["issue"]) for g in data["gaps"]}
    assert gaps == {(m, "issue1") for m in ("compromise", "median", "nash")}
    check = invoke("check", path)
    assert check.exit_code == 0
    assert "warning" in check.output and "zero total weight" in check.output


def test_check_warns_when_every_actor_is_at_one_point(tmp_path):
    data = _template(tmp_path)
    for s in data["stances"]:
        s["position"] = 20
        s.pop("uncertainty", None)
    res = invoke("check", _write(tmp_path, data))
    assert res.exit_code == 0
    assert "every actor stands at 20" in " ".join(res.output.split())


def test_a_model_that_cannot_run_is_skipped_with_its_reason(tmp_path):
    data = _template(tmp_path)
    del data["issues"][0]["status_quo"]  # procedural needs one; the others do not
    data["issues"][0].pop("no_agreement", None)  # (which labels the status quo)
    path = _write(tmp_path, data)
    res = invoke("forecast", path, "-m", "compromise", "-m", "procedural")
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert re.search(r"skipped procedural: \S+s\.yaml:\d+: issues\[0\]\.status_quo", text)
    assert "Compromise" in text
    result = api.forecast(path, models=["compromise", "procedural"])
    assert result.models == ("compromise",)
    assert [s.model for s in result.skipped] == ["procedural"]
    assert json.loads(result.to_json())["skipped"][0]["model"] == "procedural"
    # alone, the model's error is still an error (exit 1), not an empty table
    assert invoke("forecast", path, "-m", "procedural").exit_code == 1


# ---- guards ---------------------------------------------------------------------------


def test_oversized_file_is_refused_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "MAX_BYTES", 1000)
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "y" * 5000)
    with pytest.raises(DetenteError, match="larger than"):
        api.load(big)
    with pytest.raises(DetenteError, match="larger than"):
        api.loads(big.read_text(), name="big.yaml")


@pytest.mark.parametrize("text", [
    "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
              + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
              + ["actors: *a8", "issues: []", "name: bomb"]),
    "name: deep\nissues: []\nactors: " + "[" * 50_000 + "]" * 50_000,
])
def test_hostile_yaml_is_refused_quickly(text):
    start = time.perf_counter()
    with pytest.raises(DetenteError, match=r"aliases|nested"):
        api.loads(text, name="bomb.yaml")
    assert time.perf_counter() - start < 5


def test_a_damaged_simulation_file_is_a_clean_error(tmp_path):
    path = tmp_path / "s.nc"
    api.simulate(models=["compromise"], draws=16).save(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2: len(data) // 2 + 2048] = bytes(2048)
    path.write_bytes(bytes(data))
    try:
        api.load_simulation(path)
    except DetenteError as exc:
        assert str(path) in str(exc)


def test_two_anchors_at_one_value_are_refused(tmp_path):
    # found by tools/fuzz.py: a CSV with a duplicated anchor row read fine but changed when
    # written to YAML (which keys anchors by value) and read back
    csv_text = api.dumps(api.load(), "csv")
    row = next(line for line in csv_text.splitlines() if line.startswith("tunnel,100"))
    bad = tmp_path / "dup.csv"
    bad.write_text(csv_text.replace(row, row + "\n" + row))
    with pytest.raises(DetenteError, match="second anchor at 100"):
        api.load(bad)


def test_a_run_of_days_is_estimated_and_refused_without_yes():
    res = invoke("simulate", "--draws", "10000000000", "-m", "compromise")
    assert res.exit_code == 1
    assert re.search(r"estimate: 10,000,000,000 draws take about [\d,.]+ (days|h)", res.stderr)
    assert "pass --yes" in res.stderr
    seconds = api.estimate_simulation(models=["compromise"], draws=10**10)
    assert seconds > 3600  # a pilot of 256 draws takes well over a millisecond


def test_progress_goes_to_stderr_on_a_pipe(monkeypatch):
    from detente.cli import simulate as simulate_cli

    monkeypatch.setattr(simulate_cli, "PROGRESS_EVERY", 0.0)  # a line at every update
    res = invoke("simulate", "-n", "64", "-m", "compromise", "-f", "json")
    assert res.exit_code == 0
    assert "simulating: 64/64 draws" in res.stderr
    json.loads(res.stdout)
    monkeypatch.setattr(simulate_cli, "PROGRESS_EVERY", 3600.0)  # a short run stays quiet
    res = invoke("simulate", "-n", "64", "-m", "compromise", "-f", "json")
    assert "simulating" not in res.stderr


def test_exchanges_top_and_summary(data_dir):
    path = str(data_dir / "decide" / "copenhagen.csv")
    run = api.exchanges(path)
    res = invoke("exchanges", path, "--top", "3", columns=200)
    assert res.exit_code == 0, res.output
    assert f"{len(run.log)} in " in res.output and "total gain" in res.output
    assert f"… {len(run.log) - 3} more (use --top)" in res.output
    body = [line for line in res.output.splitlines() if re.match(r"│\s+\d+ │", line)]
    assert len(body) == 3


def test_an_overflowing_capability_is_refused_not_forecast_as_inf(tmp_path):
    # found by tools/fuzz.py: an EUM CSV with capability 1e308 gave a compromise of inf
    data = _template(tmp_path)
    data["actors"][0]["capability"] = 1e308
    data["actors"][0].pop("capability_uncertainty", None)
    with pytest.raises(DetenteError, match="capability"):
        api.load(_write(tmp_path, data))


def test_names_with_spaces_work_in_new_as_in_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = invoke("new", "my talks: 2025")
    assert res.exit_code == 0, res.output
    assert api.load("my-talks:-2025.yaml").name == "my talks: 2025"
    assert invoke("new", "a/b").exit_code == 1


def test_convert_offers_only_writable_formats_and_names_a_file_in_the_way(tmp_path):
    help_text = " ".join(invoke("convert", "--help", columns=200).output.split())
    assert "genius" not in re.search(r"--to .*?Output format:[^│]*", help_text).group(0)
    api.new_scenario("demo", tmp_path / "a.yaml")
    res = invoke("convert", str(tmp_path / "a.yaml"), str(tmp_path / "b.xml"))
    assert res.exit_code == 0, res.output  # .xml: the one writable XML format (KTAB)
    res = invoke("convert", str(tmp_path / "a.yaml"), str(tmp_path / "a.yaml" / "out.csv"))
    assert res.exit_code == 1
    assert "a.yaml is a file, not a folder" in " ".join(res.output.split())


def test_an_invalid_actor_is_one_problem_and_ranges_read_the_right_way(tmp_path):
    data = _template(tmp_path)
    data["actors"][0]["capability"] = -5
    with pytest.raises(DetenteError) as info:
        api.load(_write(tmp_path, data))
    assert len(info.value.problems) == 1  # not also "unknown actor 'A'" in its stances
    data = _template(tmp_path)
    data["actors"][0]["capability_uncertainty"] = [80, 40]
    with pytest.raises(DetenteError, match=r"expected low <= high \(here low is 80 and high 40"):
        api.load(_write(tmp_path, data))


@pytest.mark.slow
@pytest.mark.parametrize("argv", [("simulate", "-n", "300"),
                                  ("forecast", "-m", "compromise", "-m", "median", "-m", "nash",
                                   "-m", "eum", "-m", "smp")])
def test_80_columns_keep_every_number(argv):
    wide = invoke(*argv, "-f", "json", columns=200)
    narrow = invoke(*argv, columns=80)
    assert narrow.exit_code == 0, narrow.output
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    assert "…" not in narrow.stdout  # nothing cut with an ellipsis
    data = json.loads(wide.stdout)
    if argv[0] == "forecast":
        for f in data["forecasts"]:
            for value in f["outcome"].values():
                assert f"{value:.1f}" in narrow.stdout


def test_sensitivity_help_promises_what_it_shows():
    text = " ".join(invoke("sensitivity", "--help", columns=200).output.split())
    assert "tornado bars" not in text and "tornado columns" in text
