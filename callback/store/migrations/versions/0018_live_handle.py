"""Index hold offers by queue and end, for the measured handle time of callers on hold.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The offers that ended in a window, per queue, read from the index."""
    op.create_index("ix_held_offer_queue_ended", "held_offer", ["queue", "ended_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_held_offer_queue_ended", table_name="held_offer")
