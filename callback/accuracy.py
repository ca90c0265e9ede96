"""How right the announced waits were: one queue's daily accuracy figure from stored tallies.

Every announcement made to a person in the line (a booking's promise, each hold round) is
stored beside what then happened to that person (`callback.store.announcements`). An
announcement is judged once the person's wait is over:

- reached (an agent took them): its error is the actual wait (from the announcement to being
  reached) minus the wait announced; the figure's bias is the mean error (positive: people
  waited longer than told) and its RMSE the root of the mean squared error;
- its range (10th to 90th percentile) is judged for the reached, where it is a range: a free
  agent's "no wait" (low = high) is a point, not a range;
- its clock-time promise (callbacks only) is kept when the person was reached by then, and
  broken when they were reached later, or were still unreached when they gave up after it;
  one who gave up before the promise fell due cannot tell either way;
- a person who gave up (hung up on hold, or a callback cancelled, expired or failed) has no
  actual wait and is only counted; a caller who left the hold for a callback is not judged
  at all: their wait goes on as a callback, judged by that request's own announcements.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from math import sqrt
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Tally:
    """Sums over a set of judged announcements, as a store query adds them up."""

    reached: int = 0
    gave_up: int = 0
    error_sum: float = 0.0
    """Seconds: the sum of actual minus announced waits of the reached."""
    error_squares: float = 0.0
    """Seconds squared: the sum of the squared errors of the reached."""
    ranged: int = 0
    """Reached people whose announced range was a range (high above low)."""
    inside: int = 0
    """Of those, how many were reached within it (bounds included)."""
    promised: int = 0
    """Promises that could be judged: reached, or given up after the promised time."""
    kept: int = 0
    """Of those, how many were reached by the promised time."""

    def plus(self, other: Tally) -> Tally:
        """The tally of both sets together."""
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True, slots=True)
class Accuracy:
    """The accuracy figure; a figure with nothing to judge is None."""

    count: int
    """People (or announcements) reached, whose actual wait is known."""
    gave_up: int
    bias_s: float | None
    """Mean of actual minus announced wait, in seconds."""
    rmse_s: float | None
    promises_kept: float | None
    """Share of judged promises that were kept."""
    promises_judged: int
    inside_range: float | None
    """Share of actual waits inside the announced range, of those with a range."""
    ranges_judged: int


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def accuracy(tally: Tally) -> Accuracy:
    """Bias, RMSE and the shares of promises kept and of waits inside the range."""
    n = tally.reached
    return Accuracy(
        count=n,
        gave_up=tally.gave_up,
        bias_s=tally.error_sum / n if n else None,
        # Rounding can leave a sum of squares a hair below zero only when every error is 0.
        rmse_s=sqrt(max(tally.error_squares, 0.0) / n) if n else None,
        promises_kept=_share(tally.kept, tally.promised),
        promises_judged=tally.promised,
        inside_range=_share(tally.inside, tally.ranged),
        ranges_judged=tally.ranged,
    )


def day_start(zone: ZoneInfo, now: datetime) -> datetime:
    """The start of the day containing `now` in `zone`: the daily figure counts from then."""
    return now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
