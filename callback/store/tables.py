"""The queue's tables and indexes (SQLModel declarations; queries use their Core tables)."""

# No `from __future__ import annotations` here: SQLModel reads the annotations at class creation.

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Index,
    MetaData,
    String,
    Table,
    Text,
    and_,
)
from sqlalchemy import literal_column as sql_literal
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from callback.store.utc import UtcTimestamp
from callback.types import ACTIVE_STATES, PENDING_STATES, Channel, State

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
"""The store's own metadata, so that no other SQLModel table leaks into its migrations."""


class StoreModel(SQLModel, registry=registry(metadata=metadata)):
    """Base of the store's tables."""


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _states(states: Iterable[State]) -> list[str]:
    # Enum order, always: SQLite only uses a partial index when the query repeats its WHERE
    # term exactly, values in the same order and as literals (a bound parameter never matches).
    wanted = set(states)
    return [state.value for state in State if state in wanted]


def state_in(column: ColumnElement[Any], states: Iterable[State]) -> ColumnElement[bool]:
    """`column IN ('a', 'b')` with literal values, matching the partial indexes' predicates."""
    return column.in_([sql_literal(f"'{value}'") for value in _states(states)])


class CallbackRequestRow(StoreModel, table=True):
    """One callback request and its bookkeeping (due time, lease, fence, announcement)."""

    __tablename__ = "callback_request"
    __table_args__ = (
        CheckConstraint(f"state IN ({_sql_list(_states(State))})", name="state"),
        CheckConstraint(f"channel IN ({_sql_list(c.value for c in Channel)})", name="channel"),
        CheckConstraint("(slot_start IS NULL) = (slot_end IS NULL)", name="slot"),
        # Request ids reach customers (links, SMS): SQLite must never reuse one.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    queue: str = Field(sa_type=String)
    number: str = Field(sa_type=String)
    channel: str = Field(sa_type=String)
    state: str = Field(sa_type=String)
    name: str | None = Field(sa_type=String)
    language: str = Field(sa_type=String)
    priority: int
    virtual_start: datetime = Field(sa_type=UtcTimestamp)
    due_at: datetime = Field(sa_type=UtcTimestamp)
    slot_start: datetime | None = Field(sa_type=UtcTimestamp)
    slot_end: datetime | None = Field(sa_type=UtcTimestamp)
    attempts: int
    contexts: list[dict[str, Any]] = Field(sa_type=JSON)
    promise_announced_at: datetime | None = Field(sa_type=UtcTimestamp)
    promise_wait_s: float | None
    promise_low_s: float | None
    promise_high_s: float | None
    promise_by: datetime | None = Field(sa_type=UtcTimestamp)
    announced_ahead: int | None
    announced_at: datetime | None = Field(sa_type=UtcTimestamp)
    entered_line_at: datetime = Field(sa_type=UtcTimestamp)
    lease_until: datetime | None = Field(sa_type=UtcTimestamp)
    fence: int
    created_at: datetime = Field(sa_type=UtcTimestamp)
    updated_at: datetime = Field(sa_type=UtcTimestamp)
    finished_at: datetime | None = Field(sa_type=UtcTimestamp)
    purged_at: datetime | None = Field(sa_type=UtcTimestamp)


class DialAttemptRow(StoreModel, table=True):
    """One claimed dial of a request: the lease and fence that gate an outbound call."""

    __tablename__ = "dial_attempt"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="callback_request.id")
    fence: int
    queue: str = Field(sa_type=String)
    number: str = Field(sa_type=String)
    agent_id: str | None = Field(sa_type=String)
    claimed_at: datetime = Field(sa_type=UtcTimestamp)
    lease_until: datetime = Field(sa_type=UtcTimestamp)
    call_sid: str | None = Field(sa_type=String)
    ended_at: datetime | None = Field(sa_type=UtcTimestamp)
    outcome: str | None = Field(sa_type=String)


class ConfigChangeRow(StoreModel, table=True):
    """An applied change of the supervisor configuration file."""

    __tablename__ = "config_change"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UtcTimestamp)
    path: str = Field(sa_type=String)
    old_hash: str | None = Field(sa_type=String)
    new_hash: str = Field(sa_type=String)
    sections: list[str] = Field(sa_type=JSON)
    text: str | None = Field(sa_type=Text)


REQUEST: Table = metadata.tables["callback_request"]
ATTEMPT: Table = metadata.tables["dial_attempt"]
CONFIG_CHANGE: Table = metadata.tables["config_change"]

