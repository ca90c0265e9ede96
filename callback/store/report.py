"""The report's tallies per 15-minute slot of a range: a few grouped scans over indexed ranges.

Each figure is counted where the wallboard counts it (callback.store.today): offered when a
request is created or a caller starts holding (not those who left the hold for a callback,
who are offered as that callback), reached and abandoned when the request or call ended,
broken promises when recorded. The slot of a row is its time's 15-minute step from the
range's start, computed by the database, so a range of any length returns a few thousand
rows at most. The requests that ended are read in one scan of the range for every figure
they give. The estimate accuracy may come in through an `EstimateReader` instead, so that a
table of every announcement can replace the promise stored on the request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
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
SEPARATOR = "\x1e"
"""Joins the rated rows' contexts: JSON text escapes every control character."""
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
    """Callbacks ended per slot: completed (wait, attempts, promise kept, the estimate told
    against the real wait, survey ratings) and abandoned; one scan of the range."""
    dialect = _dialect(connection)
    slot = slot_of(_r.finished_at, start, dialect)
    done = _r.state == State.COMPLETED.value
    gone = and_(state_in(_r.state, UNSERVED), _r.attempts == 0)
    wait = seconds_between(_a.claimed_at, _r.virtual_start, dialect)
    told = and_(done, _r.promise_wait_s.is_not(None))
    actual = seconds_between(_a.claimed_at, _r.promise_announced_at, dialect)
    inside = and_(told, actual >= _r.promise_low_s, actual <= _r.promise_high_s)
    rated = and_(done, cast(_r.contexts, Text).like(f'%"{SURVEY_KEY}"%'))
    joined = REQUEST.outerjoin(ATTEMPT, and_(_a.request_id == _r.id, _a.fence == _r.fence))
    query = (
        select(
            slot,
            _count(done),
            _count(gone),
            _count(and_(done, wait <= target.total_seconds())),
            func.sum(case((done, wait), else_=0)),
            func.sum(case((done, _r.attempts), else_=0)),
            _count(and_(done, _r.promise_by.is_not(None), _a.claimed_at <= _r.promise_by)),
            _count(told),
            func.sum(case((told, func.abs(actual - _r.promise_wait_s)), else_=0)),
            _count(inside),
            # The rated rows' contexts, joined by a character JSON text never holds raw.
            func.aggregate_strings(case((rated, cast(_r.contexts, Text))), SEPARATOR),
        )
        .select_from(joined)
        .where(_r.queue == queue, _r.finished_at >= start, _r.finished_at < end)
        .group_by(slot)
    )
    return {int(row[0]): _callback_tally(row[1:]) for row in connection.execute(query)}


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _callback_tally(row: Sequence[Any]) -> Tally:
    completed, gone, within, waited, attempts, kept, told, error, inside, contexts = row
    found = [r for text in (contexts or "").split(SEPARATOR) if text for r in ratings_in(text)]
    return Tally(
        completed=int(completed or 0),
        abandoned=int(gone or 0),
        within_target=int(within or 0),
        answer_seconds=float(waited or 0.0),
        attempts=int(attempts or 0),
        kept=int(kept or 0),
        estimated=int(told or 0),
        estimate_error_seconds=float(error or 0.0),
        estimate_in_range=int(inside or 0),
        ratings=len(found),
        rating_total=sum(found),
    )


def held(
    connection: Connection, queue: QueueName, start: datetime, end: datetime, target: timedelta
) -> Slots:
    """Callers on hold served or abandoned, by the slot their call ended in."""
    dialect = _dialect(connection)
    slot = slot_of(_h.ended_at, start, dialect)
    served = _h.state == "served"
    # Served by another system (no offer of ours): reached when the row ended.
    reached = func.coalesce(_o.claimed_at, _h.ended_at)
    wait = seconds_between(reached, _h.virtual_start, dialect)
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


def without_estimates(tally: Tally) -> Tally:
    """The tally with the estimate figures taken out (another reader gives them)."""
    return replace(tally, estimated=0, estimate_error_seconds=0.0, estimate_in_range=0)


def slot_tallies(
    connection: Connection,
    queue: QueueName,
    start: datetime,
    end: datetime,
    target: timedelta,
    estimates: EstimateReader | None = None,
) -> Slots:
    """Every figure of `queue` over [start, end), per 15-minute slot from `start`.

    The estimate accuracy is the promise stored on each completed callback unless `estimates`
    reads it from elsewhere (the seam for a table of every announcement).
    """
    ended = callbacks(connection, queue, start, end, target)
    if estimates is not None:
        ended = {index: without_estimates(tally) for index, tally in ended.items()}
    parts = [
        offered(connection, queue, start, end),
        ended,
        held(connection, queue, start, end, target),
        broken(connection, queue, start, end),
    ]
    if estimates is not None:
        parts.append(estimates(connection, queue, start, end))
    slots = Slots()
    for part in parts:
        for index, tally in part.items():
            _add(slots, index, tally)
    return slots
