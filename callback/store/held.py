"""Callers on hold outside the claim: joining the line, the connect step's checks, endings.

Every change is a compare-and-set on the caller's state and fence, so a late webhook, a
sweep and a status callback racing for one caller move it once; ending an offer and moving
the caller are one transaction, so an agent is never left held for a caller who moved on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from callback.store.announcements import (
    Outcome,
    Told,
    close_held,
    reached_after_all,
    told_held,
)
from callback.store.engine import read_transaction, write_transaction
from callback.store.held_line import (
    FINISHED,
    HOLDING_IN_QUEUE,
    IN_LINE,
    ON_OFFER,
    HeldCaller,
    HeldClaim,
    HeldState,
    to_caller,
)
from callback.store.tables import HELD_CALL, HELD_OFFER
from callback.types import AgentId, QueueName

_h = HELD_CALL.c
_o = HELD_OFFER.c

_BY_SID = select(HELD_CALL).where(_h.call_sid == bindparam("sid"))
_BY_ID = select(HELD_CALL).where(_h.id == bindparam("id"))
_MOVE = (
    update(HELD_CALL)
    .where(
        _h.id == bindparam("row_id"),
        _h.fence == bindparam("row_fence"),
        _h.state.in_(bindparam("row_states", expanding=True)),
    )
    .returning(*HELD_CALL.c)
)
_OPEN_OFFER = select(HELD_OFFER).where(
    _o.held_id == bindparam("held_id"), _o.fence == bindparam("fence"), _o.ended_at.is_(None)
)
_END_OFFER = update(HELD_OFFER).where(
    _o.held_id == bindparam("row_held"),
    _o.fence == bindparam("row_fence"),
    _o.ended_at.is_(None),
)
_EXPIRED = (
    select(HELD_CALL, _o.id.label("offer_id"), _o.agent_id, _o.lease_until)
    .join(HELD_OFFER, _o.held_id == _h.id)
    .where(_o.ended_at.is_(None), _o.lease_until < bindparam("now"), _h.fence == _o.fence)
    .order_by(_o.lease_until)
)
_BACK_IN_QUEUE = update(HELD_CALL).where(
    _h.call_sid == bindparam("row_sid"), _h.state == HeldState.RETURNING.value
)
_MOVE_QUEUE = update(HELD_CALL).where(
    _h.call_sid == bindparam("row_sid"), _h.state.in_(bindparam("row_states", expanding=True))
)
_RENEW = update(HELD_OFFER).where(_o.id == bindparam("row_id"), _o.ended_at.is_(None))
_QUEUE_SID = (
    update(HELD_CALL)
    .where(
        _h.call_sid == bindparam("row_sid"),
        _h.state.in_([state.value for state in IN_LINE]),
        _h.queue_sid != bindparam("new_sid"),
    )
    .values(queue_sid=bindparam("new_sid"))
)


@dataclass(frozen=True, slots=True)
class Joining:
    """A caller whose first hold round just arrived: what their place in the line is made of."""

    call_sid: str
    queue: QueueName
    queue_sid: str
    language: str
    priority: int
    virtual_start: datetime
    """When the call arrived: a callback taken from hold later keeps this too."""


_ENDED_BY = {
    HeldState.BRIDGED: Outcome.REACHED,
    HeldState.SERVED: Outcome.REACHED,
    HeldState.ABANDONED: Outcome.ABANDONED,
    HeldState.LEFT: Outcome.LEFT,
}
"""A caller's moves that end their wait on hold (an agent answered, or they went)."""


def _states(states: Iterable[HeldState]) -> list[str]:
    return [state.value for state in states]


def _target_values(target: HeldState, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"state": target.value, "updated_at": now}
    if target in FINISHED:
        values["ended_at"] = now
    return values


def move(
    connection: Connection,
    caller: HeldCaller,
    sources: Iterable[HeldState],
    target: HeldState,
    now: datetime,
) -> HeldCaller | None:
    """Move `caller` from one of `sources` to `target` if its fence is unchanged."""
    parameters = _target_values(target, now) | {
        "row_id": caller.id,
        "row_fence": caller.fence,
        "row_states": _states(sources),
    }
    moved = connection.execute(_MOVE, parameters).mappings().one_or_none()
    if moved is None:
        return None
    ended = _ENDED_BY.get(target)
    if ended is not None:
        # What the caller was told on hold meets what happened, in the same transaction.
        close_held(connection, caller.id, ended, now)
    return to_caller(moved)


def end_offer(connection: Connection, caller: HeldCaller, outcome: str, now: datetime) -> None:
    """End the caller's open offer under its current fence, with `outcome`."""
    parameters = {"row_held": caller.id, "row_fence": caller.fence}
    connection.execute(_END_OFFER, parameters | {"ended_at": now, "outcome": outcome})


def join_in(connection: Connection, joining: Joining, now: datetime) -> HeldCaller:
    """`HeldStore.join` inside the hold round's write transaction (nothing told)."""
    values = {
        "call_sid": joining.call_sid,
        "queue": joining.queue,
        "queue_sid": joining.queue_sid,
        "language": joining.language,
        "priority": joining.priority,
        "virtual_start": joining.virtual_start,
        "state": HeldState.HOLDING.value,
        "fence": 0,
        "joined_at": now,
        "updated_at": now,
    }
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(HELD_CALL).on_conflict_do_nothing(), values)
    # Twilio's queue may have been made anew: dequeue from the one they are in now.
    parameters = {"row_sid": joining.call_sid, "new_sid": joining.queue_sid}
    connection.execute(_QUEUE_SID, parameters)
    # A caller put back is in Twilio's queue again: they may be offered once more.
    back = {"row_sid": joining.call_sid, "state": HeldState.HOLDING.value}
    connection.execute(_BACK_IN_QUEUE, back | {"updated_at": now})
    row = connection.execute(_BY_SID, {"sid": joining.call_sid}).mappings().one()
    return to_caller(row)


