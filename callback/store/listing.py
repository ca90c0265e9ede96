"""The console's request list (filtered, newest first, paged by key) and a request's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Select, and_, or_, select

from callback.store.positions import announced
from callback.store.request_sms import SentSms, SmsKind, sms_for
from callback.store.tables import ATTEMPT, BROKEN_PROMISE, EVENT_OUTBOX, PHONE_CALL, REQUEST
from callback.types import FINAL_STATES, RequestId

_r, _a, _o, _p, _b = REQUEST.c, ATTEMPT.c, EVENT_OUTBOX.c, PHONE_CALL.c, BROKEN_PROMISE.c
PAGE = 50
_FINAL = frozenset(state.value for state in FINAL_STATES)
COLUMNS = (
    _r.id, _r.queue, _r.state, _r.channel, _r.number, _r.name, _r.priority,
    _r.created_at, _r.due_at, _r.attempts,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """What the list shows: any of queue, state, channel and a UTC day; `before` pages on."""

    queue: str | None = None
    state: str | None = None
    channel: str | None = None
    day: date | None = None
    before: int | None = None
    """The id of the last row of the previous page."""


@dataclass(frozen=True, slots=True)
class Listed:
    """One row of the list (the number unmasked: the page masks it)."""

    id: RequestId
    queue: str
    state: str
    channel: str
    number: str
    name: str | None
    priority: int
    created_at: datetime
    due_at: datetime
    attempts: int


def _filtered(wanted: RequestFilter) -> Select[Any]:
    query = select(*COLUMNS)
    for column, value in ((_r.queue, wanted.queue), (_r.state, wanted.state)):
        if value:
            query = query.where(column == value)
    if wanted.state in _FINAL:
        # Implied by a final state; it lets the planner use the list's partial index.
        query = query.where(_r.finished_at.is_not(None))
    if wanted.channel:
        query = query.where(_r.channel == wanted.channel)
    if wanted.day is not None:
        start = datetime.combine(wanted.day, time(), tzinfo=UTC)
        query = query.where(_r.created_at >= start, _r.created_at < start + timedelta(days=1))
    return query


def list_requests(
    connection: Connection, wanted: RequestFilter, size: int = PAGE
) -> tuple[list[Listed], bool]:
    """One page of matching requests, newest first, and whether an older page follows."""
    query = _filtered(wanted)
    if wanted.before is not None:
        mark = select(_r.created_at).where(_r.id == wanted.before).scalar_subquery()
        older = or_(_r.created_at < mark, and_(_r.created_at == mark, _r.id < wanted.before))
        query = query.where(older)
    query = query.order_by(_r.created_at.desc(), _r.id.desc()).limit(size + 1)
    rows = connection.execute(query).all()
    return [Listed(*row) for row in rows[:size]], len(rows) > size


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a request's timeline."""

    at: datetime
    what: str
    detail: str


def timeline(connection: Connection, request_id: RequestId) -> list[Step]:
    """Every change, dial, announcement, text sent and broken promise of one request, in order."""
    steps: list[Step] = []
    row = connection.execute(select(REQUEST).where(_r.id == request_id)).mappings().first()
    if row is None:
        return steps
    steps.append(Step(row["created_at"], "requested", f"channel={row['channel']}"))
    events = select(_o.at, _o.kind, _o.state).where(_o.request_id == request_id)
    steps += [
        Step(at, str(kind), f"state={state}") for at, kind, state in connection.execute(events)
    ]
    steps += _attempts(connection, request_id)
    broken = select(_b.at, _b.promise_by).where(_b.request_id == request_id)
    steps += [Step(at, "promise_broken", f"by={by:%H:%M}") for at, by in connection.execute(broken)]
    steps += [
        Step(sms.at, f"sms_{sms.kind.value}", _sms_detail(sms))
        for sms in sms_for(connection, request_id)
    ]
    steps += [Step(told.at, "announced", told.detail) for told in announced(connection, request_id)]
    if row["finished_at"] is not None:
        steps.append(Step(row["finished_at"], str(row["state"]), "finished"))
    return sorted(steps, key=lambda step: step.at)


def _sms_detail(sms: SentSms) -> str:
    # A verification row never holds the code; the page says so rather than leave a doubt.
    hidden = "code not shown; " if sms.kind is SmsKind.VERIFICATION else ""
    return f"{hidden}sid={sms.message_sid or 'none'}"


def _attempts(connection: Connection, request_id: RequestId) -> list[Step]:
    joined = ATTEMPT.outerjoin(PHONE_CALL, _p.call_sid == _a.call_sid)
    query = (
        select(_a.fence, _a.claimed_at, _a.ended_at, _a.outcome, _a.agent_id, _p.answered_by)
        .select_from(joined)
        .where(_a.request_id == request_id)
    )
    steps = []
    for fence, claimed, ended, outcome, agent, answered_by in connection.execute(query):
        detail = f"attempt {fence}: {outcome or 'open'}; answered by {answered_by or 'unknown'}"
        detail += f"; agent={agent}" if agent else ""
        if ended is not None:
            detail += f"; ended {ended:%H:%M:%S}"
        steps.append(Step(claimed, "dial", detail))
    return steps


def reached_at(connection: Connection, request_id: RequestId) -> datetime | None:
    """When the person was reached: the start of the dial that ended in a completed call."""
    query = select(_a.claimed_at).where(
        _a.request_id == request_id, _a.outcome.in_(("completed", "connected"))
    )
    return connection.execute(query.order_by(_a.fence)).scalars().first()
