"""Agents' presence now and its history; dial starts by queue for the rate cap.

Revision ID: 0003
Revises: 0002
Create Date: 2026-03-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Written out rather than imported: a migration is a snapshot and must not follow later code.
STATUSES = "status IN ('available', 'busy', 'wrap_up', 'away', 'offline')"


def _time(name: str, *, required: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcTimestamp(), nullable=not required)


def upgrade() -> None:
    """Create the presence tables and index dial starts by queue."""
    op.create_table(
        "agent_presence",
        sa.Column("agent_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        _time("since", required=True),
        sa.Column("cause", sa.String(), nullable=False),
        sa.Column("unanswered", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        _time("until"),
        sa.CheckConstraint(STATUSES, name="ck_agent_presence_status"),
        sa.PrimaryKeyConstraint("agent_id", name="pk_agent_presence"),
    )
    op.create_table(
        "presence_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        _time("at", required=True),
        sa.Column("cause", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_presence_change"),
    )
    op.create_index("ix_presence_change_agent_at", "presence_change", ["agent_id", "at"])
    op.create_index("ix_dial_attempt_queue_claimed", "dial_attempt", ["queue", "claimed_at"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_index("ix_dial_attempt_queue_claimed", "dial_attempt")
    op.drop_index("ix_presence_change_agent_at", "presence_change")
    op.drop_table("presence_change")
    op.drop_table("agent_presence")