ON_CALL_STATES: frozenset[State] = frozenset({State.DIALING, State.CONNECTED})
"""States in which a dial attempt is (or should be) open for the request."""

_r = REQUEST.c
_pending = state_in(_r.state, PENDING_STATES)
_on_call = state_in(_r.state, ON_CALL_STATES)
_active = state_in(_r.state, ACTIVE_STATES)
_open = ATTEMPT.c.ended_at.is_(None)

Index(
    "uq_callback_request_active_number",
    _r.queue,
    _r.number,
    unique=True,
    sqlite_where=_active,
    postgresql_where=_active,
)
# due_at and state trail the line order so that "how many are due ahead of me" is answered
# from the index alone (SQLite reads the table for any column the index lacks, even `state`,
# which the partial predicate already guarantees).
Index(
    "ix_callback_request_line",
    _r.queue,
    _r.priority.desc(),
    _r.virtual_start,
    _r.id,
    _r.due_at,
    _r.state,
    sqlite_where=_pending,
    postgresql_where=_pending,
)
Index(
    "ix_callback_request_due",
    _r.queue,
    _r.due_at,
    sqlite_where=_pending,
    postgresql_where=_pending,
)
# Few rows (one per call in progress): lets the counts skip both the line and the history.
Index(
    "ix_callback_request_on_call",
    _r.queue,
    _r.state,
    sqlite_where=_on_call,
    postgresql_where=_on_call,
)
Index("uq_dial_attempt_request_fence", ATTEMPT.c.request_id, ATTEMPT.c.fence, unique=True)
Index(
    "uq_dial_attempt_open_number",
    ATTEMPT.c.number,
    unique=True,
    sqlite_where=_open,
    postgresql_where=_open,
)
Index(
    "ix_dial_attempt_open_lease",
    ATTEMPT.c.lease_until,
    sqlite_where=_open,
    postgresql_where=_open,
)
# Recent history for the measured handle time and patience (callback.store.stats): a range
# scan over the last day, however long the history.
Index("ix_dial_attempt_queue_ended", ATTEMPT.c.queue, ATTEMPT.c.ended_at)
Index("ix_callback_request_queue_finished", _r.queue, _r.finished_at)
# The wallboard's day (callback.store.today) reads only the last two: no table row per person.
_finished = _r.finished_at.is_not(None)
CONSOLE_INDEXES = (
    # The list filtered by a final state: partial, so only a query that names
    # `finished_at IS NOT NULL` can use it and the line's counts keep their own index.
    Index(
        "ix_callback_request_finished_state_created",
        *(_r.state, _r.created_at, _r.id),
        sqlite_where=_finished,
        postgresql_where=_finished,
    ),
    Index(
        "ix_callback_request_queue_finished_day",
        *(_r.queue, _r.finished_at, _r.state, _r.attempts, _r.fence, _r.virtual_start),
        _r.promise_by,
    ),
)
# ix_dial_attempt_request_fence_claimed (each attempt's claim, read from the index alone) is
# declared below with the report's indexes: the console's reads use it too.
# Retention (callback.store.retention): finished requests whose personal data is still held,
# and the whole history by age for deletion.
_unpurged = and_(_r.finished_at.is_not(None), _r.purged_at.is_(None))
Index(
    "ix_callback_request_unpurged",
    _r.finished_at,
    sqlite_where=_unpurged,
    postgresql_where=_unpurged,
)
Index("ix_callback_request_finished", _r.finished_at)
# The console: today's offered per queue, and the request list newest first by date.
Index("ix_callback_request_queue_created", _r.queue, _r.created_at)
Index("ix_callback_request_created", _r.created_at, _r.id)
# No (state, created_at) index: SQLite would prefer it to the partial active-state index
# for the line's counts, the hottest read; a list filtered by a final state scans by date.


class PhoneCallRow(StoreModel, table=True):
    """One Twilio call leg we have seen, by CallSid: its arrival, status rank and hold.

    No phone number is kept here: every webhook carries it again, and a table without
    numbers needs no purge.
    """

    __tablename__ = "phone_call"

    call_sid: str = Field(primary_key=True, sa_type=String)
    direction: str = Field(sa_type=String)
    queue: str | None = Field(sa_type=String)
    arrived_at: datetime = Field(sa_type=UtcTimestamp)
    status: str | None = Field(sa_type=String)
    status_rank: int
    answered_by: str | None = Field(sa_type=String)
    hold_since: datetime | None = Field(sa_type=UtcTimestamp)
    slot_start: datetime | None = Field(sa_type=UtcTimestamp)
    slot_end: datetime | None = Field(sa_type=UtcTimestamp)
    updated_at: datetime = Field(sa_type=UtcTimestamp)


