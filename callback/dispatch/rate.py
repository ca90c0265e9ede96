"""The dial rate cap over a sliding minute, computed from the start times of recent dials.

The start times come from the database, so the cap holds across instances and restarts:
every instance sees the same dials, and none keeps a bucket in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

WINDOW = timedelta(seconds=60)
"""The sliding window the per-minute rate is counted over."""


def _in_window(recent_starts: Sequence[datetime], now: datetime) -> list[datetime]:
    """Starts later than `now - WINDOW`, oldest first.

    A start after `now` (another instance's clock runs ahead) still counts: the cap errs
    on the side of dialling less.
    """
    if now.utcoffset() is None:
        raise ValueError("`now` must be timezone-aware")
    return sorted(start for start in recent_starts if start > now - WINDOW)


def _check_rate(per_minute: int) -> None:
    if per_minute < 1:
        raise ValueError(f"the dial rate must be at least 1 per minute, got {per_minute}")


def rate_allowance(recent_starts: Sequence[datetime], now: datetime, per_minute: int) -> int:
    """How many dials may start at `now` without exceeding `per_minute` in any 60 s window."""
    _check_rate(per_minute)
    return max(0, per_minute - len(_in_window(recent_starts, now)))


def next_rate_slot(recent_starts: Sequence[datetime], now: datetime, per_minute: int) -> datetime:
    """The earliest instant >= `now` at which one more dial may start."""
    _check_rate(per_minute)
    window = _in_window(recent_starts, now)
    excess = len(window) - per_minute
    if excess < 0:
        return now
    # One dial fits once all but `per_minute - 1` of the counted starts have aged out.
    return window[excess] + WINDOW
