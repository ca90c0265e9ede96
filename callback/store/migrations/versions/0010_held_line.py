"""Callers on hold in the one line, their claims by agents, and the agent held for one.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callback.store.utc import UtcTimestamp

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Written out rather than imported: a migration is a snapshot and must not follow later code.
STATES = (
    "state IN ('holding', 'returning', 'offered', 'connecting', 'bridged', 'served',"
    " 'abandoned', 'left')"
)
HOLDING = sa.text("state = 'holding'")
OPEN = sa.text("ended_at IS NULL")


def _time(name: str, *, required: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcTimestamp(), nullable=not required)


def _held_call() -> None:
    op.create_table(
        "held_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("queue_sid", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        _time("virtual_start", required=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("fence", sa.Integer(), nullable=False),
        _time("joined_at", required=True),
        _time("updated_at", required=True),
        _time("ended_at"),
        sa.CheckConstraint(STATES, name="ck_held_call_state"),
        sa.PrimaryKeyConstraint("id", name="pk_held_call"),
        sqlite_autoincrement=True,
    )
    op.create_index("uq_held_call_call_sid", "held_call", ["call_sid"], unique=True)
    op.create_index(
        "ix_held_call_line",
        "held_call",
        ["queue", sa.text("priority DESC"), "virtual_start", "id"],
        sqlite_where=HOLDING,
        postgresql_where=HOLDING,
    )
    op.create_index("ix_held_call_ended", "held_call", ["ended_at"])


def _held_offer() -> None:
    op.create_table(
        "held_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_id", sa.Integer(), nullable=False),
        sa.Column("fence", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(), nullable=False),
        sa.Column("agent_id", sa.String(), nullable=False),
        _time("claimed_at", required=True),
        _time("lease_until", required=True),
        _time("ended_at"),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["held_id"], ["held_call.id"], name="fk_held_offer_held_id_held_call"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_held_offer"),
    )
    op.create_index("uq_held_offer_held_fence", "held_offer", ["held_id", "fence"], unique=True)
    op.create_index(
        "uq_held_offer_open_held",
        "held_offer",
        ["held_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_held_offer_open_lease",
        "held_offer",
        ["lease_until"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def upgrade() -> None:
    """Create the held line's tables; an agent may be held for a held caller's offer."""
    _held_call()
    _held_offer()
    op.add_column("agent_presence", sa.Column("held_offer_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop everything the upgrade created."""
    with op.batch_alter_table("agent_presence") as batch:
        batch.drop_column("held_offer_id")
    op.drop_index("ix_held_offer_open_lease", "held_offer")
    op.drop_index("uq_held_offer_open_held", "held_offer")
    op.drop_index("uq_held_offer_held_fence", "held_offer")
    op.drop_table("held_offer")
    op.drop_index("ix_held_call_ended", "held_call")
    op.drop_index("ix_held_call_line", "held_call")
    op.drop_index("uq_held_call_call_sid", "held_call")
    op.drop_table("held_call")
