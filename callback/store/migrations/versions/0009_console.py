"""The console's users (roles, password hashes) and the audit trail.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ROLES = "role IN ('supervisor', 'agent', 'viewer')"
AGENT = "(role = 'agent') = (agent_id IS NOT NULL)"


def upgrade() -> None:
    """Create the user and audit tables and their indexes."""
    op.create_table(
        "console_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("agent_id", sa.String(), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("session_generation", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcTimestamp(), nullable=False),
        sa.Column("password_changed_at", UtcTimestamp(), nullable=False),
        sa.Column("disabled_at", UtcTimestamp(), nullable=True),
        sa.CheckConstraint(
            "role IN ('supervisor', 'agent', 'viewer')", name="ck_console_user_role"
        ),
        sa.CheckConstraint(
            "(role = 'agent') = (agent_id IS NOT NULL)", name="ck_console_user_agent"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_console_user"),
        sqlite_autoincrement=True,
    )
    op.create_index("uq_console_user_name", "console_user", ["name"], unique=True)
    op.create_table(
        "audit_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UtcTimestamp(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_record"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_record_at", "audit_record", ["at"])
    op.create_index("ix_audit_record_actor_at", "audit_record", ["actor", "at"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_index("ix_audit_record_actor_at", "audit_record")
    op.drop_index("ix_audit_record_at", "audit_record")
    op.drop_table("audit_record")
    op.drop_index("uq_console_user_name", "console_user")
    op.drop_table("console_user")
