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


def _template(tmp_path: Path, **edits: object) -> dict:
    """The ``detente new`` template cut to its plain core: its first issue, the stances on
    it, no structure or proposals (these tests are about degenerate weights and models)."""
    api.new_scenario("demo", tmp_path / "t.yaml")
    data = yaml.safe_load((tmp_path / "t.yaml").read_text())
    for key in ("blocs", "linkages", "pressures", "shocks", "proposals"):
        data.pop(key, None)
    first = data["issues"][0]
    for key in ("no_agreement", "controlled_by", "vetoes"):
        first.pop(key, None)
    data["issues"] = [first]
    data["stances"] = [s for s in data["stances"] if s["issue"] == first["id"]]
    for s in data["stances"]:
        s.pop("red_line", None)
    for a in data["actors"]:
        a.pop("batna_pressure", None)
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
    data = {"name": "demo", "actors": [{"id": "A"}, {"id": "B"}], "issues": [{"id": "x"}],
            "stances": [{"actor": "A", "issue": "x", "position": 10, "salience": 0.5},
                        {"actor": "B", "issue": "x", "position": 90, "salience": 0.5}]}
    res = invoke("check", _write(tmp_path, data))
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
    assert "skipped procedural: issues[0].status_quo" in text
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


def test_progress_goes_to_stderr_on_a_pipe():
    res = invoke("simulate", "-n", "64", "-m", "compromise", "-f", "json")
    assert res.exit_code == 0
    assert "simulating: 64/64 draws" in res.stderr
    json.loads(res.stdout)
