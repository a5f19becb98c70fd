"""No model or deal module reads a scenario's ``metadata``: they take typed inputs
(:mod:`detente.extras`, :mod:`detente.utility_space`) as parameters instead. Checked on the
source with ``ast``; the import layers are checked by ``tests/test_layers.py``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "detente"


def _modules(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (SRC / pkg).rglob("*.py"))


def _reads_metadata(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "metadata"
            and not (isinstance(node.value, ast.Name) and node.value.id in ("f", "field"))]


@pytest.mark.parametrize("path", _modules("models", "deals"), ids=lambda p: p.name)
def test_no_model_or_deal_module_reads_metadata(path: Path) -> None:
    rel = path.relative_to(SRC).as_posix()
    lines = _reads_metadata(path)
    assert not lines, f"{rel} reads .metadata on lines {lines}"
