"""Failed requests by number, for re-booking by SMS.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FAILED = sa.text("state IN ('failed')")


def upgrade() -> None:
    """Index the failed requests by number and end time."""
    op.create_index(
        "ix_callback_request_failed_number",
        "callback_request",
        ["number", "finished_at"],
        sqlite_where=FAILED,
        postgresql_where=FAILED,
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_callback_request_failed_number", table_name="callback_request")
