"""Wrap-up notes: what an agent wrote about a call and the disposition code that closed it.

One note per offer (a dial attempt or a held caller's offer); writing it ends the agent's
wrap-up in the same transaction, so a note is never stored without the presence following.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Engine, Index, Integer, String, Table, Text, insert, select
from sqlalchemy.exc import IntegrityError

from callback.store.engine import is_unique_violation, read_transaction, write_transaction
from callback.store.presence import AgentStatus, change
from callback.store.tables import ATTEMPT, HELD_OFFER, REQUEST, metadata
from callback.store.utc import UtcTimestamp
from callback.types import AgentId

MAX_NOTES = 4000
"""A note is a summary, not a transcript: longer text is refused at the edge."""


class OfferKind(StrEnum):
    """What an agent was offered: a callback (a dial attempt) or a caller on hold."""

    CALLBACK = "callback"
    HELD = "held"


WRAP_UP_NOTE = Table(
    "wrap_up_note",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String, nullable=False),
    Column("offer_id", Integer, nullable=False),
    Column("agent_id", String, nullable=False),
    Column("author", String, nullable=False),
    # The request a callback's note is about (none for a caller on hold): the timeline's key.
    Column("request_id", Integer, nullable=True),
    Column("disposition", String, nullable=False),
    Column("notes", Text, nullable=False),
    Column("at", UtcTimestamp, nullable=False),
    sqlite_autoincrement=True,
)
Index("uq_wrap_up_note_kind_offer_id", WRAP_UP_NOTE.c.kind, WRAP_UP_NOTE.c.offer_id, unique=True)
Index("ix_wrap_up_note_request_id", WRAP_UP_NOTE.c.request_id)
# The agent's screen: an agent's latest offer of each kind, without reading the history.
Index("ix_dial_attempt_agent_claimed", ATTEMPT.c.agent_id, ATTEMPT.c.claimed_at)
Index("ix_held_offer_agent_claimed", HELD_OFFER.c.agent_id, HELD_OFFER.c.claimed_at)
# Earlier requests from the same number, across queues and channels.
Index("ix_callback_request_number_created", REQUEST.c.number, REQUEST.c.created_at)


@dataclass(frozen=True, slots=True)
class WrapUp:
    """A note to store: about which offer, by whom, the code chosen and the text."""

    kind: OfferKind
    offer_id: int
    agent_id: AgentId
    author: str
    request_id: int | None
    disposition: str
    notes: str


@dataclass(frozen=True, slots=True)
class StoredNote:
    """A note as stored."""

    kind: OfferKind
    offer_id: int
    agent_id: AgentId
    author: str
    request_id: int | None
    disposition: str
    notes: str
    at: datetime


class NoteExists(Exception):
    """That offer already has its note."""


class WrapUpStore:
    """Wrap-up notes in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def write(self, note: WrapUp, now: datetime) -> bool:
        """Store `note`; True if it ended the agent's wrap-up. `NoteExists` for a second one."""
        row = {
            "kind": note.kind.value,
            "offer_id": note.offer_id,
            "agent_id": note.agent_id,
            "author": note.author,
            "request_id": note.request_id,
            "disposition": note.disposition,
            "notes": note.notes[:MAX_NOTES],
            "at": now,
        }
        cause = f"wrap-up done: {note.disposition}"
        wrap, ready = AgentStatus.WRAP_UP, AgentStatus.AVAILABLE
        try:
            with write_transaction(self._engine) as connection:
                connection.execute(insert(WRAP_UP_NOTE).values(row))
                return change(connection, note.agent_id, wrap, ready, now, cause, until=None)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise NoteExists(f"{note.kind.value} {note.offer_id}") from None
            raise

    def for_offer(self, kind: OfferKind, offer_id: int) -> StoredNote | None:
        """The note written about one offer, if any."""
        c = WRAP_UP_NOTE.c
        query = select(WRAP_UP_NOTE).where(c.kind == kind.value, c.offer_id == offer_id)
        with read_transaction(self._engine) as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return StoredNote(
            kind=OfferKind(row["kind"]),
            offer_id=row["offer_id"],
            agent_id=AgentId(row["agent_id"]),
            author=row["author"],
            request_id=row["request_id"],
            disposition=row["disposition"],
            notes=row["notes"],
            at=row["at"],
        )
