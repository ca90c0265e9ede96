"""The queue's tables and indexes, declared as SQLAlchemy Core tables (the queries' own)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
)
from sqlalchemy import literal_column as sql_literal

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
"""The store's own metadata, so that no other table leaks into its migrations."""


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


REQUEST = Table(
    "callback_request",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("queue", String, nullable=False),
    Column("number", String, nullable=False),
    Column("channel", String, nullable=False),
    Column("state", String, nullable=False),
    Column("name", String, nullable=True),
    Column("language", String, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("virtual_start", UtcTimestamp(), nullable=False),
    Column("due_at", UtcTimestamp(), nullable=False),
    Column("slot_start", UtcTimestamp(), nullable=True),
    Column("slot_end", UtcTimestamp(), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("contexts", JSON, nullable=False),
    Column("promise_announced_at", UtcTimestamp(), nullable=True),
    Column("promise_wait_s", Float, nullable=True),
    Column("promise_low_s", Float, nullable=True),
    Column("promise_high_s", Float, nullable=True),
    Column("promise_by", UtcTimestamp(), nullable=True),
    Column("announced_ahead", Integer, nullable=True),
    Column("announced_at", UtcTimestamp(), nullable=True),
    Column("entered_line_at", UtcTimestamp(), nullable=False),
    Column("lease_until", UtcTimestamp(), nullable=True),
    Column("fence", Integer, nullable=False),
    Column("created_at", UtcTimestamp(), nullable=False),
    Column("updated_at", UtcTimestamp(), nullable=False),
    Column("finished_at", UtcTimestamp(), nullable=True),
    Column("purged_at", UtcTimestamp(), nullable=True),
    CheckConstraint(f"state IN ({_sql_list(_states(State))})", name="state"),
    CheckConstraint(f"channel IN ({_sql_list(c.value for c in Channel)})", name="channel"),
    CheckConstraint("(slot_start IS NULL) = (slot_end IS NULL)", name="slot"),
    # Request ids reach customers (links, SMS): SQLite must never reuse one.
    sqlite_autoincrement=True,
)
"""One callback request and its bookkeeping (due time, lease, fence, announcement)."""


ATTEMPT = Table(
    "dial_attempt",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("callback_request.id"), nullable=False),
    Column("fence", Integer, nullable=False),
    Column("queue", String, nullable=False),
    Column("number", String, nullable=False),
    Column("agent_id", String, nullable=True),
    Column("claimed_at", UtcTimestamp(), nullable=False),
    Column("lease_until", UtcTimestamp(), nullable=False),
    Column("call_sid", String, nullable=True),
    Column("ended_at", UtcTimestamp(), nullable=True),
    Column("outcome", String, nullable=True),
)
"""One claimed dial of a request: the lease and fence that gate an outbound call."""


CONFIG_CHANGE = Table(
    "config_change",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcTimestamp(), nullable=False),
    Column("path", String, nullable=False),
    Column("old_hash", String, nullable=True),
    Column("new_hash", String, nullable=False),
    Column("sections", JSON, nullable=False),
)
"""An applied change of the supervisor configuration file."""


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


PHONE_CALL = Table(
    "phone_call",
    metadata,
    Column("call_sid", String, primary_key=True),
    Column("direction", String, nullable=False),
    Column("queue", String, nullable=True),
    Column("arrived_at", UtcTimestamp(), nullable=False),
    Column("status", String, nullable=True),
    Column("status_rank", Integer, nullable=False),
    Column("answered_by", String, nullable=True),
    Column("hold_since", UtcTimestamp(), nullable=True),
    Column("slot_start", UtcTimestamp(), nullable=True),
    Column("slot_end", UtcTimestamp(), nullable=True),
    Column("updated_at", UtcTimestamp(), nullable=False),
)
"""One Twilio call leg we have seen, by CallSid: its arrival, status rank and hold.

No phone number is kept here: every webhook carries it again, and a table without
numbers needs no purge.
"""


CALL_EVENT = Table(
    "call_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sid", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("status", String, nullable=False),
    Column("applied", Boolean, nullable=False),
    Column("at", UtcTimestamp(), nullable=False),
)
"""A status, answering-machine or message-delivery event, as Twilio reported it."""


SMS_SUPPRESSION = Table(
    "sms_suppression",
    metadata,
    Column("number", String, primary_key=True),
    Column("at", UtcTimestamp(), nullable=False),
)
"""A number that replied STOP: it gets no more text messages."""


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


PRESENCE = Table(
    "agent_presence",
    metadata,
    Column("agent_id", String, primary_key=True),
    Column("status", String, nullable=False),
    Column("since", UtcTimestamp(), nullable=False),
    Column("cause", String, nullable=False),
    Column("unanswered", Integer, nullable=False),
    Column("attempt_id", Integer, nullable=True),
    Column("until", UtcTimestamp(), nullable=True),
    CheckConstraint("status IN ('available', 'busy', 'wrap_up', 'away', 'offline')", name="status"),
)
"""An agent's presence now: status, since when, why, and the dial that holds them."""


