"""Places in the one line: how many stand ahead of someone, callers on hold and callbacks alike.

Anyone in the line, or about to join it, has a place key: the queue, the priority, the
virtual start and, once stored, the row's id. Those ahead are the due callbacks and the
callers holding in line that sort before that key (priority, then virtual start, then id;
on an exact tie the caller on hold goes first, as the dispatcher's claim does). Every
channel reads a position from here, so a caller on hold and a callback standing side by
side count each other the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, and_, bindparam, func, or_, select

from callback.ordering import MoveReason, Position, classify_newcomer, ordered
from callback.store import queries
from callback.store.convert import Row, to_request
from callback.store.engine import read_transaction, write_transaction
from callback.store.held_line import IN_LINE
from callback.store.tables import CALL_EVENT, HELD_CALL, REQUEST, state_in
from callback.types import PENDING_STATES, QueueName

LAST = 2**31 - 1
"""An id after every stored one (the largest a 32-bit id column holds): a newcomer stands
behind everyone of their key."""

_h = HELD_CALL.c
_HELD_BEFORE = or_(
    _h.priority > bindparam("priority"),
    and_(
        _h.priority == bindparam("priority"),
        or_(
            _h.virtual_start < bindparam("virtual_start"),
            and_(_h.virtual_start == bindparam("virtual_start"), _h.id < bindparam("held_key")),
        ),
    ),
)
_HOLDING = and_(_h.queue == bindparam("queue"), _h.state.in_([state.value for state in IN_LINE]))
_HELD_AHEAD = select(func.count()).where(_HOLDING, _HELD_BEFORE)
# Both counts in one statement: one round trip and one execution for every position read.
_AHEAD = select(
    queries.count_ahead_query().scalar_subquery().label("callbacks"),
    _HELD_AHEAD.scalar_subquery().label("on_hold"),
)
_HELD_CAME_AHEAD = (
    select(_h.priority)
    .where(_HOLDING, _HELD_BEFORE)
    .where(or_(_h.joined_at > bindparam("since"), _h.updated_at > bindparam("since")))
    .limit(queries.NEWCOMERS_LIMIT)
)


@dataclass(frozen=True, slots=True)
class Place:
    """Someone's key in a queue's line: a stored request, a caller on hold, or a newcomer."""

    queue: QueueName
    priority: int
    virtual_start: datetime
    request_id: int | None = None
    held_id: int | None = None

    def callback_key(self) -> int:
        """The id callbacks are compared with: on a tie a caller on hold stays before them."""
        if self.request_id is not None:
            return self.request_id
        return 0 if self.held_id is not None else LAST

    def held_key(self) -> int:
        """The id callers on hold are compared with: theirs, or after every one of them."""
        return self.held_id if self.held_id is not None else LAST


@dataclass(frozen=True, slots=True)
class Ahead:
    """Those ahead of a place: everyone, and how many of them are callers on hold."""

    total: int
    on_hold: int


def _parameters(place: Place, now: datetime) -> dict[str, object]:
    return {
        "queue": place.queue,
        "now": now,
        "priority": place.priority,
        "virtual_start": place.virtual_start,
        "id": place.callback_key(),
        "held_key": place.held_key(),
    }


def ahead_of(connection: Connection, place: Place, now: datetime) -> Ahead:
    """The due callbacks and the callers holding in line ahead of `place` at `now`."""
    counted = connection.execute(_AHEAD, _parameters(place, now)).one()
    return Ahead(counted.callbacks + counted.on_hold, counted.on_hold)


def held_came_ahead(
    connection: Connection, place: Place, now: datetime, since: datetime
) -> list[MoveReason]:
    """Why callers on hold ahead of `place` came there after `since`: a higher priority, or
    an earlier place given back (an agent who did not answer, a queue folded into this one)."""
    parameters = _parameters(place, now) | {"since": since}
    rows: Sequence[int] = connection.execute(_HELD_CAME_AHEAD, parameters).scalars().all()
    return [
        MoveReason.PRIORITY if priority > place.priority else MoveReason.EARLIER_ARRIVAL
        for priority in rows
    ]


def place_of(row: Row) -> Place:
    """The place of a stored request's row."""
    return Place(
        queue=QueueName(row["queue"]),
        priority=row["priority"],
        virtual_start=row["virtual_start"],
        request_id=row["id"],
    )


def came_ahead(
    connection: Connection, place: Place, now: datetime, since: datetime
) -> tuple[MoveReason, ...]:
    """Why everyone who came ahead of `place` after `since` did: callbacks and callers on hold."""
    parameters = _parameters(place, now)
    callbacks = queries.newcomers(connection, parameters, now, since)
    found = {classify_newcomer(place.priority, to_request(row), since) for row in callbacks}
    return ordered(found.union(held_came_ahead(connection, place, now, since)))


_e = CALL_EVENT.c
ANNOUNCED = "position"
"""The call event kind under which a caller on hold's announced place (those ahead) is kept."""
_LAST_ANNOUNCED = (
    select(_e.status, _e.at)
    .where(_e.sid == bindparam("sid"), _e.kind == ANNOUNCED)
    .order_by(_e.id.desc())
    .limit(1)
)


_r = REQUEST.c
_NEXT_TRY = select(_r.due_at).where(
    _r.id == bindparam("id"),
    state_in(_r.state, PENDING_STATES),
    _r.attempts > 0,
    _r.due_at > bindparam("now"),
)


class Places:
    """Places of callers on hold, and what each was last told, outside any booking."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def ahead(self, place: Place, now: datetime) -> Ahead:
        """Those ahead of `place` at `now`."""
        with read_transaction(self._engine) as connection:
            return ahead_of(connection, place, now)

    def held(self, place: Place, call_sid: str, now: datetime) -> Position:
        """The caller on hold's position, explained if it is worse than last announced."""
        with read_transaction(self._engine) as connection:
            return held_position(connection, place, call_sid, now)

    def next_try(self, request_id: int, now: datetime) -> datetime | None:
        """When a request that was called and missed is due back in line (None: it is not
        waiting out a backoff at `now`)."""
        with read_transaction(self._engine) as connection:
            found: datetime | None = connection.execute(
                _NEXT_TRY, {"id": request_id, "now": now}
            ).scalar_one_or_none()
        return found

    def announce(self, call_sid: str, position: Position, now: datetime) -> None:
        """Remember the place announced to the caller, if it changed since the last one."""
        with write_transaction(self._engine) as connection:
            announce_in(connection, call_sid, position, now)


def held_position(connection: Connection, place: Place, call_sid: str, now: datetime) -> Position:
    """`Places.held` inside the caller's transaction."""
    ahead = ahead_of(connection, place, now)
    last = connection.execute(_LAST_ANNOUNCED, {"sid": call_sid}).one_or_none()
    if last is None or ahead.total <= int(last.status):
        previous = None if last is None else int(last.status)
        return Position(ahead.total, previous, (), ahead.on_hold)
    reasons = came_ahead(connection, place, now, last.at)
    return Position(ahead.total, int(last.status), reasons, ahead.on_hold)


def announce_in(connection: Connection, call_sid: str, position: Position, now: datetime) -> None:
    """`Places.announce` inside the caller's write transaction."""
    if position.previous_ahead == position.ahead:
        return
    values = {"sid": call_sid, "kind": ANNOUNCED, "status": str(position.ahead)}
    connection.execute(CALL_EVENT.insert(), values | {"applied": False, "at": now})
