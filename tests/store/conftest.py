"""The store's tests run on every database: SQLite (a file per test) and PostgreSQL.

PostgreSQL comes from ``$DETENTE_TEST_PG_URL`` (a server URL, e.g. the throwaway
cluster ``scripts/test.sh`` starts); each test gets a fresh database on it. When
``$DETENTE_TEST_PG_REQUIRED`` or ``$CI`` is set, a missing URL fails the
PostgreSQL tests instead of skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_ENV = "DETENTE_TEST_PG_URL"


def pg_required() -> bool:
    return bool(os.environ.get("DETENTE_TEST_PG_REQUIRED") or os.environ.get("CI"))


def _pg_database(base: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"detente_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        message = (f"PostgreSQL tests need ${PG_ENV} (scripts/test.sh or scripts/test_pg.sh "
                   "start a throwaway cluster and set it)")
        if pg_required():
            pytest.fail(message)
        pytest.skip(message)
    yield from _pg_database(base)


@pytest.fixture(scope="session")
def talks():
    """The bundled talks: three dated versions read from the bundled history."""
    from detente.store.portable import read_versions

    return read_versions("ukraine-2025-11")