class CallEventRow(StoreModel, table=True):
    """A status, answering-machine or message-delivery event, as Twilio reported it."""

    __tablename__ = "call_event"

    id: int | None = Field(default=None, primary_key=True)
    sid: str = Field(sa_type=String)
    kind: str = Field(sa_type=String)
    status: str = Field(sa_type=String)
    applied: bool
    at: datetime = Field(sa_type=UtcTimestamp)


class SmsSuppressionRow(StoreModel, table=True):
    """A number that replied STOP: it gets no more text messages."""

    __tablename__ = "sms_suppression"

    number: str = Field(primary_key=True, sa_type=String)
    at: datetime = Field(sa_type=UtcTimestamp)


PHONE_CALL: Table = metadata.tables["phone_call"]
CALL_EVENT: Table = metadata.tables["call_event"]
SMS_SUPPRESSION: Table = metadata.tables["sms_suppression"]

_on_hold = PHONE_CALL.c.hold_since.is_not(None)
Index(
    "ix_phone_call_on_hold",
    PHONE_CALL.c.queue,
    sqlite_where=_on_hold,
    postgresql_where=_on_hold,
)
Index("ix_call_event_sid", CALL_EVENT.c.sid)
Index("ix_dial_attempt_call_sid", ATTEMPT.c.call_sid)
Index("ix_callback_request_slot", _r.queue, _r.slot_start)


class AgentPresenceRow(StoreModel, table=True):
    """An agent's presence now: status, since when, why, and the dial that holds them."""

    __tablename__ = "agent_presence"
    __table_args__ = (
        CheckConstraint(
            "status IN ('available', 'busy', 'wrap_up', 'away', 'offline')", name="status"
        ),
    )

    agent_id: str = Field(primary_key=True, sa_type=String)
    status: str = Field(sa_type=String)
    since: datetime = Field(sa_type=UtcTimestamp)
    cause: str = Field(sa_type=String)
    unanswered: int
    attempt_id: int | None
    until: datetime | None = Field(sa_type=UtcTimestamp)
    held_offer_id: int | None


class PresenceChangeRow(StoreModel, table=True):
    """One change of an agent's presence, with its cause (the presence history)."""

    __tablename__ = "presence_change"

    id: int | None = Field(default=None, primary_key=True)
    agent_id: str = Field(sa_type=String)
    status: str = Field(sa_type=String)
    at: datetime = Field(sa_type=UtcTimestamp)
    cause: str = Field(sa_type=String)


PRESENCE: Table = metadata.tables["agent_presence"]
PRESENCE_CHANGE: Table = metadata.tables["presence_change"]

Index("ix_presence_change_agent_at", PRESENCE_CHANGE.c.agent_id, PRESENCE_CHANGE.c.at)
# The rate cap counts a queue's dials started in the last minute.
Index("ix_dial_attempt_queue_claimed", ATTEMPT.c.queue, ATTEMPT.c.claimed_at)


class AbuseEventRow(StoreModel, table=True):
    """One accepted public request, counted under each key a limit watches (ip, number ...)."""

    __tablename__ = "abuse_event"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String)
    key: str = Field(sa_type=String)
    at: datetime = Field(sa_type=UtcTimestamp)


class AbuseRefusalRow(StoreModel, table=True):
    """How many public requests were refused for one reason, so an attack is visible."""

    __tablename__ = "abuse_refusal"

    reason: str = Field(primary_key=True, sa_type=String)
    count: int
    first_at: datetime = Field(sa_type=UtcTimestamp)
    last_at: datetime = Field(sa_type=UtcTimestamp)


class StatusTokenRow(StoreModel, table=True):
    """The SHA-256 of a status URL's token and the request it shows (never the token itself)."""

    __tablename__ = "status_token"

    token_sha256: str = Field(primary_key=True, sa_type=String)
    request_id: int
    created_at: datetime = Field(sa_type=UtcTimestamp)


ABUSE_EVENT: Table = metadata.tables["abuse_event"]
ABUSE_REFUSAL: Table = metadata.tables["abuse_refusal"]
STATUS_TOKEN: Table = metadata.tables["status_token"]

