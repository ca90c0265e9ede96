"""Quantiles of a wait with a callback's retry: a gamma, or two gamma humps d apart."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from math import sqrt
from statistics import NormalDist

P10, P90 = 0.1, 0.9
"""The announced range's levels."""
_NORMAL = NormalDist()


@lru_cache(maxsize=256)
def _z(level: float) -> float:
    """The standard normal quantile; the levels change only with the measured no-answers."""
    return _NORMAL.inv_cdf(level)


def quantile(moving: float, var: float, level: float) -> float:
    """The `level` quantile of a gamma with mean `moving` and variance `var` (Wilson-Hilferty)."""
    c = var / (9.0 * moving * moving)
    root = 1.0 - c + _z(min(max(level, 1e-9), 1.0 - 1e-9)) * sqrt(c)
    return moving * max(0.0, root) ** 3


def retry_spread(moving: float, var: float, retry: tuple[float, timedelta]) -> tuple[float, float]:
    """10th and 90th percentiles when a missed call (chance p) adds the retry's delay d.

    The wait is the first-try wait W, or W + d: a two-humped law, whose quantile falls in
    the first hump while the level is below 1 - p and in the second above it.
    """
    p, d = retry[0], retry[1].total_seconds()

    def level(q: float) -> float:
        if q <= 1.0 - p:
            return quantile(moving, var, q / (1.0 - p))
        return d + quantile(moving, var, (q - (1.0 - p)) / p)

    return level(P10), level(P90)
