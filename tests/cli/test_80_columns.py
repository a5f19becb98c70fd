"""Issue 31 item 4: every command at 80 columns keeps every word, number and identifier whole.

Each command is run twice, at 80 columns and at 400 (where nothing needs to wrap), and the
words printed are compared: a word cut with ``…`` (``sequencing=no-a…``), split across
lines (``tomahawks+drone`` / ``s``) or dropped (a column cropped off the edge) is in one set
and not in the other. No line may be wider than 80 cells. The same holds for every
command's ``--help``, whose paragraphs also reflow to the width (no hard line breaks
from the source's layout).
"""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

import detente
from detente.cli.main import app
from detente.formats import write

runner = CliRunner()
NARROW, WIDE = 80, 400
_SPLIT = re.compile(r"[\s│┃┏┓┗┛━─┼╇╋┡┩┳┻┬┴├┤└┘┌┐╭╮╰╯═║╷╵╶╴]+")
_BARS = re.compile(r"^[▁▂▃▄▅▆▇█ ]+$")


def _words(text: str) -> set[str]:
    out = set()
    for tok in _SPLIT.split(text):
        tok = tok.rstrip(":")
        if tok and not _BARS.match(tok):
            out.add(tok)
    return out


def _run(args: list[str], width: int, env: dict[str, str]) -> str:
    res = runner.invoke(app, args, env={"COLUMNS": str(width), **env})
    assert res.exit_code == 0, (args, res.output)
    return res.stdout


def _analyst(folder: Path, name: str, position: float) -> Path:
    data = copy.deepcopy(detente.load("ukraine-2025-11").to_dict())
    for st in data["stances"]:
        if (st["actor"], st["issue"]) == ("RUS", "donetsk"):
            st["position"] = position
            st.pop("position_uncertainty", None)
    path = folder / f"{name}.yaml"
    write(detente.Scenario.from_dict(data), path)
    return path


@pytest.fixture(scope="module")
def setting(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cols")
    db = folder / "h.sqlite"
    res = runner.invoke(app, ["history", "import", "ukraine-2025-11", "--db", str(db)])
    assert res.exit_code == 0, res.output
    for name, pos in (("alice", 100), ("bob", 70), ("carol", 90)):
        _analyst(folder, name, pos)
    return {"db": str(db), "dir": str(folder)}


DEU = str(Path(__file__).resolve().parents[2].parent / "shared" / "data" / "deu" / "deu_i_ii.tsv")

COMMANDS: dict[str, list[str]] = {
    "forecast": ["forecast"],
    "forecast-interval": ["forecast", "-m", "eum", "--interval", "0.9", "--draws", "100"],
    "forecast-rounds": ["forecast", "-m", "nash", "--rounds"],
    "models": ["models"],
    "table": ["table", "ukraine-2025-11"],
    "check": ["check", "ukraine-2025-11", "--model", "nash"],
    "exchanges": ["exchanges", "ukraine-2025-11", "--top", "10"],
    "deals": ["deals", "ukraine-2025-11", "--robust", "50"],
    "deals-shock": ["deals", "--shock", "oil-halt-confirmed", "--robust", "50"],
    "logrolls": ["logrolls", "ukraine-2025-11", "--robust", "50"],
    "phase": ["phase", "ukraine-2025-11", "--robust", "50"],
    "proposals": ["proposals", "ukraine-2025-11", "--draws", "100"],
    "pressures": ["pressures", "ukraine-2025-11"],
    "simulate": ["simulate", "ukraine-2025-11", "--draws", "200"],
    "backtest": ["backtest", DEU, "-m", "compromise", "-m", "nash", "--limit", "30",
                 "--bootstrap", "20"],
    "history-log": ["history", "log", "--db", "{db}"],
    "history-show": ["history", "show", "ukraine-2025-11@2", "--db", "{db}"],
    "history-diff": ["history", "diff", "@1", "@2", "--db", "{db}"],
    "history-timeline": ["history", "timeline", "--db", "{db}"],
    "panel-disagreement": ["panel", "disagreement", "{dir}/alice.yaml", "{dir}/bob.yaml",
                           "{dir}/carol.yaml"],
}
SLOW = {"outlook": ["outlook", "ukraine-2025-11"],
        "capabilities": ["capabilities", "ukraine-2025-11", "--cinc", "2022"],
        "baserates": ["baserates"],
        "evidence-backtest": ["evidence", "backtest",
                              str(Path(DEU).parents[1] / "war" / "ucdp_acd_conflict_years.csv"),
                              "--split-year", "2004"],
        "sensitivity": ["sensitivity", "ukraine-2025-11", "-n", "64"],
        "levers": ["levers", "ukraine-2025-11", "--issue", "donetsk", "--target",
                   "no-cession"]}


def _check(args: list[str], setting: dict[str, str], env: dict[str, str] | None = None):
    args = [a.format(**setting) for a in args]
    env = env or {}
    narrow = _run(args, NARROW, env)
    wide = _run(args, WIDE, env)
    too_wide = [line for line in narrow.splitlines() if cell_len(line) > NARROW]
    assert not too_wide, too_wide[:3]
    lost, extra = _words(wide) - _words(narrow), _words(narrow) - _words(wide)
    assert not lost and not extra, (f"at {NARROW} columns, lost {sorted(lost)[:12]} and "
                                    f"printed {sorted(extra)[:12]}")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_keeps_every_word_at_80_columns(name, setting):
    _check(COMMANDS[name], setting)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLOW))
