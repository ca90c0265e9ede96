"""Quantiles of a wait with a callback's retries: a gamma, or gamma humps the retries apart.

The humps change only with the measured no-answer chance and the policy: they are cached.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from math import sqrt
from statistics import NormalDist

P10, P90 = 0.1, 0.9
"""The announced range's levels."""
_NORMAL = NormalDist()

Retry = tuple[float, timedelta] | tuple[float, timedelta, timedelta]
"""A callback's chance p of not answering a dial, the delay the first retry adds and, when
the policy allows a third try, the delay the second retry adds on top."""


@lru_cache(maxsize=256)
def _z(level: float) -> float:
    """The standard normal quantile; the levels change only with the measured no-answers."""
    return _NORMAL.inv_cdf(level)


def quantile(moving: float, var: float, level: float) -> float:
    """The `level` quantile of a gamma with mean `moving` and variance `var` (Wilson-Hilferty)."""
    c = var / (9.0 * moving * moving)
    root = 1.0 - c + _z(min(max(level, 1e-9), 1.0 - 1e-9)) * sqrt(c)
    return moving * max(0.0, root) ** 3


@lru_cache(maxsize=256)
def humps(retry: Retry) -> tuple[tuple[float, float], ...]:
    """(delay in seconds, chance) of each try that reaches the customer: the first with 1 - p,
    the second with p (times 1 - p when a third follows), the third with the rest (p**2)."""
    p, first = retry[0], retry[1].total_seconds()
    if len(retry) == 2:
        return ((0.0, 1.0 - p), (first, p))
    second = first + retry[2].total_seconds()
    return ((0.0, 1.0 - p), (first, p * (1.0 - p)), (second, p * p))


@lru_cache(maxsize=256)
def retry_delay(retry: Retry) -> float:
    """The mean delay the retries add (seconds)."""
    return sum(delay * chance for delay, chance in humps(retry))


@lru_cache(maxsize=1024)
def hump_at(retry: Retry, level: float) -> tuple[float, float]:
    """The delay of the hump holding the `level` quantile, and the level within that hump."""
    below = 0.0
    parts = humps(retry)
    for delay, chance in parts[:-1]:
        if level <= below + chance:
            return delay, (level - below) / chance
        below += chance
    delay, chance = parts[-1]
    return delay, (level - below) / chance if chance else 0.5


def retry_spread(
    moving: float, var: float, retry: Retry, levels: tuple[float, ...] = (P10, P90)
) -> tuple[float, ...]:
    """The quantiles (10th and 90th percentiles unless told) when a missed call (chance p)
    adds a retry's delay.

    The wait is the first-try wait W, or W plus a retry's delay: a law of humps, each far
    enough apart (a backoff is minutes) that a quantile falls in one of them.
    """
    found = []
    for q in levels:
        delay, within = hump_at(retry, q)
        found.append(delay + quantile(moving, var, within))
    return tuple(found)
