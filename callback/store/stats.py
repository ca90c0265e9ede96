"""Measured agent occupation per dial attempt and per hold offer, customer patience, and the
levels learned from how the recent announcements fared (`callback.calibration`).

An attempt (a callback dialled) or an offer (a caller on hold put through) occupies its
agent from the claim until the agent's next presence change that is not a wrap-up
(available, away, a new call): ringing, talk and wrap-up together, since the agent is free
for nobody else until then. The two kinds are measured apart: a live caller's conversation
and a callback's (with its no-answers) need not take the same time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    and_,
    case,
    extract,
    func,
    literal,
    select,
    type_coerce,
)

from callback.forecast import Measured
from callback.store import calibration
from callback.store.tables import ATTEMPT, HELD_OFFER, PRESENCE_CHANGE, REQUEST, state_in
from callback.types import QueueName, State

_a, _o, _r, _pc = ATTEMPT.c, HELD_OFFER.c, REQUEST.c, PRESENCE_CHANGE.c
UNANSWERED = ("no_answer", "busy", "machine")
"""Outcomes where the customer was not reached: the request is tried again later."""
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
    attempts, handle_s, unanswered = _handle(connection, queue, since, now, dialect)
    abandoned, abandoned_s = _abandoned(connection, queue, since, now, dialect)
    served_s = _served_wait(connection, queue, since, now, dialect)
    offers, live_s = _live(connection, queue, since, now, dialect)
    live, callbacks = calibration.levels(connection, queue, since, now)
    return Measured(
        attempts=attempts,
        mean_handle=timedelta(seconds=handle_s / attempts) if attempts else None,
        abandoned=abandoned,
        exposure=timedelta(seconds=abandoned_s + served_s),
        unanswered=unanswered,
        dials=attempts,  # every attempt stored is a callback dial
        offers=offers,
        live_handle=timedelta(seconds=live_s / offers) if offers else None,
        live=live,
        callbacks=callbacks,
    )


def _freed_at(
    agent: ColumnElement[Any], ended: ColumnElement[Any], now: datetime
) -> ColumnElement[Any]:
    """When the agent was free again after `ended` (its wrap-up over), else `ended`."""
    freed = (
        select(func.min(_pc.at))
        .where(_pc.agent_id == agent, _pc.at >= ended, _pc.at <= now, _pc.status != "wrap_up")
        .scalar_subquery()
    )
    return func.coalesce(freed, ended)


def _live(
    connection: Connection, queue: QueueName, since: datetime, now: datetime, dialect: str
) -> tuple[int, float]:
    """Ended offers of callers on hold and the agent time they took (wrap-up included)."""
    occupied = func.sum(_seconds(_freed_at(_o.agent_id, _o.ended_at, now), _o.claimed_at, dialect))
    query = select(func.count(), occupied).where(
        _o.queue == queue, _o.ended_at >= since, _o.ended_at <= now
    )
    count, total = connection.execute(query).one()
    return int(count), float(total or 0.0)


def _handle(
    connection: Connection, queue: QueueName, since: datetime, now: datetime, dialect: str
) -> tuple[int, float, int]:
    """Ended dial attempts, the agent time they took (wrap-up included), the unanswered ones."""
    missed = func.sum(case((_a.outcome.in_(UNANSWERED), 1), else_=0))
    occupied = func.sum(_seconds(_freed_at(_a.agent_id, _a.ended_at, now), _a.claimed_at, dialect))
    query = select(func.count(), occupied, missed).where(
        _a.queue == queue, _a.ended_at >= since, _a.ended_at <= now
    )
    count, total, unanswered = connection.execute(query).one()
    return int(count), float(total or 0.0), int(unanswered or 0)


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
