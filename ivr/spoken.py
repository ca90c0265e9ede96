"""Spoken forms of waits, clock times, days and digits: pure functions, no language text.

Waits. A wait is spoken as "about N minutes", or as "between L and H minutes" when the
estimate is too uncertain for one figure. It is uncertain when the team is small (fewer
than `SMALL_TEAM` agents at the start of the wait, where one long call moves the line a
lot) or when the range is wide (the 90th percentile more than twice the expected wait).

Rounding: up to ten minutes a figure is spoken to the minute, above that to five minutes,
the way people speak of waits. "About" rounds to the nearest step; a range widens to the
steps around it (low down, high up), so it still holds the 10th-90th percentile range
the estimate gives. The smallest figure spoken is `MIN_MINUTES`: a one-minute form needs
each language's singular, and "about 2 minutes" for a shorter wait errs on the safe side.

Digits are spoken one by one ("4 5 6 7"); a whole number is read in groups of two to
four digits separated by commas, where text-to-speech voices pause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from callback.estimate import Estimate

SMALL_TEAM = 5
"""Below this many agents a wait is spoken as a range."""
WIDE = 2.0
"""A range whose high end exceeds the expected wait this many times is spoken as a range."""
MIN_MINUTES = 2
"""The smallest number of minutes ever spoken."""
_FINE_UP_TO = 10
_COARSE_STEP = 5
WEEKDAY_KEYS = (
    "day_monday",
    "day_tuesday",
    "day_wednesday",
    "day_thursday",
    "day_friday",
    "day_saturday",
    "day_sunday",
)


@dataclass(frozen=True, slots=True)
class About:
    """A wait spoken as one figure."""

    minutes: int


@dataclass(frozen=True, slots=True)
class Between:
    """A wait spoken as a range of whole minutes."""

    low: int
    high: int


Wait = About | Between


def _minutes(span: timedelta) -> float:
    return max(span.total_seconds(), 0.0) / 60.0


def about_minutes(span: timedelta) -> int:
    """`span` as the nearest spoken figure of minutes, never below `MIN_MINUTES`."""
    minutes = math.floor(_minutes(span) + 0.5)
    if minutes > _FINE_UP_TO:
        minutes = _COARSE_STEP * math.floor(minutes / _COARSE_STEP + 0.5)
    return max(minutes, MIN_MINUTES)


def _step_down(minutes: float) -> int:
    whole = math.floor(minutes)
    if whole > _FINE_UP_TO:
        whole = _COARSE_STEP * (whole // _COARSE_STEP)
    return max(whole, 1)


def _step_up(minutes: float) -> int:
    whole = math.ceil(minutes)
    if whole > _FINE_UP_TO:
        whole = _COARSE_STEP * math.ceil(whole / _COARSE_STEP)
    return max(whole, MIN_MINUTES)


def is_uncertain(estimate: Estimate) -> bool:
    """True when the estimate should be spoken as a range (small team or wide range)."""
    return estimate.servers < SMALL_TEAM or estimate.high > estimate.wait * WIDE


def spoken_wait(estimate: Estimate) -> Wait:
    """How to say the estimate: a range when uncertain, else "about N minutes"."""
    if is_uncertain(estimate):
        low, high = _step_down(_minutes(estimate.low)), _step_up(_minutes(estimate.high))
        if low < high:
            return Between(low, high)
    return About(about_minutes(estimate.wait))


def clock(moment: datetime, zone: ZoneInfo) -> str:
    """The local wall-clock time of `moment` in `zone`, as "14:40"."""
    return moment.astimezone(zone).strftime("%H:%M")


def round_to_five(moment: datetime) -> datetime:
    """`moment` (aware) rounded to the nearest five minutes, returned in UTC."""
    moment = moment.astimezone(UTC)
    base = moment.replace(second=0, microsecond=0)
    offset = (base.minute % 5) * 60 + moment.second + moment.microsecond / 1e6
    if offset >= 150:
        return base + timedelta(minutes=5 - base.minute % 5)
    return base - timedelta(minutes=base.minute % 5)


def day_key(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """The prompt key naming `moment`'s local day as heard at `now`: today, tomorrow, weekday.

    Days more than a week ahead are named by weekday too; the caller hears the weekday
    of the next opening, which for any realistic closure lies within the week.
    """
    day = moment.astimezone(zone).date()
    today = now.astimezone(zone).date()
    if day == today:
        return "day_today"
    if (day - today).days == 1:
        return "day_tomorrow"
    return WEEKDAY_KEYS[day.weekday()]


def only_digits(text: str) -> str:
    """The ASCII digits of `text`, in order (a "+" or spaces are dropped)."""
    return "".join(char for char in text if "0" <= char <= "9")


def spoken_digits(digits: str) -> str:
    """Digits to be read one by one: "4567" -> "4 5 6 7"."""
    return " ".join(only_digits(digits))


def last_digits(number: str, count: int = 4) -> str:
    """The last `count` digits of a number, spoken one by one."""
    return spoken_digits(only_digits(number)[-count:])


def group_sizes(length: int) -> list[int]:
    """Group sizes for reading `length` digits: as even as possible, at most four each."""
    if length <= 0:
        return []
    groups = math.ceil(length / 4)
    base, extra = divmod(length, groups)
    return [base] * (groups - extra) + [base + 1] * extra


def grouped_digits(number: str) -> str:
    """A whole number read back in groups with pauses: "07946000000" -> "0 7 9, 4 6 0, ..."."""
    digits = only_digits(number)
    groups: list[str] = []
    start = 0
    for size in group_sizes(len(digits)):
        groups.append(spoken_digits(digits[start : start + size]))
        start += size
    return ", ".join(groups)
