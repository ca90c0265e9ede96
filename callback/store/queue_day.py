"""One queue's day so far, for `GET /api/v1/queues`: who reached an agent, who gave up.

Both halves of the one line are counted: callers served from hold and callbacks completed,
each with their wait from their place in line (`virtual_start`) to the claim that reached
them (the offer that connected a held caller, the dial that connected a callback), as
today's wallboard figures count (callback.store.today). Everything is read for rows stamped
inside [start, until) in one read transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    and_,
    case,
    extract,
    func,
    literal,
    select,
    type_coerce,
)

from callback.store.engine import read_transaction
from callback.store.tables import (
    ATTEMPT,
    BROKEN_PROMISE,
    HELD_CALL,
    HELD_OFFER,
    REQUEST,
    VOICEMAIL,
    state_in,
)
from callback.types import QueueName, State

_r, _a, _h, _o, _v = REQUEST.c, ATTEMPT.c, HELD_CALL.c, HELD_OFFER.c, VOICEMAIL.c
CONNECTED = "connected"
"""The outcome of the offer or dial that reached the person."""
UNSERVED = frozenset({State.CANCELLED, State.EXPIRED})


@dataclass(frozen=True, slots=True)
class Waits:
    """How many people were reached, their total and their longest wait in seconds."""

    count: int = 0
    total_s: float = 0.0
    longest_s: float | None = None

    def plus(self, other: Waits) -> Waits:
        """Both groups of people together."""
        longest = max((w for w in (self.longest_s, other.longest_s) if w is not None), default=None)
        return Waits(self.count + other.count, self.total_s + other.total_s, longest)

    @property
    def average_s(self) -> float | None:
        """Mean wait of the people reached; None when nobody was."""
        return self.total_s / self.count if self.count else None


@dataclass(frozen=True, slots=True)
class QueueDay:
    """What one queue did between `start` and `until`."""

    from_hold: Waits = Waits()
    callbacks: Waits = Waits()
    abandoned_on_hold: int = 0
    callbacks_unserved: int = 0
    voicemails: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    booked: dict[str, int] = field(default_factory=dict)

    @property
    def reached(self) -> Waits:
        """Everyone who reached an agent: served from hold and called back."""
        return self.from_hold.plus(self.callbacks)


def _seconds(later: ColumnElement[Any], earlier: ColumnElement[Any], dialect: str) -> Any:
    # SQLite keeps microseconds since the epoch (callback.store.utc); PostgreSQL intervals.
    if dialect == "sqlite":
        micros = type_coerce(later, BigInteger) - type_coerce(earlier, BigInteger)
        return micros / literal(1_000_000.0)
    return extract("epoch", later - earlier)


def _waits(row: Any) -> Waits:
    count, total, longest = row[0], row[1], row[2]
    return Waits(int(count), float(total or 0.0), None if longest is None else float(longest))


def _from_hold(c: Connection, queue: QueueName, start: datetime, until: datetime) -> Waits:
    wait = _seconds(_o.claimed_at, _h.virtual_start, c.dialect.name)
    joined = HELD_CALL.join(HELD_OFFER, and_(_o.held_id == _h.id, _o.outcome == CONNECTED))
    query = (
        select(func.count(), func.sum(wait), func.max(wait))
        .select_from(joined)
        .where(_h.queue == queue, _h.state == "served", _h.ended_at >= start, _h.ended_at < until)
    )
    return _waits(c.execute(query).one())


def _called_back(c: Connection, queue: QueueName, start: datetime, until: datetime) -> Any:
    wait = _seconds(_a.claimed_at, _r.virtual_start, c.dialect.name)
    kept = and_(_r.promise_by.is_not(None), _a.claimed_at <= _r.promise_by)
    joined = REQUEST.join(ATTEMPT, and_(_a.request_id == _r.id, _a.fence == _r.fence))
    query = (
        select(func.count(), func.sum(wait), func.max(wait), func.sum(case((kept, 1), else_=0)))
        .select_from(joined)
        .where(_r.queue == queue, _r.finished_at >= start, _r.finished_at < until)
        .where(state_in(_r.state, {State.COMPLETED}))
    )
    return c.execute(query).one()


def _count(c: Connection, query: Any) -> int:
    return int(c.execute(query).scalar_one())


def _gone(c: Connection, queue: QueueName, start: datetime, until: datetime) -> tuple[int, int]:
    on_hold = select(func.count()).where(
        _h.queue == queue, _h.state == "abandoned", _h.ended_at >= start, _h.ended_at < until
    )
    # A request that ended without a single dial: cancelled, or expired before its turn.
    unserved = select(func.count()).where(
        _r.queue == queue,
        _r.finished_at >= start,
        _r.finished_at < until,
        state_in(_r.state, UNSERVED),
        _r.attempts == 0,
    )
    return _count(c, on_hold), _count(c, unserved)


def _booked(c: Connection, queue: QueueName, start: datetime, until: datetime) -> dict[str, int]:
    query = (
        select(_r.channel, func.count())
        .where(_r.queue == queue, _r.created_at >= start, _r.created_at < until)
        .group_by(_r.channel)
    )
    return {str(channel): int(count) for channel, count in c.execute(query)}


def queue_day(engine: Engine, queue: QueueName, start: datetime, until: datetime) -> QueueDay:
    """The figures of `queue` over [start, until), read in one transaction."""
    with read_transaction(engine) as c:
        callbacks = _called_back(c, queue, start, until)
        on_hold, unserved = _gone(c, queue, start, until)
        voicemails = select(func.count()).where(
            _v.queue == queue, _v.received_at >= start, _v.received_at < until
        )
        _b = BROKEN_PROMISE.c
        broken = select(func.count()).where(_b.queue == queue, _b.at >= start, _b.at < until)
        return QueueDay(
            from_hold=_from_hold(c, queue, start, until),
            callbacks=_waits(callbacks),
            abandoned_on_hold=on_hold,
            callbacks_unserved=unserved,
            voicemails=_count(c, voicemails),
            promises_kept=int(callbacks[3] or 0),
            promises_broken=_count(c, broken),
            booked=_booked(c, queue, start, until),
        )
