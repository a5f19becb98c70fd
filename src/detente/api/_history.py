"""The history store of dated scenario versions.

Part of the facade :mod:`detente.api`; reach these names through it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.store import History


def open_history(db: str | os.PathLike[str] | None = None, *,
                 read_only: bool = False) -> History:
    """The history store (:class:`detente.History`): a file path or a SQLAlchemy URL
    (``postgresql+psycopg://...``); default ``$DETENTE_DB``, else ``history.sqlite`` in
    the user's data folder. Opening migrates the schema to this detente's revision.
    ``read_only``: nothing is added, removed or cached."""
    from detente.store import History

    return History(db, read_only=read_only)
