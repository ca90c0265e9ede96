"""Schedules, policies and requests for the dispatch rule tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callback.config.policy import CallbackPolicy
from callback.hours import Closure, Interval, Schedule
from callback.request import CallbackRequest, Slot
from callback.types import E164, Channel, QueueName, RequestId, State

WEEKDAYS = range(5)
EVERY_DAY = range(7)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def hours(
    zone: str,
    opens: time,
    closes: time,
    days: range = WEEKDAYS,
    closed_on: tuple[date, ...] = (),
) -> Schedule:
    """Open `opens`-`closes` (time(0) closes at midnight) on `days`, closed on `closed_on`."""
    return spans(zone, ((opens, closes),), days, closed_on)


def spans(
    zone: str,
    ranges: tuple[tuple[time, time], ...],
    days: range = WEEKDAYS,
    closed_on: tuple[date, ...] = (),
) -> Schedule:
    """Open during each of `ranges` on `days`, closed all day on `closed_on`."""
    day_hours = tuple(Interval(opens, closes) for opens, closes in ranges)
    closures = {day: Closure(day, "holiday") for day in closed_on}
    return Schedule(tz=ZoneInfo(zone), weekly=dict.fromkeys(days, day_hours), closures=closures)


def always(zone: str = "UTC") -> Schedule:
    """Open around the clock."""
    return hours(zone, time(0), time(0), EVERY_DAY)


def policy(**overrides: Any) -> CallbackPolicy:
    """The default policy with no cut-off unless given, and `overrides`."""
    return CallbackPolicy(**({"cutoff_before_closing": timedelta(0)} | overrides))


def request(
    number: str,
    created: datetime,
    *,
    slot: tuple[datetime, datetime] | None = None,
    state: State = State.WAITING,
) -> CallbackRequest:
    """A request for `number` made (and joining the line) at `created`."""
    return CallbackRequest(
        id=RequestId(1),
        queue=QueueName("support"),
        number=E164(number),
        channel=Channel.WEB,
        virtual_start=created,
        created_at=created,
        updated_at=created,
        state=state,
        slot=Slot(*slot) if slot else None,
    )
