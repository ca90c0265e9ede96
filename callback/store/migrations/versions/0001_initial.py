"""The callback queue: requests, dial attempts and configuration changes.

Revision ID: 0001
Revises:
Create Date: 2026-03-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Written out rather than imported: a migration is a snapshot and must not follow later code.
PENDING = sa.text("state IN ('waiting', 'scheduled')")
ON_CALL = sa.text("state IN ('dialing', 'connected')")
ACTIVE = sa.text("state IN ('waiting', 'scheduled', 'dialing', 'connected')")
OPEN = sa.text("ended_at IS NULL")
UNPURGED = sa.text("finished_at IS NOT NULL AND purged_at IS NULL")
STATES = (
    "'waiting', 'scheduled', 'dialing', 'connected', 'completed', 'failed', 'cancelled', 'expired'"
)


def _time(name: str, *, required: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcTimestamp(), nullable=not required)


def upgrade() -> None:
    """Create the three tables and their partial indexes."""
    _create_callback_request()
    _create_dial_attempt()
    _create_config_change()


def _create_callback_request() -> None:
    op.create_table(
        "callback_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        _time("virtual_start", required=True),
        _time("due_at", required=True),
        _time("slot_start"),
        _time("slot_end"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("contexts", sa.JSON(), nullable=False),
        _time("promise_announced_at"),
        sa.Column("promise_wait_s", sa.Float(), nullable=True),
        sa.Column("promise_low_s", sa.Float(), nullable=True),
        sa.Column("promise_high_s", sa.Float(), nullable=True),
        _time("promise_by"),
        sa.Column("announced_ahead", sa.Integer(), nullable=True),
        _time("announced_at"),
        _time("entered_line_at", required=True),
        _time("lease_until"),
        sa.Column("fence", sa.Integer(), nullable=False),
        _time("created_at", required=True),
        _time("updated_at", required=True),
        _time("finished_at"),
        _time("purged_at"),
        sa.PrimaryKeyConstraint("id", name="pk_callback_request"),
        sa.CheckConstraint(f"state IN ({STATES})", name="ck_callback_request_state"),
        sa.CheckConstraint(
            "channel IN ('ivr', 'web', 'app', 'api', 'sms')", name="ck_callback_request_channel"
        ),
        sa.CheckConstraint(
            "(slot_start IS NULL) = (slot_end IS NULL)", name="ck_callback_request_slot"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "uq_callback_request_active_number",
        "callback_request",
        ["queue", "number"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "ix_callback_request_line",
        "callback_request",
        ["queue", sa.text("priority DESC"), "virtual_start", "id", "due_at", "state"],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.create_index(
        "ix_callback_request_on_call",
        "callback_request",
        ["queue", "state"],
        sqlite_where=ON_CALL,
        postgresql_where=ON_CALL,
    )
    op.create_index(
        "ix_callback_request_due",
        "callback_request",
        ["queue", "due_at"],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.create_index(
        "ix_callback_request_queue_finished", "callback_request", ["queue", "finished_at"]
    )
    op.create_index(
        "ix_callback_request_unpurged",
        "callback_request",
        ["finished_at"],
        sqlite_where=UNPURGED,
        postgresql_where=UNPURGED,
    )
    op.create_index("ix_callback_request_finished", "callback_request", ["finished_at"])


def _create_dial_attempt() -> None:
    op.create_table(
        "dial_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("fence", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("agent_id", sa.String(), nullable=True),
        _time("claimed_at", required=True),
        _time("lease_until", required=True),
        sa.Column("call_sid", sa.String(), nullable=True),
        _time("ended_at"),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dial_attempt"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["callback_request.id"],
            name="fk_dial_attempt_request_id_callback_request",
        ),
    )
    op.create_index(
        "uq_dial_attempt_request_fence", "dial_attempt", ["request_id", "fence"], unique=True
    )
    op.create_index(
        "uq_dial_attempt_open_number",
        "dial_attempt",
        ["number"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_dial_attempt_open_lease",
        "dial_attempt",
        ["lease_until"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index("ix_dial_attempt_queue_ended", "dial_attempt", ["queue", "ended_at"])


def _create_config_change() -> None:
    op.create_table(
        "config_change",
        sa.Column("id", sa.Integer(), nullable=False),
        _time("at", required=True),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("old_hash", sa.String(), nullable=True),
        sa.Column("new_hash", sa.String(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_config_change"),
    )


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_table("config_change")
    op.drop_table("dial_attempt")
    op.drop_table("callback_request")
