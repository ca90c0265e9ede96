"""The one transaction of an incoming call: store its leg, find the caller's pending request.

Every incoming call runs it before it is answered, so its two statements are compiled once
into SQL text and run on the driver's cursor (`callback.store.prepared`). Calls arriving
together may share the transaction (`Arrival.run_all`): the commit, not the statements, is
its cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Engine, Insert, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.interfaces import DBAPICursor

from callback.store.engine import driver_write_transaction
from callback.store.prepared import Prepared
from callback.store.queries import ACTIVE_ID
from callback.store.tables import PHONE_CALL, REQUEST
from callback.types import E164, QueueName, RequestId

NEW_RANK = -1
"""The rank of a call leg seen before any status."""
INBOUND = "inbound"
"""The direction of a call that a caller placed to one of our numbers."""

_NEW_CALL_KEYS = ("call_sid", "direction", "queue", "arrived_at", "status_rank", "updated_at")


def _new_call(dialect: Dialect) -> Insert:
    values: dict[str, BindParameter[Any]] = {key: bindparam(key) for key in _NEW_CALL_KEYS}
    if dialect.name == "postgresql":
        return postgresql.insert(PHONE_CALL).values(values).on_conflict_do_nothing()
    if dialect.name == "sqlite":
        return sqlite.insert(PHONE_CALL).values(values).on_conflict_do_nothing()
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
    """The arrival's statements, compiled for one database."""

    new_call: Prepared
    active_id: Prepared

    @classmethod
    def of(cls, dialect: Dialect) -> Arrival:
        """The statements compiled for `dialect` (SQLite or PostgreSQL)."""
        leg = {key: PHONE_CALL.c[key].type for key in _NEW_CALL_KEYS}
        caller = {"queue": REQUEST.c.queue.type, "number": REQUEST.c.number.type}
        return cls(
            new_call=Prepared.of(_new_call(dialect), dialect, leg),
            active_id=Prepared.of(ACTIVE_ID, dialect, caller),
        )

    def run(
        self, engine: Engine, call_sid: str, queue: QueueName, caller: E164 | None, now: datetime
    ) -> RequestId | None:
        """Store the inbound leg `call_sid` unless known (a repeat keeps its first arrival);
        the id of `caller`'s unfinished request in `queue`, if any. One write transaction."""
        return self.run_all(engine, [NewCall(call_sid, queue, caller, now)])[0]

    def run_all(self, engine: Engine, calls: Sequence[NewCall]) -> list[RequestId | None]:
        """`run` for each of `calls`, all in one write transaction: stored all or none."""
        found: list[RequestId | None] = []
        with driver_write_transaction(engine) as cursor:
            for call in calls:
                found.append(self._arrive(cursor, call))
        return found

    def _arrive(self, cursor: DBAPICursor, call: NewCall) -> RequestId | None:
        self.new_call.run(cursor, _leg(call))
        if call.caller is None:
            return None
        keys = {"queue": call.queue, "number": call.caller}
        row = self.active_id.run(cursor, keys).fetchone()
        return None if row is None else RequestId(row[0])


def _leg(call: NewCall) -> dict[str, object]:
    return {
        "call_sid": call.call_sid,
        "direction": INBOUND,
        "queue": call.queue,
        "arrived_at": call.now,
        "status_rank": NEW_RANK,
        "updated_at": call.now,
    }
