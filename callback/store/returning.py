"""Callbacks waiting out a backoff: when each is due back (the estimate's `LineInputs.returning`).

They are not in line now, but they come back at their old place: the estimate counts one
ahead of a person only if it is due back before that person's expected turn.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Select, and_, bindparam, or_, select

from callback.store.tables import REQUEST, state_in
from callback.types import PENDING_STATES, QueueName, RequestId

_r = REQUEST.c
LIMIT = 64
"""Returns read at most: more than that many due back before one's turn is a rare line."""


def _every() -> Select[datetime]:
    """The queue's returns, soonest first."""
    return (
        select(_r.due_at)
        .where(
            _r.queue == bindparam("queue"),
            state_in(_r.state, PENDING_STATES),
            _r.due_at > bindparam("now"),
            _r.attempts > 0,
        )
        .order_by(_r.due_at)
        .limit(LIMIT)
    )


def _ahead_of_request() -> Select[datetime]:
    """The queue's returns that will stand ahead of the request bound as `request`."""
    mine = select(_r.priority, _r.virtual_start, _r.id).where(_r.id == bindparam("request"))
    m = mine.subquery()
    same = and_(
        _r.priority == m.c.priority,
        or_(
            _r.virtual_start < m.c.virtual_start,
            and_(_r.virtual_start == m.c.virtual_start, _r.id < m.c.id),
        ),
    )
    return _every().join(m, or_(_r.priority > m.c.priority, same))


# Built once: putting a statement together costs more than SQLite takes to run it.
_EVERY = _every()
_AHEAD = _ahead_of_request()


def returning(
    connection: Connection, queue: QueueName, now: datetime, request: RequestId | None = None
) -> tuple[datetime, ...]:
    """When the retries of `queue` are due back, soonest first; only those that will stand
    ahead of `request` when it names one (a newcomer stands behind all of them)."""
    values: dict[str, object] = {"queue": queue, "now": now}
    if request is None:
        return tuple(connection.execute(_EVERY, values).scalars())
    return tuple(connection.execute(_AHEAD, values | {"request": request}).scalars())
