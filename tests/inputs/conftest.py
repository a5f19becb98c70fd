"""Fixtures for the inputs tests: analysts' files derived from the bundled scenario."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import detente
from detente.formats import write

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ARTICLE = HERE.parents[1].parent / "shared" / "sources" / "2025-11-05-donetsk-call-article.txt"


def analyst_file(folder: Path, name: str, changes: dict[tuple[str, str], dict]) -> Path:
    """The bundled scenario with some stances changed (``None`` removes a stance)."""
    data = copy.deepcopy(detente.load("ukraine-2025-11").to_dict())
    kept = []
    for st in data["stances"]:
        change = changes.get((st["actor"], st["issue"]), {})
        if change is None:
            continue
        st.update(change)
        st.pop("position_uncertainty", None) if "position" in change else None
        st.pop("salience_uncertainty", None) if "salience" in change else None
        kept.append(st)
    data["stances"] = kept
    path = folder / f"{name}.yaml"
    write(detente.Scenario.from_dict(data), path)
    return path


@pytest.fixture
def panel_files(tmp_path: Path) -> list[Path]:
    """Three analysts who differ on Russia's and the US's Donetsk positions only."""
    return [
        analyst_file(tmp_path, "alice", {}),
        analyst_file(tmp_path, "bob", {("RUS", "donetsk"): {"position": 70},
                                       ("USA", "donetsk"): {"salience": 0.35}}),
        analyst_file(tmp_path, "carol", {("RUS", "donetsk"): {"position": 90},
                                         ("USA", "donetsk"): {"salience": 0.75}}),
    ]


@pytest.fixture(autouse=True)
def _own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Delphi rounds go to the history store: a fresh one per test, never the user's."""
    path = tmp_path / "store.sqlite"
    monkeypatch.setenv("DETENTE_DB", str(path))
    return path


@pytest.fixture(scope="session")
def article() -> Path:
    if not ARTICLE.is_file():
        pytest.fail(f"article not found at {ARTICLE}: clone the repository beside shared/")
    return ARTICLE