Index("ix_abuse_event_kind_key_at", ABUSE_EVENT.c.kind, ABUSE_EVENT.c.key, ABUSE_EVENT.c.at)
Index("ix_abuse_event_at", ABUSE_EVENT.c.at)
Index("ix_status_token_request_id", STATUS_TOKEN.c.request_id)
# SMS "1" after a failed series re-books (callback.store.rebook): the latest failed request of
# a number, found without reading the rest of the history.
_failed = state_in(_r.state, {State.FAILED})
Index(
    "ix_callback_request_failed_number",
    _r.number,
    _r.finished_at,
    sqlite_where=_failed,
    postgresql_where=_failed,
)


class BrokenPromiseRow(StoreModel, table=True):
    """A request not dialled by its promised time: recorded once, so it is counted once."""

    __tablename__ = "broken_promise"

    request_id: int = Field(primary_key=True)
    queue: str = Field(sa_type=String)
    promise_by: datetime = Field(sa_type=UtcTimestamp)
    at: datetime = Field(sa_type=UtcTimestamp)


class EventOutboxRow(StoreModel, table=True):
    """A lifecycle event waiting for (or done with) delivery to the outbound webhook."""

    __tablename__ = "event_outbox"
    # Event ids reach the customer's systems (for de-duplication): SQLite must never reuse one.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String)
    request_id: int
    queue: str = Field(sa_type=String)
    state: str = Field(sa_type=String)
    at: datetime = Field(sa_type=UtcTimestamp)
    attempts: int
    next_attempt_at: datetime | None = Field(sa_type=UtcTimestamp)
    delivered_at: datetime | None = Field(sa_type=UtcTimestamp)
    gave_up_at: datetime | None = Field(sa_type=UtcTimestamp)


class EventWatchRow(StoreModel, table=True):
    """The state and context count last turned into an event, per request."""

    __tablename__ = "event_watch"

    request_id: int = Field(primary_key=True)
    state: str = Field(sa_type=String)
    contexts: int


class EventCursorRow(StoreModel, table=True):
    """How far the state-change scan has read the requests, by (updated_at, id)."""

    __tablename__ = "event_cursor"

    name: str = Field(primary_key=True, sa_type=String)
    updated_at: datetime = Field(sa_type=UtcTimestamp)
    request_id: int


BROKEN_PROMISE: Table = metadata.tables["broken_promise"]
EVENT_OUTBOX: Table = metadata.tables["event_outbox"]
EVENT_WATCH: Table = metadata.tables["event_watch"]
EVENT_CURSOR: Table = metadata.tables["event_cursor"]

Index("ix_broken_promise_at", BROKEN_PROMISE.c.at)
# Only events still to send carry a next attempt time: delivery reads them from this index.
Index("ix_event_outbox_next_attempt", EVENT_OUTBOX.c.next_attempt_at)
# The state-change scan reads the requests in (updated_at, id) order from its cursor.
Index("ix_callback_request_updated", _r.updated_at, _r.id)


class PhoneVerificationRow(StoreModel, table=True):
    """A submission held until its number's owner types the code sent to it by SMS.

    Neither the verification id nor the code is stored: the id as its SHA-256, the code as an
    HMAC keyed by the id, so a database copy cannot be used to confirm a pending number.
    """

    __tablename__ = "phone_verification"

    id_sha256: str = Field(primary_key=True, sa_type=String)
    number: str = Field(sa_type=String)
    code_mac: str = Field(sa_type=String)
    client_id: str = Field(sa_type=String)
    submission: str = Field(sa_type=String)
    created_at: datetime = Field(sa_type=UtcTimestamp)
    expires_at: datetime = Field(sa_type=UtcTimestamp)
    attempts: int


PHONE_VERIFICATION: Table = metadata.tables["phone_verification"]

# One pending verification per number: a new request for it replaces the old one.
Index("uq_phone_verification_number", PHONE_VERIFICATION.c.number, unique=True)
Index("ix_phone_verification_expires_at", PHONE_VERIFICATION.c.expires_at)


class VoicemailRow(StoreModel, table=True):
    """A message left without a number to call back: kept for a supervisor to handle."""

    __tablename__ = "voicemail"
    # Voicemail ids reach supervisors (the handled endpoint): SQLite must never reuse one.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    call_sid: str = Field(sa_type=String)
    queue: str = Field(sa_type=String)
    language: str = Field(sa_type=String)
    recording_url: str = Field(sa_type=String)
    recording_seconds: int
    transcription: str | None = Field(sa_type=String)
    received_at: datetime = Field(sa_type=UtcTimestamp)
    handled_at: datetime | None = Field(sa_type=UtcTimestamp)
    handled_by: str | None = Field(sa_type=String)


