"""The run's local clock, for the days a zone changes its clocks (23 or 25 hours long).

A profile says when people come by the queue's wall clock; the engine counts seconds of
real time from the first local midnight. On most days the two differ by whole days; across a
clock change this maps one to the other through the zone, so 14:00 stays 14:00 and each
contact is counted in the report's interval of its wall-clock time. A wall-clock time the
change skips is read with the offset before it (it falls just after the change); a time it
repeats is its first occurrence, so the repeated hour gets its row's arrivals once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class LocalClock:
    """The zone's wall clock from the local midnight starting `first`."""

    zone: ZoneInfo
    first: date

    @property
    def origin(self) -> datetime:
        """The first local midnight, in UTC."""
        return self._midnight(0)

    def _midnight(self, day: int) -> datetime:
        return datetime.combine(self.first + timedelta(days=day), time(0), self.zone).astimezone(
            UTC
        )

    def changes(self, days: int) -> bool:
        """Whether the zone's offset changes within `days` days (and the drain day after)."""
        offsets = {
            datetime.combine(self.first + timedelta(days=k), time(0), self.zone).utcoffset()
            for k in range(days + 2)
        }
        return len(offsets) > 1

    def elapsed(self, day: int, local_s: float) -> float:
        """Seconds from the origin to `local_s` after the local midnight of day `day`."""
        wall = datetime.combine(self.first + timedelta(days=day), time(0), self.zone)
        # Adding to an aware time moves its wall clock; the zone then gives the offset.
        moment = (wall + timedelta(seconds=local_s)).astimezone(UTC)
        return (moment - self.origin).total_seconds()

    def of_day(self, moment: float) -> float:
        """The wall-clock time, as seconds after its local midnight, `moment` seconds in."""
        local = (self.origin + timedelta(seconds=moment)).astimezone(self.zone)
        return local.hour * 3600.0 + local.minute * 60.0 + local.second + local.microsecond / 1e6
