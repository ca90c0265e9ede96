"""The console's tables: the people who sign in, and the audit trail of what they did.

Declared as SQLAlchemy Core tables on the store's metadata (the queries use Core tables),
in their own module so that the console's schema sits apart from the queue's.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Table

from callback.store.tables import metadata
from callback.store.utc import UtcTimestamp

ROLES = ("supervisor", "agent", "viewer")

CONSOLE_USER = Table(
    "console_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False),
    Column("agent_id", String, nullable=True),
    Column("password_hash", String, nullable=False),
    # Bumped by sign-out, a new password and disabling: every older session cookie dies.
    Column("session_generation", Integer, nullable=False),
    Column("created_at", UtcTimestamp, nullable=False),
    Column("password_changed_at", UtcTimestamp, nullable=False),
    Column("disabled_at", UtcTimestamp, nullable=True),
    CheckConstraint(f"role IN ({', '.join(repr(role) for role in ROLES)})", name="role"),
    # An agent signs in as one roster agent; nobody else is tied to one.
    CheckConstraint("(role = 'agent') = (agent_id IS NOT NULL)", name="agent"),
    # User ids are kept in session cookies: SQLite must never hand a deleted one out again.
    sqlite_autoincrement=True,
)
Index("uq_console_user_name", CONSOLE_USER.c.name, unique=True)

AUDIT_RECORD = Table(
    "audit_record",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcTimestamp, nullable=False),
    Column("actor", String, nullable=False),
    Column("action", String, nullable=False),
    Column("detail", String, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_audit_record_at", AUDIT_RECORD.c.at)
Index("ix_audit_record_actor_at", AUDIT_RECORD.c.actor, AUDIT_RECORD.c.at)
