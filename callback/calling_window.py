"""Calling windows: never ring a callee outside daytime hours in any of their time zones.

A number can belong to several zones (an area code across a zone line, a mobile range
covering a whole country); a call is allowed only when the window holds in all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import NumberParseException
from phonenumbers import timezone as number_zones

from callback.types import E164

HORIZON = timedelta(days=8)
"""How far ahead `next_allowed` looks before it gives up."""

_RESOLUTION = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class CallingWindow:
    """Wall-clock hours [start, end) on the callee's own clock, e.g. 08:00-21:00."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("a calling window is wall-clock time: give naive times")
        if self.end <= self.start:
            raise ValueError("a calling window must end after it starts, on the same day")

    def contains(self, wall: time) -> bool:
        """Whether the local wall-clock time `wall` is inside the window."""
        return self.start <= wall < self.end


# Every dial and every eligibility check asks, and the metadata lookup is the slow part of
# both (a seventh of a simulated run); a number's zones never change within a process.
@lru_cache(maxsize=4096)
def callee_zones(number: E164, fallback: ZoneInfo) -> tuple[ZoneInfo, ...]:
    """The time zones `number` may ring in; `fallback` when the metadata does not know."""
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return (fallback,)
    names = number_zones.time_zones_for_number(parsed)
    known = tuple(ZoneInfo(name) for name in names if name != number_zones.UNKNOWN_TIMEZONE)
    return known or (fallback,)


def allows(window: CallingWindow, number: E164, now: datetime, fallback: ZoneInfo) -> bool:
    """True only if `now` is inside `window` in every time zone of `number`."""
    _require_aware(now)
    return all(_inside(window, zone, now) for zone in callee_zones(number, fallback))


def next_allowed(
    window: CallingWindow, number: E164, now: datetime, fallback: ZoneInfo
) -> datetime | None:
    """The earliest instant >= `now` allowed in every zone, or None within `HORIZON`."""
    _require_aware(now)
    zones = callee_zones(number, fallback)
    at = now.astimezone(UTC)
    limit = at + HORIZON
    while at <= limit:
        # No instant before a zone's next opening can be in the intersection, so jumping
        # to the latest of them skips nothing; when none moves, every zone is open.
        latest = max(_next_opening(window, zone, at) for zone in zones)
        if latest == at:
            return at.astimezone(now.tzinfo)
        at = latest
    return None


def _require_aware(now: datetime) -> None:
    if now.utcoffset() is None:
        raise ValueError("`now` must be timezone-aware")


def _inside(window: CallingWindow, zone: ZoneInfo, at: datetime) -> bool:
    return window.contains(at.astimezone(zone).time())


def _next_opening(window: CallingWindow, zone: ZoneInfo, at: datetime) -> datetime:
    """The earliest instant >= `at` (UTC) at which the zone's wall clock is in the window."""
    while not _inside(window, zone, at):
        local = at.astimezone(zone)
        offset = _offset(zone, at)
        day = local.date() if local.time() < window.start else local.date() + timedelta(days=1)
        opening = (datetime.combine(day, window.start) - offset).replace(tzinfo=UTC)
        # With one offset all the way, the wall clock runs steadily from outside the
        # window to its start. Zones change offset at most once between two openings
        # (under a day apart), so equal offsets at both ends mean no change between.
        if _offset(zone, opening) == offset:
            return opening
        at = _offset_change(zone, at, opening)
    return at


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    return at.astimezone(zone).utcoffset() or timedelta(0)  # never None for a ZoneInfo


def _offset_change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first instant in (before, after] with a different offset than at `before`."""
    old = _offset(zone, before)
    while after - before > _RESOLUTION:
        middle = before + (after - before) // 2
        if _offset(zone, middle) == old:
            before = middle
        else:
            after = middle
    return after
