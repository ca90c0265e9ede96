"""Wrap-up notes and disposition codes; held callers' masked numbers and earlier requests;
indexes for the agent's screen.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create wrap_up_note; index offers by agent and requests by number."""
    op.create_table(
        "wrap_up_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("disposition", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("at", UtcTimestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_wrap_up_note"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "uq_wrap_up_note_kind_offer_id", "wrap_up_note", ["kind", "offer_id"], unique=True
    )
    op.create_index("ix_wrap_up_note_request_id", "wrap_up_note", ["request_id"])
    op.create_index("ix_dial_attempt_agent_claimed", "dial_attempt", ["agent_id", "claimed_at"])
    op.create_index("ix_held_offer_agent_claimed", "held_offer", ["agent_id", "claimed_at"])
    op.create_index(
        "ix_callback_request_number_created", "callback_request", ["number", "created_at"]
    )
    op.create_table(
        "held_caller_note",
        sa.Column("offer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("masked", sa.String(), nullable=False),
        sa.Column("earlier", sa.JSON(), nullable=False),
        sa.Column("at", UtcTimestamp(), nullable=False),
        sa.PrimaryKeyConstraint("offer_id", name="pk_held_caller_note"),
    )
    op.create_index("ix_held_caller_note_at", "held_caller_note", ["at"])


def downgrade() -> None:
    """Drop the indexes and the tables."""
    op.drop_index("ix_held_caller_note_at", table_name="held_caller_note")
    op.drop_table("held_caller_note")
    op.drop_index("ix_callback_request_number_created", table_name="callback_request")
    op.drop_index("ix_held_offer_agent_claimed", table_name="held_offer")
    op.drop_index("ix_dial_attempt_agent_claimed", table_name="dial_attempt")
    op.drop_index("ix_wrap_up_note_request_id", table_name="wrap_up_note")
    op.drop_index("uq_wrap_up_note_kind_offer_id", table_name="wrap_up_note")
    op.drop_table("wrap_up_note")
