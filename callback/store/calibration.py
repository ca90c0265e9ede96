"""The latest judged announcements of a queue, per kind of person, as calibration reads them.

A person's first announcement (one per person, as the daily figure judges) whose wait ended
with an agent reaching them: what was said beside the wait that followed. Those who gave up
are left out: how long they would have waited is not known.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from callback.calibration import WINDOW, Levels, Seen, calibrate, would_promise
from callback.store.announcements import ANNOUNCEMENT, Outcome
from callback.types import QueueName

_n = ANNOUNCEMENT.c


def seen(
    connection: Connection, queue: QueueName, since: datetime, now: datetime, callbacks: bool
) -> list[Seen]:
    """Up to `WINDOW` of `queue`'s judged first announcements ended in [since, now], newest
    first: callbacks (their promise as told) or callers on hold (the promise their high makes)."""
    person = _n.request_id if callbacks else _n.held_id
    query = (
        select(_n.announced_at, _n.wait_s, _n.low_s, _n.high_s, _n.promise_by, _n.ended_at)
        .where(
            _n.queue == queue,
            _n.ended_at >= since,
            _n.ended_at <= now,
            _n.outcome == Outcome.REACHED.value,
            _n.is_first,
            person.is_not(None),
        )
        .order_by(_n.ended_at.desc())
        .limit(WINDOW)
    )
    found = []
    for told_at, wait, low, high, promise_by, ended_at in connection.execute(query):
        promise = would_promise(told_at, high)
        if promise_by is not None:
            promise = (promise_by - told_at).total_seconds()
        actual = (ended_at - told_at).total_seconds()
        found.append(Seen(wait, low, high, promise, actual))
    return found


def levels(
    connection: Connection, queue: QueueName, since: datetime, now: datetime
) -> tuple[Levels | None, Levels | None]:
    """The levels learned from callers on hold and from callbacks; None where none was judged."""
    live = seen(connection, queue, since, now, callbacks=False)
    callbacks = seen(connection, queue, since, now, callbacks=True)
    return (
        calibrate(live, told=False) if live else None,
        calibrate(callbacks) if callbacks else None,
    )
