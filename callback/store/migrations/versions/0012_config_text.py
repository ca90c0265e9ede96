"""Keep the text of each applied config version, so the console can show what changed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable text column (changes applied before this have none)."""
    with op.batch_alter_table("config_change") as batch:
        batch.add_column(sa.Column("text", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop the text column."""
    with op.batch_alter_table("config_change") as batch:
        batch.drop_column("text")
