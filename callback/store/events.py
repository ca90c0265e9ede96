"""Broken promises and the lifecycle event outbox, each change its own short transaction.

Events reach the outbox two ways: the promise check writes `promise_broken` in the same
transaction that marks the promise broken, and the state-change scan derives the others by
reading the requests changed since its cursor and comparing them with what it last saw
(`event_watch`). The scan sees states, not transitions: a request that passes through two
states between two scans yields only the latest one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, Insert, RowMapping, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from callback.store.engine import read_transaction, write_transaction
from callback.store.tables import (
    BROKEN_PROMISE,
    EVENT_CURSOR,
    EVENT_OUTBOX,
    EVENT_WATCH,
    REQUEST,
    state_in,
)
from callback.types import E164, PENDING_STATES, QueueName, RequestId, State

BATCH = 200
_CURSOR = "state-changes"
_r, _b, _o, _w, _c = REQUEST.c, BROKEN_PROMISE.c, EVENT_OUTBOX.c, EVENT_WATCH.c, EVENT_CURSOR.c


class EventKind(StrEnum):
    """The lifecycle events sent to the outbound webhook."""

    REQUESTED = "requested"
    MERGED = "merged"
    SCHEDULED = "scheduled"
    DIALING = "dialing"
    CONNECTED = "connected"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    PROMISE_BROKEN = "promise_broken"


@dataclass(frozen=True, slots=True)
class Overdue:
    """A request still waiting to be reached after the time it was promised."""

    request_id: RequestId
    queue: QueueName
    number: E164
    language: str
    state: State
    promise_by: datetime
    attempts: int
    """Dial attempts made so far: 0 when the customer was never called."""


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """One event to deliver, with the number of the request as it is now (may be purged)."""

    id: int
    kind: EventKind
    request_id: RequestId
    queue: QueueName
    state: State
    at: datetime
    attempts: int
    number: str | None


@dataclass(frozen=True, slots=True)
class Seen:
    """What the state-change scan last turned into an event for one request."""

    state: State
    contexts: int


def event_for(seen: Seen | None, state: State, contexts: int) -> EventKind | None:
    """The event a request's current state means, given what was seen of it before."""
    if seen is not None and seen.state is state:
        return EventKind.MERGED if contexts > seen.contexts else None
    if state is State.WAITING:
        # Back to waiting after a failed try is a retry, not a new request.
        return EventKind.REQUESTED if seen is None else None
    return EventKind(state.value)


def _insert_ignoring(connection: Connection, table: Any, values: dict[str, Any]) -> int:
    statement: Insert
    if connection.dialect.name == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(table).on_conflict_do_nothing()
    return connection.execute(statement, values).rowcount


def _outbox_values(
    kind: EventKind, request_id: int, queue: str, state: str, at: datetime
) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "request_id": request_id,
        "queue": queue,
        "state": state,
        "at": at,
        "attempts": 0,
        "next_attempt_at": at,
        "delivered_at": None,
        "gave_up_at": None,
    }


def _overdue(row: RowMapping) -> Overdue:
    return Overdue(
        request_id=RequestId(row["id"]),
        queue=QueueName(row["queue"]),
        number=E164(row["number"]),
        language=row["language"],
        state=State(row["state"]),
        promise_by=row["promise_by"],
        attempts=row["attempts"],
    )


def _outbox(row: RowMapping) -> OutboxEvent:
    return OutboxEvent(
        id=row["id"],
        kind=EventKind(row["kind"]),
        request_id=RequestId(row["request_id"]),
        queue=QueueName(row["queue"]),
        state=State(row["state"]),
        at=row["at"],
        attempts=row["attempts"],
        number=row["number"] or None,
    )


