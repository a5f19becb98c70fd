"""Issue 31 item 9: every file detente writes gets the mode the umask gives (0644 under
umask 022), like any other tool, atomic writes included; not 0600 whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.atomic import write_text_atomic
from detente.cli.main import app

runner = CliRunner()


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(*args: str) -> None:
    res = runner.invoke(app, list(args), env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output


def test_atomic_write_follows_umask(tmp_path):
    for mask, expected in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        old = os.umask(mask)
        try:
            target = write_text_atomic(tmp_path / f"f{mask:o}.txt", "x\n")
        finally:
            os.umask(old)
        assert _mode(target) == expected, (oct(mask), oct(_mode(target)))


def test_every_command_output_is_0644_under_umask_022(tmp_path, umask_022, data_dir):
    written = {
        "scenario (convert)": tmp_path / "s.yaml",
        "scenario CSV (convert)": tmp_path / "s.csv",
        "schema": tmp_path / "scenario.schema.json",
        "new template": tmp_path / "talks.yaml",
        "simulation .nc": tmp_path / "run.nc",
        "brief HTML": tmp_path / "brief.html",
        "history export": tmp_path / "talks.json",
        "backtest CSV": tmp_path / "bt.csv",
    }
    _run("convert", "ukraine-2025-11", str(written["scenario (convert)"]))
    _run("convert", "ukraine-2025-11", str(written["scenario CSV (convert)"]))
    _run("schema", "-o", str(written["schema"]))
    _run("new", "talks", "-o", str(written["new template"]))
    _run("simulate", "ukraine-2025-11", "-n", "50", "-m", "compromise",
         "--save", str(written["simulation .nc"]))
    _run("report", "ukraine-2025-11", "-o", str(written["brief HTML"]), "--draws", "50",
         "-m", "compromise")
    db = tmp_path / "h.sqlite"
    _run("history", "import", "ukraine-2025-11", "--db", str(db))
    _run("history", "export", str(written["history export"]), "--db", str(db))
    _run("backtest", str(data_dir / "deu" / "deu_i_ii.tsv"), "-m", "compromise",
         "--limit", "3", "--bootstrap", "0", "--csv", str(written["backtest CSV"]))
    modes = {what: oct(_mode(p)) for what, p in written.items()}
    assert modes == {what: "0o644" for what in written}, modes
