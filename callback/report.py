"""Report figures: additive tallies per 15-minute slot, grouped into a queue's days or intervals.

The store counts everything per slot of 15 minutes from the range's start (every UTC offset
in use is a whole number of quarter hours, so a slot never straddles a local interval); this
module folds the slots into local days or 30/60-minute intervals and derives the rates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SLOT = timedelta(minutes=15)


class Grain(StrEnum):
    """How finely a report splits its range."""

    DAY = "day"
    HOUR = "60"
    HALF_HOUR = "30"


@dataclass(frozen=True, slots=True)
class Tally:
    """What one queue did over some span; tallies of adjacent spans add up."""

    offered: int = 0
    completed: int = 0
    """Callbacks that reached the person and ended completed."""
    served_held: int = 0
    """Callers on hold connected to an agent."""
    abandoned: int = 0
    within_target: int = 0
    answer_seconds: float = 0.0
    attempts: int = 0
    """Dial attempts made for the completed callbacks."""
    kept: int = 0
    broken: int = 0
    estimated: int = 0
    """Completed callbacks that were told an estimate (a promise) when they joined."""
    estimate_error_seconds: float = 0.0
    estimate_in_range: int = 0
    ratings: int = 0
    rating_total: int = 0

    def plus(self, other: Tally) -> Tally:
        """The figures of this span and another together."""
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def handled(self) -> int:
        """People connected to an agent: completed callbacks and callers served from hold."""
        return self.completed + self.served_held

    @property
    def service_level(self) -> float | None:
        """Share reached within the queue's target, of those handled or abandoned."""
        return _share(self.within_target, self.handled + self.abandoned)

    @property
    def average_answer(self) -> float | None:
        """Mean seconds from joining the line to being reached, over the handled."""
        return _share(self.answer_seconds, self.handled)

    @property
    def abandonment(self) -> float | None:
        """Share who left before anyone reached them, of those handled or abandoned."""
        return _share(self.abandoned, self.handled + self.abandoned)

    @property
    def attempts_per_callback(self) -> float | None:
        """Dial attempts per completed callback."""
        return _share(self.attempts, self.completed)

    @property
    def kept_rate(self) -> float | None:
        """Share of promises kept, of those kept or broken."""
        return _share(self.kept, self.kept + self.broken)

    @property
    def estimate_error(self) -> float | None:
        """Mean absolute seconds between the wait told and the wait that happened."""
        return _share(self.estimate_error_seconds, self.estimated)

    @property
    def estimate_hit_rate(self) -> float | None:
        """Share of told waits whose real wait fell inside the announced range."""
        return _share(self.estimate_in_range, self.estimated)

    @property
    def survey_score(self) -> float | None:
        """Mean survey rating (1-5)."""
        return _share(self.rating_total, self.ratings)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Bucket:
    """One row of a report: a local day or interval and its tally."""

    start: datetime
    """The row's start on the queue's clock."""
    tally: Tally


def span(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of the local days `first` to `last` inclusive."""
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def bucket_of(instant: datetime, zone: ZoneInfo, grain: Grain) -> datetime:
    """The UTC start of the day or interval (on the queue's clock) holding `instant`."""
    local = instant.astimezone(zone)
    if grain is Grain.DAY:
        return datetime.combine(local.date(), time(), tzinfo=zone).astimezone(UTC)
    into = (local.hour * 60 + local.minute) % int(grain.value)
    # Subtracting on the UTC instant keeps a repeated autumn hour apart from its twin.
    gone = timedelta(minutes=into, seconds=local.second, microseconds=local.microsecond)
    return instant.astimezone(UTC) - gone


def slot_starts(start: datetime, end: datetime) -> Iterator[tuple[int, datetime]]:
    """Each slot's index and UTC start over [start, end)."""
    index, at = 0, start
    while at < end:
        yield index, at
        index, at = index + 1, at + SLOT


def group(
    slots: Mapping[int, Tally], first: date, last: date, zone: ZoneInfo, grain: Grain
) -> list[Bucket]:
    """Every day or interval of the range in order, each with the tallies of its slots."""
    start, end = span(first, last, zone)
    rows: dict[datetime, Tally] = {}
    for index, at in slot_starts(start, end):
        key = bucket_of(at, zone, grain)
        kept = rows.setdefault(key, Tally())
        if index in slots:
            rows[key] = kept.plus(slots[index])
    return [Bucket(key.astimezone(zone), tally) for key, tally in rows.items()]


def total(buckets: list[Bucket]) -> Tally:
    """The whole range's tally."""
    whole = Tally()
    for bucket in buckets:
        whole = whole.plus(bucket.tally)
    return whole


SETTLED = timedelta(minutes=2)
"""Rows are stamped just before they commit: a slot that ended this long ago is final."""
EMPTY = Tally()
"""No figures at all."""
