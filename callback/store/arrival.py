"""The one transaction of an incoming call: store its leg, find the caller's pending request.

Every incoming call runs it before it is answered, so its two statements are compiled once
and run on the driver's cursor (`callback.store.prepared`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from callback.store.engine import driver_write_transaction
from callback.store.prepared import Prepared
from callback.store.queries import ACTIVE_ID
from callback.store.tables import PHONE_CALL
from callback.types import E164, QueueName, RequestId

NEW_RANK = -1
"""The rank of a call leg seen before any status."""
INBOUND = "inbound"
"""The direction of a call that a caller placed to one of our numbers."""

_NEW_CALL_KEYS = ("call_sid", "direction", "queue", "arrived_at", "status_rank", "updated_at")


def _new_call(dialect: Dialect) -> Insert:
    if dialect.name == "postgresql":
        return postgresql.insert(PHONE_CALL).on_conflict_do_nothing()
    if dialect.name == "sqlite":
        return sqlite.insert(PHONE_CALL).on_conflict_do_nothing()
    raise ValueError(f"no upsert for {dialect.name}: only SQLite and PostgreSQL are supported")


@dataclass(frozen=True, slots=True)
class Arrival:
    """The arrival's statements, compiled for one database."""

    new_call: Prepared
    active_id: Prepared

    @classmethod
    def of(cls, dialect: Dialect) -> Arrival:
        """The statements compiled for `dialect` (SQLite or PostgreSQL)."""
        return cls(
            new_call=Prepared.of(_new_call(dialect), dialect, _NEW_CALL_KEYS),
            active_id=Prepared.of(ACTIVE_ID, dialect),
        )

    def run(
        self, engine: Engine, call_sid: str, queue: QueueName, caller: E164 | None, now: datetime
    ) -> RequestId | None:
        """Store the inbound leg `call_sid` unless known (a repeat keeps its first arrival);
        the id of `caller`'s unfinished request in `queue`, if any. One write transaction."""
        call = {
            "call_sid": call_sid,
            "direction": INBOUND,
            "queue": queue,
            "arrived_at": now,
            "status_rank": NEW_RANK,
            "updated_at": now,
        }
        with driver_write_transaction(engine) as cursor:
            self.new_call.run(cursor, call)
            if caller is None:
                return None
            row = self.active_id.run(cursor, {"queue": queue, "number": caller}).fetchone()
        return None if row is None else RequestId(row[0])
