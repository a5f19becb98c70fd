"""Shared fixtures: paths to the reference data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"reference data not found at {DATA}: clone the repository beside shared/")
    return DATA


@pytest.fixture(scope="session")
def ukraine():
    import detente

    return detente.load("ukraine-2025-11")
