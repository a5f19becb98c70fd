"""Teams of a shared server: who is in which team, and which uploads each team sees.

``detente users team ...`` writes ``teams`` and ``team_members``; a user shares one of
their uploads with a team of theirs (``shares``), and the team's members then see it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "team_members",
        sa.Column("team", sa.String(64), primary_key=True),
        sa.Column("user", sa.String(64), primary_key=True, index=True),
    )
    op.create_table(
        "shares",
        sa.Column("ref", sa.String(32), primary_key=True),
        sa.Column("team", sa.String(64), primary_key=True, index=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shares")
    op.drop_table("team_members")
    op.drop_table("teams")
