"""Indexes for the console's request list and today's figures, newest first by creation time.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the wallboard's and the request list's indexes."""
    op.create_index(
        "ix_callback_request_queue_created", "callback_request", ["queue", "created_at"]
    )
    op.create_index("ix_callback_request_created", "callback_request", ["created_at", "id"])
    op.create_index(
        "ix_callback_request_state_created", "callback_request", ["state", "created_at", "id"]
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_callback_request_state_created", table_name="callback_request")
    op.drop_index("ix_callback_request_created", table_name="callback_request")
    op.drop_index("ix_callback_request_queue_created", table_name="callback_request")
