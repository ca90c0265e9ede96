"""Console indexes: the wallboard's day read from indexes alone; the list by a final state.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

_DAY = ["queue", "finished_at", "state", "attempts", "fence", "virtual_start", "promise_by"]


def upgrade() -> None:
    """Index the day's figures, each attempt's claim, and finished requests by state."""
    op.create_index("ix_callback_request_queue_finished_day", "callback_request", _DAY)
    op.create_index(
        "ix_callback_request_finished_state_created",
        "callback_request",
        ["state", "created_at", "id"],
        sqlite_where=sa.text("finished_at IS NOT NULL"),
        postgresql_where=sa.text("finished_at IS NOT NULL"),
    )
    op.create_index(
        "ix_dial_attempt_request_fence_claimed",
        "dial_attempt",
        ["request_id", "fence", "claimed_at"],
    )


def downgrade() -> None:
    """Drop the three indexes."""
    op.drop_index("ix_dial_attempt_request_fence_claimed", table_name="dial_attempt")
    op.drop_index("ix_callback_request_queue_finished_day", table_name="callback_request")
    op.drop_index("ix_callback_request_finished_state_created", table_name="callback_request")
