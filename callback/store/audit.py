"""The audit trail: who did what in the console (and the `holdless user` command), and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select

from callback.store.console_tables import AUDIT_RECORD
from callback.store.engine import read_transaction, write_transaction

_a = AUDIT_RECORD.c
MAX_DETAIL = 500
"""Longer details are cut: a record says what happened, it is not a copy of the input."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audited action."""

    id: int
    at: datetime
    actor: str
    action: str
    detail: str


class AuditStore:
    """Append-only audit records in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, actor: str, action: str, detail: str, now: datetime) -> None:
        """Append that `actor` did `action` at `now`, with a short `detail`."""
        row = {"at": now, "actor": actor, "action": action, "detail": detail[:MAX_DETAIL]}
        with write_transaction(self._engine) as connection:
            connection.execute(insert(AUDIT_RECORD).values(row))

    def recent(self, limit: int = 100, actor: str | None = None) -> list[AuditRecord]:
        """The newest records first, all actors' or one's."""
        query = select(AUDIT_RECORD).order_by(_a.at.desc(), _a.id.desc()).limit(limit)
        if actor is not None:
            query = query.where(_a.actor == actor)
        with read_transaction(self._engine) as connection:
            return [AuditRecord(*row) for row in connection.execute(query).all()]
