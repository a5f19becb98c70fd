"""The one-way flow, checked on the source: no model or deal module reads a scenario's
``metadata`` (they take typed inputs instead), and nothing below the models imports them."""

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


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize(
    ("lower", "upper"),
    [("models", "detente.backtest"), ("models", "detente.formats"),
     ("models", "detente.uncertainty"), ("models", "detente.cli"),
     ("power", "detente.models"), ("power", "detente.backtest"),
     ("arrays.py", "detente.models"), ("extras.py", "detente.models")],
)
def test_no_import_runs_back_up(lower: str, upper: str) -> None:
    paths = [SRC / lower] if lower.endswith(".py") else _modules(lower)
    bad = {p.relative_to(SRC).as_posix(): sorted(m for m in _imports(p) if m.startswith(upper))
           for p in paths}
    assert not {k: v for k, v in bad.items() if v}
