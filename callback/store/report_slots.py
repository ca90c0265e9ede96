"""The report's tallies of closed 15-minute slots, kept in a table and never counted twice.

A slot is closed once it ended `SETTLED` ago and nobody who joined the hold during it (or
before) is still on hold: a caller on hold is offered unless they later leave for a callback,
which is known only when their call ends. A closed slot is counted once, by the ticker as it
closes or by the first report that needs it, and read from here ever after; open slots are
counted live. Every counted slot has a row, empty ones too, so a missing row means "not counted
yet". Slots sit on the epoch's 15-minute grid, on which every local midnight in use falls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, fields
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    String,
    Table,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from callback.report import EMPTY, SETTLED, SLOT, Tally
from callback.store.engine import read_transaction, write_transaction
from callback.store.report import Slots, slot_tallies
from callback.store.tables import HELD_CALL, metadata
from callback.store.utc import EPOCH, UtcTimestamp
from callback.types import QueueName

BACKFILL = timedelta(days=92)
"""How far back the ticker starts counting when a queue has no slot kept yet (a report's
longest range); older slots are counted by the first report that asks for them."""
LONGEST_HOLD = timedelta(hours=12)
"""A caller "on hold" longer than this is a call whose end was never heard of (a lost status
callback): it no longer holds the closed slots back, or every report would go live from it."""
CHUNK = 96
"""The most slots the ticker counts per queue in one run (a day), so a backfill stays short."""

REPORT_SLOT = Table(
    "report_slot",
    metadata,
    Column("queue", String, primary_key=True),
    # The service level target the slot was counted against (within_target depends on it).
    Column("target_ms", BigInteger, primary_key=True, autoincrement=False),
    Column("slot_at", UtcTimestamp, primary_key=True),
    *(
        Column(f.name, Float if f.type == "float" else BigInteger, nullable=False)
        for f in fields(Tally)
    ),
)
_s = REPORT_SLOT.c
_h = HELD_CALL.c
_open = _h.ended_at.is_(None)
# The horizon's oldest caller still on hold, without reading the ended ones.
Index(
    "ix_held_call_queue_open_joined",
    _h.queue,
    _h.joined_at,
    sqlite_where=_open,
    postgresql_where=_open,
)


def grid_floor(at: datetime) -> datetime:
    """The start of the grid slot holding `at`."""
    return EPOCH + SLOT * ((at - EPOCH) // SLOT)


def on_grid(at: datetime) -> bool:
    """Whether `at` is a slot boundary."""
    return grid_floor(at) == at


def horizon(connection: Connection, queue: QueueName, now: datetime) -> datetime:
    """The end of the closed slots of `queue` at `now` (a grid boundary)."""
    oldest = connection.execute(
        select(func.min(_h.joined_at)).where(
            _h.queue == queue, _open, _h.joined_at >= now - LONGEST_HOLD
        )
    ).scalar()
    settled = now - SETTLED
    return grid_floor(settled if oldest is None else min(settled, oldest))


def _target_ms(target: timedelta) -> int:
    return target // timedelta(milliseconds=1)


def kept(
    connection: Connection, queue: QueueName, target: timedelta, start: datetime, end: datetime
) -> dict[datetime, Tally]:
    """The kept slots of [start, end), by their start."""
    names = [f.name for f in fields(Tally)]
    query = select(_s.slot_at, *(_s[name] for name in names)).where(
        _s.queue == queue,
        _s.target_ms == _target_ms(target),
        _s.slot_at >= start,
        _s.slot_at < end,
    )
    return {row[0]: Tally(*row[1:]) for row in connection.execute(query)}


def keep(
    connection: Connection,
    queue: QueueName,
    target: timedelta,
    start: datetime,
    count: int,
    slots: Slots,
) -> None:
    """Keep `count` closed slots from `start` (indexed from it); a slot kept already stays."""
    fixed = {"queue": queue, "target_ms": _target_ms(target)}
    rows = [
        fixed | {"slot_at": start + SLOT * index} | asdict(slots.get(index, EMPTY))
        for index in range(count)
    ]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    # Two instances (or a report and the ticker) may count the same slot: the first one stays.
    connection.execute(dialect.insert(REPORT_SLOT).on_conflict_do_nothing(), rows)


def missing(have: dict[datetime, Tally], start: datetime, count: int) -> Iterator[tuple[int, int]]:
    """Runs [first, last) of the slot indexes from `start` that have no kept row."""
    first: int | None = None
    for index in range(count + 1):
        absent = index < count and start + SLOT * index not in have
        if absent and first is None:
            first = index
        elif not absent and first is not None:
            yield first, index
            first = None


def _filled(slots: Slots) -> Slots:
    return {index: tally for index, tally in slots.items() if tally != EMPTY}


class ReportSlots:
    """The report's per-slot tallies: closed slots from the table, open ones counted live."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _count(self, queue: QueueName, target: timedelta, start: datetime, end: datetime) -> Slots:
        with read_transaction(self._engine) as connection:
            return slot_tallies(connection, queue, start, end, target)

    def _fill(self, queue: QueueName, target: timedelta, start: datetime, count: int) -> Slots:
        """Count `count` closed slots from `start` and keep them."""
        counted = self._count(queue, target, start, start + SLOT * count)
        with write_transaction(self._engine) as connection:
            keep(connection, queue, target, start, count, counted)
        return counted

    def tallies(
        self, queue: QueueName, target: timedelta, start: datetime, end: datetime, now: datetime
    ) -> Slots:
        """Every non-empty slot of [start, end), indexed from `start`."""
        if not on_grid(start):  # no zone in use does this; counted live rather than misplaced
            return _filled(self._count(queue, target, start, end))
        with read_transaction(self._engine) as connection:
            closed = max(start, min(end, horizon(connection, queue, now)))
            have = kept(connection, queue, target, start, closed)
        count = (closed - start) // SLOT
        slots = {(at - start) // SLOT: tally for at, tally in have.items() if tally != EMPTY}
        for first, last in missing(have, start, count):
            counted = self._fill(queue, target, start + SLOT * first, last - first)
            slots |= {first + index: tally for index, tally in counted.items()}
        if closed < end:
            live = self._count(queue, target, closed, end)
            slots |= {count + index: tally for index, tally in live.items()}
        return _filled(slots)

    def close(self, queue: QueueName, target: timedelta, now: datetime) -> int:
        """Count and keep up to `CHUNK` slots closed since the last kept one; how many."""
        with read_transaction(self._engine) as connection:
            last = connection.execute(
                select(func.max(_s.slot_at)).where(
                    _s.queue == queue, _s.target_ms == _target_ms(target)
                )
            ).scalar()
            end = horizon(connection, queue, now)
        start = grid_floor(now - BACKFILL) if last is None else last + SLOT
        count = max(0, min(CHUNK, (end - start) // SLOT))
        if count:
            self._fill(queue, target, start, count)
        return count
