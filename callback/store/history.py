"""The one read of a window of history: staffing advice and the simulation's profile both
start from it.

Four reads on indexed-or-small time columns: callers who held (when they joined, when an
agent took them, how and when their hold ended), callback requests (channel, when made, the
slot booked), and ended dial attempts and hold offers (claim, end, outcome, and when the
agent was free again). No aggregation here: `callback.history.measured` counts the records
for advice, `callback.simulate.history` builds the profile, in the queue's own time zone.
An agent is occupied from a claim until their next presence change that is not a wrap-up
(as `callback.store.stats` measures it for the estimate), else until the claim ended.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, Table, func, or_, select

from callback.history import Held, Occupied, Records, Requested
from callback.retry import DialOutcome
from callback.store.engine import read_transaction
from callback.store.tables import ATTEMPT, HELD_CALL, HELD_OFFER, PRESENCE_CHANGE, REQUEST

_h, _r, _o, _pc = HELD_CALL.c, REQUEST.c, HELD_OFFER.c, PRESENCE_CHANGE.c
_CONNECTED = DialOutcome.CONNECTED.value


def read_history(
    engine: Engine,
    since: datetime,
    until: datetime,
    *,
    now: datetime | None = None,
    queues: Collection[str] | None = None,
) -> Records:
    """The records of `queues` (default: every queue) in `[since, until)`, as known at `now`
    (default: `until`)."""
    known = until if now is None else now
    names = None if queues is None else sorted(queues)
    with read_transaction(engine) as connection:
        return Records(
            since,
            until,
            held=_held(connection, names, since, until),
            requested=_requested(connection, names, since, until),
            occupied=(
                *_occupied(connection, ATTEMPT, names, (since, until), known),
                *_occupied(connection, HELD_OFFER, names, (since, until), known),
            ),
        )


def _of(query: Select[Any], column: ColumnElement[str], queues: list[str] | None) -> Select[Any]:
    return query if queues is None else query.where(column.in_(queues))


def _held(
    connection: Connection, queues: list[str] | None, since: datetime, until: datetime
) -> tuple[Held, ...]:
    """Callers who joined the hold in the window, with when an agent took them."""
    # Taken by the offer that connected, or by the one still open (ringing or talking now).
    taken = (
        select(func.min(_o.claimed_at))
        .where(_o.held_id == _h.id, or_(_o.outcome == _CONNECTED, _o.ended_at.is_(None)))
        .scalar_subquery()
    )
    query = select(_h.queue, _h.joined_at, _h.ended_at, _h.state, taken).where(
        _h.joined_at >= since, _h.joined_at < until
    )
    return tuple(Held(*row) for row in connection.execute(_of(query, _h.queue, queues)))


def _requested(
    connection: Connection, queues: list[str] | None, since: datetime, until: datetime
) -> tuple[Requested, ...]:
    """Requests made in the window, or booked for a slot that starts in it."""
    made = (_r.created_at >= since) & (_r.created_at < until)
    booked = (_r.slot_start >= since) & (_r.slot_start < until)
    query = select(_r.queue, _r.channel, _r.created_at, _r.slot_start).where(or_(made, booked))
    return tuple(Requested(*row) for row in connection.execute(_of(query, _r.queue, queues)))


def _freed_at(claims: Table, now: datetime) -> ColumnElement[Any]:
    """When the claim's agent was next free (their first presence change after the claim
    ended that is not a wrap-up, up to `now`); NULL when there is none."""
    return (
        select(func.min(_pc.at))
        .where(
            _pc.agent_id == claims.c.agent_id,
            _pc.at >= claims.c.ended_at,
            _pc.at <= now,
            _pc.status != "wrap_up",
        )
        .scalar_subquery()
    )


def _occupied(
    connection: Connection,
    claims: Table,
    queues: list[str] | None,
    window: tuple[datetime, datetime],
    now: datetime,
) -> tuple[Occupied, ...]:
    """Ended claims of `claims` (dial attempts or hold offers) made in the window."""
    c, dial = claims.c, claims is ATTEMPT
    query = select(c.queue, c.claimed_at, c.ended_at, c.outcome, _freed_at(claims, now)).where(
        c.claimed_at >= window[0], c.claimed_at < window[1], c.ended_at.is_not(None)
    )
    return tuple(
        Occupied(queue, claimed, ended, outcome or "", dial, freed)
        for queue, claimed, ended, outcome, freed in connection.execute(_of(query, c.queue, queues))
    )
