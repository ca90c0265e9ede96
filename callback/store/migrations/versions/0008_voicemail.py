"""Messages left without a number to call back.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UNHANDLED = sa.text("handled_at IS NULL")


def upgrade() -> None:
    """Create the voicemail table and its indexes."""
    op.create_table(
        "voicemail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("recording_url", sa.String(), nullable=False),
        sa.Column("recording_seconds", sa.Integer(), nullable=False),
        sa.Column("transcription", sa.String(), nullable=True),
        sa.Column("received_at", UtcTimestamp(), nullable=False),
        sa.Column("handled_at", UtcTimestamp(), nullable=True),
        sa.Column("handled_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_voicemail"),
        sqlite_autoincrement=True,
    )
    op.create_index("uq_voicemail_call_sid", "voicemail", ["call_sid"], unique=True)
    op.create_index(
        "ix_voicemail_unhandled",
        "voicemail",
        ["queue", "received_at"],
        sqlite_where=UNHANDLED,
        postgresql_where=UNHANDLED,
    )
    op.create_index("ix_voicemail_received_at", "voicemail", ["received_at"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_index("ix_voicemail_received_at", "voicemail")
    op.drop_index("ix_voicemail_unhandled", "voicemail")
    op.drop_index("uq_voicemail_call_sid", "voicemail")
    op.drop_table("voicemail")
