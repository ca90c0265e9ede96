"""Broken promises, the lifecycle event outbox and the state-change scan's bookkeeping.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _time(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcTimestamp(), nullable=nullable)


def upgrade() -> None:
    """Create the event tables and index the requests by update time."""
    op.create_table(
        "broken_promise",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        _time("promise_by"),
        _time("at"),
        sa.PrimaryKeyConstraint("request_id", name="pk_broken_promise"),
    )
    op.create_index("ix_broken_promise_at", "broken_promise", ["at"])
    op.create_table(
        "event_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        _time("at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_attempt_at", nullable=True),
        _time("delivered_at", nullable=True),
        _time("gave_up_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_event_outbox"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_outbox_next_attempt", "event_outbox", ["next_attempt_at"])
    op.create_table(
        "event_watch",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("contexts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("request_id", name="pk_event_watch"),
    )
    op.create_table(
        "event_cursor",
        sa.Column("name", sa.String(), nullable=False),
        _time("updated_at"),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_event_cursor"),
    )
    op.create_index("ix_callback_request_updated", "callback_request", ["updated_at", "id"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_index("ix_callback_request_updated", "callback_request")
    op.drop_table("event_cursor")
    op.drop_table("event_watch")
    op.drop_index("ix_event_outbox_next_attempt", "event_outbox")
    op.drop_table("event_outbox")
    op.drop_index("ix_broken_promise_at", "broken_promise")
    op.drop_table("broken_promise")
