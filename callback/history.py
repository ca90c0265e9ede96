"""A queue's recorded history, counted per interval: what staffing advice is measured from.

The store reads the window's records once (`callback.store.history`, the same read the
simulation's profile is built from); `measured` turns them into the three kinds of record
advice counts, and this module cuts a window of local days into intervals and counts each
record in the interval it started in.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from callback.retry import DialOutcome

Span = tuple[datetime, datetime]
LEFT, ABANDONED = "left", "abandoned"
"""The held call states that matter here: left the hold for a callback, gave up."""


@dataclass(frozen=True, slots=True)
class Held:
    """A caller who held: `state` is served, abandoned, left (took a callback) and so on."""

    queue: str
    joined: datetime
    ended: datetime | None
    state: str
    taken: datetime | None = None
    """When an agent took them: the claim of the offer that connected (or is still open)."""


@dataclass(frozen=True, slots=True)
class Requested:
    """A callback request: its queue, channel, when it was made and the slot it booked."""

    queue: str
    channel: str
    created: datetime
    slot_start: datetime | None = None

    @property
    def slotted(self) -> bool:
        """Booked for a slot (a time the customer chose) rather than as soon as possible."""
        return self.slot_start is not None


@dataclass(frozen=True, slots=True)
class Occupied:
    """A dial attempt or a hold offer: its queue, claim, end and outcome."""

    queue: str
    claimed: datetime
    ended: datetime
    outcome: str
    dial: bool
    """True for a callback dial, False for a caller on hold handed to an agent."""
    freed: datetime | None = None
    """When the agent was free for someone else (wrap-up over); None: when the claim ended."""

    @property
    def served(self) -> bool:
        """The customer and the agent talked."""
        return self.outcome == DialOutcome.CONNECTED.value


@dataclass(frozen=True, slots=True)
class Records:
    """Every record of the window `[since, until)`: held calls that joined in it, ended claims
    made in it, and requests made in it or booked for a slot starting in it."""

    since: datetime
    until: datetime
    held: tuple[Held, ...] = ()
    requested: tuple[Requested, ...] = ()
    occupied: tuple[Occupied, ...] = ()

    def made(self) -> list[Requested]:
        """The requests made in the window (a slot booked earlier for it is left out)."""
        return [r for r in self.requested if self.since <= r.created < self.until]


@dataclass(frozen=True, slots=True)
class Arrival:
    """Someone who joined a queue's line: a caller on hold or a callback request."""

    queue: str
    at: datetime
    held: bool


@dataclass(frozen=True, slots=True)
class Occupation:
    """One claim of an agent (a callback's dial or a held caller's offer) until free again."""

    queue: str
    at: datetime
    """The claim."""
    seconds: float
    """From the claim until the agent was free for someone else (wrap-up included)."""
    served: bool
    """The customer and the agent talked."""


@dataclass(frozen=True, slots=True)
class Hold:
    """A caller's time on hold: their exposure to giving up, and whether they did."""

    queue: str
    at: datetime
    """When they joined the hold."""
    seconds: float
    """Until an agent took them, they hung up or they left the hold for a callback."""
    abandoned: bool


@dataclass(frozen=True, slots=True)
class History:
    """Every record of a window, all queues together."""

    arrivals: Sequence[Arrival] = ()
    occupations: Sequence[Occupation] = ()
    holds: Sequence[Hold] = ()


@dataclass(frozen=True, slots=True)
class Tally:
    """What a queue showed over one interval (or a whole window)."""

    held: int = 0
    """Callers who held (those who left the hold for a callback count as that callback)."""
    callbacks: int = 0
    served: int = 0
    occupied_s: float = 0.0
    abandoned: int = 0
    waited: int = 0
    """Callers whose time on hold is in `exposure_s`."""
    exposure_s: float = 0.0

    @property
    def offered(self) -> int:
        """Everyone who joined the line."""
        return self.held + self.callbacks

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.held + other.held,
            self.callbacks + other.callbacks,
            self.served + other.served,
            self.occupied_s + other.occupied_s,
            self.abandoned + other.abandoned,
            self.waited + other.waited,
            self.exposure_s + other.exposure_s,
        )


def measured(records: Records, now: datetime) -> History:
    """What advice counts, as known at `now`: arrivals (a slot's at its start; a caller who
    left the hold for a callback counts once, as that callback), each claim until its agent
    was free again, and each caller's time on hold until taken, gone or `now`."""
    since, until = records.since, records.until
    arrivals = [Arrival(h.queue, h.joined, True) for h in records.held if h.state != LEFT]
    for request in records.requested:
        at = request.slot_start or request.created
        if since <= at < until:
            arrivals.append(Arrival(request.queue, at, False))
    occupations = [
        Occupation(o.queue, o.claimed, ((o.freed or o.ended) - o.claimed).total_seconds(), o.served)
        for o in records.occupied
    ]
    holds = [Hold(h.queue, h.joined, _exposure(h, now), h.state == ABANDONED) for h in records.held]
    return History(arrivals, occupations, holds)


def _exposure(held: Held, now: datetime) -> float:
    until = held.taken or held.ended or now
    return max(0.0, (until - held.joined).total_seconds())


def spans(zone: ZoneInfo, first: date, days: int, length: timedelta) -> list[Span]:
    """`days` local days from `first` cut into intervals of `length` from each local midnight;
    a day's last interval ends at the next midnight (a day of a clock change is 23 or 25 h)."""
    cut: list[Span] = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        start, midnight = _midnight(zone, day), _midnight(zone, day + timedelta(days=1))
        while start < midnight:
            cut.append((start, min(start + length, midnight)))
            start += length
    return cut


def _midnight(zone: ZoneInfo, day: date) -> datetime:
    # Midnight exists in every zone Holdless serves; stepping in UTC keeps intervals real time.
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def tallies(history: History, queue: str, cut: Sequence[Span]) -> list[Tally]:
    """`queue`'s records counted in the interval of `cut` each started in (others dropped)."""
    starts = [start for start, _ in cut]
    sums = [[0.0] * 7 for _ in cut]
    for arrival in history.arrivals:
        if arrival.queue == queue and (row := _row(sums, starts, cut, arrival.at)):
            row[0 if arrival.held else 1] += 1
    for taken in history.occupations:
        if taken.queue == queue and (row := _row(sums, starts, cut, taken.at)):
            row[2] += taken.served
            row[3] += taken.seconds
    for hold in history.holds:
        if hold.queue == queue and (row := _row(sums, starts, cut, hold.at)):
            row[4] += hold.abandoned
            row[5] += 1
            row[6] += hold.seconds
    return [_tally(row) for row in sums]


def _row(
    sums: list[list[float]], starts: Sequence[datetime], cut: Sequence[Span], at: datetime
) -> list[float] | None:
    """The sums of the interval `at` falls in, or None outside the window."""
    index = bisect_right(starts, at) - 1
    return sums[index] if index >= 0 and at < cut[index][1] else None


def _tally(row: list[float]) -> Tally:
    held, callbacks, served, occupied, abandoned, waited, exposure = row
    return Tally(
        int(held), int(callbacks), int(served), occupied, int(abandoned), int(waited), exposure
    )
