"""Durations and wall-clock readings as a supervisor writes them: 90, "90s", "1h30m", "09:00"."""

from __future__ import annotations

import re
from datetime import time, timedelta

from callback.hours import Interval

_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_DURATION_HINT = "a duration is whole seconds (90) or text like '90s', '5m', '1h30m', '2d'"


def parse_duration(value: object) -> timedelta:
    """Whole seconds (int) or text made of d/h/m/s parts in that order, e.g. "1h30m"."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(_DURATION_HINT)
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a duration cannot be negative, got {value}")
        return timedelta(seconds=value)
    match = _DURATION.fullmatch(value.strip().lower())
    if not value.strip() or match is None:
        raise ValueError(f"{_DURATION_HINT}; got {value!r}")
    parts = (
        int(part or 0) * seconds for part, (_, seconds) in zip(match.groups(), _UNITS, strict=True)
    )
    return timedelta(seconds=sum(parts))


def format_duration(value: timedelta) -> str:
    """The shortest text `parse_duration` reads back as `value`, e.g. "1h30m"."""
    remaining = int(value.total_seconds())
    pieces = []
    for unit, seconds in _UNITS:
        count, remaining = divmod(remaining, seconds)
        if count:
            pieces.append(f"{count}{unit}")
    return "".join(pieces) or "0s"


def parse_clock(value: object) -> time:
    """A wall-clock reading "HH:MM" (00:00 to 23:59), or a TOML local time."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError("a wall-clock time takes no offset")
        return value
    if not isinstance(value, str):
        raise ValueError(f"a time of day is written 'HH:MM', got {value!r}")
    match = _CLOCK.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"a time of day is written 'HH:MM' (00:00 to 23:59), got {value!r}")
    return time(int(match[1]), int(match[2]))


def parse_end(value: object) -> time:
    """The end of a range: like `parse_clock`, plus "24:00" (midnight at the end of the day)."""
    if isinstance(value, str) and value.strip() == "24:00":
        return time(0)
    end = parse_clock(value)
    if end == time(0):
        raise ValueError("a range ending at midnight ends at '24:00', not '00:00'")
    return end


def parse_interval(value: object) -> Interval:
    """An opening range "HH:MM-HH:MM" within one day; "24:00" may end it."""
    if isinstance(value, Interval):
        return value
    if not isinstance(value, str) or value.count("-") != 1:
        raise ValueError(f"an opening range is written 'HH:MM-HH:MM', got {value!r}")
    start_text, end_text = value.split("-")
    start, end = parse_clock(start_text), parse_end(end_text)
    if end != time(0) and end <= start:
        raise ValueError(
            f"{value!r} ends before it starts; split a range across midnight in two, "
            "e.g. '22:00-24:00' and '00:00-06:00' on the next day"
        )
    return Interval(start, end)


def format_clock(value: time, *, end: bool = False) -> str:
    """ "HH:MM", with midnight as "24:00" when `value` ends a range."""
    return "24:00" if end and value == time(0) else value.isoformat("minutes")
