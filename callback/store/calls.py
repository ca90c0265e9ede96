"""Telephony bookkeeping: call legs by CallSid, their events, dial attempts, SMS opt-outs.

A status is applied at most once per rank and never backwards: a duplicate or a late
"ringing" after "completed" changes nothing (compare-and-set on `status_rank`). Every
event is appended to `call_event`, applied or not, so the history shows what arrived.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Engine, Insert, and_, bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from callback.request import CallbackRequest, ContextEntry, Slot
from callback.store import queries
from callback.store.arrival import INBOUND, NEW_RANK, Arrival, NewCall
from callback.store.convert import context_to_json, to_request
from callback.store.engine import is_outage, read_transaction, write_transaction
from callback.store.tables import (
    ATTEMPT,
    CALL_EVENT,
    PHONE_CALL,
    REQUEST,
    SMS_SUPPRESSION,
    state_in,
)
from callback.types import ACTIVE_STATES, E164, QueueName, RequestId

FINAL_RANK = 3
"""The rank of a call status after which nothing more happens on the call."""

_p = PHONE_CALL.c
_a = ATTEMPT.c
_r = REQUEST.c

_BY_SID = select(PHONE_CALL).where(_p.call_sid == bindparam("sid"))
_BY_SID_LOCKED = _BY_SID.with_for_update()
_ADVANCE = update(PHONE_CALL).where(
    _p.call_sid == bindparam("row_sid"), _p.status_rank < bindparam("row_rank")
)
_UPDATE_CALL = update(PHONE_CALL).where(_p.call_sid == bindparam("row_sid"))
ON_HOLD_IN_QUEUE = and_(
    _p.queue == bindparam("queue"), _p.hold_since.is_not(None), _p.status_rank < FINAL_RANK
)
"""Callers of the queue bound as `queue` whose call is on hold and has not ended."""
_ON_HOLD = select(func.count()).where(ON_HOLD_IN_QUEUE)
# The attempt's own fence never changes: the request's fence and the open attempt are what
# tell that the claim was not taken over (the same guard as ending an attempt).
_ATTACH = update(ATTEMPT).where(
    _a.id == bindparam("row_id"),
    _a.fence == bindparam("row_fence"),
    _a.call_sid.is_(None),
    _a.ended_at.is_(None),
    exists().where(_r.id == _a.request_id, _r.fence == bindparam("row_fence")),
)
_ATTEMPT_BY_SID = select(ATTEMPT).where(_a.call_sid == bindparam("sid")).order_by(_a.id.desc())
_OPEN_ATTEMPT = (
    select(ATTEMPT)
    .where(_a.request_id == bindparam("request"), _a.ended_at.is_(None), _a.call_sid.is_(None))
    .order_by(_a.id.desc())
)
_BOOKED = select(func.count()).where(
    _r.queue == bindparam("queue"),
    _r.slot_start == bindparam("start"),
    state_in(_r.state, ACTIVE_STATES),
)
_CONTEXTS = select(_r.contexts).where(_r.id == bindparam("id")).with_for_update()
_SET_CONTEXTS = update(REQUEST).where(_r.id == bindparam("row_id"))
_SUPPRESSED = select(SMS_SUPPRESSION.c.number).where(SMS_SUPPRESSION.c.number == bindparam("n"))


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What we keep about one call leg."""

    call_sid: str
    direction: str
    queue: QueueName | None
    arrived_at: datetime
    status: str | None
    status_rank: int
    answered_by: str | None
    hold_since: datetime | None
    slot: Slot | None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """The dial attempt a CallSid belongs to."""

    attempt_id: int
    request_id: RequestId
    fence: int
    agent_id: str | None
    claimed_at: datetime
    ended: bool


