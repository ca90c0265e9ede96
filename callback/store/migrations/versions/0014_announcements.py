"""Every announcement made to a person in the line, beside how their wait ended.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Written out rather than imported: a migration is a snapshot and must not follow later code.
OUTCOMES = "outcome IN ('reached', 'abandoned', 'left', 'cancelled', 'expired', 'failed')"
FOR_REQUEST = sa.text("request_id IS NOT NULL")
FOR_HELD = sa.text("held_id IS NOT NULL")


def upgrade() -> None:
    """Create the announcement table and its indexes by person, by day and by age."""
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("held_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("announced_at", UtcTimestamp(), nullable=False),
        sa.Column("ahead", sa.Integer(), nullable=True),
        sa.Column("wait_s", sa.Float(), nullable=False),
        sa.Column("low_s", sa.Float(), nullable=False),
        sa.Column("high_s", sa.Float(), nullable=False),
        sa.Column("promise_by", UtcTimestamp(), nullable=True),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.Column("ended_at", UtcTimestamp(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.CheckConstraint(
            "(request_id IS NULL) <> (held_id IS NULL)", name="ck_announcement_person"
        ),
        sa.CheckConstraint(OUTCOMES, name="ck_announcement_outcome"),
        sa.PrimaryKeyConstraint("id", name="pk_announcement"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_announcement_request_id",
        "announcement",
        ["request_id"],
        sqlite_where=FOR_REQUEST,
        postgresql_where=FOR_REQUEST,
    )
    op.create_index(
        "ix_announcement_held_id",
        "announcement",
        ["held_id"],
        sqlite_where=FOR_HELD,
        postgresql_where=FOR_HELD,
    )
    op.create_index("ix_announcement_queue_ended", "announcement", ["queue", "ended_at"])
    op.create_index("ix_announcement_announced_at", "announcement", ["announced_at"])


def downgrade() -> None:
    """Drop the table and its indexes."""
    for name in (
        "ix_announcement_announced_at",
        "ix_announcement_queue_ended",
        "ix_announcement_held_id",
        "ix_announcement_request_id",
    ):
        op.drop_index(name, table_name="announcement")
    op.drop_table("announcement")
