"""Issue 31 item 8: the README's sample outputs are what the code prints.

The timeline block under "The talks over time" is compared line by line with
``detente history timeline ukraine-2025-11`` at 80 columns on a fresh store holding the
bundled history, and the figures the README quotes from ``history diff @1 @2`` with that
command's table. When the models or the bundled history change, regenerate the block with
``COLUMNS=80 detente history timeline ukraine-2025-11 --db FRESH`` (the failure shows it).
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"
runner = CliRunner()


def _run(*args: str, width: int = 80) -> str:
    res = runner.invoke(app, list(args), env={"COLUMNS": str(width)})
    assert res.exit_code == 0, res.output
    return res.stdout


def _block_after(text: str, command: str) -> str:
    """The first fenced block that follows the fenced block holding ``command``."""
    close = text.index("```", text.index(command))
    start = text.index("```", close + 3)
    body_start = text.index("\n", start) + 1
    return text[body_start:text.index("```", body_start)]


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def test_readme_timeline_is_the_real_output(tmp_path):
    db = str(tmp_path / "h.sqlite")
    _run("history", "import", "ukraine-2025-11", "--db", db)
    real = _run("history", "timeline", "ukraine-2025-11", "--db", db)
    sample = _block_after(README.read_text(encoding="utf-8"),
                          "detente history timeline ukraine-2025-11")
    assert _lines(sample) == _lines(real), "README sample differs; the real output:\n" + real


def test_readme_diff_figures_are_the_real_output(tmp_path):
    db = str(tmp_path / "h.sqlite")
    _run("history", "import", "ukraine-2025-11", "--db", db)
    real = " ".join(_run("history", "diff", "@1", "@2", "--db", db, "-m", "compromise",
                         "-m", "median", width=200).split())
    text = README.read_text(encoding="utf-8")
    prose = " ".join(text[text.index("`detente history diff @1 @2` shows"):].split())[:600]
    found = re.findall(r"(?:model|median)'s (\w+) figure moved by ([+−-][\d.]+)", prose)
    assert len(found) == 2, prose
    who = {"Donetsk": "stance RUS/donetsk", "Tomahawk": "stance USA/tomahawks"}
    for issue, move in found:
        assert f"{move.replace('−', '-')} {who[issue]}" in real, (issue, move)
