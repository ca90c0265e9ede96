"""Callbacks waiting out a backoff: when each is due back (the estimate's `LineInputs.returning`).

They are not in line now, but they come back at their old place: the estimate counts one
ahead of a person only if it is due back before that person's expected turn.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, or_, select

from callback.store.tables import REQUEST, state_in
from callback.types import PENDING_STATES, QueueName, RequestId

_r = REQUEST.c
LIMIT = 64
"""Returns read at most: more than that many due back before one's turn is a rare line."""


def returning(
    connection: Connection, queue: QueueName, now: datetime, request: RequestId | None = None
) -> tuple[datetime, ...]:
    """When the retries of `queue` are due back, soonest first; only those that will stand
    ahead of `request` when it names one (a newcomer stands behind all of them)."""
    query = (
        select(_r.due_at)
        .where(
            _r.queue == queue,
            state_in(_r.state, PENDING_STATES),
            _r.due_at > now,
            _r.attempts > 0,
        )
        .order_by(_r.due_at)
        .limit(LIMIT)
    )
    if request is not None:
        mine = select(_r.priority, _r.virtual_start, _r.id).where(_r.id == request).subquery()
        same = and_(
            _r.priority == mine.c.priority,
            or_(
                _r.virtual_start < mine.c.virtual_start,
                and_(_r.virtual_start == mine.c.virtual_start, _r.id < mine.c.id),
            ),
        )
        query = query.join(mine, or_(_r.priority > mine.c.priority, same))
    return tuple(connection.execute(query).scalars())
