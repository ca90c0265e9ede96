"""Every announcement made to a person in the line, kept beside what then happened to them.

A row is one announcement to one person: a callback request (its booking's promise) or a
caller on hold (each hold round). It is written in the transaction that already writes for
that announcement, and closed in the transaction that moves the person: reached (a callback
connected, a held caller bridged to an agent), or gone without being reached. Which rows are
judged, and how, is `callback.accuracy`'s to say; this module adds them up per queue and day.

The first announcement to each person is marked as such when it is written: the daily figure
judges those (one per person), and all announcements apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    exists,
    extract,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
    update,
)

from callback.accuracy import Accuracy, Tally, accuracy
from callback.store.engine import read_transaction, write_transaction
from callback.store.tables import metadata
from callback.store.utc import UtcTimestamp
from callback.types import QueueName, RequestId, State


class Outcome(StrEnum):
    """How a person's wait ended; all but `reached` and `left` mean they gave up."""

    REACHED = "reached"
    ABANDONED = "abandoned"
    """A caller hung up on hold (or while being put through)."""
    LEFT = "left"
    """A caller left the hold for a callback: their wait goes on as a request."""
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    FAILED = "failed"


ENDED_BY: dict[State, Outcome] = {
    State.CONNECTED: Outcome.REACHED,
    State.CANCELLED: Outcome.CANCELLED,
    State.EXPIRED: Outcome.EXPIRED,
    State.FAILED: Outcome.FAILED,
}
"""A request's moves that end its customer's wait: connected, or given up on unreached."""


