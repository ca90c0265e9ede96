"""Messages left without a number to call back, kept until a supervisor handles them.

One row per call (its CallSid): a repeated recording webhook keeps the first message. The
transcription, when Twilio makes one, arrives later and is attached by CallSid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, Select, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from callback.store.engine import read_transaction, write_transaction
from callback.store.retention import delete_old_voicemails
from callback.store.tables import VOICEMAIL
from callback.types import QueueName

_v = VOICEMAIL.c


@dataclass(frozen=True, slots=True)
class Recording:
    """A message as the recording webhook reports it."""

    call_sid: str
    queue: QueueName
    language: str
    recording_url: str
    recording_seconds: int


@dataclass(frozen=True, slots=True)
class Voicemail:
    """A kept message and whether (when, by whom) it was handled."""

    id: int
    call_sid: str
    queue: QueueName
    language: str
    recording_url: str
    recording_seconds: int
    transcription: str | None
    received_at: datetime
    handled_at: datetime | None
    handled_by: str | None


class VoicemailStore:
    """Voicemails in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def keep(self, recording: Recording, now: datetime) -> Voicemail:
        """Store the message received at `now`; the call's earlier one wins if it has one."""
        row = {**asdict(recording), "received_at": now}
        with write_transaction(self._engine) as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(VOICEMAIL).on_conflict_do_nothing(
                index_elements=[_v.call_sid]
            )
            connection.execute(statement, row)
            found = _one(connection, select(VOICEMAIL).where(_v.call_sid == recording.call_sid))
        assert found is not None  # inserted, or already there
        return found

    def add_transcription(self, call_sid: str, text: str) -> bool:
        """Attach Twilio's transcription to the call's message; False if it has none."""
        with write_transaction(self._engine) as connection:
            changed = connection.execute(
                update(VOICEMAIL).where(_v.call_sid == call_sid).values(transcription=text)
            )
        return changed.rowcount > 0

    def get(self, voicemail_id: int) -> Voicemail | None:
        """The message with this id, handled or not."""
        with read_transaction(self._engine) as connection:
            return _one(connection, select(VOICEMAIL).where(_v.id == voicemail_id))

    def unhandled(self, queue: QueueName | None, limit: int) -> list[Voicemail]:
        """Up to `limit` messages nobody has handled yet, oldest first (one queue or all)."""
        query = select(VOICEMAIL).where(_v.handled_at.is_(None))
        if queue is not None:
            query = query.where(_v.queue == queue)
        query = query.order_by(_v.received_at, _v.id).limit(limit)
        with read_transaction(self._engine) as connection:
            return [_voicemail(row) for row in connection.execute(query).mappings()]

    def unhandled_counts(self) -> dict[QueueName, int]:
        """How many messages each queue has still to handle (queues with none are absent)."""
        query = select(_v.queue, func.count()).where(_v.handled_at.is_(None)).group_by(_v.queue)
        with read_transaction(self._engine) as connection:
            rows = connection.execute(query).all()
        return {QueueName(queue): int(count) for queue, count in rows}

    def mark_handled(self, voicemail_id: int, by: str, now: datetime) -> Voicemail | None:
        """Mark it handled by `by` at `now` (a second mark keeps the first); None if absent."""
        with write_transaction(self._engine) as connection:
            connection.execute(
                update(VOICEMAIL)
                .where(_v.id == voicemail_id, _v.handled_at.is_(None))
                .values(handled_at=now, handled_by=by)
            )
            return _one(connection, select(VOICEMAIL).where(_v.id == voicemail_id))

    def purge(self, before: datetime) -> int:
        """Delete messages received before `before`, handled or not, in short batches."""
        deleted = 0
        while True:
            with write_transaction(self._engine) as connection:
                batch = delete_old_voicemails(connection, before)
            if not batch:
                return deleted
            deleted += batch


def _one(connection: Connection, query: Select[Any]) -> Voicemail | None:
    row = connection.execute(query).mappings().one_or_none()
    return None if row is None else _voicemail(row)


def _voicemail(row: RowMapping) -> Voicemail:
    return Voicemail(**{**row, "queue": QueueName(row["queue"])})
