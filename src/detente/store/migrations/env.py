"""Alembic environment: migrations always run on a connection detente passes in.

detente opens the database, takes the write lock and then calls
``alembic.command.upgrade`` with ``config.attributes["connection"]``; there is
no ``alembic.ini`` and no URL here.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("detente's migrations run through detente.store, not the alembic CLI")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
