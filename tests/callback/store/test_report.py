"""The report's tallies against a hand-built history, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, Engine

from callback.report import Grain, Tally, group, span
from callback.store.engine import read_transaction, write_transaction
from callback.store.report import Slots, ratings_in, slot_tallies
from callback.types import QueueName
from tests.callback.store.report_history import history

LONDON = ZoneInfo("Europe/London")  # UTC in March before the change: slots are easy to check
DAY = date(2026, 3, 2)
TARGET = timedelta(seconds=60)
SUPPORT = QueueName("support")


def _slots(engine: Engine, first: date, last: date) -> Slots:
    start, end = span(first, last, LONDON)
    with write_transaction(engine) as connection:
        history(connection)
    with read_transaction(engine) as connection:
        return slot_tallies(connection, SUPPORT, start, end, TARGET)


EXPECTED_DAY = Tally(
    offered=6,  # R1-R4 and the two callers on hold who did not leave for a callback
    completed=2,
    served_held=1,
    abandoned=2,  # R3 and the caller who hung up on hold
    within_target=2,  # R1 (50 s) and the held caller (40 s)
    answer_seconds=270.0,  # 50 + 180 + 40
    attempts=3,
    kept=1,
    broken=1,
    estimated=2,
    estimate_error_seconds=70.0,  # |50 - 60| + |180 - 120|
    estimate_in_range=1,
    ratings=2,
    rating_total=6,
)


def test_a_day_of_figures_worked_out_by_hand(engine: Engine) -> None:
    rows = group(_slots(engine, DAY, date(2026, 3, 3)), DAY, date(2026, 3, 3), LONDON, Grain.DAY)
    assert [row.tally for row in rows] == [EXPECTED_DAY, Tally(offered=1)]
    first = rows[0].tally
    assert first.service_level == pytest.approx(0.4)
    assert first.average_answer == pytest.approx(90.0)
    assert first.survey_score == pytest.approx(3.0)


def test_hours_place_each_figure_in_its_own_row(engine: Engine) -> None:
    last = date(2026, 3, 3)
    rows = group(_slots(engine, DAY, last), DAY, last, LONDON, Grain.HOUR)
    assert len(rows) == 48
    busy = {row.start.strftime("%d %H:%M"): row.tally for row in rows if row.tally != Tally()}
    assert busy == {"02 09:00": EXPECTED_DAY, "03 10:00": Tally(offered=1)}


def test_a_reader_for_an_announcements_table_replaces_the_promise(engine: Engine) -> None:
    start, end = span(DAY, DAY, LONDON)

    def announced(_c: Connection, _q: QueueName, _s: datetime, _e: datetime) -> Slots:
        return {0: Tally(estimated=5, estimate_in_range=5)}

    with write_transaction(engine) as connection:
        history(connection)
    with read_transaction(engine) as connection:
        slots = slot_tallies(connection, SUPPORT, start, end, TARGET, estimates=announced)
    assert slots[0] == Tally(estimated=5, estimate_in_range=5)
    whole = group(slots, DAY, DAY, LONDON, Grain.DAY)[0].tally
    assert (whole.completed, whole.estimated, whole.estimate_error_seconds) == (2, 5, 0.0)


def test_ratings_are_read_from_text_or_parsed_contexts() -> None:
    entries = [{"data": {"survey_rating": 5}}, {"data": {"survey_rating": True}}, {"data": 1}]
    assert ratings_in(entries) == [5]
    assert ratings_in('[{"data": {"survey_rating": 3}}, {"data": {"survey_rating": 9}}]') == [3]
    assert ratings_in({"not": "a list"}) == []
