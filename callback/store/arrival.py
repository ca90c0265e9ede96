"""The one transaction of an incoming call: store its leg, find the caller's pending request.

Every incoming call runs it before it is answered. Calls arriving together share the
transaction (`Arrival.run_all`): their legs are stored by one executemany, and the commit,
not the statements, is its cost. SQLAlchemy's own execution runs it (its compiled cache
keeps the statements compiled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from callback.store.engine import write_transaction
from callback.store.queries import ACTIVE_ID
from callback.store.tables import PHONE_CALL
from callback.types import E164, QueueName, RequestId

NEW_RANK = -1
"""The rank of a call leg seen before any status."""
INBOUND = "inbound"
"""The direction of a call that a caller placed to one of our numbers."""


def _new_call(dialect: Dialect) -> Insert:
    if dialect.name == "postgresql":
        return postgresql.insert(PHONE_CALL).on_conflict_do_nothing()
    if dialect.name == "sqlite":
        return sqlite.insert(PHONE_CALL).on_conflict_do_nothing()
    raise ValueError(f"no upsert for {dialect.name}: only SQLite and PostgreSQL are supported")


@dataclass(frozen=True, slots=True)
class NewCall:
    """An incoming call leg to store, and the caller whose pending request is looked up."""

    call_sid: str
    queue: QueueName
    caller: E164 | None
    """The caller ID as requests store numbers (E.164), or None when it cannot be one."""
    now: datetime


@dataclass(frozen=True, slots=True)
class Arrival:
    """The arrival's statements for one database."""

    new_call: Insert

    @classmethod
    def of(cls, dialect: Dialect) -> Arrival:
        """The statements for `dialect` (SQLite or PostgreSQL)."""
        return cls(new_call=_new_call(dialect))

    def run(
        self, engine: Engine, call_sid: str, queue: QueueName, caller: E164 | None, now: datetime
    ) -> RequestId | None:
        """Store the inbound leg `call_sid` unless known (a repeat keeps its first arrival);
        the id of `caller`'s unfinished request in `queue`, if any. One write transaction."""
        return self.run_all(engine, [NewCall(call_sid, queue, caller, now)])[0]

    def run_all(self, engine: Engine, calls: Sequence[NewCall]) -> list[RequestId | None]:
        """`run` for each of `calls`, all in one write transaction: stored all or none."""
        if not calls:
            return []
        with write_transaction(engine) as connection:
            connection.execute(self.new_call, [_leg(call) for call in calls])
            return [_active_id(connection, call) for call in calls]


def _active_id(connection: Connection, call: NewCall) -> RequestId | None:
    if call.caller is None:
        return None
    keys = {"queue": call.queue, "number": call.caller}
    found = connection.execute(ACTIVE_ID, keys).scalar_one_or_none()
    return None if found is None else RequestId(found)


def _leg(call: NewCall) -> dict[str, object]:
    return {
        "call_sid": call.call_sid,
        "direction": INBOUND,
        "queue": call.queue,
        "arrived_at": call.now,
        "status_rank": NEW_RANK,
        "updated_at": call.now,
    }
