"""Start-up: ``detente --version`` and ``--help`` import no command (issue 31, item 3).

The import graph is read in a fresh interpreter (``sys.modules`` after the command),
so what an earlier test imported does not hide anything. Timings are in
``benchmarks/bench_startup.py``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup

from detente.cli.group import first_paragraph
from detente.cli.main import COMMANDS, app

SRC = str(Path(__file__).resolve().parents[2] / "src")
HEAVY = ("scipy", "sqlalchemy", "xarray", "pandas", "dask", "plotly", "pydantic", "numba",
         "detente.store", "detente.api", "detente.scenario")

PROBE = """
import json, sys
from detente.cli.main import app
try:
    app(ARGS)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(*args: str) -> set[str]:
    code = PROBE.replace("ARGS", repr(list(args)))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin", "COLUMNS": "80"},
                         check=False, timeout=120)
    assert run.stdout, run.stderr
    return set(json.loads(run.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--version",), ("--help",), ()])
def test_version_and_help_import_nothing_heavy(args):
    loaded = _modules_after(*args)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY or
                   any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert not heavy, f"detente {' '.join(args)} imported {heavy[:8]}"
    commands = sorted(m for m in loaded if m.startswith("detente.cli.")
                      and m not in ("detente.cli.main", "detente.cli.group"))
    assert not commands, (f"detente {' '.join(args)} imported command modules {commands}: "
                          "register commands as Lazy entries in cli/main.py's COMMANDS")


def test_a_command_imports_only_its_own_module():
    loaded = _modules_after("models")
    assert "detente.cli.forecast" in loaded
    assert "detente.cli.history" not in loaded and "detente.store" not in loaded


def _root() -> TyperGroup:
    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    return command


def test_every_command_is_lazy_and_its_help_line_is_its_own():
    root = _root()
    ctx = type(root).context_class(root)
    assert root.list_commands(ctx) == list(COMMANDS)
    for name, entry in COMMANDS.items():
        command = root.get_command(ctx, name)
        assert command is not None and command.name == name
        assert entry.help == first_paragraph(command.help), (
            f"COMMANDS[{name!r}].help differs from the command's docstring: update it")


def test_lookup_by_name_loads_a_command():
    root = _root()
    assert root.commands["schema"].name == "schema"  # type: ignore[index]
    with pytest.raises(KeyError):
        root.commands["no-such-command"]  # type: ignore[index]
