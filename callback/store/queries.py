"""Reads of the queue, each on a connection inside the caller's transaction.

The statements are built once, with bound parameters: building SQLAlchemy expressions costs
more than SQLite takes to run them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, exists, func, or_, select

from callback.store.convert import Row, to_request
from callback.store.hints import likely
from callback.store.records import Claim, ConfigChange, QueueCounts
from callback.store.tables import ATTEMPT, CONFIG_CHANGE, ON_CALL_STATES, REQUEST, state_in
from callback.types import ACTIVE_STATES, E164, PENDING_STATES, QueueName, RequestId, State

NEWCOMERS_LIMIT = 20
"""At most this many requests that came ahead are loaded to explain a worse position."""

_r = REQUEST.c
_a = ATTEMPT.c
LINE_ORDER = (_r.priority.desc(), _r.virtual_start, _r.id)
"""The queue order: higher priority first, then earliest virtual start, then lowest id."""


def _in_line() -> ColumnElement[bool]:
    # Most pending requests are due. Without the hint SQLite guesses that the due_at range is
    # selective, picks the due index and sorts the whole queue instead of walking the line
    # index in order and stopping early.
    due = likely(_r.due_at <= bindparam("now"))
    return and_(_r.queue == bindparam("queue"), state_in(_r.state, PENDING_STATES), due)


def _sorts_before() -> ColumnElement[bool]:
    same_priority = and_(
        _r.priority == bindparam("priority"),
        or_(
            _r.virtual_start < bindparam("virtual_start"),
            and_(_r.virtual_start == bindparam("virtual_start"), _r.id < bindparam("id")),
        ),
    )
    return or_(_r.priority > bindparam("priority"), same_priority)


_BY_ID = select(REQUEST).where(_r.id == bindparam("id"))
_BY_ID_LOCKED = _BY_ID.with_for_update()
_ACTIVE_FOR_NUMBER = and_(
    _r.queue == bindparam("queue"),
    _r.number == bindparam("number"),
    state_in(_r.state, ACTIVE_STATES),
)
_ACTIVE = select(REQUEST).where(_ACTIVE_FOR_NUMBER)
ACTIVE_ID = select(_r.id).where(_ACTIVE_FOR_NUMBER)
"""The id of the unfinished request for the `number` in the `queue` bound (`active_row`'s)."""
_ACTIVE_LOCKED = _ACTIVE.with_for_update()
_COUNT_AHEAD = select(func.count()).where(_in_line(), _sorts_before())
_NEWCOMERS = (
    select(REQUEST)
    .where(_in_line(), _sorts_before())
    .where(or_(_r.entered_line_at > bindparam("since"), _r.due_at > bindparam("since")))
    .order_by(*LINE_ORDER)
    .limit(NEWCOMERS_LIMIT)
)
_FIRST_DUE = (
    select(REQUEST)
    .where(_in_line(), ~exists().where(_a.number == _r.number, _a.ended_at.is_(None)))
    .order_by(*LINE_ORDER)
    .limit(1)
    # PostgreSQL: concurrent claimers pass over each other's rows instead of queueing.
    .with_for_update(skip_locked=True)
)
_BY_STATE = tuple(
    select(_r.queue, _r.state, func.count())
    .where(state_in(_r.state, states))
    .group_by(_r.queue, _r.state)
    for states in (PENDING_STATES, ON_CALL_STATES)
)
_DUE = (
    select(_r.queue, func.count(), func.min(_r.due_at))
    .where(state_in(_r.state, PENDING_STATES), _r.due_at <= bindparam("now"))
    .group_by(_r.queue)
)
_CONFIG_CHANGES = select(CONFIG_CHANGE).order_by(CONFIG_CHANGE.c.id.desc())
_EXPIRED = (
    select(
        REQUEST,
        _a.id.label("attempt_id"),
        _a.fence.label("attempt_fence"),
        _a.lease_until.label("attempt_lease_until"),
        _a.agent_id.label("attempt_agent_id"),
    )
    .join(ATTEMPT, _a.request_id == _r.id)
    # Connected requests too: a final status can be lost, or can name a CallSid that was
    # never attached (an ambiguous dial that was answered). The sweep asks the carrier and
    # renews the lease of a call still going on.
    .where(
        _a.ended_at.is_(None),
        _a.lease_until < bindparam("now"),
        state_in(_r.state, ON_CALL_STATES),
    )
    .order_by(_a.lease_until)
)


def _line_parameters(row: Mapping[Any, Any], now: datetime) -> dict[str, Any]:
    return {
        "queue": row["queue"],
        "now": now,
        "priority": row["priority"],
        "virtual_start": row["virtual_start"],
        "id": row["id"],
    }


def request_row(connection: Connection, request_id: RequestId, *, lock: bool = False) -> Row | None:
    """The row of `request_id` (locked for update on PostgreSQL when `lock`)."""
    statement = _BY_ID_LOCKED if lock else _BY_ID
    return connection.execute(statement, {"id": request_id}).mappings().one_or_none()


def active_row(
    connection: Connection, queue: QueueName, number: E164, *, lock: bool = False
) -> Row | None:
    """The unfinished request for `number` in `queue`, if any."""
    statement = _ACTIVE_LOCKED if lock else _ACTIVE
    parameters = {"queue": queue, "number": number}
    return connection.execute(statement, parameters).mappings().one_or_none()


def count_ahead_query() -> Select[Any]:
    """How many due requests of the queue come before a row (bound: its queue, priority,
    virtual start and id, and `now`), to count beside other things in one statement."""
    return _COUNT_AHEAD


def newcomers(
    connection: Connection, row: Mapping[Any, Any], now: datetime, since: datetime
) -> Sequence[Row]:
    """Requests ahead of `row` that entered the line or fell due after `since`."""
    parameters = _line_parameters(row, now) | {"since": since}
    return connection.execute(_NEWCOMERS, parameters).mappings().all()


def first_due(connection: Connection, queue: QueueName, now: datetime) -> Row | None:
    """The first due request of `queue` whose number is not being dialled, locked if possible."""
    parameters = {"queue": queue, "now": now}
    return connection.execute(_FIRST_DUE, parameters).mappings().first()


def queue_counts(connection: Connection, now: datetime) -> dict[QueueName, QueueCounts]:
    """Active requests per queue and state, with the due ones and the oldest due time."""
    by_state: dict[QueueName, dict[State, int]] = {}
    for statement in _BY_STATE:
        for queue, state, count in connection.execute(statement):
            by_state.setdefault(QueueName(queue), {})[State(state)] = count
    rows = connection.execute(_DUE, {"now": now})
    due = {QueueName(queue): (count, first) for queue, count, first in rows}
    return {queue: _counts(states, due.get(queue)) for queue, states in by_state.items()}


def _counts(states: dict[State, int], due: tuple[int, datetime] | None) -> QueueCounts:
    return QueueCounts(
        waiting=states.get(State.WAITING, 0),
        due=due[0] if due is not None else 0,
        scheduled=states.get(State.SCHEDULED, 0),
        dialing=states.get(State.DIALING, 0),
        connected=states.get(State.CONNECTED, 0),
        oldest_due=due[1] if due is not None else None,
    )


def expired_claims(connection: Connection, now: datetime, limit: int) -> list[Claim]:
    """Open attempts of dialling or connected requests past their lease at `now`, oldest first."""
    rows = connection.execute(_EXPIRED.limit(limit), {"now": now}).mappings()
    return [
        Claim(
            to_request(row),
            attempt_id=row["attempt_id"],
            fence=row["attempt_fence"],
            lease_until=row["attempt_lease_until"],
            agent_id=row["attempt_agent_id"],
        )
        for row in rows
    ]


def config_changes(connection: Connection, limit: int) -> list[ConfigChange]:
    """The latest configuration changes, newest first."""
    rows = connection.execute(_CONFIG_CHANGES.limit(limit)).mappings()
    return [
        ConfigChange(
            id=row["id"],
            at=row["at"],
            path=row["path"],
            old_hash=row["old_hash"],
            new_hash=row["new_hash"],
            sections=tuple(row["sections"]),
            text=row["text"],
        )
        for row in rows
    ]
