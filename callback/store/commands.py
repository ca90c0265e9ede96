"""Writes to the queue, each on a connection inside the caller's write transaction.

Like the reads, the statements are built once with bound parameters; an UPDATE's SET clause
is whatever columns the parameters name besides the `row_*` ones of its WHERE clause.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, exists, insert, update

from callback.merge import Merged
from callback.request import CallbackRequest, Promise, check_transition
from callback.store.announcements import ENDED_BY, Outcome, close_request
from callback.store.convert import Row, promise_columns, request_columns, to_request
from callback.store.records import Claim
from callback.store.tables import ATTEMPT, CONFIG_CHANGE, ON_CALL_STATES, REQUEST
from callback.types import FINAL_STATES, PENDING_STATES, AgentId, RequestId, State

_r = REQUEST.c
_a = ATTEMPT.c

_INSERT_REQUEST = insert(REQUEST).returning(*REQUEST.c)
_UPDATE_IN_STATE = (
    update(REQUEST)
    # Compare-and-set: the row must still be in the state it was read in.
    .where(_r.id == bindparam("row_id"), _r.state == bindparam("row_state"))
    .returning(*REQUEST.c)
)
_CLAIM = (
    update(REQUEST)
    .where(
        _r.id == bindparam("row_id"),
        _r.state == bindparam("row_state"),
        _r.fence == bindparam("row_fence"),
    )
    .values(attempts=_r.attempts + 1, fence=_r.fence + 1)
    .returning(*REQUEST.c)
)
_INSERT_ATTEMPT = insert(ATTEMPT).returning(_a.id)
_ANNOUNCE = update(REQUEST).where(_r.id == bindparam("row_id"))
_INSERT_CONFIG_CHANGE = insert(CONFIG_CHANGE)
_END_OPEN_ATTEMPTS = update(ATTEMPT).where(
    _a.request_id == bindparam("row_request_id"), _a.ended_at.is_(None)
)
_FINISH_ATTEMPT = update(ATTEMPT).where(
    _a.id == bindparam("row_id"),
    _a.fence == bindparam("row_fence"),
    _a.ended_at.is_(None),
    exists().where(_r.id == _a.request_id, _r.fence == bindparam("row_fence")),
)


def insert_request(connection: Connection, request: CallbackRequest, now: datetime) -> Row:
    """Store a new request; it enters the line now and is due at its slot or at once."""
    values = request_columns(request) | {
        "due_at": request.due_at(),
        "entered_line_at": now,
        "fence": 0,
    }
    return connection.execute(_INSERT_REQUEST, values).mappings().one()


def save_merge(connection: Connection, row: Row, merged: Merged, now: datetime) -> Row:
    """Store a merge; a new slot wish reschedules a request that is still in line."""
    values = request_columns(merged.request)
    slot = merged.request.slot
    if merged.slot_changed and slot is not None and State(row["state"]) in PENDING_STATES:
        values |= rescheduled(connection, RequestId(row["id"]), now)
        values |= {"state": State.SCHEDULED.value, "due_at": slot.start}
    return _update_in_state(connection, row, values)


def rescheduled(connection: Connection, request_id: RequestId, now: datetime) -> dict[str, Any]:
    """The promise columns of a request moved to a time slot at `now`, its announcements ended.

    A request booked for a slot is promised no wait (the slot is the promise), so the wait
    promised before no longer holds: no apology falls due for it, and what it was told ends
    as `left` (the person chose another time), outside the accuracy figures.
    """
    close_request(connection, request_id, Outcome.LEFT, now)
    return promise_columns(None)


def _update_in_state(connection: Connection, row: Row, values: dict[str, Any]) -> Row:
    """Set `values` on `row` if it is still in the state it was read in (else NoResultFound)."""
    parameters = values | {"row_id": row["id"], "row_state": row["state"]}
    return connection.execute(_UPDATE_IN_STATE, parameters).mappings().one()


def claim(
    connection: Connection, row: Row, now: datetime, lease: timedelta, agent: AgentId | None
) -> Claim | None:
    """Move `row` to dialing under the next fence and record the attempt; None if it moved."""
    check_transition(State(row["state"]), State.DIALING)
    lease_until = now + lease
    parameters = {
        "row_id": row["id"],
        "row_state": row["state"],
        "row_fence": row["fence"],
        "state": State.DIALING.value,
        "lease_until": lease_until,
        "updated_at": now,
    }
    moved = connection.execute(_CLAIM, parameters).mappings().one_or_none()
    if moved is None:
        return None
    attempt = {
        "request_id": moved["id"],
        "fence": moved["fence"],
        "queue": moved["queue"],
        "number": moved["number"],
        "agent_id": agent,
        "claimed_at": now,
        "lease_until": lease_until,
    }
    attempt_id = connection.execute(_INSERT_ATTEMPT, attempt).scalar_one()
    return Claim(to_request(moved), attempt_id, moved["fence"], lease_until, agent_id=agent)


def move(
    connection: Connection, row: Row, target: State, now: datetime, due_at: datetime | None
) -> Row:
    """Move `row` to `target`: back in line sets its due time, a final state its end."""
    values: dict[str, Any] = {"state": target.value, "updated_at": now}
    if target in PENDING_STATES:
        values |= {"due_at": due_at or now, "entered_line_at": now, "lease_until": None}
    elif target in FINAL_STATES:
        values |= {"finished_at": now, "lease_until": None}
    moved = _update_in_state(connection, row, values)
    if State(row["state"]) in ON_CALL_STATES and target not in ON_CALL_STATES:
        # The call is over even if nobody reported its end: free the number for the next dial.
        end_open_attempts(connection, RequestId(row["id"]), target.value, now)
    ended = ENDED_BY.get(target)
    if ended is not None:
        # What the customer was told meets what happened, in the same transaction.
        close_request(connection, RequestId(row["id"]), ended, now)
    return moved


def end_open_attempts(
    connection: Connection, request_id: RequestId, outcome: str, now: datetime
) -> None:
    """End the request's dial attempts that are still open, with `outcome`."""
    parameters = {"row_request_id": request_id, "ended_at": now, "outcome": outcome}
    connection.execute(_END_OPEN_ATTEMPTS, parameters)


def finish_attempt(
    connection: Connection,
    attempt_id: int,
    fence: int,
    outcome: str,
    now: datetime,
    call_sid: str | None,
) -> bool:
    """End an open attempt if `fence` is still the request's current fence."""
    parameters: dict[str, Any] = {
        "row_id": attempt_id,
        "row_fence": fence,
        "ended_at": now,
        "outcome": outcome,
    }
    if call_sid is not None:
        parameters["call_sid"] = call_sid
    return connection.execute(_FINISH_ATTEMPT, parameters).rowcount == 1


def announce(
    connection: Connection,
    request_id: RequestId,
    ahead: int,
    promise: Promise | None,
    now: datetime,
) -> bool:
    """Record what the customer was just told; a position alone keeps the last promise."""
    values = {"announced_ahead": ahead, "announced_at": now, "updated_at": now}
    if promise is not None:
        values |= promise_columns(promise)
    return connection.execute(_ANNOUNCE, values | {"row_id": request_id}).rowcount == 1


def record_config_change(connection: Connection, change: dict[str, Any]) -> None:
    """Append a configuration change to the log."""
    connection.execute(_INSERT_CONFIG_CHANGE, change)
