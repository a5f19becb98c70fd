"""The shared server's accounts and its own tables (users, uploads, jobs).

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.store.server import ServerStore, User

def open_server_store(db: str | os.PathLike[str] | None = None) -> ServerStore:
    """What ``detente serve --db`` keeps in the database: users, uploads, jobs
    (:class:`detente.store.server.ServerStore`; the same database as :func:`open_history`)."""
    from detente.store.server import ServerStore

    return ServerStore(db)


def add_user(name: str, *, db: str | os.PathLike[str] | None = None) -> tuple[str, str]:
    """Add a user to the server's database: ``(their token, the database)``. The token is
    returned this once; only its SHA-256 is kept."""
    with open_server_store(db) as store:
        return store.add_user(name), store.where


def users(*, db: str | os.PathLike[str] | None = None) -> list[User]:
    """The server's users, by name."""
    with open_server_store(db) as store:
        return store.users()


def remove_user(name: str, *, db: str | os.PathLike[str] | None = None) -> str:
    """Remove a user (their uploads go, their unfinished jobs are cancelled); the
    database's name."""
    with open_server_store(db) as store:
        store.remove_user(name)
        return store.where
