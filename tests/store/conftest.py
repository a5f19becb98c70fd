"""The store's tests run on every database: SQLite (a file per test) and PostgreSQL
(the ``db_url`` fixture of ``tests/conftest.py``)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def talks():
    """The bundled talks: three dated versions read from the bundled history."""
    from detente.store.portable import read_versions

    return read_versions("ukraine-2025-11")
