"""Data retention: personal data of finished requests is erased, old history deleted.

Voicemails left without a callback number hold a recording, which is personal data too:
they are deleted `[retention] recordings_days` after they were left, handled or not.

Work is done in small batches, each its own short write transaction, so a purge never
holds the write lock long enough to delay a customer's request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, exists, or_, select, update

from callback.store.announcements import ANNOUNCEMENT
from callback.store.held_history import HELD_CALLER_NOTE
from callback.store.request_sms import REQUEST_SMS
from callback.store.tables import (
    ATTEMPT,
    BROKEN_PROMISE,
    CALL_EVENT,
    CONFIG_CHANGE,
    EVENT_OUTBOX,
    EVENT_WATCH,
    HELD_CALL,
    HELD_OFFER,
    PHONE_CALL,
    PRESENCE_CHANGE,
    REQUEST,
    STATUS_TOKEN,
    VOICEMAIL,
)
from callback.store.wrap_up import WRAP_UP_NOTE

BATCH = 500
_r, _a = REQUEST.c, ATTEMPT.c


def unpurged_ids(connection: Connection, before: datetime) -> Sequence[int]:
    """Up to one batch of finished requests, ended before `before`, still holding personal data."""
    query = (
        select(_r.id)
        .where(_r.finished_at.is_not(None), _r.purged_at.is_(None), _r.finished_at < before)
        .limit(BATCH)
    )
    return connection.execute(query).scalars().all()


def erase_personal_data(connection: Connection, ids: Sequence[int], now: datetime) -> None:
    """Blank the number, name and contexts of `ids` and of their dial attempts."""
    connection.execute(
        update(REQUEST)
        .where(_r.id.in_(ids))
        .values(number="", name=None, contexts=[], purged_at=now)
    )
    connection.execute(update(ATTEMPT).where(_a.request_id.in_(ids)).values(number=""))
    # What an agent wrote about the person is personal data too.
    notes = WRAP_UP_NOTE.c
    connection.execute(update(WRAP_UP_NOTE).where(notes.request_id.in_(ids)).values(notes=""))


def expired_ids(connection: Connection, before: datetime) -> Sequence[int]:
    """Up to one batch of requests that finished before `before`."""
    query = select(_r.id).where(_r.finished_at < before).limit(BATCH)
    return connection.execute(query).scalars().all()


_PER_REQUEST = (
    ATTEMPT,
    STATUS_TOKEN,
    EVENT_WATCH,
    BROKEN_PROMISE,
    EVENT_OUTBOX,
    REQUEST_SMS,
    ANNOUNCEMENT,
    WRAP_UP_NOTE,
)
"""Rows that belong to one request and go with it."""


def delete_requests(connection: Connection, ids: Sequence[int]) -> None:
    """Delete `ids` with their dial attempts, status tokens and event bookkeeping."""
    for table in _PER_REQUEST:
        connection.execute(delete(table).where(table.c.request_id.in_(ids)))
    connection.execute(delete(REQUEST).where(_r.id.in_(ids)))


_offered = HELD_OFFER.c.held_id == HELD_CALL.c.id


def _old_rows(before: datetime) -> list[tuple[Table, ColumnElement[bool]]]:
    # History that is not a request: call legs and their events, presence changes, config
    # changes, and lifecycle events that were delivered or given up on.
    outbox = EVENT_OUTBOX.c
    settled = or_(outbox.delivered_at < before, outbox.gave_up_at < before)
    return [
        (CALL_EVENT, CALL_EVENT.c.at < before),
        (PHONE_CALL, PHONE_CALL.c.updated_at < before),
        (PRESENCE_CHANGE, PRESENCE_CHANGE.c.at < before),
        (CONFIG_CHANGE, CONFIG_CHANGE.c.at < before),
        # Notes about callers on hold belong to no request: they go by age.
        (WRAP_UP_NOTE, WRAP_UP_NOTE.c.at < before),
        (HELD_CALLER_NOTE, HELD_CALLER_NOTE.c.at < before),
        (EVENT_OUTBOX, settled),
        # Offers first: a caller's row goes once none of its offers is left.
        (HELD_OFFER, HELD_OFFER.c.ended_at < before),
        (HELD_CALL, and_(HELD_CALL.c.ended_at < before, ~exists().where(_offered))),
        # What people were told: no personal data, kept as long as the rest of the history.
        (ANNOUNCEMENT, ANNOUNCEMENT.c.announced_at < before),
    ]


def delete_old_history(connection: Connection, before: datetime) -> int:
    """Delete up to one batch per history table of rows older than `before`; rows deleted."""
    deleted = 0
    for table, old in _old_rows(before):
        key = next(iter(table.primary_key.columns))
        batch = select(key).where(old).limit(BATCH).scalar_subquery()
        deleted += connection.execute(delete(table).where(key.in_(batch))).rowcount
    return deleted


def delete_old_voicemails(connection: Connection, before: datetime) -> int:
    """Delete up to one batch of voicemails received before `before`; rows deleted."""
    key = VOICEMAIL.c.id
    batch = select(key).where(VOICEMAIL.c.received_at < before).limit(BATCH).scalar_subquery()
    return connection.execute(delete(VOICEMAIL).where(key.in_(batch))).rowcount
