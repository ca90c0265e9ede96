"""What the queues saw over a window of days, as plain records for the simulation's profile.

Four reads on indexed-or-small time columns: callers who held (when they joined, how and
when their hold ended), callback requests (channel, when made), and dial attempts and
hold offers (when claimed, when ended, how). No aggregation here: the profile is built
by `callback.simulate.history` from these records, in the queue's own time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from callback.store.engine import read_transaction
from callback.store.tables import ATTEMPT, HELD_CALL, HELD_OFFER, REQUEST


@dataclass(frozen=True, slots=True)
class Held:
    """A caller who held: `state` is served, abandoned, left (took a callback) and so on."""

    queue: str
    joined: datetime
    ended: datetime | None
    state: str


@dataclass(frozen=True, slots=True)
class Requested:
    """A callback request: its queue, channel and when it was made."""

    queue: str
    channel: str
    created: datetime
    slotted: bool = False
    """Booked for a slot (a time the customer chose) rather than as soon as possible."""


@dataclass(frozen=True, slots=True)
class Occupied:
    """A dial attempt or a hold offer: its queue, claim, end and outcome."""

    queue: str
    claimed: datetime
    ended: datetime
    outcome: str
    dial: bool
    """True for a callback dial, False for a caller on hold handed to an agent."""


@dataclass(frozen=True, slots=True)
class History:
    """Every record of the window."""

    held: tuple[Held, ...]
    requested: tuple[Requested, ...]
    occupied: tuple[Occupied, ...]


_h, _r, _a, _o = HELD_CALL.c, REQUEST.c, ATTEMPT.c, HELD_OFFER.c
_HELD = select(_h.queue, _h.joined_at, _h.ended_at, _h.state)
_REQUESTED = select(_r.queue, _r.channel, _r.created_at, _r.slot_start.is_not(None))
_DIALS = select(_a.queue, _a.claimed_at, _a.ended_at, _a.outcome)
_OFFERS = select(_o.queue, _o.claimed_at, _o.ended_at, _o.outcome)


def read_history(engine: Engine, since: datetime, until: datetime) -> History:
    """The records of contacts that began in `[since, until)`."""
    with read_transaction(engine) as connection:
        held = connection.execute(_HELD.where(_h.joined_at >= since, _h.joined_at < until)).all()
        requested = connection.execute(
            _REQUESTED.where(_r.created_at >= since, _r.created_at < until)
        ).all()
        dials = connection.execute(
            _DIALS.where(_a.claimed_at >= since, _a.claimed_at < until, _a.ended_at.is_not(None))
        ).all()
        offers = connection.execute(
            _OFFERS.where(_o.claimed_at >= since, _o.claimed_at < until, _o.ended_at.is_not(None))
        ).all()
    return History(
        tuple(Held(*row) for row in held),
        tuple(Requested(q, ch, at, bool(slot)) for q, ch, at, slot in requested),
        tuple(Occupied(q, c, e, o or "", True) for q, c, e, o in dials)
        + tuple(Occupied(q, c, e, o or "", False) for q, c, e, o in offers),
    )
