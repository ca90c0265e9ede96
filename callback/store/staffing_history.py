"""Reads a window of history for staffing advice: arrivals, agent occupation, time on hold.

Durations are subtracted in Python from the timestamps read, the same on both databases.
An agent is occupied from a claim until their next presence change that is not a wrap-up
(as `callback.store.stats` measures it for the estimate), else until the claim ended.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table, func, or_, select

from callback.history import Arrival, History, Hold, Occupation
from callback.retry import DialOutcome
from callback.store.engine import read_transaction
from callback.store.held_line import HeldState
from callback.store.tables import ATTEMPT, HELD_CALL, HELD_OFFER, PRESENCE_CHANGE, REQUEST

_r, _h, _pc = REQUEST.c, HELD_CALL.c, PRESENCE_CHANGE.c
_CONNECTED = DialOutcome.CONNECTED.value


def read_history(
    engine: Engine, queues: Collection[str], start: datetime, end: datetime, now: datetime
) -> History:
    """What `queues` recorded from `start` until before `end`, as known at `now`."""
    names = sorted(queues)
    with read_transaction(engine) as connection:
        return History(
            arrivals=_arrivals(connection, names, start, end),
            occupations=[
                *_occupations(connection, ATTEMPT, names, start, end, now),
                *_occupations(connection, HELD_OFFER, names, start, end, now),
            ],
            holds=_holds(connection, names, start, end, now),
        )


def _arrivals(
    connection: Connection, queues: list[str], start: datetime, end: datetime
) -> list[Arrival]:
    """Callers who joined the hold, and callback requests: when made, or their slot's start."""
    # Callers who left the hold for a callback are counted once, as that callback.
    held = select(_h.queue, _h.joined_at).where(
        _h.queue.in_(queues),
        _h.joined_at >= start,
        _h.joined_at < end,
        _h.state != HeldState.LEFT.value,
    )
    asked = select(_r.queue, _r.created_at).where(
        _r.queue.in_(queues), _r.slot_start.is_(None), _r.created_at >= start, _r.created_at < end
    )
    booked = select(_r.queue, _r.slot_start).where(
        _r.queue.in_(queues), _r.slot_start >= start, _r.slot_start < end
    )
    arrivals = [Arrival(queue, at, True) for queue, at in connection.execute(held)]
    for query in (asked, booked):
        arrivals.extend(Arrival(queue, at, False) for queue, at in connection.execute(query))
    return arrivals


def _freed_at(claims: Table, now: datetime) -> ColumnElement[Any]:
    """When the claim's agent was free again (wrap-up over), else when the claim ended."""
    freed = (
        select(func.min(_pc.at))
        .where(
            _pc.agent_id == claims.c.agent_id,
            _pc.at >= claims.c.ended_at,
            _pc.at <= now,
            _pc.status != "wrap_up",
        )
        .scalar_subquery()
    )
    return func.coalesce(freed, claims.c.ended_at)


def _occupations(
    connection: Connection,
    claims: Table,
    queues: list[str],
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[Occupation]:
    """Ended claims of `claims` (dial attempts or held offers) made in the window."""
    c = claims.c
    query = select(c.queue, c.claimed_at, _freed_at(claims, now), c.outcome).where(
        c.queue.in_(queues), c.claimed_at >= start, c.claimed_at < end, c.ended_at.is_not(None)
    )
    return [
        Occupation(queue, claimed, (freed - claimed).total_seconds(), outcome == _CONNECTED)
        for queue, claimed, freed, outcome in connection.execute(query)
    ]


def _holds(
    connection: Connection, queues: list[str], start: datetime, end: datetime, now: datetime
) -> list[Hold]:
    """Callers who joined the hold in the window: until taken, gone or `now`."""
    o = HELD_OFFER.c
    # Taken by the offer that connected, or by the one still open (ringing or talking now).
    taken = (
        select(func.min(o.claimed_at))
        .where(o.held_id == _h.id, or_(o.outcome == _CONNECTED, o.ended_at.is_(None)))
        .scalar_subquery()
    )
    query = select(_h.queue, _h.joined_at, taken, _h.ended_at, _h.state).where(
        _h.queue.in_(queues), _h.joined_at >= start, _h.joined_at < end
    )
    holds = []
    for queue, joined, served_at, ended, state in connection.execute(query):
        until = served_at or ended or now
        abandoned = state == HeldState.ABANDONED.value
        holds.append(Hold(queue, joined, max(0.0, (until - joined).total_seconds()), abandoned))
    return holds
