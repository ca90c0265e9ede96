"""The report's tallies per 15-minute slot of a range: a few grouped scans over indexed ranges.

Each figure is counted where the wallboard counts it (callback.store.today): offered when a
request is created or a caller starts holding (not those who left the hold for a callback,
who are offered as that callback), reached and abandoned when the request or call ended,
broken promises when recorded. The slot of a row is its time's 15-minute step from the
range's start, computed by the database, so a range of any length returns a few thousand
rows at most. The estimate accuracy comes in through `EstimateReader`, so that a table of
every announcement can replace the promise stored on the request.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Text,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    select,
    type_coerce,
)

from callback.report import SLOT, Tally
from callback.store.tables import ATTEMPT, BROKEN_PROMISE, HELD_CALL, HELD_OFFER, REQUEST, state_in
from callback.store.today import UNSERVED
from callback.store.utc import to_micros
from callback.types import QueueName, State

_r, _a, _b, _h, _o = REQUEST.c, ATTEMPT.c, BROKEN_PROMISE.c, HELD_CALL.c, HELD_OFFER.c
SURVEY_KEY = "survey_rating"
Slots = dict[int, Tally]
EstimateReader = Callable[[Connection, QueueName, datetime, datetime], Slots]
"""Reads the estimate figures (estimated, estimate_error_seconds, estimate_in_range)."""


def _dialect(connection: Connection) -> str:
    return connection.dialect.name


def slot_of(column: ColumnElement[Any], start: datetime, dialect: str) -> ColumnElement[int]:
    """The 15-minute step of `column` from `start` (literal numbers: select and group match)."""
    if dialect == "sqlite":
        micros = type_coerce(column, BigInteger) - literal_column(str(to_micros(start)))
        # Plain `/`: integer division on SQLite (the step is never negative), no math module.
        return micros.self_group().op("/")(
            literal_column(str(int(SLOT.total_seconds() * 1_000_000)))
        )
    seconds = extract("epoch", column) - literal_column(repr(start.timestamp()))
    step: ColumnElement[Any] = literal_column(str(int(SLOT.total_seconds())))
    return cast(func.floor(seconds.self_group().op("/")(step)), Integer)


def seconds_between(later: ColumnElement[Any], earlier: ColumnElement[Any], dialect: str) -> Any:
    """`later - earlier` in seconds, on either database."""
    if dialect == "sqlite":
        micros = type_coerce(later, BigInteger) - type_coerce(earlier, BigInteger)
        return micros / 1_000_000.0
    return extract("epoch", later - earlier)


def _add(slots: Slots, slot: int, tally: Tally) -> None:
    slots[slot] = slots.get(slot, Tally()).plus(tally)


def offered(connection: Connection, queue: QueueName, start: datetime, end: datetime) -> Slots:
    """Requests created and callers who started holding, per slot."""
    dialect, slots = _dialect(connection), Slots()
    made = slot_of(_r.created_at, start, dialect)
    requests = select(made, func.count()).where(
        _r.queue == queue, _r.created_at >= start, _r.created_at < end
    )
    joined = slot_of(_h.joined_at, start, dialect)
    holding = select(joined, func.count()).where(
        _h.queue == queue, _h.joined_at >= start, _h.joined_at < end, _h.state != "left"
    )
    for query, slot in ((requests, made), (holding, joined)):
        for index, count in connection.execute(query.group_by(slot)):
            _add(slots, int(index), Tally(offered=int(count)))
    return slots


def callbacks(
    connection: Connection, queue: QueueName, start: datetime, end: datetime, target: timedelta
) -> Slots:
    """Completed and abandoned callbacks by the slot they ended in, with waits and promises."""
    dialect = _dialect(connection)
    slot = slot_of(_r.finished_at, start, dialect)
    done = _r.state == State.COMPLETED.value
    gone = and_(state_in(_r.state, UNSERVED), _r.attempts == 0)
    wait = seconds_between(_a.claimed_at, _r.virtual_start, dialect)
    kept = and_(done, _r.promise_by.is_not(None), _a.claimed_at <= _r.promise_by)
    joined = REQUEST.outerjoin(ATTEMPT, and_(_a.request_id == _r.id, _a.fence == _r.fence))
    query = (
        select(
            slot,
            func.sum(case((done, 1), else_=0)),
            func.sum(case((gone, 1), else_=0)),
            func.sum(case((and_(done, wait <= target.total_seconds()), 1), else_=0)),
            func.sum(case((done, wait), else_=0)),
            func.sum(case((done, _r.attempts), else_=0)),
            func.sum(case((kept, 1), else_=0)),
        )
        .select_from(joined)
        .where(_r.queue == queue, _r.finished_at >= start, _r.finished_at < end)
        .group_by(slot)
    )
    slots = Slots()
    for index, completed, abandoned, within, waited, attempts, kept_count in connection.execute(
        query
    ):
        _add(
            slots,
            int(index),
            Tally(
                completed=int(completed or 0),
                abandoned=int(abandoned or 0),
                within_target=int(within or 0),
                answer_seconds=float(waited or 0.0),
                attempts=int(attempts or 0),
                kept=int(kept_count or 0),
            ),
        )
    return slots


def held(
    connection: Connection, queue: QueueName, start: datetime, end: datetime, target: timedelta
) -> Slots:
    """Callers on hold served or abandoned, by the slot their call ended in."""
    dialect = _dialect(connection)
    slot = slot_of(_h.ended_at, start, dialect)
    served = _h.state == "served"
    wait = seconds_between(_o.claimed_at, _h.virtual_start, dialect)
    joined = HELD_CALL.outerjoin(HELD_OFFER, and_(_o.held_id == _h.id, _o.fence == _h.fence))
    query = (
        select(
            slot,
            func.sum(case((served, 1), else_=0)),
            func.sum(case((_h.state == "abandoned", 1), else_=0)),
            func.sum(case((and_(served, wait <= target.total_seconds()), 1), else_=0)),
            func.sum(case((served, wait), else_=0)),
        )
        .select_from(joined)
        .where(_h.queue == queue, _h.ended_at >= start, _h.ended_at < end)
        .group_by(slot)
    )
    slots = Slots()
    for index, count, abandoned, within, waited in connection.execute(query):
        tally = Tally(
            served_held=int(count or 0),
            abandoned=int(abandoned or 0),
            within_target=int(within or 0),
            answer_seconds=float(waited or 0.0),
        )
        _add(slots, int(index), tally)
    return slots


def broken(connection: Connection, queue: QueueName, start: datetime, end: datetime) -> Slots:
    """Promises recorded broken, per slot."""
    slot = slot_of(_b.at, start, _dialect(connection))
    query = select(slot, func.count()).where(_b.queue == queue, _b.at >= start, _b.at < end)
    rows = connection.execute(query.group_by(slot))
    return {int(index): Tally(broken=int(count)) for index, count in rows}


def promise_accuracy(
    connection: Connection, queue: QueueName, start: datetime, end: datetime
) -> Slots:
    """The promise told at joining against the real wait, for completed callbacks.

    The seam for a table of every announcement: pass another `EstimateReader` to `slot_tallies`.
    """
    dialect = _dialect(connection)
    slot = slot_of(_r.finished_at, start, dialect)
    actual = seconds_between(_a.claimed_at, _r.promise_announced_at, dialect)
    inside = and_(actual >= _r.promise_low_s, actual <= _r.promise_high_s)
    joined = REQUEST.join(ATTEMPT, and_(_a.request_id == _r.id, _a.fence == _r.fence))
    query = (
        select(
            slot,
            func.count(),
            func.sum(func.abs(actual - _r.promise_wait_s)),
            func.sum(case((inside, 1), else_=0)),
        )
        .select_from(joined)
        .where(_r.queue == queue, _r.finished_at >= start, _r.finished_at < end)
        .where(_r.state == State.COMPLETED.value, _r.promise_wait_s.is_not(None))
        .group_by(slot)
    )
    return {
        int(index): Tally(
            estimated=int(count),
            estimate_error_seconds=float(error or 0.0),
            estimate_in_range=int(hits or 0),
        )
        for index, count, error, hits in connection.execute(query)
    }


def surveys(connection: Connection, queue: QueueName, start: datetime, end: datetime) -> Slots:
    """Survey ratings (1-5) stored on completed callbacks, by the slot they ended in."""
    slot = slot_of(_r.finished_at, start, _dialect(connection))
    # Only rows whose contexts mention a rating are read back and parsed.
    query = select(slot, _r.contexts).where(
        _r.queue == queue,
        _r.finished_at >= start,
        _r.finished_at < end,
        _r.state == State.COMPLETED.value,
        cast(_r.contexts, Text).like(f'%"{SURVEY_KEY}"%'),
    )
    counts: defaultdict[int, list[int]] = defaultdict(list)
    for index, contexts in connection.execute(query):
        counts[int(index)] += ratings_in(contexts)
    return {
        index: Tally(ratings=len(found), rating_total=sum(found))
        for index, found in counts.items()
        if found
    }


def ratings_in(contexts: Any) -> list[int]:
    """The survey ratings among a request's stored context entries."""
    entries = json.loads(contexts) if isinstance(contexts, str) else contexts
    found = []
    for entry in entries if isinstance(entries, list) else ():
        data = entry.get("data") if isinstance(entry, dict) else None
        rating = data.get(SURVEY_KEY) if isinstance(data, dict) else None
        if isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 5:
            found.append(rating)
    return found


def slot_tallies(
    connection: Connection,
    queue: QueueName,
    start: datetime,
    end: datetime,
    target: timedelta,
    estimates: EstimateReader = promise_accuracy,
) -> Slots:
    """Every figure of `queue` over [start, end), per 15-minute slot from `start`."""
    parts = (
        offered(connection, queue, start, end),
        callbacks(connection, queue, start, end, target),
        held(connection, queue, start, end, target),
        broken(connection, queue, start, end),
        estimates(connection, queue, start, end),
        surveys(connection, queue, start, end),
    )
    slots = Slots()
    for part in parts:
        for index, tally in part.items():
            _add(slots, index, tally)
    return slots
