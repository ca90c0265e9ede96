"""Console indexes: the wallboard's day read from indexes alone; the list by a final state.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_DAY = ["queue", "finished_at", "state", "attempts", "fence", "virtual_start", "promise_by"]


def upgrade() -> None:
    """Index the day's figures and finished requests by state."""
    op.create_index("ix_callback_request_queue_finished_day", "callback_request", _DAY)
    op.create_index(
        "ix_callback_request_finished_state_created",
        "callback_request",
        ["state", "created_at", "id"],
        sqlite_where=sa.text("finished_at IS NOT NULL"),
        postgresql_where=sa.text("finished_at IS NOT NULL"),
    )
    # Each attempt's claim (request_id, fence, claimed_at) is already indexed by 0016.


def downgrade() -> None:
    """Drop the two indexes."""
    op.drop_index("ix_callback_request_queue_finished_day", table_name="callback_request")
    op.drop_index("ix_callback_request_finished_state_created", table_name="callback_request")
