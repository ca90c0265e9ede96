"""The arrival profile from stored history: per queue, weekday, hour of the day and channel.

Callers who held and callers who asked for a callback from the phone menu are the phone
channel; requests from the web page, the app, the API or SMS are the web channel (or the
slot channel when booked for a time). Counts are averaged per weekday over the days of that
weekday in the window read, so a closed Sunday does not thin out Monday. Handle time,
patience and the shares of dials that ring out, reach a machine or are answered and declined
are measured per queue over the whole window (an hour alone holds too few); a queue without
a connected dial keeps its configured handle-time prior. The share taking a callback is the
phone-menu requests over the phone contacts of the hour.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from callback.config.model import SupervisorConfig
from callback.history import Occupied, Records
from callback.simulate.arrivals import WEEKDAYS, Interval, Kind
from callback.simulate.reasons import Dials
from callback.types import Channel

IVR = Channel.IVR.value
MISSED = frozenset({"no_answer", "busy", "failed"})
"""Dial outcomes where nobody answered: the profile's no-answer share."""


Hour = tuple[int, int]
"""(weekday, hour) in the queue's zone."""


def _hours(moments: Iterable[datetime], zone: ZoneInfo) -> Counter[Hour]:
    local = (moment.astimezone(zone) for moment in moments)
    return Counter((moment.weekday(), moment.hour) for moment in local)


def weekdays_in(until: datetime, days: int, zone: ZoneInfo) -> Counter[int]:
    """How many of each weekday the `days` days before `until` hold (local dates)."""
    last = until.astimezone(zone).date()
    return Counter((last - timedelta(days=back)).weekday() for back in range(days))


def _handle(occupied: list[Occupied]) -> float | None:
    talks = [(o.ended - o.claimed).total_seconds() for o in occupied if o.outcome == "connected"]
    return sum(talks) / len(talks) if talks else None


def _patience(history: Records, queue: str) -> float | None:
    """Exponential patience: time on hold of every caller over the callers who gave up."""
    held = [h for h in history.held if h.queue == queue and h.ended is not None]
    abandoned = sum(h.state == "abandoned" for h in held)
    exposure = sum((h.ended - h.joined).total_seconds() for h in held if h.ended is not None)
    return exposure / abandoned if abandoned else None


def _shares(occupied: list[Occupied]) -> tuple[float, float, float]:
    """The shares of dials that rang out, reached a machine, or were answered and declined."""
    dials = [o for o in occupied if o.dial]
    if not dials:
        return 0.0, 0.0, 0.0
    missed = sum(o.outcome in MISSED for o in dials)
    machine = sum(o.outcome == "machine" for o in dials)
    declined = sum(o.outcome == "declined" for o in dials)
    return missed / len(dials), machine / len(dials), declined / len(dials)


def dial_shares(history: Records, queue: str) -> Dials:
    """`queue`'s shares of callback dials that rang out, reached a machine or were declined."""
    return Dials(*_shares([o for o in history.occupied if o.queue == queue]))


def queue_profile(
    history: Records, config: SupervisorConfig, queue: str, seen: Counter[int]
) -> list[Interval]:
    """One queue's rows, per weekday and hour where anyone came; `seen` counts the weekdays."""
    zone = config.queues[queue].zone
    occupied = [o for o in history.occupied if o.queue == queue]
    handle = _handle(occupied) or config.callback_policy(queue).handle_time_prior.total_seconds()
    patience = _patience(history, queue)
    no_answer, machine, declined = _shares(occupied)
    held = _hours((h.joined for h in history.held if h.queue == queue and h.state != "left"), zone)
    mine = [r for r in history.made() if r.queue == queue]
    menu = _hours((r.created for r in mine if r.channel == IVR), zone)
    web = _hours((r.created for r in mine if r.channel != IVR and not r.slotted), zone)
    slot = _hours((r.created for r in mine if r.channel != IVR and r.slotted), zone)
    rows = []
    for weekday, hour in sorted(set(held) | set(menu) | set(web) | set(slot)):
        key, days = (weekday, hour), max(seen[weekday], 1)
        start, end = time(hour), time((hour + 1) % 24)
        phone = held[key] + menu[key]
        here = [Interval(queue, start, end, Kind.WEB, web[key] / days, handle, None)]
        here.append(Interval(queue, start, end, Kind.SLOT, slot[key] / days, handle, None))
        if phone:
            share = menu[key] / phone
            here.insert(
                0, Interval(queue, start, end, Kind.PHONE, phone / days, handle, patience, share)
            )
        rows += [replace(row, day=WEEKDAYS[weekday]) for row in here if row.offered]
    return [replace(row, no_answer=no_answer, machine=machine, declined=declined) for row in rows]


def covered_days(history: Records, until: datetime, most: int) -> int:
    """The days the records span back from `until`, within 1..`most`: a young database is
    averaged over the days it saw, not over days before it existed."""
    moments = [h.joined for h in history.held] + [r.created for r in history.made()]
    if not moments:
        return most
    return max(1, min(most, math.ceil((until - min(moments)) / timedelta(days=1))))


def profile(
    history: Records, config: SupervisorConfig, days: int, until: datetime
) -> tuple[Interval, ...]:
    """Every configured queue's rows from the `days` days of history before `until`."""
    return tuple(
        row
        for queue in sorted(config.queues)
        for row in queue_profile(
            history, config, queue, weekdays_in(until, days, config.queues[queue].zone)
        )
    )