def _record(row: RowMapping) -> CallRecord:
    slot = None if row["slot_start"] is None else Slot(row["slot_start"], row["slot_end"])
    queue = row["queue"]
    return CallRecord(
        call_sid=row["call_sid"],
        direction=row["direction"],
        queue=None if queue is None else QueueName(queue),
        arrived_at=row["arrived_at"],
        status=row["status"],
        status_rank=row["status_rank"],
        answered_by=row["answered_by"],
        hold_since=row["hold_since"],
        slot=slot,
    )


def _ignoring(table: Any) -> Mapping[str, Insert]:
    # Built once per dialect: building them per call showed in the webhook profile.
    return MappingProxyType(
        {
            "postgresql": postgresql.insert(table).on_conflict_do_nothing(),
            "sqlite": sqlite.insert(table).on_conflict_do_nothing(),
        }
    )


_NEW_CALL = _ignoring(PHONE_CALL)
_NEW_SUPPRESSION = _ignoring(SMS_SUPPRESSION)


def _insert_ignoring(
    connection: Connection, values: dict[str, Any], statements: Mapping[str, Insert]
) -> None:
    connection.execute(statements[connection.dialect.name], values)


def _ensure_call(
    connection: Connection, sid: str, direction: str, queue: str | None, now: datetime
) -> None:
    values = {
        "call_sid": sid,
        "direction": direction,
        "queue": queue,
        "arrived_at": now,
        "status_rank": NEW_RANK,
        "updated_at": now,
    }
    _insert_ignoring(connection, values, _NEW_CALL)


def _event(
    connection: Connection, sid: str, kind: str, status: str, applied: bool, now: datetime
) -> None:
    values = {"sid": sid, "kind": kind, "status": status, "applied": applied, "at": now}
    connection.execute(CALL_EVENT.insert(), values)


