"""When a queue accepts new callbacks: open, and not within the cut-off before closing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from callback.config.policy import CallbackPolicy
from callback.hours import Schedule

_INSTANT = timedelta(microseconds=1)


class Gate(StrEnum):
    """Whether the queue's hours let a new callback start."""

    ACCEPTING = "accepting"
    CLOSED = "closed"
    CUTOFF = "cutoff"


def gate(schedule: Schedule, policy: CallbackPolicy, now: datetime) -> Gate:
    """ACCEPTING when open and more than the cut-off before closing, else why not."""
    cutoff = policy.cutoff_before_closing
    # A period still open past the horizon ends after `now + cutoff` whatever its true end.
    closes = schedule.closes_at(now, horizon_days=cutoff.days + 2)
    if closes is None:
        return Gate.CLOSED
    return Gate.ACCEPTING if now < closes - cutoff else Gate.CUTOFF


def next_accepting(
    schedule: Schedule, policy: CallbackPolicy, now: datetime, until: datetime
) -> datetime | None:
    """The earliest instant in `[now, until)` at which the queue accepts, in UTC, or None."""
    start, stop = now.astimezone(UTC), until.astimezone(UTC)
    if start >= stop:
        return None
    cutoff = policy.cutoff_before_closing
    # Reading past `until` by the cut-off means a period cut short by the search bound
    # still accepts up to `until`, so only its true closing can shorten it.
    for opens, closes in schedule.open_periods(start, stop + cutoff + _INSTANT):
        if opens >= stop:
            return None
        if opens < closes - cutoff:
            return opens
    return None
