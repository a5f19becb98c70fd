"""The shared server's accounts and its own tables (users, uploads, jobs).

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.store.server import ServerStore, Team, User

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


def teams(*, db: str | os.PathLike[str] | None = None) -> list[Team]:
    """The server's teams with their members, by name."""
    with open_server_store(db) as store:
        return store.teams()


def add_team(name: str, *, db: str | os.PathLike[str] | None = None) -> str:
    """Add a team (its members then see what one of them shares with it); the database's
    name."""
    with open_server_store(db) as store:
        store.add_team(name)
        return store.where


def remove_team(name: str, *, db: str | os.PathLike[str] | None = None) -> str:
    """Remove a team: what was shared with it is no longer seen by its members."""
    with open_server_store(db) as store:
        store.remove_team(name)
        return store.where


def add_team_members(team: str, names: list[str], *,
                     db: str | os.PathLike[str] | None = None) -> str:
    """Put users (added before) in a team."""
    with open_server_store(db) as store:
        store.add_members(team, names)
        return store.where


def remove_team_members(team: str, names: list[str], *,
                        db: str | os.PathLike[str] | None = None) -> str:
    """Take users out of a team."""
    with open_server_store(db) as store:
        store.remove_members(team, names)
        return store.where
