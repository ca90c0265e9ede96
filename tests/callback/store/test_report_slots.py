"""Kept report slots equal the live count, on SQLite and PostgreSQL, and are never recounted."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, func, insert, select, update

from callback.report import SLOT, span
from callback.store.engine import read_transaction, write_transaction
from callback.store.report import Slots, slot_tallies
from callback.store.report_slots import (
    BACKFILL,
    CHUNK,
    LONGEST_HOLD,
    REPORT_SLOT,
    ReportSlots,
    grid_floor,
)
from callback.store.tables import HELD_CALL, REQUEST
from tests.callback.store.report_history import at, history
from tests.callback.store.test_report import DAY, LONDON, SUPPORT, TARGET

START, END = span(DAY, date(2026, 3, 3), LONDON)  # two London days in winter: UTC days


def _live(engine: Engine, start: datetime = START, end: datetime = END) -> Slots:
    with read_transaction(engine) as connection:
        counted = slot_tallies(connection, SUPPORT, start, end, TARGET)
    return {index: tally for index, tally in counted.items() if tally != type(tally)()}


def _kept_rows(engine: Engine) -> list[datetime]:
    with read_transaction(engine) as connection:
        return list(connection.execute(select(REPORT_SLOT.c.slot_at)).scalars())


def _filled(engine: Engine) -> ReportSlots:
    with write_transaction(engine) as connection:
        history(connection)
    return ReportSlots(engine)


def test_closed_slots_are_kept_once_and_equal_the_live_count(engine: Engine) -> None:
    slots, now = _filled(engine), at(12, 0, day=4)
    live = _live(engine)
    assert slots.tallies(SUPPORT, TARGET, START, END, now) == live != {}
    assert sorted(_kept_rows(engine)) == [START + SLOT * i for i in range(192)]  # empty too
    # A row slipped into a closed slot is not counted again: the kept figures are read.
    extra = {"id": 99, "queue": "support", "number": "+442079460099", "channel": "web",
             "state": "waiting", "language": "en", "priority": 0, "virtual_start": at(9, 1),
             "due_at": at(9, 1), "attempts": 0, "contexts": [], "entered_line_at": at(9, 1),
             "fence": 0, "created_at": at(9, 1), "updated_at": at(9, 1)}  # fmt: skip
    with write_transaction(engine) as connection:
        connection.execute(insert(REQUEST), [extra])
    assert slots.tallies(SUPPORT, TARGET, START, END, now) == live != _live(engine)


def test_open_slots_are_counted_live_and_not_kept(engine: Engine) -> None:
    slots, now = _filled(engine), at(9, 18)  # closed: before 09:15 (09:16 less two minutes)
    assert slots.tallies(SUPPORT, TARGET, START, END, now) == _live(engine)
    assert max(_kept_rows(engine)) == at(9, 0)
    with write_transaction(engine) as connection:  # R4 was still waiting at 09:18
        connection.execute(update(REQUEST).where(REQUEST.c.id == 4).values(finished_at=None))
    assert slots.tallies(SUPPORT, TARGET, START, END, now) == _live(engine)


def test_a_caller_still_on_hold_keeps_the_slot_they_joined_in_open(engine: Engine) -> None:
    slots, now = _filled(engine), at(12, 0)
    joined = at(9, 31)
    caller = {"id": 9, "call_sid": "CA" + "9" * 32, "queue": "support", "queue_sid": "QU1",
              "language": "en", "priority": 0, "virtual_start": joined, "state": "holding",
              "fence": 0, "joined_at": joined, "updated_at": joined, "ended_at": None}  # fmt: skip
    with write_transaction(engine) as connection:
        connection.execute(insert(HELD_CALL), [caller])
    first = slots.tallies(SUPPORT, TARGET, START, END, now)
    assert first == _live(engine)
    assert max(_kept_rows(engine)) == at(9, 15)
    # They leave the hold for a callback: no longer offered as a caller on hold.
    gone = {"state": "left", "ended_at": at(12, 5), "updated_at": at(12, 5)}
    with write_transaction(engine) as connection:
        connection.execute(update(HELD_CALL).where(HELD_CALL.c.id == 9).values(gone))
    again = slots.tallies(SUPPORT, TARGET, START, END, at(12, 10))
    assert again == _live(engine)
    assert first[38].offered == 1 and 38 not in again  # 09:30 is slot 38 of the day


def test_a_caller_whose_end_was_never_heard_of_does_not_hold_reports_back(
    engine: Engine,
) -> None:
    slots, now = _filled(engine), at(12, 0, day=4)
    joined = now - LONGEST_HOLD - SLOT
    ghost = {"id": 9, "call_sid": "CA" + "9" * 32, "queue": "support", "queue_sid": "QU1",
             "language": "en", "priority": 0, "virtual_start": joined, "state": "holding",
             "fence": 0, "joined_at": joined, "updated_at": joined, "ended_at": None}  # fmt: skip
    with write_transaction(engine) as connection:
        connection.execute(insert(HELD_CALL), [ghost])
    assert slots.tallies(SUPPORT, TARGET, START, END, now) == _live(engine)
    assert len(_kept_rows(engine)) == 192  # every slot of the two days closed


def test_another_target_is_kept_apart(engine: Engine) -> None:
    slots, now, strict = _filled(engine), at(12, 0, day=4), timedelta(seconds=45)
    loose = slots.tallies(SUPPORT, TARGET, START, END, now)
    tight = slots.tallies(SUPPORT, strict, START, END, now)
    with read_transaction(engine) as connection:
        counted = slot_tallies(connection, SUPPORT, START, END, strict)
    assert tight == {i: t for i, t in counted.items() if t != type(t)()}
    assert sum(t.within_target for t in tight.values()) == 1  # R1 took 50 s
    assert sum(t.within_target for t in loose.values()) == 2
    assert len(_kept_rows(engine)) == 2 * 192


def test_a_range_off_the_grid_is_counted_live(engine: Engine) -> None:
    slots, start = _filled(engine), at(9, 7)
    assert slots.tallies(SUPPORT, TARGET, start, END, at(12, 0, day=4)) == _live(engine, start)
    assert _kept_rows(engine) == []


def test_the_ticker_catches_up_a_day_at_a_time_then_one_slot_as_it_closes(engine: Engine) -> None:
    slots, now = _filled(engine), at(1, 0, day=4)  # closed: before 00:45 on the 4th
    runs = []
    while kept := slots.close(SUPPORT, TARGET, now):
        runs.append(kept)
    expected = (grid_floor(at(0, 58, day=4)) - grid_floor(now - BACKFILL)) // SLOT
    assert max(runs) == CHUNK and sum(runs) == expected
    assert slots.close(SUPPORT, TARGET, now + SLOT) == 1
    assert slots.tallies(SUPPORT, TARGET, START, END, now) == _live(engine)


def test_reports_racing_each_other_and_the_ticker_keep_each_slot_once(engine: Engine) -> None:
    slots, now = _filled(engine), at(12, 0, day=4)
    live = _live(engine)

    def report(n: int) -> object:
        if n % 4 == 0:
            return slots.close(SUPPORT, TARGET, now)
        return slots.tallies(SUPPORT, TARGET, START, END, now)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(report, range(24)))
    assert all(answer == live for n, answer in enumerate(answers) if n % 4)
    with read_transaction(engine) as connection:
        rows = connection.execute(select(func.count()).select_from(REPORT_SLOT)).scalar_one()
    assert rows == len(set(_kept_rows(engine)))
