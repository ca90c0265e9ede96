"""Measured handle time per dial attempt and customer patience, from recent history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    and_,
    extract,
    func,
    literal,
    select,
    type_coerce,
)

from callback.forecast import Measured
from callback.store.tables import ATTEMPT, REQUEST, state_in
from callback.types import QueueName, State

_a, _r = ATTEMPT.c, REQUEST.c
LEFT_UNSERVED = frozenset({State.CANCELLED, State.EXPIRED})


def _seconds(later: ColumnElement[Any], earlier: ColumnElement[Any], dialect: str) -> Any:
    # SQLite stores microseconds since the epoch (callback.store.utc); PostgreSQL intervals.
    if dialect == "sqlite":
        micros = type_coerce(later, BigInteger) - type_coerce(earlier, BigInteger)
        return micros / literal(1_000_000.0)
    return extract("epoch", later - earlier)


def measured(connection: Connection, queue: QueueName, since: datetime, now: datetime) -> Measured:
    """What `queue` showed between `since` and `now`; the indexes keep it to that window."""
    dialect = connection.dialect.name
    attempts, handle_s = _handle(connection, queue, since, now, dialect)
    abandoned, abandoned_s = _abandoned(connection, queue, since, now, dialect)
    served_s = _served_wait(connection, queue, since, now, dialect)
    return Measured(
        attempts=attempts,
        mean_handle=timedelta(seconds=handle_s / attempts) if attempts else None,
        abandoned=abandoned,
        exposure=timedelta(seconds=abandoned_s + served_s),
    )


def _handle(
    connection: Connection, queue: QueueName, since: datetime, now: datetime, dialect: str
) -> tuple[int, float]:
    """Ended dial attempts and their total duration, no-answers included."""
    query = select(func.count(), func.sum(_seconds(_a.ended_at, _a.claimed_at, dialect))).where(
        _a.queue == queue, _a.ended_at >= since, _a.ended_at <= now
    )
    count, total = connection.execute(query).one()
    return int(count), float(total or 0.0)


def _abandoned(
    connection: Connection, queue: QueueName, since: datetime, now: datetime, dialect: str
) -> tuple[int, float]:
    """Customers who left the line before any dial, and how long they had waited."""
    query = select(func.count(), func.sum(_seconds(_r.finished_at, _r.virtual_start, dialect)))
    query = query.where(
        _r.queue == queue,
        _r.finished_at >= since,
        _r.finished_at <= now,
        state_in(_r.state, LEFT_UNSERVED),
        _r.attempts == 0,
    )
    count, total = connection.execute(query).one()
    return int(count), float(total or 0.0)


def _served_wait(
    connection: Connection, queue: QueueName, since: datetime, now: datetime, dialect: str
) -> float:
    """Total wait of customers whose first dial ended in the window (they stayed the course)."""
    joined = ATTEMPT.join(REQUEST, and_(_r.id == _a.request_id, _a.fence == 1))
    query = select(func.sum(_seconds(_a.claimed_at, _r.virtual_start, dialect))).select_from(joined)
    query = query.where(_a.queue == queue, _a.ended_at >= since, _a.ended_at <= now)
    total = connection.execute(query).scalar_one()
    return float(total or 0.0)