class EventStore:
    """Broken promises, the event outbox and the state-change scan on one database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def overdue_promises(self, now: datetime, limit: int = BATCH) -> list[Overdue]:
        """Pending requests whose promised time has passed and that are not yet marked."""
        query = (
            select(_r.id, _r.queue, _r.number, _r.language, _r.state, _r.promise_by, _r.attempts)
            .outerjoin(BROKEN_PROMISE, _b.request_id == _r.id)
            .where(state_in(_r.state, PENDING_STATES), _r.promise_by < now)
            .where(_b.request_id.is_(None))
            .order_by(_r.promise_by)
            .limit(limit)
        )
        with read_transaction(self._engine) as connection:
            return [_overdue(row) for row in connection.execute(query).mappings()]

    def mark_broken(self, overdue: Overdue, now: datetime, *, emit: bool) -> bool:
        """Record the broken promise once (and its event when `emit`); False if already done."""
        values = {
            "request_id": overdue.request_id,
            "queue": overdue.queue,
            "promise_by": overdue.promise_by,
            "at": now,
        }
        with write_transaction(self._engine) as connection:
            if _insert_ignoring(connection, BROKEN_PROMISE, values) == 0:
                return False
            if emit:
                event = _outbox_values(
                    EventKind.PROMISE_BROKEN,
                    overdue.request_id,
                    overdue.queue,
                    overdue.state.value,
                    now,
                )
                connection.execute(EVENT_OUTBOX.insert(), event)
            return True

    def broken_promises(self, since: datetime) -> int:
        """How many promises were found broken at or after `since`."""
        query = select(func.count()).select_from(BROKEN_PROMISE).where(_b.at >= since)
        with read_transaction(self._engine) as connection:
            return int(connection.execute(query).scalar_one())

    def due_events(self, now: datetime, limit: int = BATCH) -> list[OutboxEvent]:
        """Events whose next delivery attempt is due, oldest first."""
        query = (
            select(EVENT_OUTBOX, _r.number)
            .outerjoin(REQUEST, _r.id == _o.request_id)
            .where(_o.next_attempt_at <= now)
            .order_by(_o.next_attempt_at, _o.id)
            .limit(limit)
        )
        with read_transaction(self._engine) as connection:
            return [_outbox(row) for row in connection.execute(query).mappings()]

    def delivered(self, event_id: int, now: datetime) -> None:
        """The receiver accepted the event: it leaves the delivery index."""
        values = {"delivered_at": now, "next_attempt_at": None, "attempts": _o.attempts + 1}
        self._update(event_id, values)

    def retry_at(self, event_id: int, next_attempt_at: datetime) -> None:
        """A failed attempt: try again at `next_attempt_at`."""
        self._update(event_id, {"next_attempt_at": next_attempt_at, "attempts": _o.attempts + 1})

    def gave_up(self, event_id: int, now: datetime) -> None:
        """The last attempt failed: keep the event, stop trying."""
        values = {"gave_up_at": now, "next_attempt_at": None, "attempts": _o.attempts + 1}
        self._update(event_id, values)

    def outbox(self) -> list[OutboxEvent]:
        """Every event in the outbox, in id order (for tests and tools)."""
        query = select(EVENT_OUTBOX, _r.number).outerjoin(REQUEST, _r.id == _o.request_id)
        with read_transaction(self._engine) as connection:
            rows = connection.execute(query.order_by(_o.id)).mappings()
            return [_outbox(row) for row in rows]

    def scan_changes(self, until: datetime, *, emit: bool, limit: int = BATCH) -> int:
        """Turn the requests changed up to `until` since the cursor into events; how many.

        With `emit` off the cursor and the watch still move, so that turning the webhook on
        later does not replay old history.
        """
        with write_transaction(self._engine) as connection:
            cursor = connection.execute(
                select(_c.updated_at, _c.request_id).where(_c.name == _CURSOR)
            ).first()
            rows = _changed(connection, cursor, until, limit)
            added = sum(_watch(connection, row, emit=emit) for row in rows)
            if rows:
                _move_cursor(connection, rows[-1], exists=cursor is not None)
            return added

    def _update(self, event_id: int, values: dict[str, Any]) -> None:
        with write_transaction(self._engine) as connection:
            connection.execute(update(EVENT_OUTBOX).where(_o.id == event_id).values(values))


def _changed(
    connection: Connection, cursor: Any, until: datetime, limit: int
) -> Sequence[RowMapping]:
    query = select(_r.id, _r.queue, _r.state, _r.contexts, _r.updated_at).where(
        _r.updated_at <= until
    )
    if cursor is not None:
        # Spelled out rather than a row-value comparison, so each side gets the column's type.
        at, last = cursor
        query = query.where(or_(_r.updated_at > at, and_(_r.updated_at == at, _r.id > last)))
    query = query.order_by(_r.updated_at, _r.id).limit(limit)
    return connection.execute(query).mappings().all()


def _watch(connection: Connection, row: RowMapping, *, emit: bool) -> int:
    found = connection.execute(
        select(_w.state, _w.contexts).where(_w.request_id == row["id"])
    ).first()
    seen = None if found is None else Seen(State(found[0]), found[1])
    state, contexts = State(row["state"]), len(row["contexts"])
    kind = event_for(seen, state, contexts)
    values = {"state": state.value, "contexts": contexts}
    if found is None:
        connection.execute(EVENT_WATCH.insert(), values | {"request_id": row["id"]})
    elif seen != Seen(state, contexts):
        connection.execute(update(EVENT_WATCH).where(_w.request_id == row["id"]).values(values))
    if kind is None or not emit:
        return 0
    event = _outbox_values(kind, row["id"], row["queue"], state.value, row["updated_at"])
    connection.execute(EVENT_OUTBOX.insert(), event)
    return 1


def _move_cursor(connection: Connection, last: RowMapping, *, exists: bool) -> None:
    values = {"updated_at": last["updated_at"], "request_id": last["id"]}
    if exists:
        connection.execute(update(EVENT_CURSOR).where(_c.name == _CURSOR).values(values))
    else:
        connection.execute(EVENT_CURSOR.insert(), values | {"name": _CURSOR})


SETTLE = timedelta(seconds=5)
"""How old a change must be before the scan reads it, so a slow commit is not skipped."""
