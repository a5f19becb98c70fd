"""The first schema: scenarios (whole, by hash), dated versions, cached forecasts.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, index=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("history", sa.String(200), nullable=False, index=True),
        sa.Column("scenario_hash", sa.String(64), sa.ForeignKey("scenarios.hash"),
                  nullable=False, index=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("history", "scenario_hash", "as_of", name="uq_version"),
    )
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scenario_hash", sa.String(64), sa.ForeignKey("scenarios.hash"),
                  nullable=False, index=True),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("detente_version", sa.String(40), nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("scenario_hash", "model", "params", "seed", "detente_version",
                            name="uq_forecast"),
    )


def downgrade() -> None:
    op.drop_table("forecasts")
    op.drop_table("versions")
    op.drop_table("scenarios")