def tell_in(connection: Connection, caller: HeldCaller, told: Told) -> None:
    """Keep what a hold round told `caller`, while they wait in the line."""
    if caller.state in IN_LINE:
        told_held(connection, caller.id, told)


class HeldStore:
    """The held callers' rows, for the hold webhooks, the connect step and the sweep."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def join(self, joining: Joining, now: datetime, told: Told | None = None) -> HeldCaller:
        """The caller's row, made on their first hold round (a repeat keeps their place),
        and what this round tells them, kept while they wait in the line."""
        with write_transaction(self._engine) as connection:
            caller = join_in(connection, joining, now)
            if told is not None:
                tell_in(connection, caller, told)
            return caller

    def move(self, call_sid: str, queue: QueueName, now: datetime) -> bool:
        """A caller in line moves to `queue` (theirs left the config), keeping their place;
        offered again once a hold round shows them in the new queue at Twilio."""
        parameters = {
            "row_sid": call_sid,
            "row_states": _states(IN_LINE),
            "queue": queue,
            "state": HeldState.RETURNING.value,
            "updated_at": now,
        }
        with write_transaction(self._engine) as connection:
            return connection.execute(_MOVE_QUEUE, parameters).rowcount == 1

    def by_sid(self, call_sid: str) -> HeldCaller | None:
        """The held caller of call `call_sid`, if they ever held."""
        with read_transaction(self._engine) as connection:
            return self._by_sid(connection, call_sid)

    def get(self, held_id: int) -> HeldCaller | None:
        """The held caller `held_id`."""
        with read_transaction(self._engine) as connection:
            row = connection.execute(_BY_ID, {"id": held_id}).mappings().one_or_none()
        return None if row is None else to_caller(row)

    def holding(self, queue: QueueName) -> int:
        """Callers of `queue` holding in the line, not yet offered to an agent."""
        with read_transaction(self._engine) as connection:
            count: int = connection.execute(HOLDING_IN_QUEUE, {"queue": queue}).scalar_one()
        return count

    def offered_agent(self, caller: HeldCaller) -> AgentId | None:
        """The agent of the caller's open offer under its current fence."""
        parameters = {"held_id": caller.id, "fence": caller.fence}
        with read_transaction(self._engine) as connection:
            row = connection.execute(_OPEN_OFFER, parameters).mappings().first()
        return None if row is None else AgentId(row["agent_id"])

    def advance(
        self, caller: HeldCaller, sources: Iterable[HeldState], target: HeldState, now: datetime
    ) -> HeldCaller | None:
        """Move the caller along while the offer stays open (offered -> connecting -> bridged)."""
        with write_transaction(self._engine) as connection:
            return move(connection, caller, sources, target, now)

    def end(
        self, caller: HeldCaller, target: HeldState, outcome: str, now: datetime
    ) -> HeldCaller | None:
        """End the caller's offer with `outcome` and move them to `target` (back to holding,
        served or abandoned); None when the offer had already ended or moved on."""
        with write_transaction(self._engine) as connection:
            moved = move(connection, caller, ON_OFFER, target, now)
            if moved is not None:
                end_offer(connection, caller, outcome, now)
            return moved

    def finish_holding(
        self, caller: HeldCaller, target: HeldState, now: datetime
    ) -> HeldCaller | None:
        """A caller who was not offered leaves the line (hung up, or took a callback)."""
        with write_transaction(self._engine) as connection:
            return move(connection, caller, IN_LINE, target, now)

    def served_elsewhere(self, caller: HeldCaller, reached: datetime) -> HeldCaller | None:
        """Another system's agent took `caller` from the queue at `reached`: `served`, though
        no offer of ours is behind it. A caller taken for abandoned when their call's end
        arrived first is corrected, if no agent of ours was ever offered them (fence 0)."""
        sources = set(IN_LINE)
        if caller.fence == 0:
            sources.add(HeldState.ABANDONED)
        with write_transaction(self._engine) as connection:
            moved = move(connection, caller, sources, HeldState.SERVED, reached)
            if moved is not None and caller.state is HeldState.ABANDONED:
                reached_after_all(connection, caller.id, reached)
            return moved

    def expired(self, now: datetime, limit: int = 100) -> list[HeldClaim]:
        """Open offers past their lease at `now`, oldest first."""
        with read_transaction(self._engine) as connection:
            rows = connection.execute(_EXPIRED.limit(limit), {"now": now}).mappings().all()
        return [
            HeldClaim(to_caller(row), row["offer_id"], AgentId(row["agent_id"]), row["lease_until"])
            for row in rows
        ]

    def renew(self, claim: HeldClaim, until: datetime) -> bool:
        """Hold the claim's offer until `until`; False if it ended."""
        parameters = {"row_id": claim.offer_id, "lease_until": until}
        with write_transaction(self._engine) as connection:
            return connection.execute(_RENEW, parameters).rowcount == 1

    @staticmethod
    def _by_sid(connection: Connection, call_sid: str) -> HeldCaller | None:
        row = connection.execute(_BY_SID, {"sid": call_sid}).mappings().one_or_none()
        return None if row is None else to_caller(row)
