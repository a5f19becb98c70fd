"""Draw detente's import graph between its parts, floor by floor, from the code itself.

The floors, and the reader of imports, are those of ``tests/test_layers.py`` (the test is
the authority: this tool only draws what it checks). Each arrow is "part A imports part
B" for the top-level parts of ``src/detente`` (``deals``, ``models``, ``api``, ...); an
arrow that runs *up* the floors is drawn red and listed, and the tool exits 1 if there is
one, so it can stand in a CI step as well.

    python tools/import_graph.py                 # Mermaid flowchart on standard output
    python tools/import_graph.py --format dot    # Graphviz
    python tools/import_graph.py --format text   # one line per floor, then the arrows
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
LAYER_TEST = ROOT / "tests" / "test_layers.py"


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("mermaid", "dot", "text"), default="mermaid")
    args = parser.parse_args(argv)
    layers = _layer_test()
    edges = part_edges(layers)
    sys.stdout.write({"mermaid": mermaid, "dot": dot, "text": text}[args.format](layers, edges))
    bad = upward(layers, edges)
    for a, b in bad:
        print(f"upward: {a} imports {b}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
