"""Alembic migrations of the history store, run by :func:`detente.store.db.migrate`."""
