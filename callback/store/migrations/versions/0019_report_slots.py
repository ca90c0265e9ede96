"""Report slots: the tallies of closed 15-minute slots, and the oldest caller still on hold.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_COUNTS = (
    "offered", "completed", "served_held", "abandoned", "within_target", "attempts", "kept",
    "broken", "estimated", "estimate_in_range", "ratings", "rating_total",
)  # fmt: skip
_SECONDS = ("answer_seconds", "estimate_error_seconds")
_OPEN = sa.text("ended_at IS NULL")


def upgrade() -> None:
    """Create report_slot and index the callers still on hold by queue and join time."""
    op.create_table(
        "report_slot",
        sa.Column("queue", sa.String(), primary_key=True),
        sa.Column("target_ms", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("slot_at", UtcTimestamp(), primary_key=True),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _COUNTS),
        *(sa.Column(name, sa.Float(), nullable=False) for name in _SECONDS),
    )
    op.create_index(
        "ix_held_call_queue_open_joined",
        "held_call",
        ["queue", "joined_at"],
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_held_call_queue_open_joined", table_name="held_call")
    op.drop_table("report_slot")