PRESENCE_CHANGE = Table(
    "presence_change",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agent_id", String, nullable=False),
    Column("status", String, nullable=False),
    Column("at", UtcTimestamp(), nullable=False),
    Column("cause", String, nullable=False),
)
"""One change of an agent's presence, with its cause (the presence history)."""


Index("ix_presence_change_agent_at", PRESENCE_CHANGE.c.agent_id, PRESENCE_CHANGE.c.at)
# The rate cap counts a queue's dials started in the last minute.
Index("ix_dial_attempt_queue_claimed", ATTEMPT.c.queue, ATTEMPT.c.claimed_at)


ABUSE_EVENT = Table(
    "abuse_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String, nullable=False),
    Column("key", String, nullable=False),
    Column("at", UtcTimestamp(), nullable=False),
)
"""One accepted public request, counted under each key a limit watches (ip, number ...)."""


ABUSE_REFUSAL = Table(
    "abuse_refusal",
    metadata,
    Column("reason", String, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("first_at", UtcTimestamp(), nullable=False),
    Column("last_at", UtcTimestamp(), nullable=False),
)
"""How many public requests were refused for one reason, so an attack is visible."""


STATUS_TOKEN = Table(
    "status_token",
    metadata,
    Column("token_sha256", String, primary_key=True),
    Column("request_id", Integer, nullable=False),
    Column("created_at", UtcTimestamp(), nullable=False),
)
"""The SHA-256 of a status URL's token and the request it shows (never the token itself)."""


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


BROKEN_PROMISE = Table(
    "broken_promise",
    metadata,
    Column("request_id", Integer, primary_key=True),
    Column("queue", String, nullable=False),
    Column("promise_by", UtcTimestamp(), nullable=False),
    Column("at", UtcTimestamp(), nullable=False),
)
"""A request not dialled by its promised time: recorded once, so it is counted once."""


EVENT_OUTBOX = Table(
    "event_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String, nullable=False),
    Column("request_id", Integer, nullable=False),
    Column("queue", String, nullable=False),
    Column("state", String, nullable=False),
    Column("at", UtcTimestamp(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcTimestamp(), nullable=True),
    Column("delivered_at", UtcTimestamp(), nullable=True),
    Column("gave_up_at", UtcTimestamp(), nullable=True),
    # Event ids reach the customer's systems (for de-duplication): SQLite must never reuse one.
    sqlite_autoincrement=True,
)
"""A lifecycle event waiting for (or done with) delivery to the outbound webhook."""


EVENT_WATCH = Table(
    "event_watch",
    metadata,
    Column("request_id", Integer, primary_key=True),
    Column("state", String, nullable=False),
    Column("contexts", Integer, nullable=False),
)
"""The state and context count last turned into an event, per request."""


EVENT_CURSOR = Table(
    "event_cursor",
    metadata,
    Column("name", String, primary_key=True),
    Column("updated_at", UtcTimestamp(), nullable=False),
    Column("request_id", Integer, nullable=False),
)
"""How far the state-change scan has read the requests, by (updated_at, id)."""


Index("ix_broken_promise_at", BROKEN_PROMISE.c.at)
# Only events still to send carry a next attempt time: delivery reads them from this index.
Index("ix_event_outbox_next_attempt", EVENT_OUTBOX.c.next_attempt_at)
# The state-change scan reads the requests in (updated_at, id) order from its cursor.
Index("ix_callback_request_updated", _r.updated_at, _r.id)


PHONE_VERIFICATION = Table(
    "phone_verification",
    metadata,
    Column("id_sha256", String, primary_key=True),
    Column("number", String, nullable=False),
    Column("code_mac", String, nullable=False),
    Column("client_id", String, nullable=False),
    Column("submission", String, nullable=False),
    Column("created_at", UtcTimestamp(), nullable=False),
    Column("expires_at", UtcTimestamp(), nullable=False),
    Column("attempts", Integer, nullable=False),
)
"""A submission held until its number's owner types the code sent to it by SMS.

Neither the verification id nor the code is stored: the id as its SHA-256, the code as an
HMAC keyed by the id, so a database copy cannot be used to confirm a pending number.
"""


# One pending verification per number: a new request for it replaces the old one.
Index("uq_phone_verification_number", PHONE_VERIFICATION.c.number, unique=True)
Index("ix_phone_verification_expires_at", PHONE_VERIFICATION.c.expires_at)


VOICEMAIL = Table(
    "voicemail",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("call_sid", String, nullable=False),
    Column("queue", String, nullable=False),
    Column("language", String, nullable=False),
    Column("recording_url", String, nullable=False),
    Column("recording_seconds", Integer, nullable=False),
    Column("transcription", String, nullable=True),
    Column("received_at", UtcTimestamp(), nullable=False),
    Column("handled_at", UtcTimestamp(), nullable=True),
    Column("handled_by", String, nullable=True),
    # Voicemail ids reach supervisors (the handled endpoint): SQLite must never reuse one.
    sqlite_autoincrement=True,
)
"""A message left without a number to call back: kept for a supervisor to handle."""


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
