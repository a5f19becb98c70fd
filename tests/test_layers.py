"""The shape of the code: no import runs back up the layers of DESIGN.md, and the CLI
reaches the rest of detente only through the facade, the errors and the presenters.

Imports are read from the source with ``ast`` (every ``import`` statement, at module
level or inside a function, including those under ``TYPE_CHECKING``).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "detente"

# Lowest first; a module may import its own layer and those below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("spelling", "errors", "atomic", "reading", "json_values", "notes", "version", "yaml_text",
     "estimate", "constraints"),
    ("scenario", "conflict_facts", "scenarios", "templates", "anchors", "utility_space",
     "extras", "diagnostics", "violations"),
    ("formats", "arrays"),
    ("power", "engines", "models", "requests"),
    ("deals", "uncertainty", "backtest", "inputs", "genius_export", "exchange_control",
     "outlook", "evidence"),
    ("results",),
    ("present", "store"),
    ("api",),
    ("cli", "web", "__init__", "__main__"),
)
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}
# The numerical layers know nothing of files: they never import formats.
NO_FILES = ("scenario", "arrays", "power", "engines", "models", "deals", "uncertainty",
            "outlook")
# Known edges that run back up, each to be removed by the change that moves the code
# (none left: the ensemble takes its Council capabilities from an explicit provider).
KNOWN_UPWARD: frozenset[tuple[str, str]] = frozenset()
# `detente serve` starts the web app, which sits beside the CLI on the top layer
CLI_MAY_IMPORT = ("detente.api", "detente.errors", "detente.present", "detente.cli",
                  "detente.web", "detente.version")
CLI_THIRD_PARTY = ("typer", "rich", "click", "uvicorn")


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(module: str, path: Path) -> set[str]:
    """Every module name ``module`` imports (``from a import b`` gives ``a`` and ``a.b``)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _part(module: str) -> str:
    """The top-level part of detente a module belongs to (``__init__`` for the package)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _detente_parts(names: set[str]) -> set[str]:
    """The parts of detente among imported names (``detente.api.load`` -> ``api``)."""
    out = set()
    for name in names:
        parts = name.split(".")
        if parts[0] != "detente" or len(parts) < 2:
            continue
        if (SRC / parts[1]).is_dir() or (SRC / f"{parts[1]}.py").is_file():
            out.add(parts[1])
        elif len(parts) == 2:
            # ``from detente import X`` where X is no module: X comes from the package's
            # ``__init__``, which imports the facade (the top floor)
            out.add("__init__")
    return out


MODULES = _modules()


def test_every_part_has_a_layer():
    parts = {_part(m) for m in MODULES}
    missing = sorted(p for p in parts if p not in RANK)
    assert not missing, f"add these parts of detente to LAYERS in {__file__}: {missing}"


def test_every_part_has_one_layer_only():
    """A part named on two floors would be checked on the higher one only (``RANK`` keeps
    the last), and the drawn architecture would show it twice."""
    named = [part for parts in LAYERS for part in parts]
    twice = sorted({p for p in named if named.count(p) > 1})
    assert not twice, f"parts on more than one floor of LAYERS: {twice}"


def test_no_import_runs_back_up_the_layers():
    upward = []
    for module, path in sorted(MODULES.items()):
        own = _part(module)
        for target in sorted(_detente_parts(imports_of(module, path))):
            if (module, target) in KNOWN_UPWARD:
                continue
            if RANK.get(target, -1) > RANK.get(own, len(LAYERS)):
                upward.append(f"{module} imports detente.{target}")
            elif own in NO_FILES and target == "formats":
                upward.append(f"{module} imports detente.formats (numerics know no files)")
    assert not upward, "imports running back up the layers:\n" + "\n".join(upward)


def test_known_upward_imports_still_exist():
    """An entry of KNOWN_UPWARD that the code no longer has must be removed from it."""
    stale = [f"{m} -> {t}" for m, t in sorted(KNOWN_UPWARD)
             if m not in MODULES or t not in _detente_parts(imports_of(m, MODULES[m]))]
    assert not stale, f"remove from KNOWN_UPWARD: {stale}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("detente.cli")))
def test_cli_imports_only_the_facade_errors_and_presenters(module):
    bad = []
    for name in sorted(imports_of(module, MODULES[module])):
        top = name.split(".")[0]
        if top == "detente":
            if name == "detente" or not name.startswith(CLI_MAY_IMPORT):
                # ``from detente import api`` names both ``detente`` and ``detente.api``
                if name == "detente" and any(
                        n.startswith(CLI_MAY_IMPORT) for n in imports_of(module, MODULES[module])):
                    continue
                bad.append(name)
        elif top not in sys.stdlib_module_names and top not in CLI_THIRD_PARTY and top != "":
            bad.append(name)
    assert not bad, f"{module} reaches around the facade: {bad}"


def test_the_checks_see_an_upward_import(tmp_path):
    """The import reader finds imports inside functions and relative ones."""
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from detente.api import load\nfrom .. import results\n")
    assert _detente_parts(imports_of("detente.models.m", path)) == {"api", "results"}


def test_the_checks_see_a_name_taken_from_the_package(tmp_path):
    """``from detente import __version__`` runs the package's ``__init__`` (and so the
    facade): it counts as an import of the top floor, not as nothing."""
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from detente import __version__, scenario\n")
    assert _detente_parts(imports_of("detente.store.m", path)) == {"__init__", "scenario"}


def test_the_import_graph_tool_draws_every_part_and_no_upward_arrow():
    """``tools/import_graph.py`` draws the floors and arrows this test checks (issue 30)."""
    import subprocess

    tool = SRC.parent.parent / "tools" / "import_graph.py"
    done = subprocess.run([sys.executable, str(tool), "--format", "text"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    drawn = done.stdout
    for part in RANK:
        assert part in drawn
    assert "api -> models" in drawn and "models -> api" not in drawn


def _import_graph_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "detente_import_graph", SRC.parent.parent / "tools" / "import_graph.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_docs_architecture_shows_the_layers_of_the_code_as_they_are():
    """docs/architecture.md's floors, import graph and module list are drawn from the code
    by ``python tools/import_graph.py --write-doc``; run it when this fails."""
    tool = _import_graph_tool()
    layers = tool._layer_test()
    edges = tool.part_edges(layers)
    doc = tool.DOC.read_text(encoding="utf-8")
    assert tool.BEGIN in doc and tool.END in doc
    assert tool.with_section(doc, tool.doc_section(layers, edges)) == doc, (
        "docs/architecture.md is out of date: run `python tools/import_graph.py --write-doc`")
    assert "none runs back up the floors" in doc
    for module in MODULES:
        assert f"`{module}`" in doc


def test_the_drawn_section_changes_with_the_code(tmp_path):
    """The check can fail: a doc drawn without one arrow is out of date."""
    tool = _import_graph_tool()
    layers = tool._layer_test()
    edges = tool.part_edges(layers)
    fewer = dict(edges)
    fewer.pop(("api", "models"))
    doc = tool.DOC.read_text(encoding="utf-8")
    assert tool.with_section(doc, tool.doc_section(layers, fewer)) != doc
