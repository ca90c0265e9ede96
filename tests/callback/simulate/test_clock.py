"""Clock-change days: the simulated day follows the queue's wall clock (23 or 25 hours)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from callback.simulate.arrivals import Interval, Kind, contacts
from callback.simulate.clock import LocalClock
from callback.simulate.compare import Setup, run_queue
from tests.callback.simulate.cells import MONDAY, QUEUE, config

LONDON = ZoneInfo("Europe/London")
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)  # London's clock changes (Sundays)
ONLY_AT_TWO = '{ from = "14:00", to = "15:00", agents = 6 }'


def _two_pm() -> tuple[Interval, ...]:
    """Sixty callers on hold between 14:00 and 15:00, a minute's talk, patient for 5 minutes."""
    return (Interval(QUEUE, time(14), time(15), Kind.PHONE, 60, 60.0, 300.0),)


@pytest.mark.parametrize("day", [SPRING, AUTUMN, MONDAY])
def test_callers_come_at_their_wall_clock_hour_and_are_counted_in_it(day: date) -> None:
    # Agents work 14:00-15:00 only: callers an hour off the wall clock would find nobody.
    tally = run_queue(config(ONLY_AT_TWO), QUEUE, Setup(_two_pm(), day, 1, 1, 1), seed=1)
    offered = sum(cell.offered for cell in tally.cells)
    two = tally.cells[14]
    assert offered > 40 and two.offered == offered
    assert two.served_from_hold >= 0.9 * two.held


def test_a_clock_change_day_is_23_or_25_hours_and_other_days_are_24() -> None:
    spring, autumn = LocalClock(LONDON, SPRING), LocalClock(LONDON, AUTUMN)
    assert spring.changes(1) and autumn.changes(1) and not LocalClock(LONDON, MONDAY).changes(7)
    assert spring.elapsed(0, 14 * 3600) == 13 * 3600  # an hour was skipped at 01:00
    assert autumn.elapsed(0, 14 * 3600) == 15 * 3600  # an hour was repeated
    assert spring.elapsed(1, 0) == 23 * 3600 and autumn.elapsed(1, 0) == 25 * 3600
    assert spring.of_day(13 * 3600) == 14 * 3600 and autumn.of_day(15 * 3600) == 14 * 3600
    # A time the change skips falls just after it; a repeated one is its first occurrence.
    assert spring.elapsed(0, 1.5 * 3600) == 1.5 * 3600
    assert autumn.elapsed(0, 1.5 * 3600) == 1.5 * 3600


def test_on_other_days_the_contacts_are_those_of_24_hour_days() -> None:
    clock = LocalClock(LONDON, MONDAY)
    plain = contacts(_two_pm(), QUEUE, 3, 7)
    placed = contacts(_two_pm(), QUEUE, 3, 7, place=clock.elapsed)
    assert [c.at for c in placed] == pytest.approx([c.at for c in plain], abs=1e-6)
    assert [replace(c, at=0.0) for c in placed] == [replace(c, at=0.0) for c in plain]
