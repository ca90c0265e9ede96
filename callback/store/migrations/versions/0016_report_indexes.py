"""Indexes for the supervisor's reports: callers on hold by queue and time, reach times.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the report's indexes."""
    op.create_index("ix_held_call_queue_joined", "held_call", ["queue", "joined_at"])
    op.create_index("ix_held_call_queue_ended", "held_call", ["queue", "ended_at"])
    op.create_index(
        "ix_dial_attempt_request_fence_claimed",
        "dial_attempt",
        ["request_id", "fence", "claimed_at"],
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_dial_attempt_request_fence_claimed", table_name="dial_attempt")
    op.drop_index("ix_held_call_queue_ended", table_name="held_call")
    op.drop_index("ix_held_call_queue_joined", table_name="held_call")