VOICEMAIL: Table = metadata.tables["voicemail"]

_unhandled = VOICEMAIL.c.handled_at.is_(None)
# One message per call: a repeated Record action (Twilio retrying it) keeps the first.
Index("uq_voicemail_call_sid", VOICEMAIL.c.call_sid, unique=True)
# The supervisor's list and the per-queue counts read only the messages still to handle.
Index(
    "ix_voicemail_unhandled",
    VOICEMAIL.c.queue,
    VOICEMAIL.c.received_at,
    sqlite_where=_unhandled,
    postgresql_where=_unhandled,
)
Index("ix_voicemail_received_at", VOICEMAIL.c.received_at)


class HeldCallRow(StoreModel, table=True):
    """A caller on hold: their place in the one line (priority, virtual start) and its state.

    A caller keeps this row from the first hold round to the end of the call: an agent who
    does not answer puts them back under the same row, so at the same place.
    """

    __tablename__ = "held_call"
    __table_args__ = (
        CheckConstraint(
            "state IN ('holding', 'returning', 'offered', 'connecting', 'bridged', 'served',"
            " 'abandoned', 'left')",
            name="state",
        ),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    call_sid: str = Field(sa_type=String)
    queue: str = Field(sa_type=String)
    queue_sid: str = Field(sa_type=String)
    language: str = Field(sa_type=String)
    priority: int
    virtual_start: datetime = Field(sa_type=UtcTimestamp)
    state: str = Field(sa_type=String)
    fence: int
    joined_at: datetime = Field(sa_type=UtcTimestamp)
    updated_at: datetime = Field(sa_type=UtcTimestamp)
    ended_at: datetime | None = Field(sa_type=UtcTimestamp)


class HeldOfferRow(StoreModel, table=True):
    """One claim of a caller on hold for one agent: the lease and fence that gate a dequeue."""

    __tablename__ = "held_offer"

    id: int | None = Field(default=None, primary_key=True)
    held_id: int = Field(foreign_key="held_call.id")
    fence: int
    queue: str = Field(sa_type=String)
    agent_id: str = Field(sa_type=String)
    claimed_at: datetime = Field(sa_type=UtcTimestamp)
    lease_until: datetime = Field(sa_type=UtcTimestamp)
    ended_at: datetime | None = Field(sa_type=UtcTimestamp)
    outcome: str | None = Field(sa_type=String)


HELD_CALL: Table = metadata.tables["held_call"]
HELD_OFFER: Table = metadata.tables["held_offer"]

_h = HELD_CALL.c
_holding = _h.state == sql_literal("'holding'")
_offer_open = HELD_OFFER.c.ended_at.is_(None)
Index("uq_held_call_call_sid", _h.call_sid, unique=True)
# The held part of the line, in line order: the claim reads its head from this index.
Index(
    "ix_held_call_line",
    _h.queue,
    _h.priority.desc(),
    _h.virtual_start,
    _h.id,
    sqlite_where=_holding,
    postgresql_where=_holding,
)
Index("uq_held_offer_held_fence", HELD_OFFER.c.held_id, HELD_OFFER.c.fence, unique=True)
# At most one open offer per caller: a caller is never offered to two agents at once.
Index(
    "uq_held_offer_open_held",
    HELD_OFFER.c.held_id,
    unique=True,
    sqlite_where=_offer_open,
    postgresql_where=_offer_open,
)
Index(
    "ix_held_offer_open_lease",
    HELD_OFFER.c.lease_until,
    sqlite_where=_offer_open,
    postgresql_where=_offer_open,
)
Index("ix_held_call_ended", _h.ended_at)
# The reports (callback.store.report): callers who held, by queue and time; and the reach time
# of each request's last dial read from the index alone, so a month's report reads no attempt.
Index("ix_held_call_queue_joined", _h.queue, _h.joined_at)
Index("ix_held_call_queue_ended", _h.queue, _h.ended_at)
# The measured handle time of callers on hold (callback.store.stats): offers ended in a window.
Index("ix_held_offer_queue_ended", HELD_OFFER.c.queue, HELD_OFFER.c.ended_at)
Index(
    "ix_dial_attempt_request_fence_claimed",
    ATTEMPT.c.request_id,
    ATTEMPT.c.fence,
    ATTEMPT.c.claimed_at,
)
