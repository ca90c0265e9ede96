"""Business hours: weekly opening hours, holidays and special days in a queue's time zone."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from types import MappingProxyType
from zoneinfo import ZoneInfo

Period = tuple[datetime, datetime]
"""A half-open span of time `[start, end)` as aware UTC datetimes."""

_DAY = timedelta(days=1)
_INSTANT = timedelta(microseconds=1)
DAYS_KEPT = 1024
"""How many local dates' periods a `Schedule` keeps; it starts afresh when that many are in."""
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _since_midnight(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


@dataclass(frozen=True, slots=True)
class Interval:
    """Opening hours within one day on the local wall clock; an `end` of 00:00 means 24:00."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("interval times are local wall-clock times and take no tzinfo")
        if self.end_offset <= self.start_offset:
            raise ValueError(f"interval end {self.end} must be after its start {self.start}")

    @property
    def start_offset(self) -> timedelta:
        """Wall-clock time from local midnight to the opening."""
        return _since_midnight(self.start)

    @property
    def end_offset(self) -> timedelta:
        """Wall-clock time from local midnight to the closing (24 hours for 00:00)."""
        return _DAY if self.end == time(0) else _since_midnight(self.end)

    def __str__(self) -> str:
        end = "24:00" if self.end == time(0) else self.end.isoformat("minutes")
        return f"{self.start.isoformat('minutes')}-{end}"


def _day_hours(intervals: Iterable[Interval], where: str) -> tuple[Interval, ...]:
    """`intervals` sorted by opening, refusing overlaps (touching is allowed)."""
    ordered = tuple(sorted(intervals, key=lambda interval: interval.start_offset))
    for before, after in pairwise(ordered):
        if before.end_offset > after.start_offset:
            raise ValueError(f"opening hours on {where} overlap: {before} and {after}")
    return ordered


@dataclass(frozen=True, slots=True)
class Closure:
    """A holiday or exceptional day: closed all day, or open only during `hours`."""

    day: date
    reason: str
    hours: tuple[Interval, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", _day_hours(self.hours, self.day.isoformat()))


def _frozen_week(
    weekly: Mapping[int, tuple[Interval, ...]],
) -> Mapping[int, tuple[Interval, ...]]:
    week: dict[int, tuple[Interval, ...]] = {}
    for weekday, hours in sorted(weekly.items()):
        if weekday not in range(7):
            raise ValueError(f"weekday {weekday!r} is not 0 (Monday) to 6 (Sunday)")
        week[weekday] = _day_hours(hours, _WEEKDAYS[weekday])
    return MappingProxyType(week)


def _whole_day(hours: tuple[Interval, ...]) -> bool:
    """True when `hours` (sorted, not overlapping) run from 00:00 to 24:00 without a break."""
    reach = timedelta(0)
    for interval in hours:
        if interval.start_offset != reach:
            return False
        reach = interval.end_offset
    return reach == _DAY


def _frozen_closures(closures: Mapping[date, Closure]) -> Mapping[date, Closure]:
    for day, closure in closures.items():
        if closure.day != day:
            raise ValueError(f"closure filed under {day} is for {closure.day}")
    return MappingProxyType(dict(sorted(closures.items())))


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment.astimezone(UTC)


def _offset_at(timestamp: int, tz: ZoneInfo) -> timedelta | None:
    return datetime.fromtimestamp(timestamp, tz).utcoffset()


def _end_of_gap(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant the clocks jumped over `wall`, a reading inside a spring-forward gap."""
    # Read with the offset after the jump, `wall` lands just before it; with the offset
    # before, just after. tzdata transitions fall on whole seconds, so bisect seconds.
    early = wall.replace(fold=1).astimezone(UTC)
    late = wall.replace(fold=0).astimezone(UTC)
    offset_after = late.astimezone(tz).utcoffset()
    seconds = range(math.floor(early.timestamp()), math.ceil(late.timestamp()) + 1)
    first = bisect.bisect_left(
        seconds, True, key=lambda second: _offset_at(second, tz) == offset_after
    )
    return datetime.fromtimestamp(seconds[first], UTC)


def wall_to_utc(day: date, since_midnight: timedelta, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock reading on `day` in `tz` (see `Schedule` for DST)."""
    wall = datetime.combine(day, time(0), tzinfo=tz) + since_midnight
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    return _end_of_gap(wall, tz)


def day_periods(hours: Iterable[Interval], day: date, tz: ZoneInfo) -> tuple[Period, ...]:
    """The opening `hours` of the local date `day` in `tz` as UTC periods (see `Schedule`)."""
    return tuple(
        (wall_to_utc(day, interval.start_offset, tz), wall_to_utc(day, interval.end_offset, tz))
        for interval in hours
    )


def _grid(period: Period, length: timedelta, not_before: datetime) -> Iterator[Period]:
    """Windows of `length` stepped from the period's start, fitting in it, from `not_before`."""
    start, end = period
    if not_before > start:
        steps = -((start - not_before) // length)  # rounds up: the first whole step past it
        start += steps * length
    while start + length <= end:
        yield start, start + length
        start += length


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a queue is open: weekly hours on the local wall clock, with closures and special days.

    Wall-clock times are read in `tz`. A time that does not exist because clocks sprang
    forward maps to the first instant after the gap (an opening at 02:30 on that night opens
    when the clocks jump); a time that occurs twice because clocks fell back maps to its
    first occurrence (fold=0). All returned datetimes are aware and in UTC; periods of
    consecutive intervals that touch, including across midnight, are merged.
    """

    tz: ZoneInfo
    weekly: Mapping[int, tuple[Interval, ...]] = field(hash=False)
    closures: Mapping[date, Closure] = field(default_factory=dict, hash=False)
    _round_the_clock: bool = field(init=False, repr=False, compare=False)
    _closure_days: tuple[date, ...] = field(init=False, repr=False, compare=False)
    # Each local date's periods, computed once: every incoming call asks whether the queue is
    # open, and mapping wall-clock hours to UTC costs more than the rest of that answer.
    _days: dict[date, tuple[Period, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekly", _frozen_week(self.weekly))
        object.__setattr__(self, "closures", _frozen_closures(self.closures))
        every_day = all(_whole_day(self.weekly.get(weekday, ())) for weekday in range(7))
        object.__setattr__(self, "_round_the_clock", every_day)
        object.__setattr__(self, "_closure_days", tuple(self.closures))
        object.__setattr__(self, "_days", {})

    def closure_on(self, day: date) -> Closure | None:
        """The closure or special day filed for the local date `day`, if any."""
        return self.closures.get(day)

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """The opening hours of the local date `day`: its closure's if it has one, else weekly."""
        closure = self.closures.get(day)
        if closure is not None:
            return closure.hours
        return self.weekly.get(day.weekday(), ())

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The opening hours of the local date `day` as UTC periods, in order, not merged."""
        periods = self._days.get(day)
        if periods is None:
            periods = day_periods(self.hours_on(day), day, self.tz)
            if len(self._days) >= DAYS_KEPT:
                self._days.clear()
            self._days[day] = periods
        return periods

    def is_open(self, now: datetime) -> bool:
        """True when the instant `now` (aware, any zone) falls inside opening hours."""
        # In UTC first: local arithmetic drops `fold`, and 01:30 of the hour repeated when
        # clocks go back would end a microsecond after the first 01:30, before it begins.
        moment = _as_utc(now, "now")
        return next(self._clipped(moment, moment + _INSTANT), None) is not None

    def closes_at(self, now: datetime, horizon_days: int = 366) -> datetime | None:
        """End of the open period containing `now`, or None when closed.

        A period still open `horizon_days` after `now` (a 24/7 queue) is reported as ending
        at that horizon: it is known to stay open at least that long.
        """
        period = next(self.open_periods(now, now + timedelta(days=horizon_days)), None)
        if period is None or period[0] != _as_utc(now, "now"):
            return None
        return period[1]

    def next_opening(self, now: datetime, horizon_days: int = 366) -> datetime | None:
        """`now` if open, else the next opening within `horizon_days`, else None."""
        period = next(self._clipped(now, now + timedelta(days=horizon_days)), None)
        return None if period is None else period[0]

    def open_periods(self, start: datetime, until: datetime) -> Iterator[Period]:
        """The open periods overlapping `[start, until)`, clipped to it and merged when touching."""
        merged: Period | None = None
        for begin, end in self._clipped(start, until):
            if merged is not None and begin <= merged[1]:
                merged = (merged[0], max(merged[1], end))
                continue
            if merged is not None:
                yield merged
            merged = (begin, end)
        if merged is not None:
            yield merged

    def slots(self, start: datetime, until: datetime, length: timedelta) -> list[Period]:
        """Back-to-back windows of `length` inside the open periods within `[start, until)`.

        The grid of each period starts at the period's opening, so starting late does not
        shift it; a period already open at local midnight of `start`'s day counts from then.
        """
        if length <= timedelta(0):
            raise ValueError("slot length must be positive")
        first = _as_utc(start, "start")
        midnight = wall_to_utc(first.astimezone(self.tz).date(), timedelta(0), self.tz)
        windows: list[Period] = []
        for period in self.open_periods(midnight, until):
            windows.extend(_grid(period, length, first))
        return windows

    def _clipped(self, start: datetime, until: datetime) -> Iterator[Period]:
        """Unmerged opening intervals overlapping `[start, until)`, clipped to it."""
        first, last = _as_utc(start, "start"), _as_utc(until, "until")
        if first >= last:
            return
        # A day's hours never begin before that local day does, except when they open in a
        # gap that straddles midnight; starting a day early covers that too.
        for begin, end in self._intervals(first.astimezone(self.tz).date() - _DAY, last):
            if end > first:
                yield max(begin, first), min(end, last)

    def _intervals(self, day: date, until: datetime) -> Iterator[Period]:
        """Opening intervals as UTC periods from the local date `day` on, up to `until`."""
        last_day = until.astimezone(self.tz).date()
        while day <= last_day:
            run_end = self._open_run_end(day, last_day)
            periods = self.periods_on(day) if run_end is None else self._run(day, run_end)
            for begin, end in periods:
                if begin >= until:
                    return
                if begin < end:
                    yield begin, end
            day = run_end or day + _DAY

    def _run(self, first: date, after: date) -> Iterator[Period]:
        """One period from local midnight of `first` to local midnight of `after`."""
        yield wall_to_utc(first, timedelta(0), self.tz), wall_to_utc(after, timedelta(0), self.tz)

    def _open_run_end(self, day: date, last_day: date) -> date | None:
        """The day after a run of whole open days from `day` (capped past `last_day`), or None.

        Only a queue open around the clock every weekday has such runs: between two closures
        its days touch at each midnight, so walking them one by one (a year of them, for a
        horizon of a year) would only rebuild the same single period.
        """
        if not self._round_the_clock or day in self.closures:
            return None
        following = bisect.bisect_right(self._closure_days, day)
        stop = last_day + _DAY
        if following < len(self._closure_days):
            stop = min(stop, self._closure_days[following])
        return stop
