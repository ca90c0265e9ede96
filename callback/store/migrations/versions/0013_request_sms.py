"""Record the texts sent about each request (kind, time, message SID; no number, no text).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the request_sms table and its index by request."""
    op.create_table(
        "request_sms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcTimestamp(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("message_sid", sa.String(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_request_sms_request_id", "request_sms", ["request_id"])


def downgrade() -> None:
    """Drop the table (its index goes with it)."""
    op.drop_index("ix_request_sms_request_id", table_name="request_sms")
    op.drop_table("request_sms")
