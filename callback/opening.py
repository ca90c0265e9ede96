"""Open now, the next opening and the closing to beat, reused while they cannot change.

Those three answers only change at the schedule's own boundaries (the closing when open,
the next opening when closed), so one computation serves every forecast until then. A
24/7 queue is "open, closing a year from now": its closing moves with `now` and is
recomputed from `now` each time, at the cost of one addition.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from callback.hours import Schedule

YEAR_DAYS = 366
"""The schedule's own horizon: open this long counts as open for good."""
_YEAR = timedelta(days=YEAR_DAYS)
_DAY = timedelta(days=1)
KEPT = 256
"""Schedules remembered: one per queue, a few configs over reloads."""


@dataclass(frozen=True, slots=True)
class Hours:
    """Whether a queue is open at an instant, its next opening, the closing to beat."""

    open: bool
    next_opening: datetime | None
    closes_at: datetime | None


@dataclass(frozen=True, slots=True)
class _Entry:
    schedule: Schedule
    since: datetime
    until: datetime
    hours: Hours
    endless: bool


class OpeningCache:
    """`hours_at` per schedule, kept while the answer holds (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, _Entry] = {}

    def hours(self, schedule: Schedule, now: datetime) -> Hours:
        """The schedule's answers at `now`, computed again only past a boundary."""
        with self._lock:
            entry = self._entries.get(id(schedule))
        # Identity, not id alone: a collected schedule's id may be reused by a new one.
        if entry is not None and entry.schedule is schedule and entry.since <= now < entry.until:
            hours = entry.hours
            if entry.endless:
                return Hours(True, None, now + _YEAR)
            return hours
        fresh = _entry(schedule, now)
        if fresh is not None:
            with self._lock:
                if len(self._entries) >= KEPT:
                    self._entries.clear()
                self._entries[id(schedule)] = fresh
        return hours_at(schedule, now)


def hours_at(schedule: Schedule, now: datetime) -> Hours:
    """What `Schedule` answers at `now` (the uncached reference)."""
    is_open = schedule.is_open(now)
    next_opening = None if is_open else schedule.next_opening(now)
    # Closed now: the callback can only happen in the next open period, so that period's
    # closing is the one the promise must beat.
    opens = now if is_open else next_opening
    closing = schedule.closes_at(opens) if opens is not None else None
    return Hours(is_open, next_opening, closing)


def _entry(schedule: Schedule, now: datetime) -> _Entry | None:
    """How long the answer at `now` holds; None when it is too close to the horizon to tell."""
    longer = schedule.closes_at(now, YEAR_DAYS + 1)
    if longer is not None:
        if longer >= now + _YEAR + _DAY:
            # Open past a year and a day: for a day, each instant is open a year on.
            return _Entry(schedule, now, now + _DAY, Hours(True, None, now + _YEAR), True)
        if longer <= now + _YEAR - _DAY:
            return _Entry(schedule, now, longer, hours_at(schedule, now), False)
        return None
    opening = schedule.next_opening(now, YEAR_DAYS + 1)
    if opening is None or opening > now + _YEAR - _DAY:
        return None
    return _Entry(schedule, now, opening, hours_at(schedule, now), False)