class CallStore:
    """Call legs, call events, CallSids of dial attempts and SMS suppressions."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._arrival = Arrival.of(engine.dialect)

    def arrive(
        self, call_sid: str, direction: str, queue: QueueName | None, now: datetime
    ) -> CallRecord:
        """The call leg `call_sid`, stored now if it is new (a repeat keeps its first arrival)."""
        with write_transaction(self._engine) as connection:
            _ensure_call(connection, call_sid, direction, queue, now)
            return _record(connection.execute(_BY_SID, {"sid": call_sid}).mappings().one())

    def arrive_known(
        self, call_sid: str, queue: QueueName, caller: E164 | None, now: datetime
    ) -> CallbackRequest | None:
        """Store the incoming call leg `call_sid` if it is new (a repeat keeps its first
        arrival) and find the caller's unfinished request in `queue`: the two things every
        incoming call needs from the database, in one transaction (then the request is read,
        only when there is one)."""
        found = self._arrival.run(self._engine, call_sid, queue, caller, now)
        if found is None:
            return None
        with read_transaction(self._engine) as connection:
            row = queries.request_row(connection, found)
        return None if row is None else to_request(row)

    def arrive_all(self, calls: Sequence[NewCall]) -> list[RequestId | None]:
        """For each of `calls` arriving together: its leg stored if new, the id of the caller's
        unfinished request in its queue (or None). One transaction: all stored or none."""
        return self._arrival.run_all(self._engine, calls)

    def is_outage(self, error: BaseException) -> bool:
        """True when `error` came from the database failing rather than from the call."""
        return is_outage(self._engine, error)

    def get(self, call_sid: str) -> CallRecord | None:
        """The call leg `call_sid`, or None if it was never seen."""
        with read_transaction(self._engine) as connection:
            return get_in(connection, call_sid)

    def advance(
        self, call_sid: str, status: str, rank: int, now: datetime, direction: str = "outbound"
    ) -> bool:
        """Apply `status` if its rank is above the call's; False for a duplicate or a late one."""
        values: dict[str, Any] = {"status": status, "status_rank": rank, "updated_at": now}
        if rank >= FINAL_RANK:
            values["hold_since"] = None
        with write_transaction(self._engine) as connection:
            _ensure_call(connection, call_sid, direction, None, now)
            parameters = values | {"row_sid": call_sid, "row_rank": rank}
            applied = connection.execute(_ADVANCE, parameters).rowcount == 1
            _event(connection, call_sid, "status", status, applied, now)
        return applied

    def note(self, sid: str, kind: str, status: str, now: datetime) -> None:
        """Append an event that changes no rank (answering machine, message delivery)."""
        with write_transaction(self._engine) as connection:
            _event(connection, sid, kind, status, False, now)

    def last_note(self, sid: str, kind: str) -> str | None:
        """The latest event of `kind` noted for the call (the reason chosen in the menu)."""
        query = (
            select(CALL_EVENT.c.status)
            .where(CALL_EVENT.c.sid == sid, CALL_EVENT.c.kind == kind)
            .order_by(CALL_EVENT.c.id.desc())
            .limit(1)
        )
        with read_transaction(self._engine) as connection:
            found: str | None = connection.execute(query).scalar_one_or_none()
        return found

    def attached_sid(self, attempt_id: int) -> str | None:
        """The CallSid attached to a dial attempt, if the call is known to have gone out."""
        query = select(_a.call_sid).where(_a.id == attempt_id)
        with read_transaction(self._engine) as connection:
            found: str | None = connection.execute(query).scalar_one_or_none()
        return found

    def ended_unsettled(self, limit: int = 100) -> list[tuple[str, str]]:
        """(CallSid, final status) of open dial attempts whose call has already ended.

        A final status that arrived before its CallSid was attached settled nothing; these
        calls are settled from what was recorded. Open attempts are few (a partial index).
        """
        query = (
            select(_p.call_sid, _p.status)
            .select_from(ATTEMPT.join(PHONE_CALL, _p.call_sid == _a.call_sid))
            .where(_a.ended_at.is_(None), _p.status_rank >= FINAL_RANK)
            .limit(limit)
        )
        with read_transaction(self._engine) as connection:
            return [(sid, status) for sid, status in connection.execute(query)]

    def set_answered_by(self, call_sid: str, answered_by: str, now: datetime) -> CallRecord:
        """Remember who or what answered the call (Twilio's AnsweredBy); the call as it was
        before, read under the row's lock: of two verdicts arriving at once, one sees the other."""
        values = {"answered_by": answered_by, "updated_at": now, "row_sid": call_sid}
        with write_transaction(self._engine) as connection:
            # Inserted first, so a second verdict on a call not seen yet waits for the row.
            _ensure_call(connection, call_sid, INBOUND, None, now)
            row = connection.execute(_BY_SID_LOCKED, {"sid": call_sid}).mappings().one()
            connection.execute(_UPDATE_CALL, values)
            _event(connection, call_sid, "amd", answered_by, False, now)
        return _record(row)

    def set_hold(self, call_sid: str, since: datetime | None, now: datetime) -> None:
        """Mark the caller on hold since `since`, or off hold with None."""
        with write_transaction(self._engine) as connection:
            set_hold_in(connection, call_sid, since, now)

    def move(self, call_sid: str, queue: QueueName, now: datetime) -> None:
        """The caller now waits in `queue` (a config edit removed the one they were in)."""
        self._update(call_sid, {"queue": queue, "updated_at": now}, None, now)

    def set_slot(self, call_sid: str, slot: Slot | None, now: datetime) -> None:
        """Remember the callback time the caller chose while the number is captured."""
        start = None if slot is None else slot.start
        end = None if slot is None else slot.end
        values = {"slot_start": start, "slot_end": end, "updated_at": now}
        self._update(call_sid, values, None, now)

    def on_hold(self, queue: QueueName) -> int:
        """Callers of `queue` on hold now (their call has not ended)."""
        with read_transaction(self._engine) as connection:
            return on_hold_in(connection, queue)

    def attach(self, attempt_id: int, fence: int, call_sid: str) -> bool:
        """Give an open dial attempt its CallSid; False if it has one, ended or was taken over."""
        parameters = {"row_id": attempt_id, "row_fence": fence, "call_sid": call_sid}
        with write_transaction(self._engine) as connection:
            return connection.execute(_ATTACH, parameters).rowcount == 1

    def attempt_for(self, call_sid: str, request: int | None = None) -> AttemptRecord | None:
        """The dial attempt whose call is `call_sid`; else, when the answer to the call's
        creation was lost (no CallSid attached), the open attempt of `request`; or None."""
        with read_transaction(self._engine) as connection:
            row = connection.execute(_ATTEMPT_BY_SID, {"sid": call_sid}).mappings().first()
            if row is None and request is not None:
                found = connection.execute(_OPEN_ATTEMPT, {"request": request})
                row = found.mappings().first()
            if row is None:
                return None
            return AttemptRecord(
                attempt_id=row["id"],
                request_id=RequestId(row["request_id"]),
                fence=row["fence"],
                agent_id=row["agent_id"],
                claimed_at=row["claimed_at"],
                ended=row["ended_at"] is not None,
            )

    def suppress(self, number: E164, now: datetime) -> None:
        """Send no more SMS to `number` (it replied STOP)."""
        with write_transaction(self._engine) as connection:
            _insert_ignoring(connection, {"number": number, "at": now}, _NEW_SUPPRESSION)

    def is_suppressed(self, number: E164) -> bool:
        """True when `number` asked for no more SMS."""
        with read_transaction(self._engine) as connection:
            return is_suppressed_in(connection, number)

    def _update(
        self, call_sid: str, values: dict[str, Any], kind: str | None, now: datetime
    ) -> None:
        with write_transaction(self._engine) as connection:
            _ensure_call(connection, call_sid, INBOUND, None, now)
            connection.execute(_UPDATE_CALL, values | {"row_sid": call_sid})
            if kind is not None:
                _event(connection, call_sid, kind, str(values.get("answered_by")), False, now)


