"""The positions and waits a request's customer was told, with why the position moved.

Each announcement row (see `announcements`) becomes one timeline line: the place in the line,
the wait and its range, the channel that told it and, from the second one on, how far and
why the place moved since the one before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from callback.store.announcements import ANNOUNCEMENT
from callback.types import RequestId

_n = ANNOUNCEMENT.c


@dataclass(frozen=True, slots=True)
class Announced:
    """One announcement as the timeline shows it."""

    at: datetime
    detail: str


def _minutes(seconds: float) -> str:
    return f"{round(seconds / 60)} min"


def moved(before: int | None, now: int | None) -> str:
    """Why the place changed between two announcements (empty when it did not or is unknown)."""
    if before is None or now is None or before == now:
        return ""
    if now < before:
        why = "people ahead were reached or left, or its priority rose"
        return f"; moved up {before - now}: {why}"
    return f"; moved back {now - before}: people of higher priority joined ahead"


def announced(connection: Connection, request_id: RequestId) -> list[Announced]:
    """What the customer of `request_id` was told, oldest first."""
    query = (
        select(_n.announced_at, _n.ahead, _n.wait_s, _n.low_s, _n.high_s, _n.source)
        .where(_n.request_id == request_id)
        .order_by(_n.announced_at, _n.id)
    )
    steps: list[Announced] = []
    previous: int | None = None
    for at, ahead, wait, low, high, source in connection.execute(query):
        place = f"position {ahead + 1}" if ahead is not None else "position unknown"
        told = f"{place}; wait {_minutes(wait)} ({_minutes(low)}-{_minutes(high)}); via {source}"
        steps.append(Announced(at, told + (moved(previous, ahead) if steps else "")))
        previous = ahead
    return steps