def test_slow_command_keeps_every_word_at_80_columns(name, setting):
    _check(SLOW[name], setting)


def _all_commands() -> list[list[str]]:
    import click
    from typer.main import get_command

    root = get_command(app)
    ctx = click.Context(root)
    out: list[list[str]] = [[]]
    for name in root.list_commands(ctx):  # type: ignore[attr-defined]
        out.append([name])
        cmd = root.get_command(ctx, name)  # type: ignore[attr-defined]
        if isinstance(cmd, click.Group):
            out += [[name, sub] for sub in cmd.list_commands(click.Context(cmd))]
    return out


def test_every_command_is_covered():
    """The list above runs every command that prints a table (the rest print a line)."""
    printing = {" ".join(c) for c in _all_commands() if c}
    covered = {" ".join(a for a in args if not a.startswith(("-", "{")) and "/" not in a
                        and a != "ukraine-2025-11" and not a[:1].isdigit()
                        and "@" not in a)
               for args in [*COMMANDS.values(), *SLOW.values()]}
    one_line = {"convert", "new", "schema", "serve", "report", "draft", "history add",
                "history rm", "history export", "history import", "panel combine",
                "panel delphi", "users", "users add", "users list", "users remove"}
    assert printing - one_line <= covered | {c.split()[0] for c in covered}, \
        sorted(printing - one_line - covered)


@pytest.mark.parametrize("command", _all_commands(), ids=lambda c: " ".join(c) or "detente")
def test_help_at_80_columns(command, setting):
    args = [*command, "--help"]
    narrow = _run(args, NARROW, {})
    wide = _run(args, WIDE, {})
    assert not [line for line in narrow.splitlines() if cell_len(line) > NARROW]
    lost, extra = _words(wide) - _words(narrow), _words(narrow) - _words(wide)
    assert not lost and not extra, (sorted(lost)[:12], sorted(extra)[:12])
    # at 400 columns a paragraph is one line: a line that continues the sentence of the
    # line above (starts in lower case) is a hard line break from the source
    prose = [line.strip() for line in wide.splitlines() if not line.lstrip().startswith(
        ("│", "╭", "╰", "Usage"))]
    broken = [b for a, b in itertools.pairwise(prose) if a and b and b[0].islower()]
    assert not broken, broken


def test_h_is_help():
    assert _run(["-h"], NARROW, {}) == _run(["--help"], NARROW, {})
    assert "Usage" in _run(["forecast", "-h"], NARROW, {})
