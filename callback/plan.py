"""The staffing plan: how many agents are planned per weekday interval of local wall-clock time.

Wall-clock boundaries become instants by one rule: a boundary takes effect at the first
instant at which the local clock reads that time or later. So a boundary inside a
fall-back day's repeated hour takes effect at its first occurrence (fold=0), and the
interval that holds the clock at that moment keeps the agents through the repeated
hour; a boundary inside a spring-forward gap takes effect when the clocks jump, so a
02:00-03:00 interval on that day is empty and a 01:30-02:30 one ends at the jump. The
rule is monotone in wall time, so intervals that do not overlap on the clock never
overlap in time, and `agents_at` and `segments` always agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from types import MappingProxyType
from zoneinfo import ZoneInfo

Segment = tuple[datetime, datetime, int]
"""A span [start, end) of constant planned agents, in UTC."""

_DAY_SECONDS = 86_400
_ONE_DAY = timedelta(days=1)


def _seconds(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


@dataclass(frozen=True, slots=True)
class StaffInterval:
    """`agents` planned from `start` to `end` local time; an `end` of time(0) means 24:00."""

    start: time
    end: time
    agents: int

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end must be naive wall-clock times (the plan has the zone)")
        if self.end_seconds <= self.start_seconds:
            raise ValueError(f"end must be after start, got {self.start} to {self.end}")
        if self.agents < 0:
            raise ValueError(f"agents must be >= 0, got {self.agents}")

    @property
    def start_seconds(self) -> float:
        """Seconds from local midnight to `start`."""
        return _seconds(self.start)

    @property
    def end_seconds(self) -> float:
        """Seconds from local midnight to `end` (86400 for 24:00)."""
        return _DAY_SECONDS if self.end == time(0) else _seconds(self.end)


def _check_day(weekday: int, intervals: tuple[StaffInterval, ...]) -> tuple[StaffInterval, ...]:
    if weekday not in range(7):
        raise ValueError(f"weekly keys must be weekdays 0 (Monday) to 6, got {weekday!r}")
    ordered = tuple(sorted(intervals, key=lambda interval: interval.start_seconds))
    for earlier, later in pairwise(ordered):
        if later.start_seconds < earlier.end_seconds:
            raise ValueError(
                f"weekly[{weekday}] intervals overlap: {earlier.start}-{earlier.end} "
                f"and {later.start}-{later.end}"
            )
    return ordered


def _check_aware(name: str, moment: datetime) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


@dataclass(frozen=True, slots=True)
class StaffingPlan:
    """Planned agents per weekday (0 = Monday) in the zone `tz`; 0 outside every interval."""

    tz: ZoneInfo
    weekly: Mapping[int, tuple[StaffInterval, ...]] = field(hash=False)

    def __post_init__(self) -> None:
        checked = {day: _check_day(day, tuple(ivs)) for day, ivs in self.weekly.items()}
        object.__setattr__(self, "weekly", MappingProxyType(checked))

    def agents_at(self, now: datetime) -> int:
        """Agents planned at the instant `now` (aware)."""
        _check_aware("now", now)
        instant = now.astimezone(UTC)
        local_day = instant.astimezone(self.tz).date()
        # A clock turned back across midnight reads the old date again after the new day's
        # first boundary took effect: such an instant belongs to the next day's intervals.
        for day in (local_day, local_day + _ONE_DAY):
            for start, end, agents in self._day(day):
                if start <= instant < end:
                    return agents
        return 0

    def segments(self, start: datetime, until: datetime) -> Iterator[Segment]:
        """Consecutive UTC spans of constant planned agents covering [start, until)."""
        _check_aware("start", start)
        _check_aware("until", until)
        cursor, stop = start.astimezone(UTC), until.astimezone(UTC)
        pending: Segment | None = None
        for span in self._spans(cursor, stop):
            if pending is not None and pending[2] == span[2]:
                pending = (pending[0], span[1], span[2])
                continue
            if pending is not None:
                yield pending
            pending = span
        if pending is not None:
            yield pending

    def _spans(self, cursor: datetime, stop: datetime) -> Iterator[Segment]:
        """Planned intervals clipped to [cursor, stop), with zero-agent spans between them."""
        day = cursor.astimezone(self.tz).date()
        while cursor < stop and self._instant(day, time(0)) < stop:
            for begin, end, agents in self._day(day):
                begin, end = max(begin, cursor), min(end, stop)
                if begin >= end:
                    continue
                if cursor < begin:
                    yield (cursor, begin, 0)
                yield (begin, end, agents)
                cursor = end
            day += _ONE_DAY
        if cursor < stop:
            yield (cursor, stop, 0)

    def _day(self, day: date) -> Iterator[Segment]:
        """The non-empty UTC spans of `day`'s intervals, in order."""
        for interval in self.weekly.get(day.weekday(), ()):
            begin = self._instant(day, interval.start)
            if interval.end == time(0):
                end = self._instant(day + _ONE_DAY, time(0))
            else:
                end = self._instant(day, interval.end)
            if begin < end:
                yield (begin, end, interval.agents)

    def _instant(self, day: date, moment: time) -> datetime:
        """The first instant at which the local clock reads `day` `moment` or later, in UTC."""
        wall = datetime.combine(day, moment)
        first = wall.replace(tzinfo=self.tz).astimezone(UTC)  # fold=0: the first occurrence
        if first.astimezone(self.tz).replace(tzinfo=None) == wall:
            return first
        return self._gap_end(wall)

    def _gap_end(self, wall: datetime) -> datetime:
        """The instant the clocks jumped over the non-existent `wall` time."""
        # fold=1 reads a gap time with the later offset (an instant before the jump), fold=0
        # with the earlier one (after it). Zone transitions fall on whole seconds, so bisect
        # POSIX seconds for the first one whose clock reads `wall` or later.
        before = math.floor(wall.replace(tzinfo=self.tz, fold=1).timestamp())
        after = math.ceil(wall.replace(tzinfo=self.tz, fold=0).timestamp())
        while after - before > 1:
            middle = (before + after) // 2
            if datetime.fromtimestamp(middle, self.tz).replace(tzinfo=None) >= wall:
                after = middle
            else:
                before = middle
        return datetime.fromtimestamp(after, UTC)
