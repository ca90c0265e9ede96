"""The texts sent about a request: when, which kind, and the carrier's message SID.

Neither the number nor the text is kept: a verification code or a full number in this table
would outlive the request's retention for no purpose the timeline needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Connection, Index, Integer, String, Table, insert, select

from callback.store.tables import metadata
from callback.store.utc import UtcTimestamp
from callback.types import RequestId


class SmsKind(StrEnum):
    """Why a text was sent."""

    CONFIRMATION = "confirmation"
    APOLOGY = "apology"
    VERIFICATION = "verification"


REQUEST_SMS = Table(
    "request_sms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, nullable=False),
    Column("at", UtcTimestamp, nullable=False),
    Column("kind", String, nullable=False),
    # Unknown until the carrier accepts the message, and never known if it refuses it.
    Column("message_sid", String, nullable=True),
    sqlite_autoincrement=True,
)
Index("ix_request_sms_request_id", REQUEST_SMS.c.request_id)


@dataclass(frozen=True, slots=True)
class SentSms:
    """One text sent about a request."""

    at: datetime
    kind: SmsKind
    message_sid: str | None


def record_sms(
    connection: Connection,
    request_id: RequestId,
    kind: SmsKind,
    message_sid: str | None,
    now: datetime,
) -> None:
    """Note that a text of `kind` was sent about `request_id` at `now`."""
    row = {"request_id": request_id, "at": now, "kind": kind.value, "message_sid": message_sid}
    connection.execute(insert(REQUEST_SMS).values(row))


def sms_for(connection: Connection, request_id: RequestId) -> list[SentSms]:
    """The texts sent about `request_id`, oldest first."""
    c = REQUEST_SMS.c
    query = select(c.at, c.kind, c.message_sid).where(c.request_id == request_id)
    rows = connection.execute(query.order_by(c.at, c.id))
    return [SentSms(at, SmsKind(kind), sid) for at, kind, sid in rows]
