"""What a shared server keeps: accounts, each workspace's uploads, and heavy jobs.

``detente serve --db`` writes these three tables only (the history's versions and its
cached results stay read only there), so that several worker processes answer any
request and a restarted server finds its jobs again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "uploads",
        sa.Column("ref", sa.String(32), primary_key=True),
        sa.Column("workspace", sa.String(64), nullable=False, index=True),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("workspace", sa.String(64), nullable=False, index=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False, index=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("scenario", sa.Text, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("started", sa.Float, nullable=True),
        sa.Column("finished", sa.Float, nullable=True),
        sa.Column("heartbeat", sa.Float, nullable=False),
        sa.Column("seen", sa.Float, nullable=False),
        sa.Column("grace", sa.Float, nullable=False),
        sa.Column("instance", sa.String(64), nullable=False),
        sa.Column("restarts", sa.Integer, nullable=False),
        sa.Column("cancel", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("user_error", sa.Boolean, nullable=False),
        sa.Column("result", sa.LargeBinary, nullable=True),
        sa.Column("shown", sa.Text, nullable=True),
        sa.Column("shown_html", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("uploads")
    op.drop_table("users")