def get_in(connection: Connection, call_sid: str) -> CallRecord | None:
    """`CallStore.get` inside the caller's transaction."""
    row = connection.execute(_BY_SID, {"sid": call_sid}).mappings().one_or_none()
    return None if row is None else _record(row)


def set_hold_in(
    connection: Connection, call_sid: str, since: datetime | None, now: datetime
) -> None:
    """`CallStore.set_hold` inside the caller's write transaction."""
    _ensure_call(connection, call_sid, INBOUND, None, now)
    values = {"hold_since": since, "updated_at": now, "row_sid": call_sid}
    connection.execute(_UPDATE_CALL, values)


def on_hold_in(connection: Connection, queue: QueueName) -> int:
    """`CallStore.on_hold` inside the caller's transaction."""
    count: int = connection.execute(_ON_HOLD, {"queue": queue}).scalar_one()
    return count


def is_suppressed_in(connection: Connection, number: E164) -> bool:
    """`CallStore.is_suppressed` inside the caller's transaction."""
    return connection.execute(_SUPPRESSED, {"n": number}).first() is not None


def booked(connection: Connection, queue: QueueName, start: datetime) -> int:
    """Unfinished requests of `queue` booked for the slot starting at `start`."""
    count: int = connection.execute(_BOOKED, {"queue": queue, "start": start}).scalar_one()
    return count


def append_context(
    connection: Connection, request_id: RequestId, entry: ContextEntry, now: datetime
) -> bool:
    """Add a context entry to a request (a survey rating, a transcription); False if unknown."""
    current = connection.execute(_CONTEXTS, {"id": request_id}).scalar_one_or_none()
    if current is None:
        return False
    contexts = [*current, context_to_json(entry)]
    parameters = {"row_id": request_id, "contexts": contexts, "updated_at": now}
    connection.execute(_SET_CONTEXTS, parameters)
    return True
