"""Telephony: call legs by CallSid, their events, and numbers that asked for no SMS.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Written out rather than imported: a migration is a snapshot and must not follow later code.
ON_HOLD = sa.text("hold_since IS NOT NULL")


def _time(name: str, *, required: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcTimestamp(), nullable=not required)


def upgrade() -> None:
    """Create the telephony tables and index the lookups by CallSid and slot."""
    _create_phone_call()
    _create_call_event()
    op.create_table(
        "sms_suppression",
        sa.Column("number", sa.String(), nullable=False),
        _time("at", required=True),
        sa.PrimaryKeyConstraint("number", name="pk_sms_suppression"),
    )
    op.create_index("ix_dial_attempt_call_sid", "dial_attempt", ["call_sid"])
    op.create_index("ix_callback_request_slot", "callback_request", ["queue", "slot_start"])


def _create_phone_call() -> None:
    op.create_table(
        "phone_call",
        sa.Column("call_sid", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("queue", sa.String(), nullable=True),
        _time("arrived_at", required=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("status_rank", sa.Integer(), nullable=False),
        sa.Column("answered_by", sa.String(), nullable=True),
        _time("hold_since"),
        _time("slot_start"),
        _time("slot_end"),
        _time("updated_at", required=True),
        sa.PrimaryKeyConstraint("call_sid", name="pk_phone_call"),
    )
    op.create_index(
        "ix_phone_call_on_hold",
        "phone_call",
        ["queue"],
        sqlite_where=ON_HOLD,
        postgresql_where=ON_HOLD,
    )


def _create_call_event() -> None:
    op.create_table(
        "call_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        _time("at", required=True),
        sa.PrimaryKeyConstraint("id", name="pk_call_event"),
    )
    op.create_index("ix_call_event_sid", "call_event", ["sid"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_index("ix_callback_request_slot", "callback_request")
    op.drop_index("ix_dial_attempt_call_sid", "dial_attempt")
    op.drop_table("sms_suppression")
    op.drop_table("call_event")
    op.drop_table("phone_call")
