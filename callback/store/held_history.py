"""What the agent's screen knows of a caller on hold's number, without keeping the number.

The connect step (the caller's own webhook, which carries their number) notes the masked
number and the ids of the earlier requests from that number; the screen shows those. The
number itself is never stored for a caller on hold: the line's tables hold none, so no purge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import JSON, Column, Connection, Engine, Index, Integer, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from callback.privacy import mask_number
from callback.store.engine import write_transaction
from callback.store.tables import HELD_OFFER, REQUEST, metadata
from callback.store.utc import UtcTimestamp
from callback.types import E164

EARLIER_LIMIT = 10

HELD_CALLER_NOTE = Table(
    "held_caller_note",
    metadata,
    Column("offer_id", Integer, primary_key=True, autoincrement=False),
    Column("masked", String, nullable=False),
    Column("earlier", JSON, nullable=False),
    Column("at", UtcTimestamp, nullable=False),
)
Index("ix_held_caller_note_at", HELD_CALLER_NOTE.c.at)


def earlier_ids(connection: Connection, number: E164) -> list[int]:
    """The newest requests from `number`, any queue and channel (by the number's index)."""
    r = REQUEST.c
    query = (
        select(r.id)
        .where(r.number == number)
        .order_by(r.created_at.desc(), r.id.desc())
        .limit(EARLIER_LIMIT)
    )
    return list(connection.execute(query).scalars())


def noted_caller(connection: Connection, offer_id: int) -> tuple[str, Sequence[int]] | None:
    """(masked number, earlier request ids) noted for a held caller's offer, if any."""
    c = HELD_CALLER_NOTE.c
    row = connection.execute(select(c.masked, c.earlier).where(c.offer_id == offer_id)).first()
    return None if row is None else (row.masked, [int(i) for i in row.earlier])


class HeldCallerNotes:
    """The connect step's note of who is on a held caller's line."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def note(self, held_id: int, fence: int, number: E164, now: datetime) -> bool:
        """Note the caller of the offer (`held_id`, `fence`); False if there is no such offer."""
        o = HELD_OFFER.c
        find = select(o.id).where(o.held_id == held_id, o.fence == fence)
        with write_transaction(self._engine) as connection:
            offer_id = connection.execute(find).scalar()
            if offer_id is None:
                return False
            row = {
                "offer_id": offer_id,
                "masked": mask_number(number),
                "earlier": earlier_ids(connection, number),
                "at": now,
            }
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            # A repeated connect step (Twilio retrying) keeps the first note.
            connection.execute(
                dialect.insert(HELD_CALLER_NOTE).values(row).on_conflict_do_nothing()
            )
        return True
