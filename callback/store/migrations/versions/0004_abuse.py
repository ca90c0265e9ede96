"""Counters of the public API's abuse limits and refusals; status-link token hashes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-03-16
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _time(name: str) -> sa.Column[object]:
    return sa.Column(name, UtcTimestamp(), nullable=False)


def upgrade() -> None:
    """Create the abuse counters and the status token table."""
    op.create_table(
        "abuse_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        _time("at"),
        sa.PrimaryKeyConstraint("id", name="pk_abuse_event"),
    )
    op.create_index("ix_abuse_event_kind_key_at", "abuse_event", ["kind", "key", "at"])
    op.create_index("ix_abuse_event_at", "abuse_event", ["at"])
    op.create_table(
        "abuse_refusal",
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _time("first_at"),
        _time("last_at"),
        sa.PrimaryKeyConstraint("reason", name="pk_abuse_refusal"),
    )
    op.create_table(
        "status_token",
        sa.Column("token_sha256", sa.String(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("token_sha256", name="pk_status_token"),
    )
    op.create_index("ix_status_token_request_id", "status_token", ["request_id"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_index("ix_status_token_request_id", "status_token")
    op.drop_table("status_token")
    op.drop_table("abuse_refusal")
    op.drop_index("ix_abuse_event_at", "abuse_event")
    op.drop_index("ix_abuse_event_kind_key_at", "abuse_event")
    op.drop_table("abuse_event")
