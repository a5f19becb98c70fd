"""Each version records its sources; simulations are cached beside forecasts.

``versions.sources`` is filled for existing rows from the sources of the
scenario each version holds (what ``history add`` records by default).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.add_column(sa.Column("sources", sa.Text, nullable=False, server_default="[]"))
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT v.id, s.body FROM versions v JOIN scenarios s ON s.hash = v.scenario_hash"
    )).all()
    for version_id, body in rows:
        sources = json.loads(body).get("sources", [])
        conn.execute(sa.text("UPDATE versions SET sources = :s WHERE id = :i"),
                     {"s": json.dumps(sources, sort_keys=True), "i": version_id})
    op.create_table(
        "simulations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scenario_hash", sa.String(64), sa.ForeignKey("scenarios.hash"),
                  nullable=False, index=True),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("draws", sa.Integer, nullable=False),
        sa.Column("detente_version", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("scenario_hash", "model", "params", "seed", "draws",
                            "detente_version", name="uq_simulation"),
    )


def downgrade() -> None:
    op.drop_table("simulations")
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("sources")
