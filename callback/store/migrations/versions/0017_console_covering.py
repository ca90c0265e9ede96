"""Covering indexes for the wallboard's day: its aggregates read only the indexes.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

_DAY = ["queue", "finished_at", "state", "attempts", "fence", "virtual_start", "promise_by"]


def upgrade() -> None:
    """Index the finished requests' day figures, and each attempt's claim by request and fence."""
    op.create_index("ix_callback_request_queue_finished_day", "callback_request", _DAY)
    op.create_index(
        "ix_dial_attempt_request_fence_claimed",
        "dial_attempt",
        ["request_id", "fence", "claimed_at"],
    )


def downgrade() -> None:
    """Drop both indexes."""
    op.drop_index("ix_dial_attempt_request_fence_claimed", table_name="dial_attempt")
    op.drop_index("ix_callback_request_queue_finished_day", table_name="callback_request")
