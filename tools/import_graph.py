"""Draw detente's import graph between its parts, floor by floor, from the code itself.

The floors, and the reader of imports, are those of ``tests/test_layers.py`` (the test is
the authority: this tool only draws what it checks). Each arrow is "part A imports part
B" for the top-level parts of ``src/detente`` (``deals``, ``models``, ``api``, ...); an
arrow that runs *up* the floors is drawn red and listed, and the tool exits 1 if there is
one, so it can stand in a CI step as well.

    python tools/import_graph.py                 # Mermaid flowchart on standard output
    python tools/import_graph.py --format dot    # Graphviz
    python tools/import_graph.py --format text   # one line per floor, then the arrows
    python tools/import_graph.py --write-doc     # redraw the generated part of
                                                 # docs/architecture.md (its test checks it)
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
LAYER_TEST = ROOT / "tests" / "test_layers.py"
DOC = ROOT / "docs" / "architecture.md"
BEGIN = ("<!-- BEGIN drawn from the code by `python tools/import_graph.py --write-doc`; "
         "do not edit by hand -->")
END = "<!-- END drawn from the code -->"


def _layer_test() -> ModuleType:
    spec = importlib.util.spec_from_file_location("detente_layer_test", LAYER_TEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def part_edges(layers: ModuleType) -> dict[tuple[str, str], int]:
    """(importing part, imported part) -> how many modules of the first import the second."""
    edges: dict[tuple[str, str], int] = defaultdict(int)
    for module, path in layers.MODULES.items():
        own = layers._part(module)
        for target in layers._detente_parts(layers.imports_of(module, path)):
            if target != own:
                edges[own, target] += 1
    return dict(edges)


def upward(layers: ModuleType, edges: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """The arrows that run back up the floors (the layer test fails on each)."""
    rank = layers.RANK
    return sorted((a, b) for a, b in edges
                  if rank.get(b, -1) > rank.get(a, len(layers.LAYERS))
                  and (a, b) not in layers.KNOWN_UPWARD)


def mermaid(layers: ModuleType, edges: dict[tuple[str, str], int]) -> str:
    up = set(upward(layers, edges))
    lines = ["flowchart BT"]
    for k, floor in enumerate(layers.LAYERS):
        lines.append(f"  subgraph floor{k}[\"floor {k}\"]")
        lines += [f"    {p.strip('_') or 'init'}[\"{p}\"]" for p in floor
                  if layers.RANK[p] == k]
        lines.append("  end")
    for n, (a, b) in enumerate(sorted(edges)):
        lines.append(f"  {a.strip('_') or 'init'} --> {b.strip('_') or 'init'}")
        if (a, b) in up:
            lines.append(f"  linkStyle {n} stroke:red")
    return "\n".join(lines) + "\n"


def dot(layers: ModuleType, edges: dict[tuple[str, str], int]) -> str:
    up = set(upward(layers, edges))
    lines = ["digraph detente {", "  rankdir=BT;"]
    for k, floor in enumerate(layers.LAYERS):
        names = " ".join(f'"{p}"' for p in floor if layers.RANK[p] == k)
        lines.append(f"  {{ rank=same; {names} }}")
    for a, b in sorted(edges):
        colour = ' [color=red]' if (a, b) in up else ""
        lines.append(f'  "{a}" -> "{b}"{colour};')
    return "\n".join([*lines, "}"]) + "\n"


def text(layers: ModuleType, edges: dict[tuple[str, str], int]) -> str:
    lines = [f"floor {k}: " + ", ".join(p for p in floor if layers.RANK[p] == k)
             for k, floor in enumerate(layers.LAYERS)]
    lines.append("")
    lines += [f"{a} -> {b} ({n} module{'s' if n > 1 else ''})"
              for (a, b), n in sorted(edges.items())]
    return "\n".join(lines) + "\n"


def summary(path: Path) -> str:
    """The first sentence of a module's docstring (its first line when that is short)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    cut = first.find(". ")
    return (first if cut < 0 else first[:cut + 1]).replace("|", "\\|")


def doc_section(layers: ModuleType, edges: dict[tuple[str, str], int]) -> str:
    """The generated part of docs/architecture.md: the floors with their parts, the graph
    of imports between parts (Mermaid), and every module with its docstring's first
    sentence, part by part."""
    floors = [(k, [p for p in floor if layers.RANK[p] == k])
              for k, floor in enumerate(layers.LAYERS)]
    modules: dict[str, list[str]] = defaultdict(list)
    for module in sorted(layers.MODULES):
        modules[layers._part(module)].append(module)
    bad = upward(layers, edges)
    lines = [BEGIN, "", "### The floors", "",
             "Lowest first; a module imports only its own floor and those below "
             "(`tests/test_layers.py` reads every import with `ast`, function-level and "
             "`TYPE_CHECKING` ones included, and fails on an arrow running back up).", "",
             "| floor | parts | modules |", "| --- | --- | ---: |"]
    for k, parts in floors:
        names = ", ".join(f"`{p}`" if p != "__init__" else "the `detente` package"
                          for p in parts)
        lines.append(f"| {k} | {names} | {sum(len(modules[p]) for p in parts)} |")
    lines += ["", "### Who imports whom", "",
              f"Each arrow: part A imports part B ({len(edges)} arrows; "
              + (f"**{len(bad)} run back up**" if bad else "none runs back up the floors")
              + "). Floors are drawn bottom to top.", "", "```mermaid", mermaid(layers, edges)
              .rstrip("\n"), "```", "", "### Modules", ""]
    for k, parts in floors:
        for part in parts:
            lines.append(f"- **{'detente' if part == '__init__' else part}** (floor {k})")
            for module in modules[part]:
                text = summary(layers.MODULES[module])
                lines.append(f"  - `{module}`" + (f": {text}" if text else ""))
    return "\n".join([*lines, "", END]) + "\n"


def with_section(doc: str, section: str) -> str:
    """``doc`` with its generated part replaced by ``section`` (appended if it has none)."""
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        return head + section.rstrip("\n") + rest.split(END, 1)[1]
    return doc.rstrip("\n") + "\n\n" + section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("mermaid", "dot", "text"), default="mermaid")
    parser.add_argument("--write-doc", action="store_true",
                        help=f"redraw the generated part of {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    layers = _layer_test()
    edges = part_edges(layers)
    if args.write_doc:
        DOC.write_text(with_section(DOC.read_text(encoding="utf-8"),
                                    doc_section(layers, edges)), encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)
        return 1 if upward(layers, edges) else 0
    sys.stdout.write({"mermaid": mermaid, "dot": dot, "text": text}[args.format](layers, edges))
    bad = upward(layers, edges)
    for a, b in bad:
        print(f"upward: {a} imports {b}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
