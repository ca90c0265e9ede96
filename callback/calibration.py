"""What recent announcements teach the next: the range's and the promise's levels, fed back.

Every announcement is kept beside the wait that followed (`callback.store.announcements`).
Over the last `WINDOW` judged announcements of one kind of person (callers on hold, or
callbacks) the share of actual waits below the announced range, above it, and after the
promised time is counted; each quantile level then moves by `GAIN` times the gap between
what was seen and the target, as one more measured figure beside handle time and patience:

    high level    = 0.90 + GAIN * (share above the range - 0.10)
    low level     = 0.10 - GAIN * (share below the range - 0.10)
    promise level = 0.90 + GAIN * (share of promises broken - PROMISE_BROKEN)

The announced wait itself moves by `shift`: GAIN times the window's mean error (actual minus
announced, over modelled waits), less three standard errors of it, so that the noise of a
steady line is left alone and only a bias the window shows clearly (a surge, a lunch hour
the plan does not know) is corrected; the range and the promise move with the wait.

Callers on hold are told no clock time: their promise is judged as the one the range's high
would have made, and its level is the high's, moved the same way. A wait known in advance
(a free agent, an agent whose wrap-up ends then) keeps its own points: only the modelled
waits are read at the learned levels.

It is a proportional correction computed afresh from the window (the announcements do not
say which levels they were made with), so it needs no state and every instance finds the
same: a model whose range is too narrow where the line is long-tailed (or too wide in a
small team) is widened (or narrowed) toward the target. Being proportional it closes part
of the gap (about GAIN / (1 + GAIN) of it where a level moves the share one for one), not
all; a larger gain bought nothing in `bench.estimate_accuracy` (3.0 moved the day's shares
by tenths of a point), and each correction is judged only minutes later, where a large
proportional gain on a lagging measure overshoots. The shares are shrunk toward the target by
`PRIOR` pseudo-announcements, so a quiet queue keeps the model's own levels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import copysign, sqrt
from statistics import fmean, stdev

from callback.mixture import P10, P90

WINDOW = 400
"""Judged announcements per kind that the levels are learned from (the latest)."""
GAIN = 1.5
PRIOR = 50
"""Pseudo-announcements at the target: how much a few judged ones can move the levels."""
PROMISE_BROKEN = 0.02
"""The share of broken promises aimed at: under the 3% the goal allows."""
FEW = 30
NOISE = 3.0
"""Standard errors of the window's mean error left uncorrected (the errors are correlated:
people waiting together err together, so one standard error is too small a margin)."""
_BOUNDS = (0.02, 0.98)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Seen:
    """One judged announcement: what was said and the wait that followed (seconds)."""

    wait: float
    low: float
    high: float
    promise: float | None
    """Seconds from the announcement to the promised time; None: no promise was made."""
    actual: float


@dataclass(frozen=True, slots=True)
class Levels:
    """The quantile levels of the announced range and of the promise."""

    low: float = P10
    high: float = P90
    promise: float = P90
    shift: float = 0.0
    """Seconds added to the modelled wait (its range and promise move with it)."""


def _clamp(level: float) -> float:
    return min(max(level, _BOUNDS[0]), _BOUNDS[1])


def _shrunk(part: int, whole: int, target: float) -> float:
    """`part / whole`, pulled toward `target` by `PRIOR` pseudo-announcements."""
    return (part + PRIOR * target) / (whole + PRIOR)


def would_promise(announced_at: datetime, high: float) -> float:
    """Seconds to the promise the range's high makes (rounded up to the next minute of the
    clock, as `callback.estimate` does): what a caller on hold, told no clock time, is judged by."""
    instant = announced_at + timedelta(seconds=high)
    excess = (instant - _EPOCH) % _MINUTE
    return (instant - announced_at + (_MINUTE - excess if excess else timedelta(0))).total_seconds()


def calibrate(seen: Iterable[Seen], told: bool = True) -> Levels:
    """The levels that bring the announced range and promise back to their targets.

    `told`: the promises seen were made at the promise's level (callbacks); otherwise they
    are those the range's high would have made (`would_promise`), and the promise's level
    is the high's, moved by what they show."""
    ranged = below = above = promised = broken = 0
    errors: list[float] = []
    for s in seen:
        if s.high > s.low:  # a point ("no wait") is exact, it says nothing of the range
            ranged += 1
            below += s.actual < s.low
            above += s.actual > s.high
            errors.append(s.actual - s.wait)
        if s.promise is not None:
            promised += 1
            broken += s.actual > s.promise
    high = _clamp(P90 + GAIN * (_shrunk(above, ranged, 1 - P90) - (1 - P90)))
    base = P90 if told else high
    gap = _shrunk(broken, promised, PROMISE_BROKEN) - PROMISE_BROKEN
    return Levels(
        low=_clamp(P10 - GAIN * (_shrunk(below, ranged, P10) - P10)),
        high=high,
        promise=_clamp(base + GAIN * gap),
        shift=_shift(errors),
    )


def _shift(errors: list[float]) -> float:
    """GAIN times the mean error beyond `NOISE` standard errors of it (none for fewer than
    `FEW`): a bias the window shows clearly is corrected, its noise is left alone."""
    if len(errors) < FEW:
        return 0.0
    mean = fmean(errors)
    clear = abs(mean) - NOISE * stdev(errors) / sqrt(len(errors))
    return copysign(GAIN * clear, mean) if clear > 0 else 0.0
