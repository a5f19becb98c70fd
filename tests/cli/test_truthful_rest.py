"""Issue 17, the rest: logrolls that fail their own test marked, unchanged issues of a
phased deal listed, the Nash status-quo error located, ``--explain``, ``--top`` on every
list, estimate guards before long runs, one reader of user files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from detente import api, formats
from detente.cli.main import app
from detente.errors import DetenteError
from detente.inputs import files

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
