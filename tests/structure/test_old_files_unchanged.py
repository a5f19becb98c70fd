"""Every scenario in shared/data gives the numbers it gave before the scenario structure.

``snapshots.json`` was written by ``scripts/structure_snapshots.py`` run on the
commit before issue 11 (control, vetoes, red lines, linkages, blocs,
pressures); this test recomputes each number with the current code and
compares exactly. A file without the structure must take the old path.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

import detente

HERE = Path(__file__).resolve().parent
SNAPSHOTS = json.loads((HERE / "snapshots.json").read_text())
_spec = importlib.util.spec_from_file_location(
    "structure_snapshots", HERE.parents[1] / "scripts" / "structure_snapshots.py")
assert _spec and _spec.loader
snap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(snap)


def test_every_file_is_pinned():
    keys = {k.split("#")[0] for k in SNAPSHOTS}
    assert keys == set(snap.files())
    assert sum("deals" in v for v in SNAPSHOTS.values()) >= 20


@pytest.mark.parametrize("rel", sorted({k.split("#")[0] for k in SNAPSHOTS}))
def test_same_numbers(rel):
    for k, sc in enumerate(detente.load_all(snap.DATA / rel)):
        assert not sc.has_structure
        assert json.loads(json.dumps(snap.snapshot(sc))) == SNAPSHOTS[f"{rel}#{k}"]
