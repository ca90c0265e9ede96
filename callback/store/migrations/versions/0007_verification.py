"""Submissions waiting for their number to be confirmed by an SMS code.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the pending verification table."""
    op.create_table(
        "phone_verification",
        sa.Column("id_sha256", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("code_mac", sa.String(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("submission", sa.String(), nullable=False),
        sa.Column("created_at", UtcTimestamp(), nullable=False),
        sa.Column("expires_at", UtcTimestamp(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id_sha256", name="pk_phone_verification"),
    )
    op.create_index("uq_phone_verification_number", "phone_verification", ["number"], unique=True)
    op.create_index("ix_phone_verification_expires_at", "phone_verification", ["expires_at"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_index("ix_phone_verification_expires_at", "phone_verification")
    op.drop_index("uq_phone_verification_number", "phone_verification")
    op.drop_table("phone_verification")
