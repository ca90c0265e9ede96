"""The held part of the one line: callers on hold as rows, read and claimed in a transaction.

A caller on hold is a `held_call` row ordered like a callback request (priority, then
virtual start, then id); the dispatcher's claim reads the head of both parts in the same
transaction and takes the first. Claiming a held caller is the same compare-and-set as
claiming a callback: the row moves from holding to offered under the next fence, an offer
row records the lease, and the agent is held for that offer, all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, bindparam, func, insert, literal_column, select, update

from callback.store.convert import Row
from callback.store.tables import HELD_CALL, HELD_OFFER
from callback.types import AgentId, QueueName


class HeldState(StrEnum):
    """Where a caller on hold stands."""

    HOLDING = "holding"
    """In Twilio's queue and in our line, waiting for an agent."""
    RETURNING = "returning"
    """Put back in line at the same place, not yet seen in Twilio's queue again: not offered
    until their next hold round arrives (a dequeue before it would find nobody)."""
    OFFERED = "offered"
    """Claimed for an agent; the dequeue is on its way."""
    CONNECTING = "connecting"
    """Out of Twilio's queue, the agent's phone ringing."""
    BRIDGED = "bridged"
    """The agent answered: they are talking."""
    SERVED = "served"
    ABANDONED = "abandoned"
    LEFT = "left"
    """Left the hold by choice (a callback from hold keeps the same virtual start)."""


IN_LINE = frozenset({HeldState.HOLDING, HeldState.RETURNING})
"""States in which the caller waits in the line (and counts in it)."""
ON_OFFER = frozenset({HeldState.OFFERED, HeldState.CONNECTING, HeldState.BRIDGED})
"""States in which an offer is open and an agent is held for the caller."""
FINISHED = frozenset({HeldState.SERVED, HeldState.ABANDONED, HeldState.LEFT})


@dataclass(frozen=True, slots=True)
class HeldCaller:
    """One caller's place in the line while on hold."""

    id: int
    call_sid: str
    queue: QueueName
    queue_sid: str
    language: str
    priority: int
    virtual_start: datetime
    state: HeldState
    fence: int
    joined_at: datetime
    """Their first hold round: when they entered the carrier's queue."""


@dataclass(frozen=True, slots=True)
class HeldClaim:
    """A caller on hold claimed for an agent: the offer's lease and fence gate the dequeue."""

    caller: HeldCaller
    offer_id: int
    agent_id: AgentId
    lease_until: datetime

    @property
    def fence(self) -> int:
        """The fence the claim holds the caller under."""
        return self.caller.fence


def to_caller(row: Row) -> HeldCaller:
    """The caller a `held_call` row describes."""
    return HeldCaller(
        id=row["id"],
        call_sid=row["call_sid"],
        queue=QueueName(row["queue"]),
        queue_sid=row["queue_sid"],
        language=row["language"],
        priority=row["priority"],
        virtual_start=row["virtual_start"],
        state=HeldState(row["state"]),
        fence=row["fence"],
        joined_at=row["joined_at"],
    )


_h = HELD_CALL.c
# The literal matches the partial index's predicate, so SQLite uses it.
_HOLDING = _h.state == literal_column("'holding'")
_HEAD = (
    select(HELD_CALL)
    .where(_h.queue == bindparam("queue"), _HOLDING)
    .order_by(_h.priority.desc(), _h.virtual_start, _h.id)
    .limit(1)
    # PostgreSQL: concurrent claimers pass over each other's rows instead of queueing.
    .with_for_update(skip_locked=True)
)
HOLDING_IN_QUEUE = select(func.count()).where(
    _h.queue == bindparam("queue"), _h.state.in_([state.value for state in IN_LINE])
)
"""How many callers of the queue bound as `queue` hold in the line (not offered now)."""
_CLAIM = (
    update(HELD_CALL)
    .where(
        _h.id == bindparam("row_id"),
        _h.state == HeldState.HOLDING.value,
        _h.fence == bindparam("row_fence"),
    )
    .values(state=HeldState.OFFERED.value, fence=_h.fence + 1)
    .returning(*HELD_CALL.c)
)
_INSERT_OFFER = insert(HELD_OFFER).returning(HELD_OFFER.c.id)


def head(connection: Connection, queue: QueueName) -> Row | None:
    """The first caller holding in `queue`'s line, locked if possible."""
    return connection.execute(_HEAD, {"queue": queue}).mappings().first()


def sorts_before(held: Row, callback: Row) -> bool:
    """Whether the held caller comes before the callback request in the one line.

    On an exact tie of priority and virtual start the caller on the line goes first.
    """
    held_key = (-held["priority"], held["virtual_start"])
    return held_key <= (-callback["priority"], callback["virtual_start"])


def claim(
    connection: Connection, row: Row, agent: AgentId, now: datetime, lease: timedelta
) -> HeldClaim | None:
    """Move the caller to offered under the next fence and record the offer; None if moved."""
    parameters = {"row_id": row["id"], "row_fence": row["fence"], "updated_at": now}
    moved = connection.execute(_CLAIM, parameters).mappings().one_or_none()
    if moved is None:
        return None
    lease_until = now + lease
    offer = {
        "held_id": moved["id"],
        "fence": moved["fence"],
        "queue": moved["queue"],
        "agent_id": agent,
        "claimed_at": now,
        "lease_until": lease_until,
    }
    offer_id = connection.execute(_INSERT_OFFER, offer).scalar_one()
    return HeldClaim(to_caller(moved), offer_id, agent, lease_until)