def _sql_list(values: list[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


ANNOUNCEMENT = Table(
    "announcement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("queue", String, nullable=False),
    Column("request_id", Integer, nullable=True),
    Column("held_id", Integer, nullable=True),
    Column("source", String, nullable=False),
    Column("announced_at", UtcTimestamp, nullable=False),
    Column("ahead", Integer, nullable=True),
    Column("wait_s", Float, nullable=False),
    Column("low_s", Float, nullable=False),
    Column("high_s", Float, nullable=False),
    Column("promise_by", UtcTimestamp, nullable=True),
    Column("is_first", Boolean, nullable=False),
    Column("ended_at", UtcTimestamp, nullable=True),
    Column("outcome", String, nullable=True),
    CheckConstraint("(request_id IS NULL) <> (held_id IS NULL)", name="person"),
    CheckConstraint(f"outcome IN ({_sql_list([o.value for o in Outcome])})", name="outcome"),
    sqlite_autoincrement=True,
)
_n = ANNOUNCEMENT.c
_for_request = _n.request_id.is_not(None)
_for_held = _n.held_id.is_not(None)
# Closing a person's rows and telling whether one is their first: by person, a few rows each.
Index(
    "ix_announcement_request_id",
    _n.request_id,
    sqlite_where=_for_request,
    postgresql_where=_for_request,
)
Index("ix_announcement_held_id", _n.held_id, sqlite_where=_for_held, postgresql_where=_for_held)
# The daily figure reads the rows closed in a day; retention deletes by age.
Index("ix_announcement_queue_ended", _n.queue, _n.ended_at)
Index("ix_announcement_announced_at", _n.announced_at)


@dataclass(frozen=True, slots=True)
class Told:
    """What a person was told: the wait, its range and, for a callback, the promised time."""

    queue: QueueName
    source: str
    """The channel of a booking (ivr, web, app, api, sms), or "hold" for a hold round."""
    at: datetime
    ahead: int | None
    wait: timedelta
    low: timedelta
    high: timedelta
    by: datetime | None = None


def _insert(person: Column[Any]) -> Any:
    earlier = exists().where(person == bindparam("person"))
    return insert(ANNOUNCEMENT).values({person.name: bindparam("person"), "is_first": ~earlier})


_INSERT_FOR_REQUEST = _insert(_n.request_id)
_INSERT_FOR_HELD = _insert(_n.held_id)
_CLOSE_REQUEST = update(ANNOUNCEMENT).where(
    _n.request_id == bindparam("person"), _n.ended_at.is_(None)
)
_CLOSE_HELD = update(ANNOUNCEMENT).where(_n.held_id == bindparam("person"), _n.ended_at.is_(None))
_REACHED_AFTER_ALL = update(ANNOUNCEMENT).where(
    _n.held_id == bindparam("person"), _n.outcome == Outcome.ABANDONED.value
)


def _values(told: Told) -> dict[str, Any]:
    return {
        "queue": told.queue,
        "source": told.source,
        "announced_at": told.at,
        "ahead": told.ahead,
        "wait_s": told.wait.total_seconds(),
        "low_s": told.low.total_seconds(),
        "high_s": told.high.total_seconds(),
        "promise_by": told.by,
    }


def told_request(connection: Connection, request_id: RequestId, told: Told) -> None:
    """Keep what the customer of `request_id` was just told."""
    connection.execute(_INSERT_FOR_REQUEST, _values(told) | {"person": request_id})


def told_held(connection: Connection, held_id: int, told: Told) -> None:
    """Keep what the caller on hold `held_id` was just told."""
    connection.execute(_INSERT_FOR_HELD, _values(told) | {"person": held_id})


def close_request(
    connection: Connection, request_id: RequestId, outcome: Outcome, now: datetime
) -> None:
    """The wait of `request_id` ended at `now`; rows closed before keep their first ending."""
    values = {"person": request_id, "ended_at": now, "outcome": outcome.value}
    connection.execute(_CLOSE_REQUEST, values)


def close_held(connection: Connection, held_id: int, outcome: Outcome, now: datetime) -> None:
    """The wait of the caller on hold `held_id` ended at `now`."""
    values = {"person": held_id, "ended_at": now, "outcome": outcome.value}
    connection.execute(_CLOSE_HELD, values)


def reached_after_all(connection: Connection, held_id: int, reached: datetime) -> None:
    """The caller on hold `held_id`, taken for gone when their call ended, had been reached at
    `reached` (the carrier said so later)."""
    values = {"person": held_id, "ended_at": reached, "outcome": Outcome.REACHED.value}
    connection.execute(_REACHED_AFTER_ALL, values)


def _seconds(later: ColumnElement[Any], earlier: ColumnElement[Any], dialect: str) -> Any:
    """`later - earlier` in seconds, in SQL (SQLite keeps integer microseconds)."""
    if dialect == "sqlite":
        gap = type_coerce(later, BigInteger) - type_coerce(earlier, BigInteger)
        return gap / literal(1e6)
    return extract("epoch", later - earlier)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _tally_columns(dialect: str) -> list[Any]:
    waited = _seconds(_n.ended_at, _n.announced_at, dialect)
    error = waited - _n.wait_s
    reached = _n.outcome == Outcome.REACHED.value
    ranged = and_(reached, _n.high_s > _n.low_s)
    promised = and_(_n.promise_by.is_not(None), or_(reached, _n.ended_at > _n.promise_by))
    return [
        _count(reached),
        _count(~reached),
        func.coalesce(func.sum(case((reached, error), else_=0.0)), 0.0),
        func.coalesce(func.sum(case((reached, error * error), else_=0.0)), 0.0),
        _count(ranged),
        _count(and_(ranged, waited >= _n.low_s, waited <= _n.high_s)),
        _count(promised),
        _count(and_(promised, reached, _n.ended_at <= _n.promise_by)),
    ]


@dataclass(frozen=True, slots=True)
class Judged:
    """A queue's tallies over a span: first announcements only, and every announcement."""

    first: Tally
    every: Tally


def judged(connection: Connection, queue: QueueName, start: datetime, until: datetime) -> Judged:
    """The tallies of `queue`'s announcements whose person's wait ended in [start, until)."""
    query = (
        select(_n.is_first, *_tally_columns(connection.dialect.name))
        .where(
            _n.queue == queue,
            _n.ended_at >= start,
            _n.ended_at < until,
            _n.outcome != Outcome.LEFT.value,
        )
        .group_by(_n.is_first)
    )
    first, later = Tally(), Tally()
    for is_first, *sums in connection.execute(query):
        if is_first:
            first = _tally(sums)
        else:
            later = _tally(sums)
    return Judged(first, first.plus(later))


def _tally(sums: list[Any]) -> Tally:
    # PostgreSQL sums come back as Decimal, SQLite's as int or float.
    reached, gave_up, error_sum, squares, ranged, inside, promised, kept = sums
    counts = (int(reached), int(gave_up))
    return Tally(
        *counts, float(error_sum), float(squares), *map(int, (ranged, inside, promised, kept))
    )


@dataclass(frozen=True, slots=True)
class Daily:
    """A queue's accuracy over a day so far: one figure per person, one per announcement."""

    since: datetime
    first: Accuracy
    every: Accuracy


class AccuracyStore:
    """The accuracy figures, and the reach of a callback seen before its state changes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def daily(self, queue: QueueName, start: datetime, now: datetime) -> Daily:
        """The figure of `queue` over the waits that ended from `start` up to `now`."""
        with read_transaction(self._engine) as connection:
            found = judged(connection, queue, start, now + timedelta(microseconds=1))
        return Daily(start, accuracy(found.first), accuracy(found.every))

    def reached(self, request_id: RequestId, now: datetime) -> None:
        """The customer of `request_id` is on the line with an agent (agent-first: they
        answered the agent's call), though the request moves only when the bridge ends."""
        with write_transaction(self._engine) as connection:
            close_request(connection, request_id, Outcome.REACHED, now)
